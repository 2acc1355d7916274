"""One canonical form of what a screen shows, for the client's state and the server's snapshot.

Both sides go through ``screen_state``: a client's ``view()`` (built from a snapshot plus the
facts it applied) and a fresh snapshot the server makes for the same audience now. Equal hashes
mean the screen shows exactly what the server would show it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

# What a note shows on any screen (absent fields are None: other audiences get fewer). ``mine``
# is left out: only snapshots carry it; a phone remembers its own notes by id instead.
NOTE_FIELDS = (
    "id",
    "viewpoint_id",
    "kind",
    "text",
    "redacted",
    "author_id",
    "author_name",
    "by_facilitator",
    "hidden",
    "cluster_id",
    "position",
    "endorsements",
    "created_at_ms",
    "updated_at_ms",
)
CLUSTER_FIELDS = ("id", "viewpoint_id", "title", "position", "created_at_ms")


def _counts(counts: dict[str, int] | None) -> dict[str, int]:
    # A viewpoint nobody counts in is a missing key in a snapshot and a 0 after deltas.
    return {str(key): int(n) for key, n in (counts or {}).items() if n}


def _items(items: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return sorted(items or [], key=lambda item: (item["target_type"], item["target_id"]))


def screen_state(state: dict[str, Any]) -> dict[str, Any]:
    """The parts of a snapshot-shaped state that a screen shows, in one canonical form."""
    voting = state.get("voting") or {}
    progress = voting.get("progress") or {}
    me = state.get("me")
    return {
        "seq": int(state["seq"]),
        "phase": (state.get("workshop") or {}).get("phase"),
        "notes": sorted(
            ({field: note.get(field) for field in NOTE_FIELDS} for note in state.get("notes", [])),
            key=lambda note: str(note["id"]),
        ),
        "clusters": sorted(
            ({field: c.get(field) for field in CLUSTER_FIELDS} for c in state.get("clusters", [])),
            key=lambda cluster: str(cluster["id"]),
        ),
        "participants": {
            str(vp["id"]): vp.get("participant_count") for vp in state.get("viewpoints", [])
        },
        "progress": {key: _counts(progress.get(key)) for key in ("voted", "done", "total")},
        "revealed": bool(voting.get("revealed")),
        "me": None
        if me is None
        else {"votes": _items(me.get("votes")), "ratings": _items(me.get("ratings"))},
    }


def state_hash(state: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of ``screen_state(state)``."""
    canonical = json.dumps(screen_state(state), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
