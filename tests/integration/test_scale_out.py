"""Scale-out: two `workshop serve` processes sharing PostgreSQL and Redis, clients on each.

Every note from one process's clients reaches the other's, seqs stay gap-free across the
processes, and a Redis restart loses nothing: clients converge through the seq heartbeat and
sync (docs/protocol.md, "Several processes").
"""

from __future__ import annotations

import json
import os
import threading
import urllib.request
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import create_engine, select

from tests.conftest import require_service
from tests.integration.test_live_server import demo_links
from tests.support.postgres import new_database
from tests.support.processes import LiveServer, workshop_env
from tests.support.redis_server import RedisServer, redis_server_binary
from workshop.client import WorkshopClient, new_note_id
from workshop.models import Event, Note, Workshop

REDIS_URL = os.environ.get("WORKSHOP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database: the servers migrate it themselves (both at once)."""
    with new_database("denktank_scale") as url:
        yield url


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """Our own redis-server, which this test may stop and start."""
    binary = redis_server_binary()
    if binary is None:
        require_service("redis-server", FileNotFoundError("redis-server is not installed"))
    assert binary is not None
    server = RedisServer(tmp_path / "redis", binary).start()
    yield server
    server.stop()


def start_pair(tmp_path: Path, database_url: str, queue_url: str) -> tuple[LiveServer, ...]:
    """Two servers on their own ports and instance folders, sharing the database and queue."""
    channel = f"denktank-test-{uuid.uuid4().hex[:12]}"  # parallel runs never hear each other
    servers = tuple(
        LiveServer(
            workshop_env(
                tmp_path / name,
                database_url,
                WORKSHOP_MESSAGE_QUEUE=queue_url,
                WORKSHOP_MESSAGE_QUEUE_CHANNEL=channel,
                WORKSHOP_SECRET_KEY="scale-out-secret",  # every process must share it
            )
        )
        for name in ("a", "b")
    )
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda server: server.start(60), servers))
    return servers


class Screen(WorkshopClient):
    """A protocol client that also notes the seq of every fact pushed to it live."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.live: list[int] = []
        super().__init__(*args, **kwargs)

    def _take(self, name: str, payload: dict[str, Any]) -> None:
        # Every fact pushed live, alone or in a batch.
        self.live.append(int(payload["seq"]))
        super()._take(name, payload)

    def got_live(self, seqs: range) -> bool:
        """Were all these facts pushed to this screen (not only replayed by a sync)?"""
        return set(seqs) <= set(self.live)


class Room:
    """A console, a wall and a phone on process A; a group screen and a phone on process B."""

    def __init__(self, a: LiveServer, b: LiveServer) -> None:
        links = demo_links(a)
        on_b = links["projector"].replace(a.url, b.url)
        self.console = Screen.facilitator(a.url, links["login"], 1).connect()
        self.phone_a = Screen.join(a.url, links["code"], viewpoint="gemeenten").connect()
        self.wall_a = Screen.projector(links["projector"]).connect()
        self.phone_b = Screen.join(b.url, links["code"], viewpoint="gemeenten").connect()
        self.group_b = Screen.projector(on_b, viewpoint="gemeenten").connect()
        self.database_url = a.env["WORKSHOP_DATABASE_URL"]
        assert self.console.send("phase:set", {"phase": "brainstorm"})["ok"]

    @property
    def screens(self) -> tuple[Screen, ...]:
        return (self.console, self.phone_a, self.wall_a, self.phone_b, self.group_b)

    def post(self, phone: Screen, count: int, label: str) -> list[str]:
        ids = []
        for n in range(count):
            note = new_note_id()
            ack = phone.send("note:add", {"note_id": note, "kind": "risk", "text": f"{label} {n}"})
            assert ack["ok"], ack
            ids.append(note)
        return ids

    def stored(self) -> tuple[set[str], int, list[int]]:
        """Stored note ids, the workshop's last seq and every event seq, read from PostgreSQL."""
        engine = create_engine(self.database_url)
        with engine.connect() as conn:
            notes = set(conn.scalars(select(Note.id)))
            last = conn.scalar(select(Workshop.last_seq).where(Workshop.id == 1))
            seqs = list(conn.scalars(select(Event.seq).where(Event.workshop_id == 1)))
        engine.dispose()
        return notes, int(last or 0), sorted(seqs)

    def converge(self, timeout: float = 30) -> set[str]:
        """Wait until every screen holds exactly the stored notes at the stored seq."""
        notes, last, seqs = self.stored()
        assert seqs == list(range(1, last + 1)), "event seqs must be gap-free"
        for screen in self.screens:
            screen.wait_for(lambda c: c.seq == last and set(c.notes) == notes, timeout)
        return notes

    def close(self) -> None:
        for screen in self.screens:
            screen.close()


def health(server: LiveServer) -> dict[str, str]:
    """What /healthz says (HTTP 200 expected)."""
    with urllib.request.urlopen(server.url + "/healthz", timeout=5) as response:
        assert response.status == 200
        body: dict[str, str] = json.load(response)
        return body


def wait_live(screen: Screen, since: int, timeout: float = 10) -> None:
    """Wait until every fact after ``since`` up to the screen's seq was also pushed to it live.

    A client that filled a gap by sync can be ahead of the other process's copies still on their
    way through Redis; they must arrive all the same.
    """
    last = screen.seq
    screen.wait_for(lambda _c: screen.got_live(range(since + 1, last + 1)), timeout)


def applied_in_order(client: WorkshopClient, since: int) -> bool:
    """Did the client apply every fact after ``since`` once, in seq order, without a gap?"""
    seqs = [int(payload["seq"]) for _name, payload in client.facts if payload["seq"] > since]
    return seqs == list(range(since + 1, client.seq + 1))


def test_notes_cross_between_processes_gap_free(tmp_path: Path, pg_url: str) -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require_service("Redis", error)
    a, b = start_pair(tmp_path, pg_url, REDIS_URL)
    room = Room(a, b)
    try:
        # A process subscribes to Redis once its first client connected; facts published before
        # the other process listens reach its clients only by sync, so wait for both to listen.
        room.console.wait_for(
            lambda _c: health(a)["message_queue"] == health(b)["message_queue"] == "ok", 10
        )
        start = room.console.seq
        # Both phones post at once, each through its own process.
        threads = [
            threading.Thread(target=room.post, args=(phone, 10, label))
            for phone, label in ((room.phone_a, "A"), (room.phone_b, "B"))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        notes = room.converge()
        assert len(notes) == 20
        assert {"A 9", "B 9"} <= set(room.group_b.visible_texts())
        assert {"A 9", "B 9"} <= set(room.phone_a.visible_texts())
        # Every fact was pushed live to every screen on both processes (through Redis for the
        # other process's), and applied once, in seq order. Facts of two processes may arrive
        # out of order; a client then fills the gap by sync, which is fine. The sync may then
        # finish before the other process's copy arrives through Redis, so wait for it.
        for screen in room.screens:
            wait_live(screen, start)
            assert applied_in_order(screen, start), screen.role
    finally:
        room.close()
        a.stop()
        b.stop()


def test_a_redis_restart_loses_nothing(
    tmp_path: Path, pg_url: str, private_redis: RedisServer
) -> None:
    a, b = start_pair(tmp_path, pg_url, private_redis.url)
    channel = a.env["WORKSHOP_MESSAGE_QUEUE_CHANNEL"]
    room = Room(a, b)
    try:
        room.post(room.phone_a, 3, "before A")
        room.post(room.phone_b, 3, "before B")
        room.converge()

        assert health(a)["message_queue"] == "ok"
        private_redis.stop()
        # A process without Redis still serves (its own sockets, the database): it stays healthy
        # for the load balancer and says what is missing.
        assert health(b) == {"status": "ok", "database": "ok", "message_queue": "unreachable"}
        # During the outage both processes keep accepting notes. B's phone posts first and A's
        # last, so B's screens have no later fact that would reveal the gap: only the seq
        # heartbeat tells them they are behind.
        room.post(room.phone_b, 3, "outage B")
        room.post(room.phone_a, 3, "outage A")
        notes = room.converge()
        assert len(notes) == 12
        assert {"outage A 2", "outage B 2"} <= set(room.group_b.visible_texts())

        private_redis.start()
        # Both processes listen again (they retry every few seconds) and say so ...
        room.console.wait_for(lambda _c: private_redis.subscribers(channel) == 2, 20)
        room.console.wait_for(
            lambda _c: health(a)["message_queue"] == health(b)["message_queue"] == "ok", 10
        )
        # ... and facts cross through Redis again.
        start = room.group_b.seq
        room.post(room.phone_a, 3, "after A")
        notes = room.converge()
        assert len(notes) == 15
        for screen in (room.phone_b, room.group_b):
            wait_live(screen, start)
            assert applied_in_order(screen, start), screen.role
    finally:
        room.close()
        a.stop()
        b.stop()
