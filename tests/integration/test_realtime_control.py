"""Running the room over Socket.IO: who may connect, phases, timer, joining, groups, editing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.factories import TWO_VIEWPOINT_PLAN, Factory
from tests.support.html import csrf_token, text_of
from tests.support.realtime import (
    Screen,
    connect,
    facilitator_screen,
    join,
    note_id,
    projector_screen,
)
from workshop.models import Facilitator, Participant, Workshop
from workshop.realtime.server import socketio

Scalar = Callable[[Any], Any]


@pytest.fixture
def owner(factory: Factory) -> Facilitator:
    return factory.facilitator()


@pytest.fixture
def workshop(factory: Factory, owner: Facilitator) -> Workshop:
    return factory.workshop(owner=owner)


@pytest.fixture
def console(app: Flask, db: Session, owner: Facilitator, workshop: Workshop) -> Screen:
    return facilitator_screen(app, db, owner, workshop)


# --- who may connect -------------------------------------------------------------------


def test_connections_without_the_right_credentials_are_refused(
    app: Flask, db: Session, factory: Factory, workshop: Workshop
) -> None:
    stranger = factory.facilitator()
    other_owner_console = facilitator_screen(app, db, stranger, workshop)
    refused = [
        socketio.test_client(app, auth=None),
        socketio.test_client(app, auth={"workshop": workshop.id, "role": "participant"}),
        socketio.test_client(app, auth={"workshop": workshop.id, "role": "facilitator"}),
        socketio.test_client(
            app, auth={"workshop": workshop.id, "role": "projector", "key": "wrong"}
        ),
        socketio.test_client(app, auth={"workshop": workshop.id, "role": "spy"}),
        socketio.test_client(app, auth={"workshop": 999_999, "role": "projector", "key": "x"}),
        socketio.test_client(
            app,
            auth={
                "workshop": workshop.id,
                "role": "projector",
                "key": workshop.display_token,
                "viewpoint": "nope",
            },
        ),
        other_owner_console.sio,
    ]
    assert [client.is_connected() for client in refused] == [False] * len(refused)


def test_a_participant_cookie_only_opens_its_own_workshop(
    app: Flask, factory: Factory, workshop: Workshop
) -> None:
    other = factory.workshop()
    http, phone = join(app, workshop, "Anna")
    assert phone.sio.is_connected()
    elsewhere = connect(app, http, {"workshop": other.id, "role": "participant"})
    assert not elsewhere.sio.is_connected()


def test_commands_of_the_wrong_role_are_forbidden(
    app: Flask, workshop: Workshop, console: Screen
) -> None:
    _, phone = join(app, workshop, "Anna")
    wall = projector_screen(app, workshop)
    for screen in (phone, wall):
        for name, payload in [
            ("phase:set", {"phase": "brainstorm"}),
            ("timer:start", {}),
            ("joining:set", {"locked": True}),
            ("workshop:update", {"title": "Mine now"}),
            ("spotlight:set", {"viewpoint_id": None}),
        ]:
            ack = screen.emit(name, payload)
            assert ack["ok"] is False and ack["code"] == "forbidden", (name, ack)
    assert console.sync(0)["snapshot"]["workshop"]["title"] == "Cloudstrategie voor gemeenten"


# --- phases ------------------------------------------------------------------------------


def test_phase_changes_reach_every_screen(app: Flask, workshop: Workshop, console: Screen) -> None:
    _, phone = join(app, workshop, "Anna")
    wall = projector_screen(app, workshop)
    group = projector_screen(app, workshop, viewpoint="leveranciers")
    for phase, resync in [
        ("brainstorm", False),
        ("share", True),
        ("cluster", False),
        ("brainstorm", True),
    ]:
        ack = console.emit("phase:set", {"phase": phase})
        assert ack["ok"]
        for screen in (console, phone, wall, group):
            [(name, fact)] = screen.take()[-1:]
            assert (name, fact["phase"], fact["resync"]) == ("phase:changed", phase, resync)
    bad = console.emit("phase:set", {"phase": "party"})
    assert bad["ok"] is False and bad["code"] == "invalid"


def test_closing_ends_joining_and_posting_and_reopening_works(
    app: Flask, workshop: Workshop, console: Screen
) -> None:
    _, phone = join(app, workshop, "Anna")
    assert console.emit("phase:set", {"phase": "closed"})["ok"]
    late = app.test_client()
    assert late.get(f"/j/{workshop.join_code}").status_code == 404
    ack = phone.emit("note:add", {"note_id": note_id(), "kind": "risk", "text": "Te laat"})
    assert ack["code"] == "wrong_phase"
    assert console.emit("phase:set", {"phase": "brainstorm"})["ok"]
    code = console.sync(0)["snapshot"]["workshop"]["join_code"]
    assert late.get(f"/j/{code}").status_code == 200


# --- timer -------------------------------------------------------------------------------


def test_timer_is_server_authoritative(app: Flask, workshop: Workshop, console: Screen) -> None:
    _, phone = join(app, workshop, "Anna")
    console.emit("phase:set", {"phase": "brainstorm"})
    phone.take()

    started = console.emit("timer:start", {})
    assert started["ok"]
    [(name, fact)] = phone.take()
    timer = fact["timer"]
    assert name == "timer:changed" and timer["state"] == "running"
    # Without a duration the plan's minutes for this phase (25 for the demo's brainstorm) apply.
    assert timer["duration_ms"] == 25 * 60_000
    now_ms = time.time() * 1000
    assert 25 * 60_000 - 5_000 < timer["ends_at_ms"] - now_ms <= 25 * 60_000

    console.emit("timer:pause")
    paused = phone.take()[-1][1]["timer"]
    assert paused["state"] == "paused" and paused["ends_at_ms"] is None
    assert 25 * 60_000 - 5_000 < paused["remaining_ms"] <= 25 * 60_000

    console.emit("timer:add", {"seconds": 60})
    assert phone.take()[-1][1]["timer"]["remaining_ms"] == paused["remaining_ms"] + 60_000

    console.emit("timer:start")  # resumes what was left
    resumed = phone.take()[-1][1]["timer"]
    assert resumed["state"] == "running"
    assert (
        abs(resumed["ends_at_ms"] - time.time() * 1000 - (paused["remaining_ms"] + 60_000)) < 5_000
    )

    console.emit("timer:reset")
    assert phone.take()[-1][1]["timer"] == {
        "state": "idle",
        "ends_at_ms": None,
        "remaining_ms": None,
        "duration_ms": None,
    }
    for payload in ({"seconds": 100_000}, {"seconds": "60"}, {"seconds": True}):
        assert console.emit("timer:add", payload)["code"] == "invalid"
    assert console.emit("timer:start", {"duration_s": 0})["code"] == "invalid"


def test_a_phase_change_stops_the_timer(app: Flask, workshop: Workshop, console: Screen) -> None:
    console.emit("phase:set", {"phase": "brainstorm"})
    console.emit("timer:start", {"duration_s": 90})
    console.take()
    console.emit("phase:set", {"phase": "share"})
    [(name, fact)] = console.take()
    assert name == "phase:changed" and fact["timer"]["state"] == "idle"


# --- joining and groups ------------------------------------------------------------------


def test_locking_refuses_new_phones_but_keeps_the_room(
    app: Flask, workshop: Workshop, console: Screen, scalar: Scalar
) -> None:
    _, phone = join(app, workshop, "Anna")
    assert console.emit("joining:set", {"locked": True})["ok"]
    assert phone.take()[-1] == (
        "joining:changed",
        {"seq": phone.received[-1][1]["seq"], "joining_locked": True},
    )
    late = app.test_client()
    page = late.get(f"/j/{workshop.join_code}")
    assert "gesloten" in text_of(page).lower()  # the workshop's language: Dutch
    assert 'name="display_name"' not in page.get_data(as_text=True)
    # Even a hand-made form post (with a valid CSRF token of this browser) is refused.
    response = late.post(
        f"/j/{workshop.join_code}",
        data={
            "display_name": "Laat",
            "viewpoint": "gemeenten",
            "csrf_token": csrf_token(late.get("/login")),
        },
    )
    assert response.status_code == 400 and "gesloten" in text_of(response).lower()
    assert scalar(select(func.count()).select_from(Participant)) == 1
    assert phone.sio.is_connected()
    assert console.emit("joining:set", {"locked": "yes"})["code"] == "invalid"


def test_joining_updates_the_counts_on_every_screen(
    app: Flask, workshop: Workshop, console: Screen, scalar: Scalar
) -> None:
    wall = projector_screen(app, workshop)
    join(app, workshop, "Anna", "gemeenten")
    join(app, workshop, "", "leveranciers")
    facts = wall.take()
    assert [name for name, _ in facts] == ["participant:joined", "participant:joined"]
    assert "participant" not in facts[-1][1]
    counts = facts[-1][1]["viewpoint_counts"]
    assert sorted(counts.values()) == [1, 1]
    [(_, first), (_, second)] = console.take()
    assert first["participant"]["display_name"] == "Anna"
    assert second["participant"]["display_name"] is None
    assert scalar(select(func.count()).select_from(Participant)) == 2


def test_anonymous_workshops_ask_for_no_name(app: Flask, factory: Factory, scalar: Scalar) -> None:
    workshop = factory.workshop(anonymous=True)
    page = app.test_client().get(f"/j/{workshop.join_code}")
    assert 'name="display_name"' not in page.get_data(as_text=True)
    join(app, workshop, "Sneaky Name", "gemeenten")
    assert scalar(select(Participant.display_name)) is None


def test_auto_assignment_balances_the_groups(app: Flask, factory: Factory) -> None:
    plan = TWO_VIEWPOINT_PLAN + "participants:\n  assignment: auto\n"
    workshop = factory.workshop(plan_text=plan)
    for n in range(5):
        join(app, workshop, f"P{n}", viewpoint=None)
    with app.extensions["workshop.read_sessionmaker"]() as session:
        sizes = session.execute(
            select(func.count()).select_from(Participant).group_by(Participant.viewpoint_id)
        ).scalars()
        assert sorted(sizes) == [2, 3]


def test_moving_a_participant_changes_what_the_phone_sees(
    app: Flask, workshop: Workshop, console: Screen
) -> None:
    console.emit("phase:set", {"phase": "brainstorm"})
    _, anna = join(app, workshop, "Anna", "gemeenten")
    _, chris = join(app, workshop, "Chris", "leveranciers")
    chris.emit("note:add", {"note_id": note_id(), "kind": "risk", "text": "Prijsdruk"})
    assert anna.sync(0)["snapshot"]["notes"][0]["redacted"] is True
    snapshot = console.sync(0)["snapshot"]
    anna_id = next(p["id"] for p in snapshot["participants"] if p["display_name"] == "Anna")
    suppliers = next(vp["id"] for vp in snapshot["viewpoints"] if vp["slug"] == "leveranciers")
    anna.take()

    assert console.emit("participant:move", {"participant_id": anna_id, "viewpoint_id": suppliers})[
        "ok"
    ]
    [(name, fact)] = anna.take()
    assert name == "participant:moved" and fact["participant_id"] == anna_id
    after = anna.sync(0)["snapshot"]
    assert after["me"]["viewpoint_id"] == suppliers
    assert [note.get("text") for note in after["notes"]] == ["Prijsdruk"]
    # And from now on the phone is in its new group's room.
    chris.emit("note:add", {"note_id": note_id(), "kind": "risk", "text": "Nog een"})
    assert anna.take()[-1][1]["note"]["text"] == "Nog een"
    missing = console.emit(
        "participant:move", {"participant_id": 999_999, "viewpoint_id": suppliers}
    )
    assert missing["code"] == "not_found"


def test_spotlight_follows_the_facilitator(app: Flask, workshop: Workshop, console: Screen) -> None:
    wall = projector_screen(app, workshop)
    viewpoint = console.sync(0)["snapshot"]["viewpoints"][1]["id"]
    assert console.emit("spotlight:set", {"viewpoint_id": viewpoint})["ok"]
    assert wall.take()[-1][1]["viewpoint_id"] == viewpoint
    assert wall.sync(0)["snapshot"]["workshop"]["spotlight_viewpoint_id"] == viewpoint
    assert console.emit("spotlight:set", {"viewpoint_id": None})["ok"]
    assert console.emit("spotlight:set", {"viewpoint_id": 424242})["code"] == "invalid"


# --- editing the workshop ----------------------------------------------------------------


def test_editing_texts_and_settings_reaches_every_screen(
    app: Flask, workshop: Workshop, console: Screen
) -> None:
    _, phone = join(app, workshop, "Anna")
    ack = console.emit(
        "workshop:update",
        {"title": "Cloud, deel 2", "hidden_until_share": False, "note_max_length": 140},
    )
    assert ack["ok"]
    [(name, fact)] = phone.take()
    assert name == "workshop:updated"
    assert fact["workshop"]["title"] == "Cloud, deel 2"
    assert fact["workshop"]["hidden_until_share"] is False
    assert fact["workshop"]["note_max_length"] == 140
    console.emit("phase:set", {"phase": "brainstorm"})
    too_long = phone.emit("note:add", {"note_id": note_id(), "kind": "risk", "text": "x" * 141})
    assert too_long["code"] == "too_long" and "140" in too_long["message"]


def test_viewpoints_and_kinds_change_only_in_the_lobby(
    app: Flask, workshop: Workshop, console: Screen
) -> None:
    current = console.sync(0)["snapshot"]["viewpoints"]
    reordered = [
        {"id": vp["id"], "name": vp["name"], "question": vp["question"], "colour": vp["colour"]}
        for vp in reversed(current)
    ]
    reordered.append(
        {"id": None, "name": "Burgers", "question": "Wat merken inwoners?", "colour": "#CC79A7"}
    )
    ack = console.emit(
        "workshop:update",
        {
            "viewpoints": reordered,
            "kinds": [{"key": "risk", "label": "Risico"}, {"key": "idea", "label": "Idee"}],
        },
    )
    assert ack["ok"], ack
    fact = console.take()[-1][1]
    assert [vp["name"] for vp in fact["viewpoints"]] == [
        "Leveranciers",
        "Shared Service Organisatie (in eigendom van gemeenten)",
        "Gemeenten",
        "Burgers",
    ]
    assert fact["viewpoints"][3]["slug"] == "burgers"
    assert [kind["key"] for kind in fact["kinds"]] == ["risk", "idea"]

    console.emit("phase:set", {"phase": "brainstorm"})
    late = console.emit("workshop:update", {"kinds": [{"key": "risk", "label": "R"}]})
    assert late["ok"] is False and late["code"] == "wrong_phase"


def test_a_group_with_people_in_it_cannot_be_removed(
    app: Flask, workshop: Workshop, console: Screen
) -> None:
    join(app, workshop, "Anna", "gemeenten")
    keep = [
        {"id": vp["id"], "name": vp["name"], "question": vp["question"]}
        for vp in console.sync(0)["snapshot"]["viewpoints"]
        if vp["slug"] != "gemeenten"
    ]
    ack = console.emit("workshop:update", {"viewpoints": keep})
    assert ack["ok"] is False and ack["code"] == "conflict" and "Gemeenten" in ack["message"]


@pytest.mark.parametrize(
    "changes",
    [
        {"title": ""},
        {"title": "x" * 201},
        {"note_max_length": 5},
        {"assignment": "lottery"},
        {"anonymous": "no"},
        {"kinds": []},
        {"kinds": [{"key": "Bad Key", "label": "x"}]},
        {"kinds": [{"key": "a", "label": "A"}, {"key": "a", "label": "B"}]},
        {"viewpoints": [{"id": None, "name": "A", "question": "Q?", "colour": "red"}]},
        {
            "viewpoints": [
                {"id": None, "name": "A", "question": "Q?"},
                {"id": None, "name": "a", "question": "Q?"},
            ]
        },
        {"viewpoints": [{"id": None, "name": "A"}]},
    ],
)
def test_bad_edits_are_refused_and_change_nothing(console: Screen, changes: dict[str, Any]) -> None:
    before = console.sync(0)["snapshot"]
    ack = console.emit("workshop:update", changes)
    assert ack["ok"] is False and ack["code"] in {"invalid", "too_long"}, ack
    after = console.sync(0)["snapshot"]
    for key in ("workshop", "kinds", "viewpoints"):
        assert after[key] == before[key]


def test_error_messages_follow_the_workshop_language(app: Flask, factory: Factory) -> None:
    workshop = factory.workshop()  # Dutch plan
    _, phone = join(app, workshop, "Anna")
    ack = phone.emit("note:add", {"note_id": note_id(), "kind": "risk", "text": "Te vroeg"})
    assert ack["code"] == "wrong_phase" and "brainstorm" in ack["message"].lower()
    assert ack["message"] != "Notes can be posted during the brainstorm and the share phase."


def test_a_phone_that_took_part_still_reaches_its_closed_workshop(
    app: Flask, workshop: Workshop, console: Screen
) -> None:
    http, _phone = join(app, workshop, "Anna")
    console.emit("phase:set", {"phase": "closed"})
    page = http.get(f"/j/{workshop.join_code}")
    assert page.status_code == 200 and 'id="denktank-config"' in page.get_data(as_text=True)
    stranger = app.test_client().get(f"/j/{workshop.join_code}")
    assert stranger.status_code == 404


def _commands(console: Screen, phone_note: str) -> list[tuple[str, dict[str, Any]]]:
    snapshot = console.sync(0)["snapshot"]
    viewpoint = snapshot["viewpoints"][0]["id"]
    participant = snapshot["participants"][0]["id"]
    return [
        (
            "note:add",
            {"note_id": note_id(), "kind": "risk", "text": "Proxy", "viewpoint_id": viewpoint},
        ),
        ("note:edit", {"note_id": phone_note, "text": "Bewerkt"}),
        ("note:hide", {"note_id": phone_note}),
        ("note:restore", {"note_id": phone_note}),
        ("timer:start", {"duration_s": 60}),
        ("timer:add", {"seconds": 30}),
        ("timer:pause", {}),
        ("timer:reset", {}),
        ("joining:set", {"locked": True}),
        ("participant:move", {"participant_id": participant, "viewpoint_id": viewpoint}),
        ("spotlight:set", {"viewpoint_id": viewpoint}),
        ("workshop:update", {"title": "Opnieuw"}),
        ("note:delete", {"note_id": phone_note}),
        ("phase:set", {"phase": "share"}),
    ]


def test_every_command_retried_with_its_op_id_applies_once(
    app: Flask, workshop: Workshop, console: Screen
) -> None:
    _, phone = join(app, workshop, "Anna")
    console.emit("phase:set", {"phase": "brainstorm"})
    mine = note_id()
    assert phone.emit("note:add", {"note_id": mine, "kind": "risk", "text": "Eerste"})["ok"]
    for name, payload in _commands(console, mine):
        body = {"op_id": f"retry-{name}", **payload}
        first = console.call(name, body)
        assert first["ok"], (name, first)
        console.take()
        again = console.call(name, body)
        assert again == {"ok": True, "seq": first["seq"], "duplicate": True}, name
        assert console.take() == [], f"{name} was broadcast twice"
    assert console.sync(0)["seq"] == first["seq"]
