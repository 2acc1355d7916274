"""The same guarantees on the PostgreSQL server, whatever backend the rest of the suite uses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import truncate_all
from tests.support.factories import Factory
from tests.unit.test_events import assert_gap_free, run_concurrently
from workshop.db import make_engine, make_sessionmaker
from workshop.models import Base


@pytest.fixture
def pg_engine(postgres_database: str) -> Iterator[Engine]:
    """An engine on the migrated scratch PostgreSQL database, emptied first."""
    truncate_all(postgres_database)
    engine = make_engine(postgres_database, pool_size=10)
    yield engine
    engine.dispose()


def test_migrations_run_on_postgresql(pg_engine: Engine) -> None:
    assert pg_engine.dialect.name == "postgresql"
    assert set(Base.metadata.tables) <= set(inspect(pg_engine).get_table_names())


def test_concurrent_appends_are_gap_free_on_postgresql(pg_engine: Engine) -> None:
    maker: sessionmaker[Session] = make_sessionmaker(pg_engine)
    with maker() as db:
        workshop = Factory(db).workshop()
        workshop_id = workshop.id
    errors = run_concurrently(maker, workshop_id, workers=8, each=25)
    assert errors == []
    with maker() as db:
        assert_gap_free(db, workshop_id, 1 + 8 * 25)
