"""Refusals of realtime events, in the workshop's language like every other answer."""

from __future__ import annotations

import math
from typing import Any

from flask import g
from flask_babel import gettext as _

from workshop.errors import DomainError
from workshop.models import Workshop
from workshop.realtime.connections import Connection, reader_db
from workshop.web import use_workshop_language


def speak(connection: Connection | None) -> None:
    """Translate what follows into the connection's workshop language (one small read)."""
    if connection is None or "workshop_language" in g:
        return
    with reader_db() as db:
        workshop = db.get(Workshop, connection.workshop_id)
        if workshop is not None:
            use_workshop_language(workshop.language)


def refuse(connection: Connection | None, error: DomainError) -> dict[str, Any]:
    """The structured refusal ``{ok: false, code, message, field?}``; nothing was applied."""
    speak(connection)
    return error.as_dict(_)


def rate_limited(connection: Connection, retry_after: float, message: str) -> dict[str, Any]:
    """The throttle's refusal: nothing applied, try again after ``retry_after`` seconds."""
    speak(connection)
    return {
        "ok": False,
        "code": "rate_limited",
        "retry": True,
        "retry_after": math.ceil(retry_after * 10) / 10,
        "message": _(message),
    }
