"""Alembic environment: runs against the engine handed in by workshop.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from workshop.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    is_postgres = connection.dialect.name == "postgresql"
    if is_postgres:
        # Several server processes may start at once; only one migrates, the rest wait.
        connection.execute(text("SELECT pg_advisory_lock(727274)"))
        connection.commit()
    try:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    finally:
        if is_postgres:
            connection.execute(text("SELECT pg_advisory_unlock(727274)"))
            connection.commit()
