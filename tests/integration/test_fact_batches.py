"""A burst of facts leaves the real server in batches (one ``facts`` message per room), and every
screen still applies every seq exactly once, in order (docs/protocol.md, "Batches")."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests.conftest import require_service
from tests.integration.test_live_server import demo_links
from tests.integration.test_scale_out import REDIS_URL, start_pair
from tests.support.postgres import new_database
from tests.support.processes import LiveServer, workshop_env
from workshop.client import WorkshopClient, new_note_id

VIEWPOINTS = ("gemeenten", "shared-service", "leveranciers")


class Recorder(WorkshopClient):
    """A protocol client that also notes every fact pushed to it live, and each batch's seqs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.live: list[int] = []
        self.batch_seqs: list[list[int]] = []
        super().__init__(*args, **kwargs)

    def _take(self, name: str, payload: dict[str, Any]) -> None:
        with self._lock:
            self.live.append(int(payload["seq"]))
        super()._take(name, payload)

    def _on_batch(self, batch: Any) -> None:
        with self._lock:
            self.batch_seqs.append([int(entry[1]["seq"]) for entry in batch])
        super()._on_batch(batch)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh `workshop serve` (facts batched, as by default) with the demo workshop."""
    instance = tmp_path / "instance"
    live = LiveServer(workshop_env(instance, f"sqlite:///{instance / 'workshop.db'}")).start()
    yield live
    live.stop()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for two servers."""
    with new_database("denktank_batches") as url:
        yield url


def burst(phones: list[Recorder], notes_each: int) -> None:
    """Every phone posts its notes back to back, all phones at once."""

    def post(phone: Recorder) -> None:
        for n in range(notes_each):
            body = {"note_id": new_note_id(), "kind": "risk", "text": f"burst {n}"}
            assert phone.send("note:add", body)["ok"]

    threads = [threading.Thread(target=post, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)


def assert_every_seq_once(screen: Recorder, since: int, last: int) -> None:
    """Pushed live exactly once each, batches in seq order, applied once in order, no gap."""
    expected = list(range(since + 1, last + 1))
    live = Counter(seq for seq in screen.live if seq > since)
    assert sorted(live) == expected, f"{screen.role}: facts missing from the live stream"
    assert max(live.values()) == 1, f"{screen.role}: a fact was pushed twice"
    for seqs in screen.batch_seqs:
        assert seqs == sorted(seqs), f"{screen.role}: a batch out of seq order: {seqs}"
    applied = [int(payload["seq"]) for _name, payload in screen.facts if payload["seq"] > since]
    assert applied == expected, f"{screen.role}: not applied once each in order"


def test_a_burst_arrives_in_batches_and_every_screen_sees_every_seq_once(
    server: LiveServer,
) -> None:
    links = demo_links(server)
    console = Recorder.facilitator(server.url, links["login"], 1).connect()
    wall = Recorder.projector(links["projector"]).connect()
    group = Recorder.projector(links["projector"], viewpoint="gemeenten").connect()
    phones = [
        Recorder.join(server.url, links["code"], viewpoint=VIEWPOINTS[n % 3]).connect()
        for n in range(9)
    ]
    screens = [console, wall, group, *phones]
    try:
        assert console.send("phase:set", {"phase": "brainstorm"})["ok"]
        last = console.send("timer:start", {"duration_s": 600})["seq"]
        for screen in screens:
            screen.wait_for(lambda c: c.seq == last)
        burst(phones, 8)
        final = console.seq
        for screen in screens:
            screen.wait_for(lambda c: len(c.notes) == 72, 30)
            final = max(final, screen.seq)
        for screen in screens:
            screen.wait_for(lambda c: c.seq == final)
            assert_every_seq_once(screen, last, final)
        # Observable by every screen: several facts of the burst came in one message.
        for screen in (console, wall, group):
            assert screen.largest_batch >= 2, f"{screen.role} got no batch"
        assert sorted(group.visible_texts()).count("burst 7") == 3
    finally:
        for screen in screens:
            screen.close()


def test_batches_cross_between_processes_through_redis(tmp_path: Path, pg_url: str) -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        require_service("Redis", error)
    a, b = start_pair(tmp_path, pg_url, REDIS_URL)
    links = demo_links(a)
    console = Recorder.facilitator(a.url, links["login"], 1).connect()
    # Only process A's phones post; the screens on B get everything through Redis.
    phones = [
        Recorder.join(a.url, links["code"], viewpoint=VIEWPOINTS[n % 3]).connect() for n in range(6)
    ]
    group_b = Recorder.projector(
        links["projector"].replace(a.url, b.url), viewpoint="gemeenten"
    ).connect()
    wall_b = Recorder.projector(links["projector"].replace(a.url, b.url)).connect()
    screens = [console, *phones, group_b, wall_b]
    try:
        last = console.send("phase:set", {"phase": "brainstorm"})["seq"]
        for screen in screens:
            screen.wait_for(lambda c: c.seq >= last, 20)
        last = max(screen.seq for screen in screens)
        for screen in screens:
            screen.wait_for(lambda c: c.seq == last, 20)
        burst(phones, 8)
        for screen in screens:
            screen.wait_for(lambda c: len(c.notes) == 48, 30)
        final = max(screen.seq for screen in screens)
        for screen in screens:
            screen.wait_for(lambda c: c.seq == final, 20)
            assert_every_seq_once(screen, last, final)
        assert max(group_b.largest_batch, wall_b.largest_batch) >= 2, "no batch crossed Redis"
    finally:
        for screen in screens:
            screen.close()
        a.stop()
        b.stop()
