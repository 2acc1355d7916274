"""Read-only requests over Socket.IO: sync, suggestions, look-alikes, results (no op id)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_socketio import join_room, leave_room

from workshop import hints, results, snapshot, summary
from workshop.actors import FACILITATOR, PARTICIPANT
from workshop.audience import for_viewpoint
from workshop.errors import Forbidden, NotFound
from workshop.models import Participant, Workshop
from workshop.realtime import names
from workshop.realtime.connections import Connection, current_connection, reader_db
from workshop.realtime.server import socketio


def on_sync(payload: Any = None) -> dict[str, Any]:
    """Replay what the client missed, or send a snapshot."""
    connection = current_connection()
    if connection is None:
        return Forbidden().as_dict(_)
    last_seq = payload.get("last_seq", 0) if isinstance(payload, dict) else 0
    if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
        last_seq = 0
    with reader_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        if workshop is None:
            return NotFound().as_dict(_)
        me = None
        if connection.role == PARTICIPANT:
            me = db.get(Participant, connection.participant_id)
            if me is None:
                return Forbidden().as_dict(_)
            _follow_viewpoint(connection, me)
        return snapshot.sync(db, workshop, connection.audience, last_seq, me)


def _follow_viewpoint(connection: Connection, me: Participant) -> None:
    """A participant the facilitator moved changes room when it next syncs (in any process)."""
    audience = for_viewpoint(me.viewpoint_id)
    if audience != connection.audience:
        leave_room(connection.audience.room(connection.workshop_id))
        join_room(audience.room(connection.workshop_id))
        connection.audience = audience


def on_suggest(_payload: Any = None) -> dict[str, Any]:
    """Proposed clusters for the facilitator (read-only)."""
    connection = current_connection()
    if connection is None or connection.role != FACILITATOR:
        return Forbidden().as_dict(_)
    with reader_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        if workshop is None:
            return NotFound().as_dict(_)
        return {"ok": True, "proposals": hints.proposals(db, workshop)}


def on_similar(payload: Any = None) -> dict[str, Any]:
    """Notes like the one a participant is typing (read-only)."""
    connection = current_connection()
    if connection is None or connection.role != PARTICIPANT:
        return Forbidden().as_dict(_)
    typed = payload.get("text") if isinstance(payload, dict) else None
    with reader_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        me = db.get(Participant, connection.participant_id)
        if workshop is None or me is None:
            return NotFound().as_dict(_)
        return {"ok": True, "matches": hints.similar(db, workshop, me, typed)}


def on_results(_payload: Any = None) -> dict[str, Any]:
    """The tallies now: the facilitator's live view while voting, everyone's once revealed."""
    connection = current_connection()
    if connection is None:
        return Forbidden().as_dict(_)
    with reader_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        if workshop is None:
            return NotFound().as_dict(_)
        if connection.role != FACILITATOR and not results.revealed(workshop):
            return Forbidden().as_dict(_)
        return {
            "ok": True,
            "seq": workshop.last_seq,
            "results": summary.tallies(db, workshop),
            "voting": results.overview(db, workshop),
        }


socketio.on_event(names.SYNC, on_sync)
socketio.on_event(names.CLUSTERS_SUGGEST, on_suggest)
socketio.on_event(names.NOTE_SIMILAR, on_similar)
socketio.on_event(names.RESULTS_GET, on_results)
