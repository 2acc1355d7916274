"""HTTP hardening: security headers on every response, Secure cookies, per-address limits.

Limits per network address (``request.remote_addr``, the client's address when
``WORKSHOP_TRUST_PROXY`` lets the proxy's ``X-Forwarded-For`` count): phones joining, unknown
join codes tried, facilitator logins. Too many answer 429 with a translated page and
``Retry-After``; nothing is looked up or changed.
"""

from __future__ import annotations

import math

from flask import Flask, Response, current_app, render_template, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Request
from flask_babel import gettext as _

from workshop import origins, security_headers
from workshop.ratelimit import Limiter

JOINS = "joins"
WRONG_CODES = "wrong_codes"
LOGINS = "logins"


class TooManyAttempts(Exception):
    """Raised by a view when an address is over one of its limits."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


class _SessionInterface(SecureCookieSessionInterface):
    """The login cookie is Secure over https: the public URL's scheme or the trusted proxy's."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or cookie_secure()

    # The return type is wider than the base class says: Flask-SocketIO's session class too.
    def open_session(  # type: ignore[override]
        self, app: Flask, request: Request
    ) -> SessionMixin | None:
        # Flask-SocketIO runs each event of a socket in a request context made from the
        # socket's connect request and then swaps in the copy of the session it keeps for that
        # socket ("saved_session"). Decoding and verifying the cookie again for every event
        # only to discard it was a tenth of the server's time in a vote storm.
        saved: SessionMixin | None = request.environ.get(_SOCKET_SESSION)
        if saved is not None:
            return saved
        return super().open_session(app, request)


# Where Flask-SocketIO keeps a socket's session, in the socket's environ.
_SOCKET_SESSION = "saved_session"


def cookie_secure() -> bool:
    """Whether cookies set now must be Secure (https public URL, or an https request)."""
    public: str = current_app.config["WORKSHOP_PUBLIC_URL"]
    return public.startswith("https://") or request.is_secure


def init_app(app: Flask) -> None:
    """Limiters, the cookie rule, the headers hook and the 429 page."""
    app.session_interface = _SessionInterface()
    # The Referer check Flask-WTF adds over https cannot work: every page says no-referrer.
    # The token, and SameSite cookies, are the CSRF defence (docs/security.md).
    app.config["WTF_CSRF_SSL_STRICT"] = False
    app.extensions["workshop.limits"] = {
        JOINS: Limiter.per_minute(app.config["WORKSHOP_JOINS_PER_MINUTE"]),
        WRONG_CODES: Limiter.per_minute(app.config["WORKSHOP_WRONG_CODES_PER_MINUTE"]),
        LOGINS: Limiter.per_minute(app.config["WORKSHOP_LOGINS_PER_MINUTE"]),
    }
    app.after_request(add_security_headers)
    app.register_error_handler(TooManyAttempts, _too_many)


def _limiter(name: str) -> Limiter:
    limiter: Limiter = current_app.extensions["workshop.limits"][name]
    return limiter


def _client() -> str:
    return request.remote_addr or "unknown"


def spend(name: str) -> None:
    """Count one attempt of this address against limit ``name``; raise when none is left."""
    verdict = _limiter(name).take(_client())
    if not verdict.allowed:
        raise TooManyAttempts(verdict.retry_after)


def require(name: str) -> None:
    """Raise when this address has no attempt left under ``name`` (spends nothing)."""
    verdict = _limiter(name).check(_client())
    if not verdict.allowed:
        raise TooManyAttempts(verdict.retry_after)


def _too_many(error: TooManyAttempts) -> tuple[str, int, dict[str, str]]:
    seconds = max(1, math.ceil(error.retry_after))
    message = _(
        "Too many attempts from your network. Wait %(seconds)s seconds and try again.",
        seconds=seconds,
    )
    page = render_template("errors/error.html", title=_("Too many attempts"), message=message)
    return page, 429, {"Retry-After": str(seconds), "Cache-Control": "no-store"}


def add_security_headers(response: Response) -> Response:
    """CSP, no referrer, nosniff, no framing and a minimal permissions policy on everything."""
    own = origins.origin_of(request.host_url)
    socket_origin = (
        origins.socket_origin(own)
        if own and own in current_app.config["WORKSHOP_ORIGINS"]
        else None
    )
    for name, value in security_headers.page_headers(socket_origin, cookie_secure()).items():
        response.headers.setdefault(name, value)
    return response
