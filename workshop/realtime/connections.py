"""Who is on each socket: authentication on connect, roles, and database sessions per event."""

from __future__ import annotations

import contextlib
import logging
import socket
from dataclasses import dataclass
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, join_room
from sqlalchemy.orm import Session

from workshop import (
    participants,
    validate,
)
from workshop.actors import FACILITATOR, PARTICIPANT, PROJECTOR, Actor
from workshop.audience import FACILITATOR as FACILITATOR_AUDIENCE
from workshop.audience import WALL, Audience, for_viewpoint
from workshop.errors import DomainError, Forbidden, InvalidInput, NotFound
from workshop.models import Participant, Workshop
from workshop.realtime import access
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


def writer_db() -> Session:
    """A session for a command: writes under the workshop's lock."""
    session: Session = sessionmaker_for(current_app)()
    return session


def reader_db() -> Session:
    """A session for a read-only request."""
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
    with reader_db() as db:
        workshop = db.get(Workshop, workshop_id)
        if workshop is None:
            raise _refuse(NotFound())
        use_workshop_language(workshop.language)
        connection = _authenticate(db, workshop, role, auth)
    CONNECTIONS[request.sid] = connection  # type: ignore[attr-defined]
    join_room(connection.audience.room(workshop_id))
    _send_without_delay(request.environ)


def _send_without_delay(environ: dict[str, Any]) -> None:
    """Turn off Nagle's algorithm on the websocket's TCP connection (gevent server).

    A command's fact and its ack are two small writes: with Nagle the ack waits for the
    client's delayed TCP ACK of the fact, about 40 ms on Linux, for every command.
    """
    stream = environ.get("wsgi.input")
    stream = getattr(stream, "rfile", stream)
    sock = getattr(getattr(stream, "raw", None), "_sock", None)
    if sock is None:
        return
    with contextlib.suppress(OSError):  # not TCP (a test transport): nothing to tune
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


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


def current_connection() -> Connection | None:
    """The connection of the socket this event came from."""
    return CONNECTIONS.get(request.sid)  # type: ignore[attr-defined]


def actor_for(db: Session, connection: Connection) -> Actor:
    """Who is acting on this connection, for the domain."""
    if connection.role == PARTICIPANT:
        participant = db.get(Participant, connection.participant_id)
        if participant is None:
            raise Forbidden()
        return Actor(PARTICIPANT, participant=participant)
    if connection.role == FACILITATOR:
        return Actor(FACILITATOR, facilitator_id=connection.facilitator_id)
    return Actor(PROJECTOR)


# Declared in the access table like every event; a client's *event* named connect or disconnect
# is ignored there (only Socket.IO itself raises these).
access.register(
    "connect",
    frozenset({PARTICIPANT, FACILITATOR, PROJECTOR}),
    on_connect,
    kind=access.LIFECYCLE,
    condition="participant: its cookie; facilitator: the owner; projector: display key or owner",
)
access.register(
    "disconnect",
    frozenset({PARTICIPANT, FACILITATOR, PROJECTOR}),
    on_disconnect,
    kind=access.LIFECYCLE,
)
