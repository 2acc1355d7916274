"""Throttling of realtime events (token buckets from ``workshop.ratelimit``).

Commands: a phone may send ``WORKSHOP_COMMAND_BURST`` commands at once and
``WORKSHOP_COMMANDS_PER_SECOND`` after that; the facilitator ten times both (dragging clusters,
undo, moving people). All sockets of one participant share the bucket (per process). A
throttled command is refused with ``retry: true``: nothing was applied, and the client keeps it
in its outbox and sends it again after ``retry_after`` seconds, so nothing a person typed is lost.

Read-only requests (``sync``, ``note:similar``, ``clusters:suggest``, ``results:get``): one
generous bucket per socket, ``REQUEST_BURST`` at once and ``REQUESTS_PER_SECOND`` after that.
Normal use stays far below it (a sync per (re)connect or gap, the console's tallies at most
every 400 ms, look-alikes 400 ms after typing stops); a script hammering ``sync`` (each one
a snapshot: the most expensive answer the server gives) is refused the same way.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from workshop.actors import FACILITATOR
from workshop.i18n_markers import N_
from workshop.ratelimit import Limiter
from workshop.realtime import refusals
from workshop.realtime.connections import Connection

FACILITATOR_FACTOR = 10
REQUEST_BURST = 60
REQUESTS_PER_SECOND = 5

_TOO_FAST = N_("You are sending changes very fast; they will be sent in a moment.")
_ASKING_TOO_FAST = N_("Too many requests at once; try again in a moment.")


def _limiters() -> dict[str, Limiter]:
    limiters: dict[str, Limiter] | None = current_app.extensions.get("workshop.command_limits")
    if limiters is None:
        burst = current_app.config["WORKSHOP_COMMAND_BURST"]
        rate = current_app.config["WORKSHOP_COMMANDS_PER_SECOND"]
        limiters = {
            "participant": Limiter(burst, rate),
            "facilitator": Limiter(burst * FACILITATOR_FACTOR, rate * FACILITATOR_FACTOR),
            "request": Limiter(REQUEST_BURST, REQUESTS_PER_SECOND),
        }
        current_app.extensions["workshop.command_limits"] = limiters
    return limiters


def refusal(connection: Connection) -> dict[str, Any] | None:
    """None when the command may go ahead; else the ``rate_limited`` ack (nothing applied)."""
    if connection.role == FACILITATOR:
        verdict = _limiters()["facilitator"].take(
            (connection.workshop_id, connection.facilitator_id)
        )
    else:
        verdict = _limiters()["participant"].take(("p", connection.participant_id))
    if verdict.allowed:
        return None
    return refusals.rate_limited(connection, verdict.retry_after, _TOO_FAST)


def request_refusal(connection: Connection, sid: str) -> dict[str, Any] | None:
    """None when a read-only request may go ahead; else the ``rate_limited`` answer."""
    verdict = _limiters()["request"].take(("r", sid))
    if verdict.allowed:
        return None
    return refusals.rate_limited(connection, verdict.retry_after, _ASKING_TOO_FAST)
