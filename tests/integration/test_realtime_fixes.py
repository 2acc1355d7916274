"""Review fixes on the realtime side: read-only requests are throttled per socket; erasing a
participant's notes sends every screen the recounted voting progress."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from tests.support.realtime import facilitator_screen, join, note_id, projector_screen
from workshop.models import Participant
from workshop.realtime import throttle

Scalar = Callable[[Any], Any]


def test_a_script_hammering_sync_is_throttled_but_normal_use_never_is(
    app: Flask, db: Session, factory: Factory
) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    console = facilitator_screen(app, db, owner, workshop)
    assert console.emit("phase:set", {"phase": "brainstorm"})["ok"]
    http, phone = join(app, workshop, "Anna", "gemeenten")

    # Normal use: a phone that reconnects ten times (a sync each) and asks for look-alikes while
    # its person types a few notes, the console fetching the tallies: never refused.
    for _ in range(10):
        phone.sio.disconnect()
        phone.sio.connect(auth={"workshop": workshop.id, "role": "participant"})
        assert phone.sync(0)["ok"]
    for n in range(15):
        assert phone.call("note:similar", {"text": f"Budget overruns in year {n}"})["ok"]
        assert console.call("results:get", {})["ok"]

    # A script on another phone: 150 snapshots as fast as it can send them.
    script = join(app, workshop, "Bram", "gemeenten")[1]
    started = time.monotonic()
    answers = [script.sync(0) for _ in range(150)]
    elapsed = time.monotonic() - started
    refused = [answer for answer in answers if not answer["ok"]]
    # The burst, plus what refilled while the script ran (each snapshot takes a moment).
    refilled = elapsed * throttle.REQUESTS_PER_SECOND
    assert (
        throttle.REQUEST_BURST
        <= len(answers) - len(refused)
        <= throttle.REQUEST_BURST + refilled + 1
    )
    assert refused and all(answer["code"] == "rate_limited" for answer in refused)
    assert all(answer["retry"] is True and answer["retry_after"] > 0 for answer in refused)
    assert all(answer["message"] for answer in refused)
    # Per socket: the console and the other phone are not affected.
    assert console.sync(0)["ok"]
    assert phone.sync(0)["ok"]
    del http


def test_removing_notes_that_carried_votes_updates_the_voting_progress_everywhere(
    app: Flask, db: Session, factory: Factory, scalar: Scalar
) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    console = facilitator_screen(app, db, owner, workshop)
    wall = projector_screen(app, workshop)
    _, anna = join(app, workshop, "Anna", "gemeenten")
    _, bram = join(app, workshop, "Bram", "gemeenten")
    assert console.emit("phase:set", {"phase": "brainstorm"})["ok"]
    hers, his = note_id(), note_id()
    assert anna.emit("note:add", {"note_id": hers, "kind": "risk", "text": "Lock-in"})["ok"]
    assert bram.emit("note:add", {"note_id": his, "kind": "risk", "text": "Exit costs"})["ok"]
    assert console.emit("phase:set", {"phase": "vote"})["ok"]
    # Bram spends all five dots: three on Anna's note, two on his own; he is done.
    for target, count in ((hers, 3), (his, 2)):
        for _ in range(count):
            assert bram.emit("vote:add", {"target_type": "note", "target_id": target})["ok"]
    viewpoint = str(
        scalar(select(Participant.viewpoint_id).where(Participant.display_name == "Bram"))
    )
    before = console.sync(0)["snapshot"]["voting"]["progress"]
    assert before["voted"][viewpoint] == 1 and before["done"][viewpoint] == 1
    for screen in (console, wall, anna, bram):
        screen.take()

    anna_id = scalar(select(Participant.id).where(Participant.display_name == "Anna"))
    ack = console.emit("participant:remove_notes", {"participant_id": anna_id})
    assert ack["ok"], ack

    truth = console.sync(0)["snapshot"]["voting"]["progress"]
    assert truth["voted"].get(viewpoint) == 1 and not truth["done"].get(viewpoint)  # 2 of 5 dots
    ((_name, removed),) = [
        fact for fact in console.take() if fact[0] == "participant:notes_removed"
    ]
    assert removed["votes"] and removed["progress"] == truth
    for screen in (wall, anna, bram):
        facts = dict(screen.take())
        assert facts["votes:progress"] == {"seq": ack["seq"], "progress": truth}
        assert "participant:notes_removed" not in facts  # the counts stay with the facilitator
    # A replay (a screen that was offline) brings the same progress.
    replay = wall.sync(ack["seq"] - 1)
    assert replay["events"][-1] == ["votes:progress", {"seq": ack["seq"], "progress": truth}]


def test_refusals_name_the_field_in_the_workshops_language(
    app: Flask, db: Session, factory: Factory
) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)  # the demo plan: a Dutch workshop
    console = facilitator_screen(app, db, owner, workshop)
    assert console.emit("phase:set", {"phase": "brainstorm"})["ok"]
    _, phone = join(app, workshop, "Anna", "gemeenten")  # the phone's browser prefers English

    bad = phone.emit("note:add", {"note_id": "not-a-uuid", "kind": "risk", "text": "Lock-in"})
    assert bad == {
        "ok": False,
        "code": "invalid",
        "message": "Het notitie-id ontbreekt of is ongeldig.",
        "field": "note_id",
    }
    forbidden = phone.emit("phase:set", {"phase": "vote"})
    assert forbidden["code"] == "forbidden"
    assert forbidden["message"] == "Je hebt hier geen toestemming voor."
