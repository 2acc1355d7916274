"""Telling the screens of a deleted workshop: one ``workshop:deleted`` signal, then disconnect."""

from __future__ import annotations

import contextlib
import logging

from workshop.audience import all_audiences
from workshop.realtime import names
from workshop.realtime.connections import CONNECTIONS
from workshop.realtime.server import socketio

log = logging.getLogger(__name__)


def notify_deleted(workshop_id: int, viewpoint_ids: tuple[int, ...] = ()) -> None:
    """Send ``workshop:deleted`` to every audience room, then drop this process's sockets.

    The signal goes through the message queue to every process; a socket another process holds
    can do nothing any more (every command answers not_found) and is refused when it reconnects.
    """
    for audience in all_audiences(list(viewpoint_ids)):
        socketio.emit(
            names.WORKSHOP_DELETED, {"workshop_id": workshop_id}, to=audience.room(workshop_id)
        )
    for sid, connection in list(CONNECTIONS.items()):
        if connection.workshop_id == workshop_id:
            CONNECTIONS.pop(sid, None)
            with contextlib.suppress(Exception):  # already gone: nothing to drop
                socketio.server.disconnect(sid, namespace="/")
