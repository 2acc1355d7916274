"""The seq heartbeat: with several processes, tell each client the newest seq of its workshop.

Facts from other processes travel through Redis. While Redis is away (a restart, a network
blip) those facts never reach this process's sockets, and a client that misses the *last* facts
of a burst has nothing later to reveal the gap. So every few seconds each process reads the
``last_seq`` of the workshops it has sockets for and, when it moved, tells those sockets
``seq:latest {seq}`` directly (not through Redis). A client behind that seq syncs. One query
per process per beat, and no messages at all while nothing changes.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from flask import Flask
from sqlalchemy import select

from workshop.models import Workshop
from workshop.realtime import names
from workshop.realtime.connections import CONNECTIONS
from workshop.realtime.server import socketio
from workshop.web import read_sessionmaker_for

log = logging.getLogger(__name__)

INTERVAL_S = 3.0


def rooms_by_workshop() -> dict[int, set[str]]:
    """The audience rooms this process has sockets in, per workshop."""
    rooms: dict[int, set[str]] = defaultdict(set)
    for connection in list(CONNECTIONS.values()):
        rooms[connection.workshop_id].add(connection.audience.room(connection.workshop_id))
    return rooms


def beat(app: Flask, announced: dict[int, int]) -> int:
    """Send ``seq:latest`` where a workshop's seq moved since the last beat; returns emits."""
    rooms = rooms_by_workshop()
    for workshop_id in set(announced) - set(rooms):
        del announced[workshop_id]
    if not rooms:
        return 0
    with read_sessionmaker_for(app)() as db:
        latest = db.execute(
            select(Workshop.id, Workshop.last_seq).where(Workshop.id.in_(rooms))
        ).all()
    sent = 0
    for workshop_id, seq in latest:
        if announced.get(workshop_id) == seq:
            continue
        announced[workshop_id] = seq
        for room in rooms[workshop_id]:
            # Straight to this process's sockets: the point is to work while Redis does not.
            socketio.server.emit(names.SEQ_LATEST, {"seq": seq}, to=room, ignore_queue=True)
            sent += 1
    return sent


def run(app: Flask) -> None:
    """Beat forever (a background task of ``workshop serve`` when a message queue is set)."""
    announced: dict[int, int] = {}
    while True:
        socketio.sleep(INTERVAL_S)
        try:
            beat(app, announced)
        except Exception:  # a database hiccup must not end the heartbeat
            log.exception("seq heartbeat failed; trying again in %.0f s", INTERVAL_S)
