"""Abuse limits on realtime commands (token bucket per participant) and on joining over HTTP."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.support.factories import Factory
from tests.support.html import csrf_token
from tests.support.realtime import facilitator_screen, join, note_id
from workshop import create_app
from workshop.models import Note, Participant
from workshop.ratelimit import Limiter


def test_the_bucket_allows_a_burst_then_refills_at_its_rate() -> None:
    now = [0.0]
    limiter = Limiter(5, 2, clock=lambda: now[0])
    assert all(limiter.take("a").allowed for _ in range(5))
    refused = limiter.take("a")
    assert not refused.allowed and refused.retry_after == pytest.approx(0.5)
    assert limiter.take("b").allowed  # keys do not share
    now[0] += 0.5
    assert limiter.take("a").allowed and not limiter.take("a").allowed
    now[0] += 100
    assert sum(limiter.take("a").allowed for _ in range(10)) == 5  # never above capacity


def test_a_script_posting_100_notes_at_once_is_throttled_and_loses_nothing_it_was_told(
    app: Flask, db: Session, factory: Factory, scalar: Callable[[Any], Any]
) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    console = facilitator_screen(app, db, owner, workshop)
    console.emit("phase:set", {"phase": "brainstorm"})
    _http, phone = join(app, workshop, "Anna", "gemeenten")
    acks = [
        phone.emit("note:add", {"note_id": note_id(), "kind": "risk", "text": f"Spam {n}"})
        for n in range(100)
    ]
    accepted = [ack for ack in acks if ack["ok"]]
    throttled = [ack for ack in acks if not ack["ok"]]
    burst = app.config["WORKSHOP_COMMAND_BURST"]
    assert burst <= len(accepted) < burst + 10  # a little refills while the script runs
    assert throttled and all(ack["code"] == "rate_limited" for ack in throttled)
    # Refused, not lost: the client is told to keep it and send it again (outbox, retry).
    assert all(ack["retry"] is True and ack["retry_after"] > 0 for ack in throttled)
    assert all(ack["message"] for ack in throttled)
    assert scalar(select(func.count(Note.id))) == len(accepted)
    # Once the bucket refilled a little, the same phone gets through again.
    time.sleep(1.0 / app.config["WORKSHOP_COMMANDS_PER_SECOND"] + 0.05)
    again = phone.emit("note:add", {"note_id": note_id(), "kind": "risk", "text": "Later"})
    assert again["ok"]


def test_normal_use_is_never_throttled(app: Flask, db: Session, factory: Factory) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    console = facilitator_screen(app, db, owner, workshop)
    _http, phone = join(app, workshop, "Anna", "gemeenten")
    # A facilitator clicking back and forth through phases as fast as a script can: 60 at once.
    for n in range(60):
        assert console.emit("phase:set", {"phase": "brainstorm" if n % 2 == 0 else "lobby"})["ok"]
    console.emit("phase:set", {"phase": "brainstorm"})
    # A person writing notes at typing speed, and a burst of edits right after.
    for n in range(10):
        ack = phone.emit("note:add", {"note_id": note_id(), "kind": "risk", "text": f"R {n}"})
        assert ack["ok"], ack


def test_joins_from_one_address_are_limited_but_others_still_join(
    app_settings: dict[str, Any], factory: Factory, scalar: Callable[[Any], Any]
) -> None:
    app = create_app({**app_settings, "JOINS_PER_MINUTE": 3})
    workshop = factory.workshop()

    def join_from(address: str) -> int:
        phone = app.test_client()
        phone.environ_base.update(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
        page = phone.get(f"/j/{workshop.join_code}")
        form = {"viewpoint": "gemeenten", "csrf_token": csrf_token(page)}
        response = phone.post(f"/j/{workshop.join_code}", data=form)
        if response.status_code == 429:
            # The join pages speak the workshop's language (Dutch here), whatever the browser asks.
            assert "Te veel pogingen" in response.get_data(as_text=True)
        return response.status_code

    assert [join_from("10.0.0.1") for _ in range(4)] == [302, 302, 302, 429]
    assert join_from("10.0.0.2") == 302
    assert scalar(select(func.count(Participant.id))) == 4


def test_guessing_join_codes_is_limited_also_for_the_right_code(
    app_settings: dict[str, Any], factory: Factory
) -> None:
    app = create_app({**app_settings, "WRONG_CODES_PER_MINUTE": 5})
    workshop = factory.workshop()
    guesser = app.test_client()
    guesses = ["/?code=AAAAA2", "/j/BBBBB3", "/?code=CCCCC4", "/j/DDDDD5", "/?code=EEEEE6"]
    assert [guesser.get(url).status_code for url in guesses] == [404] * 5
    # Over the limit every lookup is refused, the right code too: the answer reveals nothing.
    assert guesser.get(f"/?code={workshop.join_code}").status_code == 429
    assert guesser.get(f"/j/{workshop.join_code}").status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert other.get(f"/j/{workshop.join_code}").status_code == 200


def test_a_locked_or_closed_workshop_refuses_new_joins(
    app: Flask, db: Session, factory: Factory, scalar: Callable[[Any], Any]
) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    console = facilitator_screen(app, db, owner, workshop)
    phone = app.test_client()
    page = phone.get(f"/j/{workshop.join_code}")
    token = csrf_token(page)
    assert console.emit("joining:set", {"locked": True})["ok"]
    refused = phone.post(
        f"/j/{workshop.join_code}", data={"viewpoint": "gemeenten", "csrf_token": token}
    )
    assert refused.status_code == 400
    assert scalar(select(func.count(Participant.id))) == 0
    assert console.emit("joining:set", {"locked": False})["ok"]
    assert console.emit("phase:set", {"phase": "closed"})["ok"]
    # A closed workshop's code opens nothing for a phone that never joined.
    assert phone.get(f"/j/{workshop.join_code}").status_code == 404
    closed = phone.post(
        f"/j/{workshop.join_code}", data={"viewpoint": "gemeenten", "csrf_token": token}
    )
    assert closed.status_code == 404
    assert scalar(select(func.count(Participant.id))) == 0
