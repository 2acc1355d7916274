"""The payload schemas of the realtime events: strict, bounded by the domain's own limits."""

from __future__ import annotations

import math
from typing import Any

import pytest

from workshop import clusters, editing, phases, validate, votes
from workshop.errors import InvalidInput
from workshop.realtime import access, examples, schemas

IDS: dict[str, Any] = {
    "note": "0b6f1e9a-3c1d-4f5e-8a7b-9c0d1e2f3a4b",
    "my_note": "1b6f1e9a-3c1d-4f5e-8a7b-9c0d1e2f3a4b",
    "cluster": "2b6f1e9a-3c1d-4f5e-8a7b-9c0d1e2f3a4b",
    "other_cluster": "3b6f1e9a-3c1d-4f5e-8a7b-9c0d1e2f3a4b",
    "viewpoint": 1,
    "other_viewpoint": 2,
    "participant": 3,
    "proxy": 4,
    "kind": "risk",
}


def refusal(name: str, payload: Any) -> dict[str, Any]:
    """The structured refusal for a payload that must not fit."""
    with pytest.raises(schemas.PayloadError) as caught:
        schemas.check(name, payload)
    return caught.value.as_dict()


def note(**changes: Any) -> dict[str, Any]:
    """A valid note:add payload with some parts changed."""
    return {**examples.fill("note:add", IDS), **changes}


def test_every_event_has_one_schema_and_a_valid_example() -> None:
    import workshop.realtime.handlers  # noqa: F401  (registers every event)

    messages = {name for name, entry in access.ACCESS.items() if entry.kind != access.LIFECYCLE}
    assert set(schemas.SCHEMAS) == messages == set(examples.EXAMPLES)
    for name in messages:
        is_command = access.ACCESS[name].kind == access.COMMAND
        assert issubclass(schemas.SCHEMAS[name], schemas.Command) == is_command, name
        example = examples.fill(name, IDS)
        assert schemas.check(name, example) == example, name


def test_types_are_strict_and_numbers_finite() -> None:
    for seconds in ("60", True, 60.0, None, [60]):
        assert refusal("timer:add", {"op_id": "a", "seconds": seconds})["field"] == "seconds"
    assert refusal("joining:set", {"op_id": "a", "locked": 1})["code"] == "invalid"
    for position in (math.nan, math.inf, "1.5", False):
        move = {"note_id": IDS["note"], "position": position}
        answer = refusal("notes:move", {"op_id": "a", "moves": [move]})
        assert answer["field"] == "moves.0.position", answer
    # Ids fit the id columns (32-bit on PostgreSQL), in the schema and in the domain's check.
    assert refusal("participant:move", {"op_id": "a", "participant_id": 2**31})["code"]
    assert schemas.check("participant:move", {"op_id": "a", "participant_id": 2**31 - 1})
    with pytest.raises(InvalidInput):
        validate.record_id(2**31)
    assert refusal("note:add", note(note_id="not-a-uuid"))["field"] == "note_id"
    assert refusal("note:add", note(op_id="has spaces"))["field"] == "op_id"
    assert refusal("sync", {"last_seq": -1})["field"] == "last_seq"
    assert refusal("note:add", ["not", "an", "object"])["code"] == "invalid"


def test_limits_are_the_domains_own() -> None:
    longest = editing.NOTE_LENGTH_RANGE[1]
    assert schemas.check("note:add", note(text="x" * longest))
    answer = refusal("note:add", note(text="x" * (longest + 1)))
    assert answer == {
        "ok": False,
        "code": "too_long",
        "message": f"That is too long: at most {longest} characters.",
        "field": "text",
    }
    title = {"op_id": "a", "cluster_id": IDS["cluster"]}
    assert refusal("cluster:rename", {**title, "title": "t" * (clusters.TITLE_LIMIT + 1)})
    assert refusal("timer:add", {"op_id": "a", "seconds": phases.MAX_TIMER_ADD_S + 1})
    assert refusal("timer:start", {"op_id": "a", "duration_s": phases.MAX_TIMER_S + 1})
    rating = {**examples.fill("risk:score", IDS), "likelihood": votes.RATING_RANGE[1] + 1}
    assert refusal("risk:score", rating)["field"] == "likelihood"
    many = [IDS["note"]] * (clusters.MAX_NOTES_PER_COMMAND + 1)
    create = {**examples.fill("cluster:create", IDS), "note_ids": many}
    assert refusal("cluster:create", create)["field"] == "note_ids"
    kinds = [{"key": f"k{n}", "label": "K"} for n in range(editing.MAX_KINDS + 1)]
    assert refusal("workshop:update", {"op_id": "a", "kinds": kinds})["field"] == "kinds"


def test_enums_are_checked() -> None:
    assert refusal("phase:set", {"op_id": "a", "phase": "party"})["field"] == "phase"
    dot = {**examples.fill("vote:add", IDS), "target_type": "viewpoint"}
    assert refusal("vote:add", dot)["field"] == "target_type"
    assert refusal("results:reveal", {"op_id": "a", "revealed": True, "view": "pie"})


def test_control_characters_only_line_breaks_and_tabs_in_multiline_text() -> None:
    assert schemas.check("note:add", note(text="two\nlines\tand a tab\r\n"))
    for text in ("nul\x00", "bell\x07", "escape\x1b[31m", "c1\x85"):
        answer = refusal("note:add", note(text=text))
        assert answer["field"] == "text" and "Control characters" in answer["message"]
    update = {"op_id": "a", "title": "One\nline"}
    assert refusal("workshop:update", update)["field"] == "title"
    assert schemas.check("workshop:update", {"op_id": "a", "intro": "Para one\n\nPara two"})


def test_unknown_keys_are_dropped_and_absent_keys_stay_absent() -> None:
    checked = schemas.check("workshop:update", {"op_id": "a", "title": "New", "admin": True})
    assert checked == {"op_id": "a", "title": "New"}
    assert schemas.check("timer:start", {"op_id": "a"}) == {"op_id": "a"}
    assert schemas.check("sync", None) == {}
    assert refusal("note:delete", None)["code"] == "invalid"  # a command needs its op id
