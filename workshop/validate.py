"""Checks for values that arrive from clients: ids, op ids, UUIDs, booleans, numbers."""

from __future__ import annotations

import re
import uuid

from workshop.errors import InvalidInput
from workshop.i18n_markers import N_

OP_ID_RE = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
# Record ids are INTEGER columns: 32-bit on PostgreSQL, where a larger number in a query is an
# error ("integer out of range"), not simply "not found".
MAX_RECORD_ID = 2**31 - 1


def op_id(value: object) -> str:
    """A client operation id: 1–64 characters of letters, digits and ``_.:-``."""
    if not isinstance(value, str) or not OP_ID_RE.match(value):
        raise InvalidInput(N_("The operation id is missing or malformed."))
    return value


def note_uuid(value: object) -> str:
    """A canonical lower-case UUID string."""
    if not isinstance(value, str) or len(value) > 40:
        raise InvalidInput(N_("The note id is missing or malformed."))
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidInput(N_("The note id is missing or malformed.")) from None


def integer(value: object, low: int, high: int) -> int:
    """A whole number within [low, high] (booleans are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            N_("A whole number from %(low)d to %(high)d was expected."), low=low, high=high
        )
    return value


def record_id(value: object) -> int:
    """A database id as sent by a client (a number the id columns can hold)."""
    return integer(value, 1, MAX_RECORD_ID)


def boolean(value: object) -> bool:
    """true or false."""
    if not isinstance(value, bool):
        raise InvalidInput(N_("true or false was expected."))
    return value
