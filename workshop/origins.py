"""Which web origins may open a socket: the public URL, configured extras, this machine's own.

A browser sends ``Origin`` with every websocket handshake and every XHR of Socket.IO's polling
transport; python-engineio compares it with this explicit list and nothing else (with no list it
would trust the request's ``Host`` and ``X-Forwarded-Host``, which any client can send). Phones
open the printed link (the public URL, by default the laptop's LAN address); the person at the
laptop may use ``127.0.0.1`` or ``localhost`` on the same port.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from workshop.config import lan_address

LOOPBACK = ("127.0.0.1", "localhost", "[::1]")
WILDCARD = ("0.0.0.0", "::", "")


def origin_of(url: str) -> str | None:
    """``scheme://host[:port]`` of a URL (default ports left out, as browsers send it)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default = 443 if parts.scheme == "https" else 80
    try:
        port = parts.port
    except ValueError:
        return None
    return (
        f"{parts.scheme}://{host}" if port in (None, default) else f"{parts.scheme}://{host}:{port}"
    )


def split_list(raw: str | Iterable[str] | None) -> list[str]:
    """A comma- or space-separated setting as a list (a list passes through)."""
    if raw is None:
        return []
    items = raw.replace(",", " ").split() if isinstance(raw, str) else list(raw)
    return [item for item in items if item]


def allowed_origins(settings: Mapping[str, Any]) -> list[str]:
    """Public URL, ``ALLOWED_ORIGINS``, then the addresses this process itself serves on."""
    port = int(settings["PORT"])
    candidates = [str(settings["PUBLIC_URL"]), *split_list(settings.get("ALLOWED_ORIGINS"))]
    host = str(settings.get("HOST") or "")
    own_hosts = list(LOOPBACK)
    if host in WILDCARD:
        # Bound to every interface: the LAN address the printed link uses by default.
        lan = lan_address()
        if lan:
            own_hosts.append(lan)
    else:
        own_hosts.append(f"[{host}]" if ":" in host else host)
    candidates += [f"http://{name}:{port}" for name in own_hosts]
    found: list[str] = []
    for candidate in candidates:
        origin = origin_of(candidate)
        if origin and origin not in found:
            found.append(origin)
    return found


def socket_origin(origin: str) -> str:
    """The websocket form of an http(s) origin, for the CSP's ``connect-src``."""
    return "wss://" + origin[8:] if origin.startswith("https://") else "ws://" + origin[7:]
