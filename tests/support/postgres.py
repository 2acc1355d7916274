"""Scratch PostgreSQL databases for tests that start their own server processes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import postgres_admin_url, require_service


@contextmanager
def new_database(prefix: str) -> Iterator[str]:
    """An empty database ``<prefix>_<random>`` (not migrated), dropped afterwards."""
    admin_url = postgres_admin_url()
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        require_service("PostgreSQL", error)
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
