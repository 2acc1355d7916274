"""Per-participant throttling of realtime commands (token buckets from ``workshop.ratelimit``).

A phone may send ``WORKSHOP_COMMAND_BURST`` commands at once and ``WORKSHOP_COMMANDS_PER_SECOND``
after that; the facilitator ten times both (dragging clusters, undo, moving people). All sockets
of one participant share the bucket (per process). A throttled command is refused with
``retry: true``: nothing was applied, and the client keeps it in its outbox and sends it again
after a back-off, so nothing a person typed is lost.
"""

from __future__ import annotations

import math
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from workshop.actors import FACILITATOR
from workshop.ratelimit import Limiter
from workshop.realtime.connections import Connection

FACILITATOR_FACTOR = 10


def _limiters() -> dict[str, Limiter]:
    limiters: dict[str, Limiter] | None = current_app.extensions.get("workshop.command_limits")
    if limiters is None:
        burst = current_app.config["WORKSHOP_COMMAND_BURST"]
        rate = current_app.config["WORKSHOP_COMMANDS_PER_SECOND"]
        limiters = {
            "participant": Limiter(burst, rate),
            "facilitator": Limiter(burst * FACILITATOR_FACTOR, rate * FACILITATOR_FACTOR),
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
    return {
        "ok": False,
        "code": "rate_limited",
        "retry": True,
        "retry_after": math.ceil(verdict.retry_after * 10) / 10,
        "message": _("You are sending changes very fast; they will be sent in a moment."),
    }
