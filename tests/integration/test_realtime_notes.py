"""Notes over Socket.IO: posting, editing, deleting, moderating, who sees what, retries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from tests.support.realtime import (
    Screen,
    connect,
    facilitator_screen,
    join,
    note_id,
    op,
    projector_screen,
    seqs,
)
from workshop.models import Event, Note, Workshop

Scalar = Callable[[Any], Any]


@dataclass
class Room:
    """The demo workshop with a console, a wall and phones in two groups."""

    workshop: Workshop
    console: Screen
    wall: Screen
    anna: Screen  # gemeenten
    bram: Screen  # gemeenten
    chris: Screen  # leveranciers

    def screens(self) -> list[Screen]:
        return [self.console, self.wall, self.anna, self.bram, self.chris]

    def drain(self) -> None:
        for screen in self.screens():
            screen.take()


@pytest.fixture
def room(app: Flask, db: Session, factory: Factory) -> Room:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    console = facilitator_screen(app, db, owner, workshop)
    wall = projector_screen(app, workshop)
    _, anna = join(app, workshop, "Anna", "gemeenten")
    _, bram = join(app, workshop, "Bram", "gemeenten")
    _, chris = join(app, workshop, "Chris", "leveranciers")
    built = Room(workshop, console, wall, anna, bram, chris)
    assert console.emit("phase:set", {"phase": "brainstorm"})["ok"]
    built.drain()
    return built


def post(screen: Screen, text: str, kind: str = "risk", **extra: object) -> dict[str, object]:
    return screen.emit("note:add", {"note_id": note_id(), "kind": kind, "text": text, **extra})


def test_a_note_reaches_every_screen_in_the_form_it_may_see(room: Room) -> None:
    ack = post(room.anna, "  Persoonsgegevens   in de cloud  ")
    assert ack["ok"] is True and isinstance(ack["seq"], int)

    [(name, full)] = room.console.take()
    assert name == "note:added"
    assert full["note"]["text"] == "Persoonsgegevens in de cloud"  # cleaned
    assert full["note"]["author_name"] == "Anna"

    [(name, own_group)] = room.bram.take()
    assert name == "note:added" and own_group["note"]["text"] == "Persoonsgegevens in de cloud"
    assert "author_name" not in own_group["note"] and "author_id" not in own_group["note"]

    # Another group, and the wall of a plan that hides notes until sharing: countable, unreadable.
    for screen in (room.chris, room.wall):
        [(name, other)] = screen.take()
        assert name == "note:added"
        assert other["note"]["redacted"] is True and "text" not in other["note"]
        assert other["seq"] == ack["seq"]


def test_posting_errors_change_nothing(room: Room, scalar: Scalar) -> None:
    before = scalar(select(func.count()).select_from(Event))
    cases = [
        ({"note_id": note_id(), "kind": "risk", "text": "   "}, "invalid"),
        ({"note_id": note_id(), "kind": "risk", "text": "x" * 281}, "too_long"),
        ({"note_id": note_id(), "kind": "opportunity", "text": "x"}, "invalid"),
        ({"note_id": "not-a-uuid", "kind": "risk", "text": "x"}, "invalid"),
        ({"note_id": note_id(), "kind": "risk", "text": 42}, "invalid"),
    ]
    for payload, code in cases:
        ack = room.anna.emit("note:add", payload)
        assert ack["ok"] is False and ack["code"] == code, (payload, ack)
        assert ack["message"]
    missing_op = room.anna.call("note:add", {"note_id": note_id(), "kind": "risk", "text": "x"})
    assert missing_op["ok"] is False and missing_op["code"] == "invalid"
    assert room.anna.call("note:add", "not an object")["code"] == "invalid"
    assert scalar(select(func.count()).select_from(Event)) == before
    assert all(screen.take() == [] for screen in room.screens())


def test_a_projector_cannot_post(room: Room) -> None:
    ack = post(room.wall, "Sneaky")
    assert ack == {**ack, "ok": False, "code": "forbidden"}


def test_posting_waits_for_the_brainstorm(app: Flask, db: Session, factory: Factory) -> None:
    workshop = factory.workshop()
    _, phone = join(app, workshop, "Anna")
    ack = post(phone, "Too early")
    assert ack["ok"] is False and ack["code"] == "wrong_phase"
    assert "brainstorm" in ack["message"].lower()


def test_a_retried_operation_is_stored_and_broadcast_once(room: Room, scalar: Scalar) -> None:
    payload = {"op_id": op(), "note_id": note_id(), "kind": "risk", "text": "Vendor lock-in"}
    first = room.anna.call("note:add", payload)
    again = room.anna.call("note:add", payload)
    assert first["ok"] and again == {"ok": True, "seq": first["seq"], "duplicate": True}
    assert scalar(select(func.count()).select_from(Note)) == 1
    assert len(room.console.take()) == 1


def test_the_same_note_id_with_a_new_operation_is_refused(room: Room, scalar: Scalar) -> None:
    same = note_id()
    assert post(room.anna, "Once", note_id=same)["ok"]
    ack = room.anna.emit("note:add", {"note_id": same, "kind": "risk", "text": "Twice"})
    assert ack["ok"] is False and ack["code"] == "conflict"
    assert scalar(select(func.count()).select_from(Note)) == 1


def test_authors_edit_and_delete_their_own_notes_only(room: Room) -> None:
    mine = note_id()
    post(room.anna, "Eerste versie", note_id=mine)
    room.drain()
    edited = room.anna.emit(
        "note:edit", {"note_id": mine, "text": "Tweede versie", "kind": "consequence"}
    )
    assert edited["ok"]
    [(name, fact)] = room.bram.take()
    assert name == "note:edited" and fact["note"]["text"] == "Tweede versie"
    assert fact["note"]["kind"] == "consequence"

    stolen = room.bram.emit("note:edit", {"note_id": mine, "text": "Van mij"})
    assert stolen["ok"] is False and stolen["code"] == "forbidden"
    assert room.bram.emit("note:delete", {"note_id": mine})["code"] == "forbidden"

    assert room.anna.emit("note:delete", {"note_id": mine})["ok"]
    for screen in room.screens():
        [(name, fact)] = screen.take()[-1:]
        assert name == "note:deleted" and fact["note_id"] == mine
    assert room.anna.emit("note:edit", {"note_id": mine, "text": "Terug"})["code"] == "not_found"


def test_moderation_hides_a_note_from_everyone_but_the_facilitator(room: Room) -> None:
    rude = note_id()
    post(room.anna, "Iets ongepasts", note_id=rude)
    room.drain()
    assert room.anna.emit("note:hide", {"note_id": rude})["code"] == "forbidden"
    assert room.console.emit("note:hide", {"note_id": rude})["ok"]
    [(name, fact)] = room.console.take()
    assert name == "note:hidden" and fact["note"]["hidden"] is True
    for screen in (room.wall, room.anna, room.bram, room.chris):
        [(name, fact)] = screen.take()
        assert name == "note:deleted" and fact["note_id"] == rude
    # The author cannot edit a hidden note back into view.
    assert room.anna.emit("note:edit", {"note_id": rude, "text": "Netjes"})["code"] == "forbidden"

    assert room.console.emit("note:restore", {"note_id": rude})["ok"]
    [(name, fact)] = room.bram.take()
    assert name == "note:added" and fact["note"]["text"] == "Iets ongepasts"
    # And the facilitator's edit is recorded as an event like any other change.
    assert room.console.emit("note:edit", {"note_id": rude, "text": "Netjes gemaakt"})["ok"]
    [(name, fact)] = room.anna.take()[-1:]
    assert name == "note:edited" and fact["note"]["text"] == "Netjes gemaakt"


def test_proxy_input_by_the_facilitator(room: Room, app: Flask) -> None:
    snapshot = room.console.sync(0)["snapshot"]
    suppliers = next(vp["id"] for vp in snapshot["viewpoints"] if vp["slug"] == "leveranciers")
    ack = post(room.console, "Namens de zaal", kind="consequence", viewpoint_id=suppliers)
    assert ack["ok"]
    [(name, fact)] = room.chris.take()
    assert name == "note:added" and fact["note"]["text"] == "Namens de zaal"
    [(_, full)] = room.console.take()
    assert full["note"]["by_facilitator"] is True and full["note"]["author_id"] is None
    missing_group = post(room.console, "Waar?")
    assert missing_group["ok"] is False and missing_group["code"] == "invalid"


def test_every_screen_receives_every_seq_exactly_once(room: Room) -> None:
    start = room.console.sync(0)["seq"]
    for n in range(3):
        post(room.anna, f"Gemeente {n}")
        post(room.chris, f"Leverancier {n}")
    hidden = note_id()
    post(room.chris, "Verborgen", note_id=hidden)
    room.console.emit("note:hide", {"note_id": hidden})
    for screen in room.screens():
        assert seqs(screen.take()) == list(range(start + 1, start + 9))


def test_sharing_reveals_every_group_to_everyone(room: Room) -> None:
    post(room.chris, "Prijsdruk door benchmark")
    room.drain()
    assert room.console.emit("phase:set", {"phase": "share"})["ok"]
    [(name, fact)] = room.anna.take()
    assert name == "phase:changed" and fact["phase"] == "share" and fact["resync"] is True
    notes = room.anna.sync(0)["snapshot"]["notes"]
    assert [note["text"] for note in notes] == ["Prijsdruk door benchmark"]
    wall = room.wall.sync(0)["snapshot"]["notes"]
    assert [note["text"] for note in wall] == ["Prijsdruk door benchmark"]


def test_snapshot_marks_my_notes_and_shows_names_to_the_facilitator_only(room: Room) -> None:
    post(room.anna, "Van Anna")
    post(room.bram, "Van Bram")
    anna = room.anna.sync(0)["snapshot"]
    assert [(n["text"], n.get("mine", False)) for n in anna["notes"]] == [
        ("Van Anna", True),
        ("Van Bram", False),
    ]
    assert anna["me"]["display_name"] == "Anna"
    assert "participants" not in anna
    console = room.console.sync(0)["snapshot"]
    assert {n["author_name"] for n in console["notes"]} == {"Anna", "Bram"}
    assert {p["display_name"] for p in console["participants"]} == {"Anna", "Bram", "Chris"}


def test_replay_after_a_disconnect_sends_exactly_what_was_missed(room: Room, app: Flask) -> None:
    seen = room.chris.sync(0)["seq"]
    room.chris.sio.disconnect()
    post(room.anna, "Gemist 1")
    post(room.bram, "Gemist 2")
    assert not room.chris.sio.is_connected()
    http = room.chris.sio.flask_test_client
    back = connect(app, http, {"workshop": room.workshop.id, "role": "participant"})
    replay = back.sync(seen)
    assert replay["mode"] == "events"
    assert [payload["seq"] for _name, payload in replay["events"]] == [seen + 1, seen + 2]
    # Chris is in another group during the brainstorm: he gets the notes redacted.
    assert all(payload["note"]["redacted"] for _name, payload in replay["events"])
    assert back.sync(0)["mode"] == "snapshot"
