"""Read-only requests over Socket.IO: sync, suggestions, look-alikes, results (no op id).

Each is registered through ``request`` below: its roles go into the access table, and every
call passes the role check, the per-socket request throttle and the event's payload schema
before it reads anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request as flask_request
from flask_socketio import join_room, leave_room

from workshop import hints, results, snapshot, summary
from workshop.actors import FACILITATOR, PARTICIPANT, PROJECTOR
from workshop.audience import for_viewpoint
from workshop.errors import DomainError, Forbidden, NotFound
from workshop.models import Participant, Workshop
from workshop.realtime import access, names, schemas, throttle
from workshop.realtime.connections import Connection, current_connection, reader_db
from workshop.realtime.refusals import refuse

Answer = Callable[[Connection, dict[str, Any]], dict[str, Any]]
EVERY_SCREEN = frozenset({PARTICIPANT, FACILITATOR, PROJECTOR})


def request(name: str, roles: frozenset[str], condition: str = "") -> Callable[[Answer], Answer]:
    """Register a read-only request: declare its roles, then check role, throttle and schema."""

    def register(answer: Answer) -> Answer:
        def handler(payload: Any = None) -> dict[str, Any]:
            connection = current_connection()
            if connection is None or connection.role not in roles:
                return refuse(connection, Forbidden())
            throttled = throttle.request_refusal(connection, flask_request.sid)  # type: ignore[attr-defined]
            if throttled is not None:
                return throttled
            try:
                values = schemas.check(name, payload)
            except DomainError as error:
                return refuse(connection, error)
            return answer(connection, values)

        handler.__name__ = "on_" + name.replace(":", "_")
        access.register(name, roles, handler, kind=access.REQUEST, condition=condition)
        return answer

    return register


@request(names.SYNC, EVERY_SCREEN)
def on_sync(connection: Connection, payload: dict[str, Any]) -> dict[str, Any]:
    """Replay what the client missed, or send a snapshot."""
    with reader_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        if workshop is None:
            return refuse(None, NotFound())
        me = None
        if connection.role == PARTICIPANT:
            me = db.get(Participant, connection.participant_id)
            if me is None:
                return refuse(connection, Forbidden())
            _follow_viewpoint(connection, me)
        return snapshot.sync(db, workshop, connection.audience, payload.get("last_seq", 0), me)


def _follow_viewpoint(connection: Connection, me: Participant) -> None:
    """A participant the facilitator moved changes room when it next syncs (in any process)."""
    audience = for_viewpoint(me.viewpoint_id)
    if audience != connection.audience:
        leave_room(connection.audience.room(connection.workshop_id))
        join_room(audience.room(connection.workshop_id))
        connection.audience = audience


@request(names.CLUSTERS_SUGGEST, frozenset({FACILITATOR}))
def on_suggest(connection: Connection, _payload: dict[str, Any]) -> dict[str, Any]:
    """Proposed clusters for the facilitator (read-only)."""
    with reader_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        if workshop is None:
            return refuse(None, NotFound())
        return {"ok": True, "proposals": hints.proposals(db, workshop)}


@request(names.NOTE_SIMILAR, frozenset({PARTICIPANT}))
def on_similar(connection: Connection, payload: dict[str, Any]) -> dict[str, Any]:
    """Notes like the one a participant is typing (read-only)."""
    with reader_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        me = db.get(Participant, connection.participant_id)
        if workshop is None or me is None:
            return refuse(None, NotFound())
        return {"ok": True, "matches": hints.similar(db, workshop, me, payload.get("text", ""))}


@request(names.RESULTS_GET, EVERY_SCREEN, condition="others than the facilitator: once revealed")
def on_results(connection: Connection, _payload: dict[str, Any]) -> dict[str, Any]:
    """The tallies now: the facilitator's live view while voting, everyone's once revealed."""
    with reader_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        if workshop is None:
            return refuse(None, NotFound())
        if connection.role != FACILITATOR and not results.revealed(workshop):
            return refuse(connection, Forbidden())
        return {
            "ok": True,
            "seq": workshop.last_seq,
            "results": summary.tallies(db, workshop),
            "voting": results.overview(db, workshop),
        }
