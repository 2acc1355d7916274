"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from workshop import migrate
from workshop.models import Base


def test_migrated_database_matches_the_models(app: Flask) -> None:
    engine = app.extensions["workshop.engine"]
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_every_model_table_exists_and_nothing_is_pending(app: Flask) -> None:
    engine = app.extensions["workshop.engine"]
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert not migrate.pending(engine)
    migrate.upgrade(engine)  # running again is harmless
    assert not migrate.pending(engine)
