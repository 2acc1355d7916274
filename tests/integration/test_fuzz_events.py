"""Fuzzing every Socket.IO event with Hypothesis: hostile payloads never crash the server.

For every event in python-socketio's handler table for "/", payloads that are arbitrary JSON
values, or the valid example (``realtime/examples.py``) with one part broken: a wrong type,
huge, unicode or control-character text, negative or huge numbers, booleans for numbers, ids
that do not exist or belong to the other workshop, a missing or an unknown key. Each is sent by
a role that may use the event. Every answer is an ack ``{ok: true, ...}`` or a structured
refusal ``{ok: false, code, message}``; no handler raises and nothing is logged as an error;
after a refusal every database row is as it was and no screen received a fact.

Bounded for CI: ``FUZZ_EXAMPLES`` examples per event (``DENKTANK_FUZZ_EXAMPLES`` to change),
derandomized (the same examples on every run), no deadline.
"""

from __future__ import annotations

import logging
import math
import os
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.support.event_world import PHASE_FOR, World, build, state_hash
from tests.support.factories import Factory
from workshop.actors import FACILITATOR, PARTICIPANT
from workshop.models import Participant
from workshop.realtime import access, examples
from workshop.realtime.server import socketio

FUZZ_EXAMPLES = int(os.environ.get("DENKTANK_FUZZ_EXAMPLES", "20"))
CODES = {
    "invalid",
    "too_long",
    "forbidden",
    "not_found",
    "wrong_phase",
    "conflict",
    "joining_locked",
    "rate_limited",
}
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def events() -> list[str]:
    """Every event with a handler on "/", from the server's own table."""
    import workshop.realtime.handlers  # noqa: F401

    return sorted({name for name, _handler, namespace in socketio.handlers if namespace == "/"})


# --- what to send ----------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=10,
)
hostile_text = st.sampled_from(
    [
        "",
        " ",
        "x" * 5000,
        "é" * 2100,
        "\x00",
        "a\x07b",
        "line\nbreak",
        "tab\there",
        "\u202eevil",
        "\ud7ff\ue000\U0010ffff",
        "<script>alert(1)</script>",
        "🙂" * 300,
        "true",
        "1",
        "null",
    ]
) | st.text(max_size=300)
numbers = (
    st.sampled_from(
        [0, -1, 1, 2**31, 2**53, 2**53 + 1, 2**63, -(2**63), 2**80, 1.5, -0.0, math.inf, -math.inf]
    )
    | st.integers()
)
wrong_types = st.sampled_from([None, True, False, [], {}, [1, 2], {"a": 1}, "x", 3.25])


def _ids(world: World) -> st.SearchStrategy[Any]:
    """Ids that exist nowhere or in the other workshop."""
    foreign = list(world.extra["other_ids"].values())
    return st.sampled_from(
        [
            "6f1c2a4e-8b7d-4c1e-9a3f-2d5b7c9e1f30",  # no such note or cluster
            "6F1C2A4E-8B7D-4C1E-9A3F-2D5B7C9E1F30",
            "00000000-0000-0000-0000-000000000000",
            *foreign,
            999_999,
            -5,
            "12",
        ]
    )


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(value, dict):
        found = [path] if path else []
        for key, item in value.items():
            found += _leaves(item, (*path, key))
        return found
    if isinstance(value, list):
        found = [path] if path else []
        for index, item in enumerate(value):
            found += _leaves(item, (*path, index))
        return found
    return [path]


def _replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {**value, head: _replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replaced(copy[head], rest, new)
    return copy


def _dropped(value: dict[str, Any], path: tuple[Any, ...]) -> Any:
    if len(path) == 1 and isinstance(value, dict):
        return {key: item for key, item in value.items() if key != path[0]}
    return value


def payloads(world: World, name: str) -> st.SearchStrategy[Any]:
    """Arbitrary JSON, or the valid example with one part broken, dropped or added."""

    @st.composite
    def near_valid(draw: st.DrawFn) -> Any:
        valid = world.payload(name) if name in examples.EXAMPLES else {}
        paths = _leaves(valid)
        action = draw(st.sampled_from(["replace", "replace", "replace", "drop", "add", "whole"]))
        if action == "whole" or not paths:
            return draw(json_values)
        if action == "add":
            return {**valid, draw(st.text(max_size=20)): draw(json_values)}
        path = draw(st.sampled_from(paths))
        if action == "drop":
            return _dropped(valid, path)
        new = draw(hostile_text | numbers | wrong_types | _ids(world) | json_values)
        return _replaced(valid, path, new)

    return json_values | near_valid()


# --- the test ----------------------------------------------------------------------------------


def _sender(world: World, name: str) -> Any:
    roles = access.ACCESS[name].roles
    return world.screen(FACILITATOR if FACILITATOR in roles else PARTICIPANT)


def _check_answer(name: str, answer: Any) -> bool:
    """True for an applied answer; asserts the shape either way."""
    if access.ACCESS[name].kind == access.LIFECYCLE:
        assert answer in (None, []), answer  # a client's own connect/disconnect is ignored
        return False
    assert isinstance(answer, dict), answer
    assert isinstance(answer.get("ok"), bool), answer
    if answer["ok"]:
        return True
    assert answer.get("code") in CODES, answer
    assert isinstance(answer.get("message"), str) and answer["message"], answer
    assert isinstance(answer.get("field", ""), str), answer
    return False


@pytest.mark.parametrize("name", events())
def test_hostile_payloads_get_an_answer_and_change_nothing_when_refused(
    name: str, app: Flask, db: Session, factory: Factory, caplog: pytest.LogCaptureFixture
) -> None:
    world = build(app, db, factory, PHASE_FOR.get(name, "brainstorm"))
    assert world.other_phone is not None
    with app.extensions["workshop.read_sessionmaker"]() as read:
        zoe = read.scalar(select(Participant.id).where(Participant.workshop_id == world.other_id))
    world.extra["other_ids"] = {"participant": zoe}
    sender = _sender(world, name)
    caplog.set_level(logging.ERROR)

    @FUZZ
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        payload = data.draw(payloads(world, name), label="payload")
        before = state_hash(app)
        answer = sender.call(name, payload)
        applied = _check_answer(name, answer)
        facts = world.facts()
        if not applied:
            assert state_hash(app) == before, f"refused {name} changed the database: {answer}"
            assert facts == [], f"refused {name} was broadcast: {answer}"

    run()
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not errors, [record.getMessage() for record in errors]
    assert sender.sync()["ok"]  # the socket still works
