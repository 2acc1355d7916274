"""Clustering over Socket.IO: every operation, undo, conflicts, +1s, and every screen converging."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.support.factories import TWO_VIEWPOINT_PLAN, Factory
from tests.support.realtime import (
    Screen,
    connect,
    facilitator_screen,
    join,
    note_id,
    projector_screen,
)
from workshop.client import apply_board_fact

VIEWPOINT_SCOPE_PLAN = TWO_VIEWPOINT_PLAN + "clustering:\n  scope: viewpoint\n"


@dataclass
class Board:
    """The demo workshop in the cluster phase with twelve notes from three groups."""

    console: Screen
    second_console: Screen
    wall: Screen
    phone: Screen
    notes: dict[str, list[str]] = field(default_factory=dict)  # viewpoint slug → note ids

    def screens(self) -> list[Screen]:
        return [self.console, self.second_console, self.wall, self.phone]


def post_notes(screens: dict[str, Screen], per_group: int = 4) -> dict[str, list[str]]:
    """Each phone posts ``per_group`` notes; returns their ids by viewpoint slug."""
    made: dict[str, list[str]] = {}
    for slug, screen in screens.items():
        for n in range(per_group):
            identifier = note_id()
            ack = screen.emit(
                "note:add", {"note_id": identifier, "kind": "risk", "text": f"{slug} {n}"}
            )
            assert ack["ok"], ack
            made.setdefault(slug, []).append(identifier)
    return made


@pytest.fixture
def board(app: Flask, db: Session, factory: Factory) -> Board:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)  # the demo plan clusters across viewpoints
    console = facilitator_screen(app, db, owner, workshop)
    second = connect(
        app, console.sio.flask_test_client, {"workshop": workshop.id, "role": "facilitator"}
    )
    wall = projector_screen(app, workshop)
    phones = {
        slug: join(app, workshop, f"P {slug}", slug)[1]
        for slug in ("gemeenten", "leveranciers", "shared-service")
    }
    console.emit("phase:set", {"phase": "brainstorm"})
    made = post_notes(phones)
    console.emit("phase:set", {"phase": "cluster"})
    result = Board(console, second, wall, phones["gemeenten"], made)
    for screen in result.screens():
        screen.take()
    return result


def state_of(screen: Screen) -> tuple[dict[str, Any], dict[str, Any]]:
    """Notes and clusters from a fresh snapshot."""
    snapshot = screen.sync(0)["snapshot"]
    return (
        {n["id"]: n for n in snapshot["notes"]},
        {c["id"]: c for c in snapshot["clusters"]},
    )


def board_shape(notes: dict[str, Any], clusters: dict[str, Any]) -> dict[str | None, list[str]]:
    """Which notes sit in which cluster (by title), in order: what a person sees."""
    shape: dict[str | None, list[str]] = {}
    for note in sorted(notes.values(), key=lambda n: (n["position"], n["id"])):
        cluster = clusters.get(note["cluster_id"]) if note["cluster_id"] else None
        shape.setdefault(cluster["title"] if cluster else None, []).append(note["id"])
    return shape


def new_id() -> str:
    return str(uuid.uuid4())


def test_create_rename_move_merge_dissolve_reorder(board: Board) -> None:
    g, lv, s = board.notes["gemeenten"], board.notes["leveranciers"], board.notes["shared-service"]
    privacy, costs = new_id(), new_id()
    ack = board.console.emit("cluster:create", {"cluster_id": privacy, "note_ids": [g[0], lv[0]]})
    assert ack["ok"], ack
    [(name, fact)] = board.wall.take()
    assert name == "cluster:created"
    assert fact["cluster"]["viewpoint_id"] is None  # plenary: across viewpoints
    assert [m["note_id"] for m in fact["moves"]] == [g[0], lv[0]]

    assert board.console.emit("cluster:rename", {"cluster_id": privacy, "title": "  Privacy  "})[
        "ok"
    ]
    assert board.wall.take()[0][1]["cluster"]["title"] == "Privacy"

    # Drag a third note in between the two (fractional position), and one out again.
    assert board.console.emit(
        "notes:move", {"moves": [{"note_id": s[0], "cluster_id": privacy, "position": 1.5}]}
    )["ok"]
    notes, clusters = state_of(board.phone)
    assert board_shape(notes, clusters)["Privacy"] == [g[0], s[0], lv[0]]

    board.console.emit(
        "cluster:create", {"cluster_id": costs, "title": "Kosten", "note_ids": [g[1], g[2]]}
    )
    assert board.console.emit("cluster:merge", {"cluster_id": privacy, "source_id": costs})["ok"]
    notes, clusters = state_of(board.wall)
    assert set(clusters) == {privacy}
    assert board_shape(notes, clusters)["Privacy"] == [g[0], s[0], lv[0], g[1], g[2]]

    other = new_id()
    board.console.emit(
        "cluster:create", {"cluster_id": other, "title": "Regie", "note_ids": [lv[1]]}
    )
    assert board.console.emit("clusters:reorder", {"order": [other, privacy]})["ok"]
    _, clusters = state_of(board.console)
    assert sorted(clusters.values(), key=lambda c: c["position"])[0]["title"] == "Regie"

    assert board.console.emit("cluster:dissolve", {"cluster_id": privacy})["ok"]
    notes, clusters = state_of(board.phone)
    assert set(clusters) == {other}
    assert all(notes[n]["cluster_id"] is None for n in (g[0], s[0], lv[0], g[1], g[2]))


def test_undo_of_a_dissolve_revives_the_cluster_with_its_id(board: Board) -> None:
    g = board.notes["gemeenten"]
    cluster = new_id()
    board.console.emit(
        "cluster:create", {"cluster_id": cluster, "title": "Lock-in", "note_ids": g[:3]}
    )
    board.console.emit("cluster:dissolve", {"cluster_id": cluster})
    undo = board.console.emit(
        "cluster:create", {"cluster_id": cluster, "title": "Lock-in", "note_ids": g[:3]}
    )
    assert undo["ok"], undo
    notes, clusters = state_of(board.wall)
    assert board_shape(notes, clusters)["Lock-in"] == g[:3]
    again = board.console.emit("cluster:create", {"cluster_id": cluster, "note_ids": [g[3]]})
    assert again["ok"] is False and again["code"] == "conflict"  # it is alive: no second one


def test_cluster_commands_belong_to_the_facilitator(board: Board) -> None:
    g = board.notes["gemeenten"]
    for screen in (board.phone, board.wall):
        ack = screen.emit("cluster:create", {"cluster_id": new_id(), "note_ids": g[:2]})
        assert ack["ok"] is False and ack["code"] == "forbidden"
        ack = screen.emit("notes:move", {"moves": [{"note_id": g[0], "cluster_id": None}]})
        assert ack["code"] == "forbidden"


@pytest.mark.parametrize(
    ("name", "payload", "code"),
    [
        ("cluster:create", {"cluster_id": "nope", "note_ids": []}, "invalid"),
        (
            "cluster:create",
            {"cluster_id": "00000000-0000-4000-8000-000000000000", "note_ids": []},
            "invalid",
        ),
        (
            "cluster:create",
            {
                "cluster_id": "00000000-0000-4000-8000-000000000001",
                "note_ids": ["00000000-0000-4000-8000-00000000000a"],
            },
            "not_found",
        ),
        (
            "cluster:rename",
            {"cluster_id": "00000000-0000-4000-8000-000000000002", "title": "X"},
            "not_found",
        ),
        ("notes:move", {"moves": "all of them"}, "invalid"),
        (
            "notes:move",
            {"moves": [{"note_id": "00000000-0000-4000-8000-00000000000b", "cluster_id": None}]},
            "not_found",
        ),
        (
            "cluster:merge",
            {
                "cluster_id": "00000000-0000-4000-8000-000000000003",
                "source_id": "00000000-0000-4000-8000-000000000004",
            },
            "not_found",
        ),
        ("cluster:dissolve", {"cluster_id": 7}, "invalid"),
        ("clusters:reorder", {"order": []}, "invalid"),
    ],
)
def test_bad_cluster_commands_change_nothing(
    board: Board, name: str, payload: dict[str, Any], code: str
) -> None:
    before = state_of(board.console)
    ack = board.console.emit(name, payload)
    assert ack["ok"] is False and ack["code"] == code, ack
    assert state_of(board.console) == before
    assert board.wall.take() == []


def test_a_bad_position_or_a_long_title_is_refused(board: Board) -> None:
    g = board.notes["gemeenten"]
    cluster = new_id()
    board.console.emit("cluster:create", {"cluster_id": cluster, "note_ids": g[:2]})
    bad = board.console.emit(
        "notes:move", {"moves": [{"note_id": g[2], "cluster_id": cluster, "position": "top"}]}
    )
    assert bad["code"] == "invalid"
    long = board.console.emit("cluster:rename", {"cluster_id": cluster, "title": "x" * 121})
    assert long["code"] == "too_long"


def test_viewpoint_scope_keeps_clusters_within_one_viewpoint(
    app: Flask, db: Session, factory: Factory
) -> None:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner, plan_text=VIEWPOINT_SCOPE_PLAN)
    console = facilitator_screen(app, db, owner, workshop)
    phones = {slug: join(app, workshop, slug, slug)[1] for slug in ("employees", "managers")}
    console.emit("phase:set", {"phase": "brainstorm"})
    made = post_notes(phones, per_group=2)
    e, m = made["employees"], made["managers"]
    mixed = console.emit("cluster:create", {"cluster_id": new_id(), "note_ids": [e[0], m[0]]})
    assert mixed["ok"] is False and mixed["code"] == "conflict"
    ours = new_id()
    assert console.emit("cluster:create", {"cluster_id": ours, "note_ids": [e[0], e[1]]})["ok"]
    into = console.emit("notes:move", {"moves": [{"note_id": m[0], "cluster_id": ours}]})
    assert into["ok"] is False and into["code"] == "conflict"
    theirs = new_id()
    console.emit("cluster:create", {"cluster_id": theirs, "note_ids": [m[0]]})
    merged = console.emit("cluster:merge", {"cluster_id": ours, "source_id": theirs})
    assert merged["code"] == "conflict"
    snapshot = console.sync(0)["snapshot"]
    employees = next(vp["id"] for vp in snapshot["viewpoints"] if vp["slug"] == "employees")
    assert {c["id"]: c["viewpoint_id"] for c in snapshot["clusters"]}[ours] == employees


def test_two_facilitators_at_once_end_in_one_state_everywhere(board: Board) -> None:
    g, lv = board.notes["gemeenten"], board.notes["leveranciers"]
    first, second = new_id(), new_id()
    board.console.emit(
        "cluster:create", {"cluster_id": first, "title": "A", "note_ids": [g[0], g[1]]}
    )
    board.second_console.emit(
        "cluster:create", {"cluster_id": second, "title": "B", "note_ids": [lv[0]]}
    )
    for screen in board.screens():
        screen.take()
    start = {screen: state_of(screen) for screen in board.screens()}
    # Both move the same note at the same moment; one also dissolves the other's target.
    board.console.emit("notes:move", {"moves": [{"note_id": g[0], "cluster_id": second}]})
    board.second_console.emit(
        "notes:move", {"moves": [{"note_id": g[0], "cluster_id": first, "position": 0.5}]}
    )
    board.second_console.emit("cluster:dissolve", {"cluster_id": second})
    late = board.console.emit("notes:move", {"moves": [{"note_id": g[1], "cluster_id": second}]})
    assert late["ok"] is False and late["code"] == "not_found"  # gone a moment ago: refused cleanly
    final = state_of(board.console)
    for screen in board.screens():
        notes, clusters = (dict(part) for part in start[screen])
        for name, payload in screen.take():
            apply_board_fact(notes, clusters, name, payload)
        # Replaying the live facts on each screen gives exactly the server's state.
        assert board_shape(notes, clusters) == board_shape(*final)
    assert board_shape(*final)["A"] == [g[0], g[1]]


def test_a_plus_one_is_counted_once_per_phone(app: Flask, board: Board) -> None:
    other = board.notes["leveranciers"][0]
    own = board.notes["gemeenten"][0]
    assert board.phone.emit("note:endorse", {"note_id": other, "endorsed": True})["ok"]
    assert board.phone.emit("note:endorse", {"note_id": other, "endorsed": True})["ok"]
    [(name, fact)] = board.console.take()[-1:]
    assert name == "note:endorsed" and fact["endorsements"] == 1
    snapshot = board.phone.sync(0)["snapshot"]
    assert snapshot["me"]["endorsed"] == [other]
    assert next(n for n in snapshot["notes"] if n["id"] == other)["endorsements"] == 1
    mine = board.phone.emit("note:endorse", {"note_id": own, "endorsed": True})
    assert mine["ok"] is False and mine["code"] == "invalid"
    assert (
        board.console.emit("note:endorse", {"note_id": other, "endorsed": True})["code"]
        == "forbidden"
    )
    assert board.phone.emit("note:endorse", {"note_id": other, "endorsed": False})["ok"]
    assert board.console.take()[-1][1]["endorsements"] == 0
