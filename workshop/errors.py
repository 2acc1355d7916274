"""Domain errors: a stable code for clients and tests, an English msgid for translation."""

from __future__ import annotations

from typing import Any

from workshop.i18n_markers import N_


class DomainError(Exception):
    """Base of every error a domain module raises on purpose; handlers turn it into a reply."""

    code = "error"
    message = N_("Something went wrong.")
    status = 400

    def __init__(self, message: str | None = None, **params: Any) -> None:
        self.params = params
        if message is not None:
            self.message = message
        super().__init__(self.message % params if params else self.message)

    def as_dict(self, translate: Any = None) -> dict[str, Any]:
        """The structured error clients receive: ``{ok: false, code, message}``."""
        text = translate(self.message) if translate else self.message
        if self.params:
            text = text % self.params
        return {"ok": False, "code": self.code, "message": text}


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""

    code = "not_found"
    message = N_("Not found.")
    status = 404


class Forbidden(DomainError):
    """The asker may not do this."""

    code = "forbidden"
    message = N_("You are not allowed to do that.")
    status = 403


class InvalidInput(DomainError):
    """The input does not meet the rules; nothing was changed."""

    code = "invalid"
    message = N_("That input is not valid.")


class Conflict(DomainError):
    """The change clashes with the current state (e.g. a code or an address already in use)."""

    code = "conflict"
    message = N_("That conflicts with the current state.")
    status = 409


class LoginLinkInvalid(DomainError):
    """A one-time login link that is unknown, used or expired."""

    code = "login_link_invalid"
    message = N_("This login link is invalid, expired or already used. Ask for a new one.")
    status = 400


class DuplicateOperation(DomainError):
    """An operation id that was applied before; carries the event it produced."""

    code = "duplicate_operation"
    message = N_("This operation was already applied.")
    status = 200

    def __init__(self, event_seq: int) -> None:
        self.event_seq = event_seq
        super().__init__()


class WrongPhase(DomainError):
    """Allowed, but not in the workshop's current phase."""

    code = "wrong_phase"
    message = N_("That is not possible in this phase of the workshop.")
    status = 409


class JoiningLocked(DomainError):
    """The facilitator closed the door, or the workshop is over."""

    code = "joining_locked"
    message = N_("Joining this workshop is closed. Ask the facilitator.")
    status = 403


class TooLong(DomainError):
    """Text over the workshop's limit."""

    code = "too_long"
    message = N_("That is too long: at most %(limit)d characters.")
