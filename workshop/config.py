"""Configuration: defaults, then ``WORKSHOP_*`` environment variables, then explicit overrides."""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# Every setting the app reads, with its default and a one-line meaning; a test checks that the
# README's configuration table lists each of them.
SETTINGS: dict[str, tuple[Any, str]] = {
    "DATABASE_URL": (
        None,
        "SQLAlchemy URL; default: SQLite file `workshop.db` in the instance folder",
    ),
    "INSTANCE_PATH": (None, "folder for the SQLite database and the generated secret key"),
    "HOST": ("127.0.0.1", "address `workshop serve` listens on (0.0.0.0 for phones on the LAN)"),
    "PORT": (5000, "port `workshop serve` listens on"),
    "PUBLIC_URL": (
        None,
        "base of printed and QR links, e.g. https://denktank.example.org; default: "
        "http://HOST:PORT, with this machine's LAN address when HOST is 0.0.0.0",
    ),
    "SECRET_KEY": (None, "signs cookies; generated and kept in the instance folder if unset"),
    "LOGIN_LINK_MINUTES": (15, "how long a one-time login link stays valid"),
    "DEFAULT_LANGUAGE": ("nl", "interface language when the browser asks for neither nl nor en"),
    "MESSAGE_QUEUE": (
        None,
        "Redis URL for several server processes, e.g. redis://127.0.0.1:6379/0",
    ),
    "MESSAGE_QUEUE_CHANNEL": (
        "denktank",
        "Redis pub/sub channel the processes of one installation share (one per installation)",
    ),
    "FACT_BATCH_MS": (
        20,
        "facts for one screen group committed within this many milliseconds go out as one "
        "message (a vote storm); 0 sends every fact on its own at once",
    ),
    "ALLOWED_ORIGINS": (
        "",
        "further origins (scheme://host[:port], comma-separated) whose pages may open a socket, "
        "besides the public URL and this machine's own addresses",
    ),
    "TRUST_PROXY": (
        0,
        "how many reverse proxies in front set X-Forwarded-For and X-Forwarded-Proto; 0 trusts "
        "no forwarded header",
    ),
    "COMMAND_BURST": (30, "realtime commands one participant may send at once before throttling"),
    "COMMANDS_PER_SECOND": (
        3,
        "sustained realtime commands per participant per second (the facilitator gets ten times "
        "both)",
    ),
    "JOINS_PER_MINUTE": (
        600,
        "phones one network address may join per minute (a room often shares one address)",
    ),
    "WRONG_CODES_PER_MINUTE": (30, "unknown join codes one network address may try per minute"),
    "LOGINS_PER_MINUTE": (10, "facilitator login attempts per network address per minute"),
    "LOG_LEVEL": ("INFO", "Python logging level of the server"),
    "ACCESS_LOG": (
        False,
        "log one line per HTTP request (client address cut to its /24 or /48 network)",
    ),
    "RETENTION_DAYS": (
        30,
        "closed workshops are deleted with everything in them this many days after closing "
        "(`workshop purge`, and hourly while serving); 0 keeps them until deleted by hand",
    ),
}

ENV_PREFIX = "WORKSHOP_"


def _coerce(name: str, raw: str) -> Any:
    default = SETTINGS[name][0]
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read the ``WORKSHOP_*`` variables that are set, typed like their defaults."""
    env = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for name in SETTINGS:
        raw = env.get(ENV_PREFIX + name)
        if raw is not None and raw != "":
            found[name] = _coerce(name, raw)
    return found


def build(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Merge defaults, environment and overrides into one settings dict (keys without prefix)."""
    settings: dict[str, Any] = {name: default for name, (default, _) in SETTINGS.items()}
    settings.update(from_environment())
    if overrides:
        settings.update(overrides)
    instance = settings["INSTANCE_PATH"] or str(Path.cwd() / "instance")
    settings["INSTANCE_PATH"] = str(Path(instance).resolve())
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = "sqlite:///" + str(
            Path(settings["INSTANCE_PATH"]) / "workshop.db"
        )
    if not settings["PUBLIC_URL"]:
        settings["PUBLIC_URL"] = f"http://{_link_host(settings['HOST'])}:{settings['PORT']}"
    settings["PUBLIC_URL"] = str(settings["PUBLIC_URL"]).rstrip("/")
    return settings


def _link_host(host: str) -> str:
    # A wildcard bind address is not something a browser can open; phones in the room need the
    # laptop's LAN address, which people read off the printed link or the QR code.
    if host in {"0.0.0.0", "::", ""}:
        return lan_address() or "127.0.0.1"
    return host


def lan_address() -> str | None:
    """This machine's non-loopback IPv4 address as its hostname resolves, if any (no traffic)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    for info in infos:
        address = str(info[4][0])
        if not address.startswith("127."):
            return address
    return None


def secret_key(instance_path: str, configured: str | None) -> str:
    """Return the configured secret key, or one generated once and kept in the instance folder."""
    if configured:
        return configured
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    # Create with owner-only permissions: the key signs facilitator cookies.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
