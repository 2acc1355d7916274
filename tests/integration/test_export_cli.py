"""``workshop export`` and ``workshop import`` as a person runs them, in a separate process."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from tests.support.exports import build
from tests.support.factories import Factory
from tests.support.processes import run_cli, workshop_env


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """Environment for CLI calls on the test's database."""
    return workshop_env(
        tmp_path / "instance", database_url, WORKSHOP_PUBLIC_URL="http://127.0.0.1:5000"
    )


def test_export_all_formats_then_import_the_archive(
    env: dict[str, str], tmp_path: Path, db: Session, factory: Factory
) -> None:
    built = build(db, factory)
    out = tmp_path / "out"
    result = run_cli(["export", str(built.workshop.id), "--format", "all", "--out", str(out)], env)
    assert result.returncode == 0, result.stderr
    names = sorted(path.name for path in out.iterdir())
    assert names == [
        "cloud-strategy-2015-06-13-tables.zip",
        "cloud-strategy-2015-06-13.docx",
        "cloud-strategy-2015-06-13.json",
        "cloud-strategy-2015-06-13.md",
        "cloud-strategy-2015-06-13.xlsx",
    ]
    assert sorted(result.stdout.split()) == sorted(str(out / name) for name in names)
    archive = out / "cloud-strategy-2015-06-13.json"
    owner = built.workshop.owner.email
    imported = run_cli(["import", str(archive), "--owner", owner, "--json"], env)
    assert imported.returncode == 0, imported.stderr
    info = json.loads(imported.stdout)
    assert info["id"] != built.workshop.id and info["join_code"] != built.workshop.join_code
    again = tmp_path / "again"
    code = info["join_code"]
    result = run_cli(["export", code, "--format", "json", "--out", str(again)], env)
    assert result.returncode == 0, result.stderr
    first, second = (
        json.loads(p.read_text(encoding="utf-8")) for p in (archive, next(again.iterdir()))
    )
    assert {k: v for k, v in first.items() if k != "source"} == {
        k: v for k, v in second.items() if k != "source"
    }


def test_export_by_join_code_with_names(
    env: dict[str, str], tmp_path: Path, db: Session, factory: Factory
) -> None:
    built = build(db, factory)
    args = ["export", built.workshop.join_code.lower(), "--format", "md", "--out", str(tmp_path)]
    result = run_cli([*args, "--include-names"], env)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "cloud-strategy-2015-06-13.md").read_text(encoding="utf-8")
    assert "Anna Jansen" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "999999", "--out", "OUT"], "no workshop with id or join code"),
        (["export", "1", "--format", "pdf", "--out", "OUT"], "Invalid value for '--format'"),
        (["export", "1"], "Missing option '--out'"),
        (["export", "1", "--out", "OUT", "--timezone", "Mars/Olympus"], "unknown time zone"),
        (["import", "MISSING.json", "--owner", "a@example.org"], "cannot read"),
    ],
)
def test_bad_input_fails_clearly(
    env: dict[str, str], tmp_path: Path, args: list[str], message: str
) -> None:
    args = [
        a.replace("OUT", str(tmp_path / "out")).replace("MISSING", str(tmp_path / "x"))
        for a in args
    ]
    result = run_cli(args, env)
    assert result.returncode == 2
    assert message in result.stderr


def test_import_refuses_a_bad_file_and_an_unknown_owner(
    env: dict[str, str], tmp_path: Path, db: Session, factory: Factory
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "denktank-workshop-archive", "schema_version": 2}', encoding="utf-8")
    result = run_cli(["import", str(bad), "--owner", "nobody@example.org"], env)
    assert result.returncode == 2 and "schema version 2" in result.stderr
    built = build(db, factory)
    run_cli(["export", str(built.workshop.id), "--format", "json", "--out", str(tmp_path)], env)
    archive = tmp_path / "cloud-strategy-2015-06-13.json"
    result = run_cli(["import", str(archive), "--owner", "nobody@example.org"], env)
    assert result.returncode == 2 and "no facilitator" in result.stderr
