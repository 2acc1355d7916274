"""Socket.IO handlers: authorise, validate, call the domain, commit, broadcast, acknowledge."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, join_room, leave_room
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workshop import (
    clusters,
    editing,
    hints,
    notes,
    participants,
    phases,
    snapshot,
    validate,
    votes,
)
from workshop.actors import FACILITATOR, PARTICIPANT, PROJECTOR, Actor
from workshop.audience import FACILITATOR as FACILITATOR_AUDIENCE
from workshop.audience import WALL, Audience, for_viewpoint
from workshop.errors import DomainError, DuplicateOperation, Forbidden, InvalidInput, NotFound
from workshop.models import Event, Participant, Workshop
from workshop.realtime import names
from workshop.realtime.broadcast import Delivery, broadcast
from workshop.realtime.server import socketio
from workshop.web import (
    participant_cookie_name,
    read_sessionmaker_for,
    sessionmaker_for,
    use_workshop_language,
)

log = logging.getLogger(__name__)


@dataclass
class Connection:
    """What the server knows about one socket, decided when it connected."""

    workshop_id: int
    role: str
    audience: Audience
    participant_id: int | None = None
    facilitator_id: int | None = None


# Process-local: a socket always talks to the process it connected to.
CONNECTIONS: dict[str, Connection] = {}


def _refuse(error: DomainError) -> ConnectionRefusedError:
    return ConnectionRefusedError(error.as_dict(_))


def _db() -> Session:
    session: Session = sessionmaker_for(current_app)()
    return session


def _read_db() -> Session:
    session: Session = read_sessionmaker_for(current_app)()
    return session


def on_connect(auth: Any = None) -> None:
    """Authenticate the socket and put it in its audience's room."""
    if not isinstance(auth, dict):
        raise _refuse(InvalidInput())
    role = auth.get("role")
    try:
        workshop_id = validate.record_id(auth.get("workshop"))
    except DomainError as error:
        raise _refuse(error) from None
    with _read_db() as db:
        workshop = db.get(Workshop, workshop_id)
        if workshop is None:
            raise _refuse(NotFound())
        use_workshop_language(workshop.language)
        connection = _authenticate(db, workshop, role, auth)
    CONNECTIONS[request.sid] = connection  # type: ignore[attr-defined]
    join_room(connection.audience.room(workshop_id))


def _authenticate(
    db: Session, workshop: Workshop, role: object, auth: dict[str, Any]
) -> Connection:
    from workshop.web import current_facilitator

    facilitator = current_facilitator()
    owner = facilitator is not None and facilitator.id == workshop.owner_id
    if role == FACILITATOR:
        if not owner:
            raise _refuse(Forbidden())
        return Connection(
            workshop.id, FACILITATOR, FACILITATOR_AUDIENCE, facilitator_id=workshop.owner_id
        )
    if role == PROJECTOR:
        key = auth.get("key")
        if not owner and not (isinstance(key, str) and key and key == workshop.display_token):
            raise _refuse(Forbidden())
        slug = auth.get("viewpoint")
        if slug:
            viewpoint = participants.viewpoint_by_slug(workshop, str(slug))
            if viewpoint is None:
                raise _refuse(NotFound())
            return Connection(workshop.id, PROJECTOR, for_viewpoint(viewpoint.id))
        return Connection(workshop.id, PROJECTOR, WALL)
    if role == PARTICIPANT:
        secret = request.cookies.get(participant_cookie_name(workshop.id))
        participant = participants.identify(db, workshop.id, secret)
        if participant is None:
            raise _refuse(Forbidden())
        return Connection(
            workshop.id,
            PARTICIPANT,
            for_viewpoint(participant.viewpoint_id),
            participant_id=participant.id,
        )
    raise _refuse(InvalidInput())


def on_disconnect(*_args: Any) -> None:
    """Forget the socket."""
    CONNECTIONS.pop(request.sid, None)  # type: ignore[attr-defined]


def _connection() -> Connection | None:
    return CONNECTIONS.get(request.sid)  # type: ignore[attr-defined]


def _actor(db: Session, connection: Connection) -> Actor:
    if connection.role == PARTICIPANT:
        participant = db.get(Participant, connection.participant_id)
        if participant is None:
            raise Forbidden()
        return Actor(PARTICIPANT, participant=participant)
    if connection.role == FACILITATOR:
        return Actor(FACILITATOR, facilitator_id=connection.facilitator_id)
    return Actor(PROJECTOR)


def on_sync(payload: Any = None) -> dict[str, Any]:
    """Replay what the client missed, or send a snapshot."""
    connection = _connection()
    if connection is None:
        return Forbidden().as_dict(_)
    last_seq = payload.get("last_seq", 0) if isinstance(payload, dict) else 0
    if isinstance(last_seq, bool) or not isinstance(last_seq, int) or last_seq < 0:
        last_seq = 0
    with _read_db() as db:
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
    connection = _connection()
    if connection is None or connection.role != FACILITATOR:
        return Forbidden().as_dict(_)
    with _read_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        if workshop is None:
            return NotFound().as_dict(_)
        return {"ok": True, "proposals": hints.proposals(db, workshop)}


def on_similar(payload: Any = None) -> dict[str, Any]:
    """Notes like the one a participant is typing (read-only)."""
    connection = _connection()
    if connection is None or connection.role != PARTICIPANT:
        return Forbidden().as_dict(_)
    typed = payload.get("text") if isinstance(payload, dict) else None
    with _read_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        me = db.get(Participant, connection.participant_id)
        if workshop is None or me is None:
            return NotFound().as_dict(_)
        return {"ok": True, "matches": hints.similar(db, workshop, me, typed)}


socketio.on_event("connect", on_connect)
socketio.on_event("disconnect", on_disconnect)
socketio.on_event(names.SYNC, on_sync)
socketio.on_event(names.CLUSTERS_SUGGEST, on_suggest)
socketio.on_event(names.NOTE_SIMILAR, on_similar)

Operation = Callable[[Session, Workshop, Actor, dict[str, Any], str], Event]


def command(name: str, roles: frozenset[str], operation: Operation) -> None:
    """Register a command: the shared authorise → domain → commit → broadcast → ack path."""

    def handler(payload: Any = None) -> dict[str, Any]:
        connection = _connection()
        if connection is None or connection.role not in roles:
            return Forbidden().as_dict(_)
        try:
            if not isinstance(payload, dict):
                raise InvalidInput()
            op_id = validate.op_id(payload.get("op_id"))
        except DomainError as error:
            return error.as_dict(_)
        db = _db()
        try:
            workshop = db.get(Workshop, connection.workshop_id)
            if workshop is None:
                raise NotFound()
            use_workshop_language(workshop.language)
            event = operation(db, workshop, _actor(db, connection), payload, op_id)
            db.commit()
            delivery = Delivery.of(workshop, event)
        except DuplicateOperation as duplicate:
            db.rollback()
            return {"ok": True, "seq": duplicate.event_seq, "duplicate": True}
        except DomainError as error:
            db.rollback()
            return error.as_dict(_)
        except SQLAlchemyError:
            db.rollback()
            log.exception("database error in %s", name)
            # Not applied: the client keeps it in its outbox and tries again.
            return {
                "ok": False,
                "code": "unavailable",
                "retry": True,
                "message": _("The server is busy; your change will be sent again."),
            }
        finally:
            db.close()
        broadcast(delivery)
        return {"ok": True, "seq": delivery.seq}

    handler.__name__ = "on_" + name.replace(":", "_")
    socketio.on_event(name, handler)


ANYONE = frozenset({PARTICIPANT, FACILITATOR})
ONLY_FACILITATOR = frozenset({FACILITATOR})

command(
    names.NOTE_ADD,
    ANYONE,
    lambda db, w, actor, p, op: notes.add(
        db,
        w,
        actor,
        note_id=p.get("note_id"),
        kind=p.get("kind"),
        body=p.get("text"),
        viewpoint_id=p.get("viewpoint_id"),
        op_id=op,
    ),
)
command(
    names.NOTE_EDIT,
    ANYONE,
    lambda db, w, actor, p, op: notes.edit(
        db, w, actor, note_id=p.get("note_id"), body=p.get("text"), kind=p.get("kind"), op_id=op
    ),
)
command(
    names.NOTE_DELETE,
    ANYONE,
    lambda db, w, actor, p, op: notes.delete(db, w, actor, note_id=p.get("note_id"), op_id=op),
)
command(
    names.NOTE_HIDE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: notes.set_hidden(
        db, w, actor, note_id=p.get("note_id"), hidden=True, op_id=op
    ),
)
command(
    names.NOTE_RESTORE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: notes.set_hidden(
        db, w, actor, note_id=p.get("note_id"), hidden=False, op_id=op
    ),
)
command(
    names.PHASE_SET,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.set_phase(db, w, actor, p.get("phase"), op),
)
command(
    names.TIMER_START,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.timer_start(db, w, actor, p.get("duration_s"), op),
)
command(
    names.TIMER_PAUSE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.timer_pause(db, w, actor, op),
)
command(
    names.TIMER_ADD,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.timer_add(db, w, actor, p.get("seconds"), op),
)
command(
    names.TIMER_RESET,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.timer_reset(db, w, actor, op),
)
command(
    names.JOINING_SET,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.set_joining(db, w, actor, p.get("locked"), op),
)
command(
    names.SPOTLIGHT_SET,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.set_spotlight(db, w, actor, p.get("viewpoint_id"), op),
)
command(
    names.PARTICIPANT_MOVE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: participants.move(
        db, w, actor, p.get("participant_id"), p.get("viewpoint_id"), op
    ),
)
command(
    names.WORKSHOP_UPDATE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: editing.update(
        db, w, actor, {k: v for k, v in p.items() if k != "op_id"}, op
    ),
)
command(
    names.NOTE_ENDORSE,
    frozenset({PARTICIPANT}),
    lambda db, w, actor, p, op: notes.endorse(
        db, w, actor, note_id=p.get("note_id"), endorsed=p.get("endorsed"), op_id=op
    ),
)
command(
    names.CLUSTER_CREATE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.create(
        db,
        w,
        actor,
        cluster_id=p.get("cluster_id"),
        title=p.get("title", ""),
        note_ids=p.get("note_ids"),
        position=p.get("position"),
        op_id=op,
    ),
)
command(
    names.CLUSTER_RENAME,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.rename(
        db, w, actor, cluster_id=p.get("cluster_id"), title=p.get("title"), op_id=op
    ),
)
command(
    names.NOTES_MOVE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.move_notes(db, w, actor, moves=p.get("moves"), op_id=op),
)
command(
    names.CLUSTER_MERGE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.merge(
        db, w, actor, cluster_id=p.get("cluster_id"), source_id=p.get("source_id"), op_id=op
    ),
)
command(
    names.CLUSTER_DISSOLVE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.dissolve(
        db, w, actor, cluster_id=p.get("cluster_id"), op_id=op
    ),
)
command(
    names.CLUSTERS_REORDER,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.reorder(db, w, actor, order=p.get("order"), op_id=op),
)


def _dots(delta: int) -> Operation:
    """The operation behind vote:add (+1) and vote:remove (-1)."""
    return lambda db, w, actor, p, op: votes.change_dots(
        db,
        w,
        actor,
        target_type=p.get("target_type"),
        target_id=p.get("target_id"),
        delta=delta,
        on_behalf_of=p.get("participant_id"),
        op_id=op,
    )


command(names.VOTE_ADD, ANYONE, _dots(+1))
command(names.VOTE_REMOVE, ANYONE, _dots(-1))
command(
    names.RISK_SCORE,
    ANYONE,
    lambda db, w, actor, p, op: votes.score(
        db,
        w,
        actor,
        target_type=p.get("target_type"),
        target_id=p.get("target_id"),
        likelihood=p.get("likelihood"),
        impact=p.get("impact"),
        on_behalf_of=p.get("participant_id"),
        op_id=op,
    ),
)
command(
    names.PROXY_ADD,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: votes.add_proxy(
        db,
        w,
        actor,
        display_name=p.get("display_name"),
        viewpoint_id=p.get("viewpoint_id"),
        op_id=op,
    ),
)
command(
    names.RESULTS_REVEAL,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: votes.reveal(db, w, actor, shown=p.get("revealed"), op_id=op),
)
