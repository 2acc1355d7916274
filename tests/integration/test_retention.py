"""Deleting workshops: "delete this workshop now" in the console, and the retention purge."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.integration.test_console import login
from tests.support.factories import Factory
from tests.support.html import csrf_token
from tests.support.processes import run_cli, workshop_env
from tests.support.realtime import connect, facilitator_screen, join, note_id
from workshop import retention
from workshop.models import (
    Cluster,
    Endorsement,
    Event,
    Facilitator,
    Note,
    Participant,
    RiskScore,
    Viewpoint,
    Vote,
    Workshop,
    utcnow,
)

TABLES = (Endorsement, Vote, RiskScore, Event, Note, Cluster, Participant, Viewpoint)
Scalar = Callable[[Any], Any]


def rows_of(scalar: Scalar, workshop_id: int) -> dict[str, int]:
    counts = {
        model.__tablename__: scalar(
            select(func.count()).select_from(model).where(model.workshop_id == workshop_id)
        )
        for model in TABLES
    }
    counts["workshop"] = scalar(select(func.count(Workshop.id)).where(Workshop.id == workshop_id))
    return counts


def busy_workshop(app: Flask, db: Session, owner: Facilitator, factory: Factory) -> Workshop:
    """A workshop with a row in every table: notes, a cluster, +1, dots, scores, a proxy."""
    workshop = factory.workshop(owner=owner)
    console = facilitator_screen(app, db, owner, workshop)
    _, anna = join(app, workshop, "Anna", "gemeenten")
    _, bram = join(app, workshop, "Bram", "gemeenten")
    assert console.emit("phase:set", {"phase": "brainstorm"})["ok"]
    notes = [note_id(), note_id()]
    for n, identifier in enumerate(notes):
        assert anna.emit("note:add", {"note_id": identifier, "kind": "risk", "text": f"R{n}"})["ok"]
    assert bram.emit("note:endorse", {"note_id": notes[0], "endorsed": True})["ok"]
    cluster = str(uuid.uuid4())
    assert console.emit("cluster:create", {"cluster_id": cluster, "note_ids": [notes[0]]})["ok"]
    vp = workshop.viewpoints[0].id
    assert console.emit("proxy:add", {"display_name": "Piet", "viewpoint_id": vp})["ok"]
    assert console.emit("phase:set", {"phase": "vote"})["ok"]
    assert bram.emit("vote:add", {"target_type": "note", "target_id": notes[1]})["ok"]
    score = {"target_type": "cluster", "target_id": cluster, "likelihood": 3, "impact": 4}
    bram.emit("risk:score", score)  # only counted when the plan scores risks; either is fine
    for screen in (console, anna, bram):
        screen.sio.disconnect()
    return workshop


def test_purge_removes_every_row_of_expired_workshops_only(
    app: Flask, db: Session, factory: Factory, scalar: Scalar
) -> None:
    owner = factory.facilitator()
    old = busy_workshop(app, db, owner, factory)
    recent = busy_workshop(app, db, owner, factory)
    still_open = factory.workshop(owner=owner)
    now = utcnow()
    db.get(Workshop, old.id).closed_at = now - dt.timedelta(days=31)  # type: ignore[union-attr]
    db.get(Workshop, recent.id).closed_at = now - dt.timedelta(days=29)  # type: ignore[union-attr]
    db.commit()
    before = rows_of(scalar, old.id)
    assert all(before[table] for table in ("note", "cluster", "endorsement", "vote", "event"))
    assert before["participant"] == 3  # Anna, Bram and the proxy

    listed = retention.purge(db, 30, dry_run=True)
    db.commit()
    assert [item.workshop_id for item in listed] == [old.id]
    assert rows_of(scalar, old.id) == before

    removed = retention.purge(db, 30)
    db.commit()
    assert [item.workshop_id for item in removed] == [old.id]
    assert removed[0].rows["notes"] == 2 and removed[0].rows["participants"] == 3
    assert set(rows_of(scalar, old.id).values()) == {0}
    assert rows_of(scalar, recent.id)["note"] == 2
    assert rows_of(scalar, still_open.id)["workshop"] == 1
    assert scalar(select(func.count(Facilitator.id)).where(Facilitator.id == owner.id)) == 1


def test_workshop_purge_command_lists_then_deletes(tmp_path: Path, database_url: str) -> None:
    env = workshop_env(tmp_path / "instance", database_url, WORKSHOP_RETENTION_DAYS="30")
    plan = Path(__file__).resolve().parents[2] / "sessions" / "denktank-cloudstrategie.yaml"
    created = run_cli(["new", str(plan), "--facilitator", "anna@example.org", "--json"], env)
    assert created.returncode == 0, created.stderr
    from workshop.db import make_engine
    from workshop.models import Workshop as W

    engine = make_engine(database_url)
    with Session(engine) as db:
        workshop = db.scalars(select(W)).one()
        workshop.closed_at = utcnow() - dt.timedelta(days=45)
        workshop.phase = "closed"
        title, workshop_id = workshop.title, workshop.id
        db.commit()
    dry = run_cli(["purge", "--dry-run"], env)
    assert dry.returncode == 0, dry.stderr
    assert f"Would delete #{workshop_id} “{title}”" in dry.stdout
    assert "Would delete 1 workshop(s) closed more than 30 days ago." in dry.stdout
    real = run_cli(["purge"], env)
    assert real.returncode == 0, real.stderr
    assert f"Deleted #{workshop_id} “{title}”" in real.stdout and "viewpoints" in real.stdout
    again = run_cli(["purge"], env)
    assert "Deleted 0 workshop(s)" in again.stdout
    with Session(engine) as db:
        assert db.scalar(select(func.count(W.id))) == 0
    engine.dispose()


def _delete_page(client: FlaskClient, workshop: Workshop) -> str:
    page = client.get(f"/console/workshops/{workshop.id}/delete")
    assert page.status_code == 200
    return csrf_token(page)


def test_console_deletes_a_workshop_after_typing_its_code(
    app: Flask, db: Session, factory: Factory, client: FlaskClient, scalar: Scalar
) -> None:
    owner = factory.facilitator()
    workshop = busy_workshop(app, db, owner, factory)
    phone_http, phone = join(app, workshop, "Chris", "leveranciers")
    phone.take()
    login(client, db, owner)
    url = f"/console/workshops/{workshop.id}/delete"
    assert f'href="{url}"' in client.get(f"/console/workshops/{workshop.id}").get_data(True)

    token = _delete_page(client, workshop)
    wrong = client.post(url, data={"csrf_token": token, "confirm": "something else"})
    assert wrong.status_code == 400
    assert "Nothing was deleted" in wrong.get_data(as_text=True)
    assert client.post(url, data={"confirm": workshop.join_code}).status_code == 400  # no CSRF
    assert rows_of(scalar, workshop.id)["workshop"] == 1

    done = client.post(url, data={"csrf_token": token, "confirm": workshop.join_code.lower()})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/")
    assert set(rows_of(scalar, workshop.id).values()) == {0}
    assert not phone.sio.is_connected()
    # The test client refuses to read once disconnected; what arrived before is in its queue.
    told = [(item["name"], item["args"][0]) for item in phone.sio.queue]
    assert ("workshop:deleted", {"workshop_id": workshop.id}) in told
    again = connect(app, phone_http, {"workshop": workshop.id, "role": "participant"})
    assert not again.sio.is_connected()
    assert client.get(f"/console/workshops/{workshop.id}").status_code == 404


def test_the_title_confirms_too_and_nobody_else_may_delete(
    app: Flask, db: Session, factory: Factory, client: FlaskClient, scalar: Scalar
) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    url = f"/console/workshops/{workshop.id}/delete"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    login(client, db, factory.facilitator())
    assert client.get(url).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/console/"))})
    login(client, db, owner)
    token = _delete_page(client, workshop)
    typed = "  " + workshop.title.upper() + " "
    assert client.post(url, data={"csrf_token": token, "confirm": typed}).status_code == 302
    assert rows_of(scalar, workshop.id)["workshop"] == 0


@pytest.mark.parametrize("days", [0])
def test_retention_zero_keeps_everything(tmp_path: Path, database_url: str, days: int) -> None:
    env = workshop_env(tmp_path / "instance", database_url, WORKSHOP_RETENTION_DAYS=str(days))
    result = run_cli(["purge"], env)
    assert result.returncode == 0 and "Retention is off" in result.stdout
