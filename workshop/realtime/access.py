"""Who may use each Socket.IO event: one table, filled by the registrations themselves.

Every handler of the namespace "/" is registered through ``register`` (commands in
``commands.command``, read-only requests in ``requests``, connect and disconnect in
``connections``), which declares its roles in ``ACCESS`` in the same call, so the table cannot
drift from what the server answers. ``tests/integration/test_authz_events.py`` fails for an
event in python-socketio's handler table that has no declaration.

Roles are the connection's (``workshop.actors``): a socket is one workshop's participant,
facilitator (its owner) or projector (view-only display). Anyone else cannot connect at all, so
"anonymous", "participant of another workshop" and "facilitator of another workshop" never reach
an event of this workshop. The handler still checks the role on every event; what the domain
checks beyond that (own note, own viewpoint, phase, revealed results) is in ``condition``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import request

from workshop.actors import FACILITATOR, PARTICIPANT, PROJECTOR
from workshop.realtime.server import socketio

COMMAND = "command"  # changes something: op id, fact, ack
REQUEST = "request"  # read-only: no op id, no fact
LIFECYCLE = "lifecycle"  # connect / disconnect, raised by Socket.IO itself

ROLES = (PARTICIPANT, FACILITATOR, PROJECTOR)


@dataclass(frozen=True)
class Access:
    """One event's declaration: the roles that may use it, and what else the domain requires."""

    name: str
    roles: frozenset[str]
    kind: str
    condition: str = ""


ACCESS: dict[str, Access] = {}


def declare(name: str, roles: frozenset[str], kind: str, condition: str = "") -> None:
    """Record who may use ``name``; a second, different declaration is a programming error."""
    if not roles <= set(ROLES):
        raise ValueError(f"unknown roles for {name}: {sorted(roles - set(ROLES))}")
    entry = Access(name, frozenset(roles), kind, condition)
    if ACCESS.get(name, entry) != entry:
        raise ValueError(f"{name} is declared twice, differently")
    ACCESS[name] = entry


def register(
    name: str,
    roles: frozenset[str],
    handler: Callable[..., Any],
    *,
    kind: str,
    condition: str = "",
) -> None:
    """Declare the event's roles and register its handler on namespace "/" (one step)."""
    declare(name, roles, kind, condition)
    if kind == LIFECYCLE:
        handler = _only_from_socketio(handler)
    socketio.on_event(name, handler)


def allowed(name: str, role: str | None) -> bool:
    """True when a socket with ``role`` may use event ``name``."""
    entry = ACCESS.get(name)
    return entry is not None and role in entry.roles


def _only_from_socketio(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Ignore a client that sends an *event* named "connect" or "disconnect".

    python-socketio dispatches such an event packet to the same handler as the real connect or
    disconnect: it would authenticate a second time (a refusal then raised in a background task:
    a traceback per packet) or forget the socket's identity. Socket.IO calls the real ones while
    the socket is not (or no longer) fully connected; a client's event only arrives while it is.
    """

    def guarded(*args: Any) -> Any:
        sid = getattr(request, "sid", None)
        if sid is not None and socketio.server.manager.is_connected(sid, "/"):
            return None
        return handler(*args)

    guarded.__name__ = handler.__name__
    guarded.__doc__ = handler.__doc__
    return guarded
