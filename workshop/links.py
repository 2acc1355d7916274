"""Links people open: join, projector, console and login, under the public base URL."""

from __future__ import annotations

from urllib.parse import quote

from workshop.models import Workshop


def join_url(base: str, workshop: Workshop) -> str:
    """The short link phones open (also encoded in the projector's QR code)."""
    return f"{base}/j/{workshop.join_code}"


def projector_url(base: str, workshop: Workshop) -> str:
    """The view-only projector link; the key lets a display in without a login."""
    return f"{base}/projector/{workshop.id}?key={quote(workshop.display_token)}"


def console_url(base: str, workshop: Workshop) -> str:
    """The facilitator's console page of the workshop."""
    return f"{base}/console/workshops/{workshop.id}"


def login_url(base: str, token: str, next_path: str | None = None) -> str:
    """A one-time login link, optionally landing on ``next_path``."""
    url = f"{base}/login/{token}"
    if next_path:
        url += "?next=" + quote(next_path, safe="/")
    return url
