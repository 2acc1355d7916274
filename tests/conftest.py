"""Shared fixtures: app, database, HTTP client, factories, a live server and a browser."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from workshop import create_app, migrate
from workshop.db import make_engine
from workshop.models import Base

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_URL = os.environ.get(
    "WORKSHOP_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
# The whole suite runs on SQLite by default; WORKSHOP_TEST_BACKEND=postgresql runs it on the
# PostgreSQL server instead (CI does both).
BACKEND = os.environ.get("WORKSHOP_TEST_BACKEND", "sqlite")


def require_service(name: str, error: Exception) -> None:
    """Skip when a service is missing on a developer machine; fail in CI, where it must exist."""
    message = f"{name} is not reachable: {error}"
    if IN_CI:
        pytest.fail(message + " (CI=true: this must not be skipped)")
    pytest.skip(message)


def postgres_admin_url() -> str:
    """The configured PostgreSQL URL, normalised to the psycopg 3 driver."""
    url = make_url(POSTGRES_URL)
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A scratch PostgreSQL database for this test run, migrated to head, dropped afterwards."""
    admin_url = postgres_admin_url()
    name = f"denktank_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        require_service("PostgreSQL", error)
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def truncate_all(url: str) -> None:
    """Empty every table (PostgreSQL test isolation without re-migrating)."""
    engine = create_engine(url)
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file copied for each test (migrating every time is slow)."""
    path = tmp_path_factory.mktemp("template") / "workshop.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    # Closing the last connection checkpoints the WAL into the file, so a plain copy is whole.
    engine.dispose()
    return path


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database for one test on the selected backend."""
    if BACKEND == "postgresql":
        url: str = request.getfixturevalue("postgres_database")
        truncate_all(url)
        return url
    template: Path = request.getfixturevalue("sqlite_template")
    target = tmp_path / "instance" / "workshop.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def app_settings(tmp_path: Path, database_url: str) -> dict[str, Any]:
    """Overrides for create_app in tests."""
    return {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key",
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "TESTING": True,
        "ASYNC_MODE": "threading",
        # Flask-SocketIO's test client reads what was sent right after each ack: facts go out at
        # once here. Live servers (tests/support/processes.py) batch them as in production.
        "FACT_BATCH_MS": 0,
    }


@pytest.fixture
def app(app_settings: dict[str, Any]) -> Iterator[Flask]:
    """The application on a fresh database."""
    application = create_app(app_settings)
    yield application
    application.extensions["workshop.engine"].dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[Session]:
    """A database session of the app's sessionmaker."""
    session: Session = app.extensions["workshop.sessionmaker"]()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def scalar(app: Flask) -> Callable[[Any], Any]:
    """Run one query in its own short read transaction (sees everything committed so far).

    Use it to check what the app stored: the ``db`` session would keep its transaction (and on
    SQLite the write lock) open between the test's reads and the app's writes.
    """

    def run(statement: Any) -> Any:
        with app.extensions["workshop.read_sessionmaker"]() as session:
            return session.scalar(statement)

    return run


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Flask's test client (cookies kept), a browser that prefers English unless a test says so."""
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def factory(db: Session) -> Factory:
    """Build facilitators and workshops through the domain modules."""
    return Factory(db)
