"""Apply Alembic migrations programmatically (CLI, server start, tests)."""

from __future__ import annotations

import logging

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from workshop.paths import MIGRATIONS_DIR


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations and this engine."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head", verbose: bool = False) -> None:
    """Bring the database schema up to ``revision``."""
    # Alembic narrates every step at INFO; only `workshop db upgrade` wants to hear it.
    logging.getLogger("alembic").setLevel(logging.INFO if verbose else logging.WARNING)
    command.upgrade(alembic_config(engine), revision)


def pending(engine: Engine) -> bool:
    """True when the database is behind the newest migration."""
    script = ScriptDirectory.from_config(alembic_config(engine))
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    return set(current) != set(script.get_heads())
