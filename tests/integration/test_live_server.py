"""The real server process (gevent, websockets) with protocol clients: delivery, crash recovery."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select

from tests.support.processes import LiveServer, workshop_env
from workshop.client import WorkshopClient, new_note_id
from workshop.models import Note


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A fresh `workshop serve` with the demo workshop."""
    instance = tmp_path / "instance"
    live = LiveServer(workshop_env(instance, f"sqlite:///{instance / 'workshop.db'}")).start()
    yield live
    live.stop()


def demo_links(server: LiveServer) -> dict[str, str]:
    """Run `workshop demo` and pick the links it prints."""
    out = server.cli("demo").stdout
    found = {
        "login": re.search(r"one-time login link\): (\S+)", out),
        "projector": re.search(r"Projector:\s+(\S+)", out),
        "code": re.search(r"join code ([A-Z0-9]{6})", out),
    }
    assert all(found.values()), out
    return {key: match.group(1) for key, match in found.items() if match}


def stored_note_ids(server: LiveServer) -> list[str]:
    """Note ids in the server's database (read directly, like a backup would)."""
    engine = create_engine(server.env["WORKSHOP_DATABASE_URL"])
    with engine.connect() as conn:
        ids = list(conn.scalars(select(Note.id).where(Note.deleted_at.is_(None))))
        assert conn.scalar(select(func.count()).select_from(Note)) == len(ids)
    engine.dispose()
    return ids


def test_notes_reach_the_wall_over_websockets(server: LiveServer) -> None:
    links = demo_links(server)
    console = WorkshopClient.facilitator(server.url, links["login"], 1).connect()
    wall = WorkshopClient.projector(links["projector"]).connect()
    group = WorkshopClient.projector(links["projector"], viewpoint="gemeenten").connect()
    phone = WorkshopClient.join(
        server.url, links["code"], name="Anna", viewpoint="gemeenten"
    ).connect()
    try:
        assert console.send("phase:set", {"phase": "brainstorm"})["ok"]
        ids = [new_note_id() for _ in range(5)]
        for n, note in enumerate(ids):
            ack = phone.send("note:add", {"note_id": note, "kind": "risk", "text": f"Risico {n}"})
            assert ack["ok"], ack
        group.wait_for(lambda c: len(c.notes) == 5)
        assert group.visible_texts() == [f"Risico {n}" for n in range(5)]
        # The demo plan hides notes on the main wall until sharing: counts only.
        wall.wait_for(lambda c: len(c.notes) == 5)
        assert wall.visible_texts() == []
        assert console.send("phase:set", {"phase": "share"})["ok"]
        wall.wait_for(lambda c: len(c.visible_texts()) == 5)
    finally:
        for client in (console, wall, group, phone):
            client.close()


def test_a_killed_server_loses_no_acknowledged_note(server: LiveServer) -> None:
    links = demo_links(server)
    console = WorkshopClient.facilitator(server.url, links["login"], 1).connect()
    phones = [
        WorkshopClient.join(
            server.url, links["code"], name=f"P{n}", viewpoint="gemeenten"
        ).connect()
        for n in range(4)
    ]
    group = WorkshopClient.projector(links["projector"], viewpoint="gemeenten").connect()
    acknowledged: list[str] = []
    lock = threading.Lock()
    try:
        assert console.send("phase:set", {"phase": "brainstorm"})["ok"]

        def post(phone: WorkshopClient, count: int) -> None:
            for n in range(count):
                note = new_note_id()
                ack = phone.send(
                    "note:add",
                    {"note_id": note, "kind": "risk", "text": f"{note[:8]} {n}"},
                    attempts=40,
                )
                if ack["ok"]:
                    with lock:
                        acknowledged.append(note)

        workers = [threading.Thread(target=post, args=(phone, 15)) for phone in phones]
        for worker in workers:
            worker.start()
        # Kill the server twice while the phones are posting; clients reconnect by themselves.
        for _ in range(2):
            group.wait_for(lambda c: len(c.notes) >= len(acknowledged) // 2 + 3, timeout=30)
            server.restart()
        for worker in workers:
            worker.join(timeout=120)
        assert len(acknowledged) == 4 * 15
        stored = stored_note_ids(server)
        assert sorted(stored) == sorted(acknowledged)  # each stored exactly once
        # Every screen converges on exactly the stored notes.
        for client in (*phones, group, console):
            client.wait_for(lambda c: set(c.notes) == set(stored), timeout=30)
    finally:
        for client in (console, group, *phones):
            client.close()
