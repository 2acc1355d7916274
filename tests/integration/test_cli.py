"""The ``workshop`` command as a person runs it, in a separate process."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.html import csrf_token
from tests.support.processes import REPO, run_cli, workshop_env

DEMO = str(REPO / "sessions" / "denktank-cloudstrategie.yaml")


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> dict[str, str]:
    """Environment for CLI calls on the test's database."""
    return workshop_env(
        tmp_path / "instance", database_url, WORKSHOP_PUBLIC_URL="http://127.0.0.1:5000"
    )


def test_help_lists_every_command(env: dict[str, str]) -> None:
    result = run_cli(["--help"], env)
    assert result.returncode == 0
    for command in ("serve", "db", "plan", "new", "demo", "facilitator"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.M), command
    for sub in (
        ["db", "--help"],
        ["plan", "check", "--help"],
        ["facilitator", "--help"],
        ["serve", "--help"],
    ):
        assert run_cli(sub, env).returncode == 0


def test_plan_check_accepts_the_shipped_plans(env: dict[str, str]) -> None:
    plans = sorted(str(p) for p in (REPO / "sessions").glob("*.yaml"))
    result = run_cli(["plan", "check", *plans], env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok") == len(plans)


def test_plan_check_reports_every_problem_with_its_line(
    env: dict[str, str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "title: Test\n"
        "colour_scheme: dark\n"
        "viewpoints:\n"
        "  - name: A\n"
        "  - name: B\n"
        "    question: Why?\n"
        "phases:\n"
        "  brainstorm: -5\n"
    )
    result = run_cli(["plan", "check", str(bad)], env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert [line.split(":")[1] for line in lines] == ["2", "4", "8"]
    assert all(line.startswith(f"{bad}:") for line in lines)
    assert "colour_scheme" in lines[0]


def test_plan_check_on_a_missing_file_fails(env: dict[str, str], tmp_path: Path) -> None:
    result = run_cli(["plan", "check", str(tmp_path / "nope.yaml")], env)
    assert result.returncode == 2


def test_new_prints_links_as_json(env: dict[str, str], app: Flask) -> None:
    result = run_cli(["new", DEMO, "--facilitator", "anna@example.org", "--json"], env)
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert set(info) == {"id", "join_code", "join_url", "projector_url", "console_url"}
    assert info["join_url"] == f"http://127.0.0.1:5000/j/{info['join_code']}"
    assert info["console_url"] == f"http://127.0.0.1:5000/console/workshops/{info['id']}"
    # The printed projector link opens the projector without a login.
    path = info["projector_url"].removeprefix("http://127.0.0.1:5000")
    assert app.test_client().get(path).status_code == 200


def test_demo_is_created_once_and_prints_a_working_login_link(
    env: dict[str, str], client: FlaskClient
) -> None:
    first = run_cli(["demo"], env)
    second = run_cli(["demo"], env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    codes = [re.search(r"join code ([A-Z0-9]{6})", out.stdout) for out in (first, second)]
    assert codes[0] and codes[1] and codes[0].group(1) == codes[1].group(1)
    login = re.search(r"http://127\.0\.0\.1:5000(/login/\S+)", second.stdout)
    assert login, second.stdout
    response = client.get(login.group(1))
    assert response.status_code == 302
    console = client.get(response.headers["Location"])
    assert console.status_code == 200 and codes[0].group(1) in console.get_data(as_text=True)


def test_facilitator_add_without_terminal_prints_a_generated_password(
    env: dict[str, str], client: FlaskClient
) -> None:
    result = run_cli(["facilitator", "add", "Chris@Example.org"], env)
    assert result.returncode == 0, result.stderr
    password = re.search(r"Generated password \(shown once\): (\S+)", result.stdout)
    assert password
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": "chris@example.org",
            "password": password.group(1),
            "csrf_token": csrf_token(page),
        },
    )
    assert response.status_code == 302
    again = run_cli(["facilitator", "add", "chris@example.org"], env)
    assert again.returncode == 2 and "already" in again.stderr


def test_facilitator_link_for_unknown_address_fails(env: dict[str, str]) -> None:
    result = run_cli(["facilitator", "link", "ghost@example.org"], env)
    assert result.returncode == 2
    assert "no facilitator" in result.stderr


def test_facilitator_link_is_single_use(env: dict[str, str], client: FlaskClient) -> None:
    assert run_cli(["facilitator", "add", "dana@example.org"], env).returncode == 0
    result = run_cli(["facilitator", "link", "dana@example.org"], env)
    assert result.returncode == 0
    path = result.stdout.strip().removeprefix("http://127.0.0.1:5000")
    assert client.get(path).status_code == 302
    assert client.application.test_client().get(path).status_code == 400


def test_suggest_clusters_prints_a_cluster_per_note(env: dict[str, str], tmp_path: Path) -> None:
    notes = tmp_path / "notes.csv"
    notes.write_text(
        "id,text,extra\n"
        "a,We worden afhankelijk van één leverancier,x\n"
        "b,Afhankelijk van een leverancier: lock-in,x\n"
        "c,Wie betaalt de migratiekosten?,x\n",
        encoding="utf-8",
    )
    result = run_cli(["suggest-clusters", str(notes)], env)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "cluster"]
    labels = {note: label for note, label in rows[1:]}
    assert list(labels) == ["a", "b", "c"]
    assert labels["a"] == labels["b"] != labels["c"]
    bad = tmp_path / "bad.csv"
    bad.write_text("nummer,tekst\n1,x\n", encoding="utf-8")
    refused = run_cli(["suggest-clusters", str(bad)], env)
    assert refused.returncode == 2 and "id" in refused.stderr
