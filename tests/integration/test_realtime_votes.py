"""Dot voting and risk scoring over Socket.IO: budget, cap, take-back, proxies, hidden tallies."""

from __future__ import annotations

import threading
import uuid
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
    projector_screen,
)
from workshop.models import Event, Vote, Workshop

BOTH = {"mode": "both", "dots_per_participant": 5, "max_dots_per_item": 3}


@dataclass
class VoteRoom:
    """The demo workshop in the vote phase: two clusters and one loose note."""

    workshop: Workshop
    console: Screen
    wall: Screen
    phone: Screen
    http: Any
    clusters: list[str]
    loose: str

    def item(self, n: int) -> dict[str, str]:
        return {"target_type": "cluster", "target_id": self.clusters[n]}


@pytest.fixture
def room(app: Flask, db: Session, factory: Factory) -> VoteRoom:
    owner = factory.facilitator()
    workshop = factory.workshop(owner=owner)
    workshop.settings = {**workshop.settings, "voting": BOTH}
    db.commit()
    console = facilitator_screen(app, db, owner, workshop)
    wall = projector_screen(app, workshop)
    http, phone = join(app, workshop, "Anna", "gemeenten")
    console.emit("phase:set", {"phase": "brainstorm"})
    ids = [note_id() for _ in range(5)]
    for n, identifier in enumerate(ids):
        assert phone.emit(
            "note:add", {"note_id": identifier, "kind": "risk", "text": f"Risico {n}"}
        )["ok"]
    clusters = [str(uuid.uuid4()), str(uuid.uuid4())]
    console.emit("cluster:create", {"cluster_id": clusters[0], "title": "A", "note_ids": ids[:2]})
    console.emit("cluster:create", {"cluster_id": clusters[1], "title": "B", "note_ids": ids[2:4]})
    console.emit("phase:set", {"phase": "vote"})
    for screen in (console, wall, phone):
        screen.take()
    return VoteRoom(workshop, console, wall, phone, http, clusters, ids[4])


def test_dots_respect_the_cap_and_the_budget(room: VoteRoom) -> None:
    for _ in range(3):
        assert room.phone.emit("vote:add", room.item(0))["ok"]
    capped = room.phone.emit("vote:add", room.item(0))
    assert capped["ok"] is False and capped["code"] == "conflict" and "3" in capped["message"]
    assert room.phone.emit("vote:add", room.item(1))["ok"]
    assert room.phone.emit("vote:add", {"target_type": "note", "target_id": room.loose})["ok"]
    broke = room.phone.emit("vote:add", room.item(1))
    assert broke["ok"] is False and broke["code"] == "conflict"
    # Taking a dot back frees it for another item.
    assert room.phone.emit("vote:remove", room.item(0))["ok"]
    assert room.phone.emit("vote:add", room.item(1))["ok"]
    mine = {v["target_id"]: v["dots"] for v in room.phone.sync(0)["snapshot"]["me"]["votes"]}
    assert mine == {room.clusters[0]: 2, room.clusters[1]: 2, room.loose: 1}
    assert room.phone.emit("vote:remove", {"target_type": "note", "target_id": room.loose})["ok"]
    nothing = room.phone.emit("vote:remove", {"target_type": "note", "target_id": room.loose})
    assert nothing["ok"] is False and nothing["code"] == "conflict"


def test_the_room_sees_progress_never_tallies(room: VoteRoom) -> None:
    room.phone.emit("vote:add", room.item(0))
    [(name, fact)] = room.wall.take()
    assert name == "votes:progress" and set(fact) == {"seq", "progress_delta"}
    assert fact["progress_delta"]["voted"] == 1 and fact["progress_delta"]["done"] == 0
    [(name, full)] = room.console.take()
    assert name == "vote:changed" and full["target_id"] == room.clusters[0] and full["dots"] == 1
    assert "votes" not in room.wall.sync(0)["snapshot"].get("me", {})


def test_a_replayed_vote_counts_once(room: VoteRoom, scalar: Any) -> None:
    body = {"op_id": "tap-1", **room.item(0)}
    first = room.phone.call("vote:add", body)
    again = room.phone.call("vote:add", body)
    assert first["ok"] and again["duplicate"] is True and again["seq"] == first["seq"]
    mine = [{**room.item(0), "dots": 1}]
    # Both answers carry the phone's own dots: the room's facts never tell it.
    assert first["me"]["votes"] == mine and again["me"]["votes"] == mine
    assert scalar(select(func.sum(Vote.dots))) == 1


def test_a_phone_learns_its_own_dots_from_every_answer(room: VoteRoom) -> None:
    for _ in range(3):
        room.phone.emit("vote:add", room.item(0))
    refused = room.phone.emit("vote:add", room.item(0))
    assert refused["code"] == "conflict"
    assert refused["me"]["votes"] == [{**room.item(0), "dots": 3}]
    scored = room.phone.emit("risk:score", {**room.item(1), "likelihood": 2, "impact": 4})
    assert scored["me"]["ratings"] == [{**room.item(1), "likelihood": 2, "impact": 4}]
    me = room.phone.sync(0)["snapshot"]["me"]
    assert me["votes"] == refused["me"]["votes"] and me["ratings"] == scored["me"]["ratings"]


def test_many_tabs_at_once_never_exceed_the_budget(app: Flask, room: VoteRoom, scalar: Any) -> None:
    # Eight connections of the same phone tap 40 dots at the same moment.
    tabs = [
        connect(app, room.http, {"workshop": room.workshop.id, "role": "participant"})
        for _ in range(8)
    ]
    results: list[dict[str, Any]] = []
    lock = threading.Lock()

    def tap(tab: Screen, n: int) -> None:
        for k in range(5):
            ack = tab.emit("vote:add", room.item((n + k) % 2))
            with lock:
                results.append(ack)

    threads = [threading.Thread(target=tap, args=(tab, n)) for n, tab in enumerate(tabs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(1 for ack in results if ack["ok"]) == 5
    assert scalar(select(func.sum(Vote.dots))) == 5
    assert scalar(select(func.max(Vote.dots))) <= 3


def test_a_burst_of_dots_from_many_phones_is_applied_exactly(
    app: Flask, room: VoteRoom, scalar: Any
) -> None:
    # Twelve phones each tap six dots at the same moment (one more than their budget) and send
    # their first one twice, as a phone does when an ack is late. Dots arriving together are
    # applied in one transaction (realtime/lane.py); none may be lost, doubled or leave a gap.
    phones = [join(app, room.workshop, f"P{n}", "gemeenten")[1] for n in range(12)]
    start = scalar(select(func.max(Event.seq)))
    room.console.take()
    items = [room.item(0), room.item(1), {"target_type": "note", "target_id": room.loose}]
    acks: dict[int, list[dict[str, Any]]] = {n: [] for n in range(len(phones))}

    def tap(n: int) -> None:
        first = {"op_id": uuid.uuid4().hex, **items[n % 3]}
        acks[n].append(phones[n].call("vote:add", first))
        for k in range(1, 6):
            acks[n].append(phones[n].emit("vote:add", items[(n + k) % 3]))
        acks[n].append(phones[n].call("vote:add", first))

    threads = [threading.Thread(target=tap, args=(n,)) for n in range(len(phones))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for answers in acks.values():
        *taps, again = answers
        assert [a["ok"] for a in taps] == [True] * 5 + [False], answers
        assert taps[-1]["code"] == "conflict"
        assert again["ok"] and again["seq"] == taps[0]["seq"]  # the same dot, not a second one
        # The refusal tells the phone what it holds: its five dots.
        assert sum(v["dots"] for v in taps[-1]["me"]["votes"]) == 5
    assert scalar(select(func.sum(Vote.dots))) == 12 * 5
    seqs = sorted(scalar_list(app, select(Event.seq).where(Event.workshop_id == room.workshop.id)))
    assert seqs == list(range(1, seqs[-1] + 1)), "seqs must stay gap-free"
    assert seqs[-1] == start + 12 * 5
    changed = [fact for name, fact in room.console.take() if name == "vote:changed"]
    assert sorted(fact["seq"] for fact in changed) == list(range(start + 1, start + 61))


def scalar_list(app: Flask, statement: Any) -> list[Any]:
    """Every value of a one-column query, in a short read transaction of its own."""
    with app.extensions["workshop.read_sessionmaker"]() as session:
        return list(session.scalars(statement))


def test_risk_scores_and_unrating(room: VoteRoom) -> None:
    ack = room.phone.emit("risk:score", {**room.item(0), "likelihood": 4, "impact": 5})
    assert ack["ok"]
    [(name, full)] = room.console.take()
    assert name == "risk:scored" and full["rating"] == {"likelihood": 4, "impact": 5}
    assert room.wall.take()[0][0] == "votes:progress"
    for bad in (
        {"likelihood": 0, "impact": 3},
        {"likelihood": 3, "impact": 6},
        {"likelihood": "3", "impact": 3},
    ):
        assert room.phone.emit("risk:score", {**room.item(0), **bad})["code"] == "invalid"
    assert room.phone.emit("risk:score", {**room.item(0), "likelihood": None, "impact": None})["ok"]
    assert room.console.take()[0][1]["rating"] is None


def test_voting_is_only_open_in_the_vote_phase(room: VoteRoom) -> None:
    room.console.emit("phase:set", {"phase": "results"})
    closed = room.phone.emit("vote:add", room.item(0))
    assert closed["ok"] is False and closed["code"] == "wrong_phase"


def test_items_must_be_votable(room: VoteRoom) -> None:
    clustered_note = room.phone.sync(0)["snapshot"]["notes"][0]["id"]
    for target in (
        {
            "target_type": "note",
            "target_id": clustered_note,
        },  # inside a cluster: vote on the cluster
        {"target_type": "cluster", "target_id": str(uuid.uuid4())},
        {"target_type": "viewpoint", "target_id": room.clusters[0]},
    ):
        ack = room.phone.emit("vote:add", target)
        assert ack["ok"] is False and ack["code"] in {"not_found", "invalid"}, target


def test_the_facilitator_votes_for_people_without_a_phone(room: VoteRoom) -> None:
    viewpoint = room.console.sync(0)["snapshot"]["viewpoints"][0]["id"]
    assert room.console.emit(
        "proxy:add", {"display_name": "Jan (geen telefoon)", "viewpoint_id": viewpoint}
    )["ok"]
    assert room.wall.take()[-1][0] == "seq:skipped"
    proxy = room.console.sync(0)["snapshot"]["proxies"][0]["id"]
    for _ in range(3):
        assert room.console.emit("vote:add", {**room.item(1), "participant_id": proxy})["ok"]
    assert (
        room.console.emit("vote:add", {**room.item(1), "participant_id": proxy})["code"]
        == "conflict"
    )
    # Only proxies can be voted for: never a real participant's phone.
    anna = room.console.sync(0)["snapshot"]["participants"][0]["id"]
    assert (
        room.console.emit("vote:add", {**room.item(0), "participant_id": anna})["code"]
        == "not_found"
    )
    entered = room.console.sync(0)["snapshot"]["proxy_votes"]
    assert entered == [{"participant_id": proxy, **room.item(1), "dots": 3}]


def test_results_reach_the_room_only_when_revealed(room: VoteRoom) -> None:
    room.phone.emit("vote:add", room.item(1))
    room.phone.emit("vote:add", room.item(1))
    assert room.wall.sync(0)["snapshot"]["results"] is None
    console_results = room.console.sync(0)["snapshot"]["results"]
    assert console_results["items"][0]["target_id"] == room.clusters[1]
    for screen in (room.wall, room.phone, room.console):
        screen.take()
    assert room.phone.emit("results:reveal", {"revealed": True})["code"] == "forbidden"
    assert room.phone.call("results:get", None)["code"] == "forbidden"
    # While voting is open the tallies stay hidden, also when the facilitator asks.
    assert room.console.emit("results:reveal", {"revealed": True})["code"] == "wrong_phase"
    assert room.console.call("results:get", None)["results"]["items"][0]["dots"] == 2
    room.console.emit("phase:set", {"phase": "results"})
    for screen in (room.wall, room.phone, room.console):
        screen.take()
    assert room.console.emit("results:reveal", {"revealed": True})["ok"]
    for screen in (room.wall, room.phone):
        [(name, fact)] = screen.take()
        assert name == "results:revealed" and fact["revealed"] is True
        top = fact["results"]["items"][0]
        assert (top["title"], top["dots"], top["rank"]) == ("B", 2, 1)
    assert room.wall.sync(0)["snapshot"]["results"]["items"][0]["dots"] == 2
    assert room.phone.call("results:get", None)["results"]["items"][0]["dots"] == 2
    assert room.console.emit("results:reveal", {"revealed": True, "view": "matrix"})["ok"]
    assert room.wall.take()[-1][1]["view"] == "matrix"
    assert room.wall.sync(0)["snapshot"]["voting"]["view"] == "matrix"
    assert room.console.emit("results:reveal", {"revealed": True, "view": "pie"})["code"] == (
        "invalid"
    )
    assert room.console.emit("results:reveal", {"revealed": False})["ok"]
    assert room.wall.take()[-1][1] == {
        "seq": room.wall.received[-1][1]["seq"],
        "revealed": False,
        "view": "matrix",
        "results": None,
    }
    assert room.wall.sync(0)["snapshot"]["results"] is None


def test_reopening_voting_hides_the_results_again(room: VoteRoom) -> None:
    room.console.emit("phase:set", {"phase": "results"})
    assert room.console.emit("results:reveal", {"revealed": True})["ok"]
    room.wall.take()
    room.console.emit("phase:set", {"phase": "vote"})
    [(name, fact)] = room.wall.take()
    assert name == "phase:changed" and fact["results_revealed"] is False
    snap = room.wall.sync(0)["snapshot"]
    assert snap["results"] is None and snap["voting"]["revealed"] is False


def test_progress_counts_people_who_voted_and_who_are_done(
    app: Flask, db: Session, room: VoteRoom
) -> None:
    _http, other = join(app, room.workshop, "Bram", "gemeenten")
    room.phone.emit("risk:score", {**room.item(0), "likelihood": 3, "impact": 3})
    for target in (room.item(0), room.item(0), room.item(1), room.item(1)):
        other.emit("vote:add", target)
    progress = room.wall.sync(0)["snapshot"]["voting"]["progress"]
    gemeenten = str(room.console.sync(0)["snapshot"]["viewpoints"][0]["id"])
    assert progress["total"][gemeenten] == 2 and progress["voted"][gemeenten] == 2
    assert progress["done"].get(gemeenten, 0) == 0
    other.emit("vote:add", {"target_type": "note", "target_id": room.loose})
    # Mode "both": rating is optional, so Bram is done once every dot is used.
    assert room.wall.sync(0)["snapshot"]["voting"]["progress"]["done"][gemeenten] == 1
    room.workshop.settings = {**room.workshop.settings, "voting": {**BOTH, "mode": "risk"}}
    db.commit()
    # Mode "risk": done means every item rated; Anna rated one of three.
    assert room.wall.sync(0)["snapshot"]["voting"]["progress"]["done"].get(gemeenten, 0) == 0
    for n in range(2):
        room.phone.emit("risk:score", {**room.item(n), "likelihood": 1, "impact": 2})
    room.phone.emit(
        "risk:score", {"target_type": "note", "target_id": room.loose, "likelihood": 5, "impact": 5}
    )
    assert room.wall.sync(0)["snapshot"]["voting"]["progress"]["done"][gemeenten] == 1


def test_progress_changes_add_up_to_the_snapshot(app: Flask, room: VoteRoom) -> None:
    start = room.wall.sync(0)["snapshot"]["voting"]["progress"]
    _http, other = join(app, room.workshop, "Bram", "gemeenten")
    room.wall.take()
    loose = {"target_type": "note", "target_id": room.loose}
    # Anna: five dots (done), one back (not done), a rating; Bram: a rating, then unrated.
    for target in (room.item(0), room.item(0), room.item(1), room.item(1), loose):
        room.phone.emit("vote:add", target)
    room.phone.emit("vote:remove", loose)
    room.phone.emit("risk:score", {**room.item(0), "likelihood": 2, "impact": 2})
    other.emit("risk:score", {**room.item(1), "likelihood": 4, "impact": 4})
    other.emit("risk:score", {**room.item(1), "likelihood": None, "impact": None})
    summed = {"voted": dict(start["voted"]), "done": dict(start["done"])}
    for name, fact in room.wall.take():
        assert name == "votes:progress", name
        change = fact["progress_delta"]
        if change:
            for field in ("voted", "done"):
                key = change["viewpoint"]
                summed[field][key] = summed[field].get(key, 0) + change[field]
    now = room.wall.sync(0)["snapshot"]["voting"]["progress"]
    clean = {field: {k: v for k, v in summed[field].items() if v} for field in summed}
    assert clean == {"voted": now["voted"], "done": now["done"]}
    gemeenten = str(room.console.sync(0)["snapshot"]["viewpoints"][0]["id"])
    assert now["voted"] == {gemeenten: 1} and now["done"] == {}
