"""Erasure on request: the facilitator removes one participant's notes, live on every screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from tests.support.realtime import facilitator_screen, join, note_id, projector_screen
from workshop.models import Event, Note, Participant, Vote

Scalar = Callable[[Any], Any]


def test_removing_a_persons_notes_reaches_every_screen_and_frees_the_dots(
    app: Flask, db: Session, factory: Factory, scalar: Scalar
) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    console = facilitator_screen(app, db, owner, workshop)
    wall = projector_screen(app, workshop)
    _, anna = join(app, workshop, "Anna", "gemeenten")
    _, bram = join(app, workshop, "Bram", "gemeenten")
    assert console.emit("phase:set", {"phase": "brainstorm"})["ok"]
    kept, gone, withdrawn = note_id(), note_id(), note_id()
    secret = "Wethouder X lekt de offerte"
    assert anna.emit("note:add", {"note_id": gone, "kind": "risk", "text": secret})["ok"]
    assert anna.emit("note:add", {"note_id": withdrawn, "kind": "risk", "text": "Weg"})["ok"]
    assert anna.emit("note:edit", {"note_id": gone, "kind": "risk", "text": secret + "!"})["ok"]
    assert anna.emit("note:delete", {"note_id": withdrawn})["ok"]
    assert bram.emit("note:add", {"note_id": kept, "kind": "risk", "text": "Lock-in"})["ok"]
    assert console.emit("phase:set", {"phase": "vote"})["ok"]
    dot = {"target_type": "note", "target_id": gone}
    assert bram.emit("vote:add", dot)["ok"]
    assert bram.emit("vote:add", {"target_type": "note", "target_id": kept})["ok"]
    anna_id = scalar(select(Participant.id).where(Participant.display_name == "Anna"))
    for screen in (console, wall, anna, bram):
        screen.take()

    refused = bram.emit("participant:remove_notes", {"participant_id": anna_id})
    assert refused["ok"] is False and refused["code"] == "forbidden"
    ack = console.emit("participant:remove_notes", {"participant_id": anna_id})
    assert ack["ok"], ack

    for screen in (console, wall, anna, bram):
        facts = screen.take()
        assert ("note:deleted", gone) in [(n, p.get("note_id")) for n, p in facts]
        assert kept not in [p.get("note_id") for _n, p in facts]
        assert facts[-1][1]["seq"] == ack["seq"]  # every screen's seq reaches the ack's
    assert scalar(select(func.count(Note.id)).where(Note.author_id == anna_id)) == 0
    assert scalar(select(func.count(Note.id)).where(Note.id == kept)) == 1
    assert scalar(select(func.count(Vote.id)).where(Vote.target_id == gone)) == 0
    assert scalar(select(func.count(Vote.id)).where(Vote.target_id == kept)) == 1
    query = select(Event.payload).where(Event.workshop_id == workshop.id)
    logged = [str(payload) for payload in db.scalars(query)]
    db.rollback()  # end the read, so the app can write again (SQLite)
    assert not any("Wethouder" in payload for payload in logged)
    assert bram.emit("vote:add", {"target_type": "note", "target_id": kept})["ok"]  # dot is back

    snapshot = wall.sync(0)
    shown = snapshot.get("snapshot", {}).get("notes") or [
        p["note"] for n, p in snapshot.get("facts", []) if isinstance(p, dict) and "note" in p
    ]
    assert all("Wethouder" not in str(note) for note in shown)
    again = console.emit("participant:remove_notes", {"participant_id": anna_id})
    assert again["ok"]  # nothing left: one more harmless fact


def test_an_unknown_participant_is_refused(app: Flask, db: Session, factory: Factory) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    other = factory.workshop(owner=owner)
    join(app, other, "Zoë", "gemeenten")
    console = facilitator_screen(app, db, owner, workshop)
    stranger_id = db.scalar(select(Participant.id).where(Participant.workshop_id == other.id))
    db.rollback()
    for value in (stranger_id, 0, "x", None):
        ack = console.emit("participant:remove_notes", {"participant_id": value})
        assert ack["ok"] is False and ack["code"] in {"not_found", "invalid"}, ack
