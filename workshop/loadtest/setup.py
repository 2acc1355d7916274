"""Getting a workshop to load: log in with a facilitator link, create or find one, over HTTP."""

from __future__ import annotations

import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from workshop.client import HttpSession, WorkshopClient

# The shipped plan the tool creates its workshop from: several viewpoints, hidden until share,
# five dots of which at most three per item (what a municipal think tank uses).
PLAN = "denktank-cloudstrategie.yaml"


@dataclass
class Target:
    """The workshop under load and the links the tool needs for it."""

    workshop_id: int
    join_code: str
    projector_url: str
    facilitator: WorkshopClient
    viewpoints: list[dict[str, Any]] = field(default_factory=list)

    @property
    def choosing(self) -> bool:
        """Whether phones pick their viewpoint when joining."""
        workshop = self.facilitator.snapshot.get("workshop") or {}
        return workshop.get("assignment") == "choose"


def rebase(url: str, base_url: str) -> str:
    """The same path and query under the URL the tool talks to (links use the public URL)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return base_url.rstrip("/") + path


def _page_config(page: str) -> dict[str, Any]:
    found = re.search(r'id="denktank-config">(.*?)</script>', page, re.S)
    if found is None:
        raise RuntimeError("the console page has no live configuration (not logged in?)")
    config: dict[str, Any] = json.loads(found.group(1))
    return config


def log_in(base_url: str, login_link: str) -> HttpSession:
    """Redeem a one-time login link (from ``workshop facilitator link EMAIL``)."""
    http = HttpSession(base_url)
    status, url, _page = http.get(rebase(login_link, base_url))
    if status != 200 or "/login" in urllib.parse.urlsplit(url).path:
        raise RuntimeError("the facilitator login link was refused (used or expired?)")
    return http


def create_workshop(http: HttpSession) -> int:
    """Create a workshop from the shipped plan through the console; returns its id."""
    _status, _url, page = http.get("/console/new")
    offered = re.findall(r'name="plan_name" value="([^"]+)"', page)
    if not offered:
        raise RuntimeError("the console offers no session plan")
    plan = PLAN if PLAN in offered else offered[0]
    status, url, _page = http.post_form("/console/new", {"plan_name": plan})
    created = re.search(r"/console/workshops/(\d+)", url)
    if status != 200 or created is None:
        raise RuntimeError(f"creating a workshop failed with HTTP {status}")
    return int(created.group(1))


def find_workshop(http: HttpSession, reference: str) -> int:
    """A workshop of this facilitator by id or join code."""
    if reference.isdigit():
        return int(reference)
    _status, _url, page = http.get("/console/")
    for workshop_id in dict.fromkeys(re.findall(r"/console/workshops/(\d+)\"", page)):
        _s, _u, detail = http.get(f"/console/workshops/{workshop_id}")
        join_url = str(_page_config(detail).get("join_url", ""))
        if join_url.rstrip("/").rsplit("/", 1)[-1].upper() == reference.strip().upper():
            return int(workshop_id)
    raise RuntimeError(f"no workshop with join code {reference!r} for this facilitator")


def prepare(base_url: str, login_link: str, reference: str | None) -> Target:
    """Log in, create (or find) the workshop and connect the facilitator's console."""
    http = log_in(base_url, login_link)
    workshop_id = find_workshop(http, reference) if reference else create_workshop(http)
    _status, _url, page = http.get(f"/console/workshops/{workshop_id}")
    config = _page_config(page)
    join_code = str(config["join_url"]).rstrip("/").rsplit("/", 1)[-1]
    console = WorkshopClient(
        base_url, workshop_id, "facilitator", http=http, keep_facts=False
    ).connect()
    return Target(
        workshop_id=workshop_id,
        join_code=join_code,
        projector_url=rebase(str(config["projector_url"]), base_url),
        facilitator=console,
        viewpoints=list(console.snapshot.get("viewpoints", [])),
    )


def is_loopback(url: str) -> bool:
    """Whether the URL points at this machine (127.0.0.0/8, ::1 or localhost)."""
    import ipaddress

    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
