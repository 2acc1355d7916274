"""Crashes mid-session (issue 8): the server is SIGKILLed twice while 50 phones post and vote.

One real `workshop serve` (SQLite in WAL mode, or PostgreSQL with WORKSHOP_TEST_BACKEND), 50
phones, the facilitator's console and the wall, all protocol clients over websockets. Every
client keeps an outbox: a command counts as acknowledged only when its ack arrived, and one
that was not is sent again with the same op id after the reconnect. Afterwards every
acknowledged operation is stored exactly once, and every screen shows exactly what the server's
snapshot for its audience says (a hash of both) within 10 s of the last restart.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from tests.conftest import BACKEND
from tests.support.fault_ledger import Ledger
from tests.support.postgres import new_database
from tests.support.processes import REPO, LiveServer, workshop_env
from tests.support.state_hash import screen_state, state_hash
from workshop.client import WorkshopClient, new_note_id
from workshop.models import Event, Note, Participant, RiskScore, Vote, Workshop
from workshop.realtime import names

PHONES = 50
VIEWPOINTS = ("gemeenten", "shared-service", "leveranciers")
LOAD_S = 3.0  # seconds of load before and after each kill
CONVERGE_S = 10.0  # the issue: every screen equals the server's snapshot within 10 s
OWNER = "faults@example.org"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """One server process on its own database (SQLite WAL file, or a new PostgreSQL database)."""
    instance = tmp_path / "instance"
    url = f"sqlite:///{instance / 'workshop.db'}"
    if BACKEND == "postgresql":
        with new_database("denktank_faults") as url:
            live = LiveServer(workshop_env(instance, url)).start()
            yield live
            live.stop()
        return
    live = LiveServer(workshop_env(instance, url)).start()
    yield live
    live.stop()


class Room:
    """The workshop under test: console, wall and phones, with what each was told."""

    def __init__(self, server: LiveServer, plan: Path) -> None:
        created = server.cli("new", str(plan), "--facilitator", OWNER, "--json")
        assert created.returncode == 0, created.stderr
        info = json.loads(created.stdout)
        self.workshop_id = int(info["id"])
        login = server.cli("facilitator", "link", OWNER).stdout.strip()
        self.ledger = Ledger()
        self.console = WorkshopClient.facilitator(server.url, login, self.workshop_id).connect()
        self.wall = WorkshopClient.projector(info["projector_url"]).connect()

        def phone(n: int) -> WorkshopClient:
            # Screens already connected follow the counts through participant:joined.
            client = WorkshopClient.join(
                server.url, info["join_code"], name=f"P{n}", viewpoint=VIEWPOINTS[n % 3]
            )
            return client.connect(20)

        with ThreadPoolExecutor(8) as pool:
            self.phones = list(pool.map(phone, range(PHONES)))
        self.engine = create_engine(server.env["WORKSHOP_DATABASE_URL"])
        self.proxy_id = 0

    @property
    def clients(self) -> list[WorkshopClient]:
        return [self.console, self.wall, *self.phones]

    def command(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        """A facilitator command that must succeed."""
        ack = self.ledger.send(self.console, 0, name, body)
        assert ack and ack["ok"], (name, ack)
        return ack

    def stored(self, query: Any) -> list[Any]:
        """Rows read straight from the database (this test's only workshop)."""
        with self.engine.connect() as conn:
            return list(conn.execute(query))

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.engine.dispose()


def both_ways_plan(tmp_path: Path) -> Path:
    """The demo plan, voting with dots and risk scores (`both`)."""
    source = (REPO / "sessions" / "denktank-cloudstrategie.yaml").read_text(encoding="utf-8")
    assert "  mode: dots\n" in source
    plan = tmp_path / "faults.yaml"
    plan.write_text(source.replace("  mode: dots\n", "  mode: both\n"), encoding="utf-8")
    return plan


def me(client: WorkshopClient) -> dict[str, Any]:
    """A phone's own part of its state: who it is, its dots and ratings (from acks)."""
    mine: dict[str, Any] = client.snapshot["me"]
    return mine


def targets(client: WorkshopClient) -> list[tuple[str, str]]:
    """What this screen offers to vote on: clusters with notes, and notes outside clusters."""
    view = client.view()
    clustered = {note["cluster_id"] for note in view["notes"] if note.get("cluster_id")}
    return [("cluster", c) for c in sorted(clustered)] + [
        ("note", note["id"]) for note in view["notes"] if not note.get("cluster_id")
    ]


def brainstorm(room: Room, phone: WorkshopClient, rng: random.Random) -> None:
    """One note from a phone."""
    text_ = f"Risico {rng.randrange(10**6)} van {me(phone)['display_name']}"
    room.ledger.send(
        phone,
        me(phone)["participant_id"],
        names.NOTE_ADD,
        {"note_id": new_note_id(), "kind": "risk", "text": text_},
    )


def vote(room: Room, phone: WorkshopClient, rng: random.Random) -> None:
    """A dot on, a dot off or a risk score: what a phone does while voting."""
    voter = me(phone)["participant_id"]
    choice = rng.random()
    held = [(v["target_type"], v["target_id"]) for v in me(phone)["votes"]]
    if choice < 0.25 and held:
        target_type, target_id = rng.choice(held)
        body: dict[str, Any] = {"target_type": target_type, "target_id": target_id}
        room.ledger.send(phone, voter, names.VOTE_REMOVE, body)
        return
    target_type, target_id = rng.choice(targets(phone))
    body = {"target_type": target_type, "target_id": target_id}
    if choice < 0.45:
        scores = (None, None) if rng.random() < 0.2 else (rng.randint(1, 5), rng.randint(1, 5))
        room.ledger.send(
            phone, voter, names.RISK_SCORE, {**body, "likelihood": scores[0], "impact": scores[1]}
        )
    else:
        room.ledger.send(phone, voter, names.VOTE_ADD, body)


def proxy_vote(room: Room, rng: random.Random) -> None:
    """The facilitator enters a dot or a score for the proxy (a person without a phone)."""
    target_type, target_id = rng.choice(targets(room.console))
    body = {"participant_id": room.proxy_id, "target_type": target_type, "target_id": target_id}
    if rng.random() < 0.3:
        body = {**body, "likelihood": rng.randint(1, 5), "impact": rng.randint(1, 5)}
        room.ledger.send(room.console, 0, names.RISK_SCORE, body)
    else:
        room.ledger.send(room.console, 0, rng.choice((names.VOTE_ADD, names.VOTE_REMOVE)), body)


class Load:
    """Every phone (and the console) doing one thing after another until told to stop."""

    def __init__(self, room: Room, act: Callable[[Room, WorkshopClient, random.Random], None]):
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.threads = [
            threading.Thread(target=self._run, args=(room, phone, act, n), daemon=True)
            for n, phone in enumerate(room.phones)
        ]
        for thread in self.threads:
            thread.start()

    def _run(self, room: Room, phone: WorkshopClient, act: Any, seed: int) -> None:
        rng = random.Random(seed)
        # Spread the phones out; a person taps every second or so.
        while not self.stop.wait(rng.uniform(0.4, 1.4)):
            try:
                act(room, phone, rng)
            except Exception as error:  # noqa: BLE001 - reported by finish()
                self.errors.append(repr(error))
                return

    def finish(self, deadline: float) -> None:
        """Stop starting commands; wait until every phone's last one was acknowledged."""
        self.stop.set()
        for thread in self.threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        assert not any(thread.is_alive() for thread in self.threads), "a phone is still sending"
        assert not self.errors, self.errors


def kill_and_restart(server: LiveServer, downtime: list[tuple[float, float]]) -> float:
    """SIGKILL the server, start it again on the same port and database; when it listens."""
    down = time.monotonic()
    server.kill()
    server.start(60)
    up = time.monotonic()
    downtime.append((down, up))
    return up


def test_two_crashes_lose_nothing_and_every_screen_converges(
    server: LiveServer, tmp_path: Path
) -> None:
    if BACKEND != "postgresql":
        with create_engine(server.env["WORKSHOP_DATABASE_URL"]).connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    room = Room(server, both_ways_plan(tmp_path))
    downtime: list[tuple[float, float]] = []
    try:
        viewpoints = [vp["id"] for vp in room.console.snapshot["viewpoints"]]
        room.command(names.PHASE_SET, {"phase": "brainstorm"})

        # Brainstorm: 50 phones post notes; the server dies under them once.
        load = Load(room, brainstorm)
        for n in range(6):  # the facilitator types in notes for people without a phone
            room.command(
                names.NOTE_ADD,
                {
                    "note_id": new_note_id(),
                    "kind": "risk",
                    "text": f"Proxy {n}",
                    "viewpoint_id": viewpoints[n % 3],
                },
            )
        time.sleep(LOAD_S)  # load, not an assertion
        up = kill_and_restart(server, downtime)
        time.sleep(LOAD_S)
        load.finish(up + 60)

        # Two clusters, a proxy voter, and the vote opens (every screen resyncs: all is shared).
        notes = [row.id for row in room.stored(select(Note.id).order_by(Note.created_at))]
        for first in (0, 3):
            room.command(
                names.CLUSTER_CREATE,
                {
                    "cluster_id": new_note_id(),
                    "title": f"Cluster {first}",
                    "note_ids": notes[first : first + 3],
                },
            )
        room.command(
            names.PROXY_ADD, {"display_name": "Zonder telefoon", "viewpoint_id": viewpoints[0]}
        )
        room.proxy_id = room.stored(select(Participant.id).where(Participant.is_proxy))[0][0]
        room.command(names.PHASE_SET, {"phase": "vote"})
        for client in room.clients:
            client.wait_for(lambda c: c.phase == "vote" and c.settled, 20)

        # Voting: dots on and off, risk scores; the server dies again and comes back.
        load = Load(room, vote)
        console_rng = random.Random(99)
        started = time.monotonic()
        while time.monotonic() - started < LOAD_S:
            proxy_vote(room, console_rng)
            time.sleep(0.3)
        load.stop.set()  # the phones' last commands are in flight or in their outboxes
        last_up = kill_and_restart(server, downtime)
        deadline = last_up + CONVERGE_S
        load.finish(deadline)

        # Every screen reaches the last seq by the deadline. Nothing changes after it, so what
        # each shows then is what it shows now: the same as the server's snapshot for it.
        last_seq = room.stored(select(Workshop.last_seq))[0][0]
        converge(room.clients, last_seq, deadline)
        for client in room.clients:
            if not same_as_server(client):
                assert screen_state(client.view()) == screen_state(client.fetch_snapshot())

        check_stored_exactly_once(room, last_seq)
        for client in room.clients:
            assert client.outbox == {}, client.outbox
            assert gap_free(client.history), (client.role, client.history)
            assert client.disconnects >= 2, client.role  # both kills reached every screen
        # Commands tapped while the server was down went out after the reconnect.
        assert room.ledger.sent_while_down(downtime)
    finally:
        room.close()


def converge(clients: list[WorkshopClient], last_seq: int, deadline: float) -> None:
    """Wait (by the deadline) until every client applied the last seq and no sync is in flight."""
    for client in clients:
        left = max(0.0, deadline - time.monotonic())
        try:
            client.wait_for(lambda c: c.seq == last_seq and c.settled, left)
        except TimeoutError:
            pytest.fail(f"{client.role} at seq {client.seq} of {last_seq} {CONVERGE_S}s after")


def same_as_server(client: WorkshopClient) -> bool:
    """The client's screen hashes like a fresh snapshot the server makes for its audience."""
    return state_hash(client.view()) == state_hash(client.fetch_snapshot())


def gap_free(history: list[tuple[str, int]]) -> bool:
    """Facts applied one seq after another, starting again only from a snapshot."""
    previous: int | None = None
    for kind, seq in history:
        if kind == "fact" and (previous is None or seq != previous + 1):
            return False
        previous = seq
    return previous is not None


def check_stored_exactly_once(room: Room, last_seq: int) -> None:
    """Every applied op is in the log once at its acked seq; refused ones left nothing."""
    ledger = room.ledger
    assert all(op.ack is not None for op in ledger.operations), "an op was never acknowledged"
    events = room.stored(
        select(Event.seq, Event.op_id).where(Event.workshop_id == room.workshop_id)
    )
    assert sorted(seq for seq, _op in events) == list(range(1, last_seq + 1))
    by_op = {op_id: seq for seq, op_id in events if op_id is not None}
    applied = {op.body["op_id"]: op.ack["seq"] for op in ledger.applied() if op.ack}
    assert by_op == applied  # nothing acknowledged missing, nothing unacknowledged stored
    assert not {op.body["op_id"] for op in ledger.refused()} & set(by_op)

    added = {op.body["note_id"] for op in ledger.applied() if op.name == names.NOTE_ADD}
    stored_notes = [row.id for row in room.stored(select(Note.id))]
    assert sorted(stored_notes) == sorted(added)  # each note once, none lost, none doubled

    dots = {
        (row.participant_id, row.target_type, row.target_id): row.dots
        for row in room.stored(select(Vote).where(Vote.dots > 0))
    }
    assert dots == ledger.expected_dots()
    ratings = {
        (row.participant_id, row.target_type, row.target_id): (row.likelihood, row.impact)
        for row in room.stored(select(RiskScore))
    }
    assert ratings == ledger.expected_ratings()
