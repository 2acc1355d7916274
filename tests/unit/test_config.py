"""Configuration from WORKSHOP_* variables, overrides, the secret key, the README's table."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from workshop import config, create_app
from workshop.db import make_engine

REPO = Path(__file__).resolve().parents[2]


def test_environment_is_read_and_typed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKSHOP_PORT", "8123")
    monkeypatch.setenv("WORKSHOP_HOST", "127.0.0.2")
    monkeypatch.setenv("WORKSHOP_INSTANCE_PATH", str(tmp_path))
    settings = config.build()
    assert settings["PORT"] == 8123
    assert settings["PUBLIC_URL"] == "http://127.0.0.2:8123"
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'workshop.db'}"


def test_overrides_beat_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WORKSHOP_PORT", "8123")
    settings = config.build(
        {"PORT": 9000, "INSTANCE_PATH": str(tmp_path), "PUBLIC_URL": "https://x.org/"}
    )
    assert settings["PORT"] == 9000
    assert settings["PUBLIC_URL"] == "https://x.org"


def test_wildcard_host_is_never_printed_as_a_link(tmp_path: Path) -> None:
    settings = config.build({"HOST": "0.0.0.0", "INSTANCE_PATH": str(tmp_path)})
    assert "0.0.0.0" not in settings["PUBLIC_URL"]


def test_secret_key_is_generated_once_and_private(tmp_path: Path) -> None:
    first = config.secret_key(str(tmp_path), None)
    second = config.secret_key(str(tmp_path), None)
    assert first == second and len(first) >= 64
    mode = stat.S_IMODE((tmp_path / "secret_key").stat().st_mode)
    assert mode == 0o600
    assert config.secret_key(str(tmp_path), "given") == "given"


def test_https_public_url_makes_cookies_secure(tmp_path: Path) -> None:
    plain = create_app({"INSTANCE_PATH": str(tmp_path), "PUBLIC_URL": "http://127.0.0.1:5000"})
    secure = create_app(
        {"INSTANCE_PATH": str(tmp_path), "PUBLIC_URL": "https://denktank.example.org"}
    )
    assert plain.config["SESSION_COOKIE_SECURE"] is False
    assert secure.config["SESSION_COOKIE_SECURE"] is True
    assert secure.config["SESSION_COOKIE_HTTPONLY"] is True


def test_sqlite_engine_uses_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_plain_postgresql_urls_use_psycopg_3() -> None:
    engine = make_engine("postgresql://user@127.0.0.1:5432/db")
    assert engine.dialect.driver == "psycopg"
    engine.dispose()


def test_readme_documents_every_setting() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in config.SETTINGS if f"WORKSHOP_{name}" not in readme]
    assert missing == []
