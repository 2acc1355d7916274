"""Authorisation matrix: every Socket.IO event × every role; exactly the declared ones succeed.

The events come from python-socketio's handler table for namespace "/" (what the server really
answers), the roles each may use from ``workshop.realtime.access`` (declared by the registration
itself). Roles: anonymous, participant and facilitator of another workshop (none of them can
connect to this workshop), and this workshop's participant, facilitator and projector. A
refusal is ``{ok: false, code: "forbidden"}``, leaves every database row as it was and sends no
fact to any screen. Payloads are the examples next to the schemas (``realtime/examples.py``).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.support.event_world import PHASE_FOR, World, build, state_hash
from tests.support.factories import Factory
from tests.support.realtime import connect
from workshop.actors import FACILITATOR, PARTICIPANT, PROJECTOR
from workshop.realtime import access, examples, names
from workshop.realtime.server import socketio

CONNECTED_ROLES = (PARTICIPANT, FACILITATOR, PROJECTOR)
LIFECYCLE = {"connect", "disconnect"}
FRESH_WORLD_FOR = {names.NOTE_DELETE}


def events() -> list[str]:
    """Every event the server has a handler for on "/" (importing the app registers them)."""
    import workshop.realtime.handlers  # noqa: F401

    registered = {name for name, _handler, namespace in socketio.handlers if namespace == "/"}
    if socketio.server is not None:
        registered |= set(socketio.server.handlers.get("/", {}))
    return sorted(registered)


def test_every_event_declares_who_may_use_it_and_has_an_example(app: Flask) -> None:
    table = set(socketio.server.handlers["/"])
    assert table == set(events())
    undeclared = sorted(table - set(access.ACCESS))
    assert not undeclared, f"events without an access declaration: {undeclared}"
    assert set(access.ACCESS) == table  # and nothing declared that the server does not answer
    without_example = sorted(table - LIFECYCLE - set(examples.EXAMPLES))
    assert not without_example, f"events without an example payload: {without_example}"
    for name, entry in access.ACCESS.items():
        assert entry.roles, f"{name} is open to nobody"
        assert entry.roles <= set(CONNECTED_ROLES)


MESSAGE_EVENTS = [name for name in events() if name not in LIFECYCLE]


@pytest.mark.parametrize("name", MESSAGE_EVENTS)
def test_exactly_the_declared_roles_may_send(
    name: str, app: Flask, db: Session, factory: Factory
) -> None:
    allowed = access.ACCESS[name].roles
    phase = PHASE_FOR.get(name, "brainstorm")
    world = build(app, db, factory, phase)

    # Refused roles of this workshop: forbidden, nothing stored, nothing broadcast.
    for role in CONNECTED_ROLES:
        if role in allowed:
            continue
        before = state_hash(app)
        ack = world.screen(role).call(name, world.payload(name))
        assert isinstance(ack, dict) and ack.get("ok") is False, (role, ack)
        assert ack["code"] == "forbidden", (role, ack)
        assert isinstance(ack.get("message"), str) and ack["message"]
        assert state_hash(app) == before, f"{role} changed something with {name}"
        assert world.facts() == [], f"{role}'s refused {name} was broadcast"

    # The other workshop's people, on their own sockets, with this workshop's ids: this
    # workshop stays exactly as it was (whatever it does to theirs).
    _probe_from_the_other_workshop(world, name)

    # Allowed roles: each succeeds (on a fresh world where the first one's success would make
    # the next one's impossible: a deleted note cannot be deleted again).
    for index, role in enumerate(sorted(allowed)):
        fresh = index and name in FRESH_WORLD_FOR
        here = build(app, db, factory, phase, other=False) if fresh else world
        ack = here.screen(role).call(name, here.payload(name))
        assert isinstance(ack, dict) and ack.get("ok") is True, (role, ack)


def _probe_from_the_other_workshop(world: World, name: str) -> None:
    assert world.other_phone is not None and world.other_console is not None
    before = state_hash(world.app, world.workshop_id)
    for screen in (world.other_phone, world.other_console):
        ack = screen.call(name, world.payload(name))
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
        if ack["ok"] is False:
            assert ack["code"] in {"forbidden", "not_found", "invalid", "conflict", "wrong_phase"}
    assert state_hash(world.app, world.workshop_id) == before, f"{name} from B changed A"
    assert world.facts() == [], f"{name} from the other workshop reached this one's screens"


def test_only_this_workshops_people_can_connect(app: Flask, db: Session, factory: Factory) -> None:
    world = build(app, db, factory)
    assert access.ACCESS["connect"].roles == set(CONNECTED_ROLES)
    here = world.workshop_id
    assert world.other_phone is not None and world.other_console is not None
    other_phone_http = world.other_phone.sio.flask_test_client
    other_owner_http = world.other_console.sio.flask_test_client
    own_phone_http = world.phone.sio.flask_test_client
    own_owner_http = world.console.sio.flask_test_client
    before = state_hash(app)

    refused: list[tuple[str, Any, dict[str, Any] | Any]] = []
    anonymous = app.test_client()
    for auth in (
        None,
        "x",
        [here],
        {},
        {"workshop": str(here), "role": PARTICIPANT},
        {"workshop": True, "role": PARTICIPANT},
        {"workshop": 2**31, "role": PARTICIPANT},  # beyond the id column: refused, no DB error
        {"workshop": here, "role": "admin"},
        {"workshop": here, "role": PARTICIPANT},
        {"workshop": here, "role": FACILITATOR},
        {"workshop": here, "role": PROJECTOR},
        {"workshop": here, "role": PROJECTOR, "key": "wrong"},
        {"workshop": here, "role": PROJECTOR, "key": world.extra["other_key"]},
    ):
        refused.append(("anonymous", anonymous, auth))
    for label, http in (
        ("participant of another workshop", other_phone_http),
        ("facilitator of another workshop", other_owner_http),
    ):
        for role in CONNECTED_ROLES:
            refused.append((label, http, {"workshop": here, "role": role}))
        refused.append(
            (label, http, {"workshop": here, "role": PROJECTOR, "key": world.extra["other_key"]})
        )
    refused.append(
        ("participant here as facilitator", own_phone_http, {"workshop": here, "role": FACILITATOR})
    )
    refused.append(
        ("participant here as projector", own_phone_http, {"workshop": here, "role": PROJECTOR})
    )
    for label, http, auth in refused:
        screen = connect(app, http, auth)
        assert not screen.sio.is_connected(), f"{label} connected with {auth!r}"

    for label, http, auth in (
        ("participant here", own_phone_http, {"workshop": here, "role": PARTICIPANT}),
        ("facilitator here", own_owner_http, {"workshop": here, "role": FACILITATOR}),
        ("facilitator here, wall", own_owner_http, {"workshop": here, "role": PROJECTOR}),
        (
            "projector here",
            app.test_client(),
            {"workshop": here, "role": PROJECTOR, "key": world.extra["display_key"]},
        ),
    ):
        screen = connect(app, http, auth)
        assert screen.sio.is_connected(), label
        assert screen.sync()["ok"], label
        screen.sio.disconnect()
    assert state_hash(app) == before


def test_a_client_cannot_fake_connect_or_disconnect(
    app: Flask, db: Session, factory: Factory
) -> None:
    """A client's own event named "connect" or "disconnect" is ignored: no second login, no
    forgotten identity, no error in the log."""
    world = build(app, db, factory, other=False)
    before = state_hash(app)
    for payload in (None, {"workshop": world.workshop_id, "role": FACILITATOR}, "client"):
        assert world.phone.call("connect", payload) in (None, [])
        assert world.phone.call("disconnect", payload) in (None, [])
    assert world.phone.sync()["ok"]
    refused = world.phone.call("phase:set", world.payload("phase:set"))
    assert refused["code"] == "forbidden"  # still the participant it connected as
    assert world.phone.emit("note:add", world.payload("note:add"))["ok"]
    assert state_hash(app) != before  # (the note) and nothing else went wrong
