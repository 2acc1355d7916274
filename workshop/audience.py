"""Who may see what: the audiences of a workshop and how a fact looks to each of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workshop.realtime import names

# From the share phase on, every group may read every group's notes.
SHARED_PHASES = frozenset({"share", "cluster", "vote", "results", "closed"})
FULL, REDACTED, NONE = "full", "redacted", "none"


@dataclass(frozen=True)
class Audience:
    """One group of receivers that all see the same thing."""

    kind: str  # "facilitator" | "wall" | "viewpoint" | "unassigned"
    viewpoint_id: int | None = None

    def room(self, workshop_id: int) -> str:
        """The Socket.IO room of this audience."""
        if self.kind == "viewpoint":
            return f"w{workshop_id}:vp{self.viewpoint_id}"
        return f"w{workshop_id}:{self.kind}"


FACILITATOR = Audience("facilitator")
WALL = Audience("wall")
UNASSIGNED = Audience("unassigned")


def for_viewpoint(viewpoint_id: int | None) -> Audience:
    """The audience of a participant (or group screen) in this viewpoint."""
    return UNASSIGNED if viewpoint_id is None else Audience("viewpoint", viewpoint_id)


def all_audiences(viewpoint_ids: list[int]) -> list[Audience]:
    """Every audience of a workshop with these viewpoints."""
    return [FACILITATOR, WALL, UNASSIGNED, *(Audience("viewpoint", vp) for vp in viewpoint_ids)]


@dataclass(frozen=True)
class Visibility:
    """The workshop state that decides what an audience may read."""

    phase: str
    hidden_until_share: bool


def note_access(note: dict[str, Any], audience: Audience, visibility: Visibility) -> str:
    """FULL, REDACTED or NONE: how much of this note the audience may see."""
    if audience.kind == "facilitator":
        return FULL
    if note.get("hidden"):
        return NONE
    if audience.kind == "viewpoint" and note["viewpoint_id"] == audience.viewpoint_id:
        return FULL
    if visibility.phase in SHARED_PHASES:
        return FULL
    if audience.kind == "wall" and not visibility.hidden_until_share:
        return FULL
    return REDACTED


def public_note(note: dict[str, Any]) -> dict[str, Any]:
    """A note without who wrote it or whether it was moderated."""
    return {k: v for k, v in note.items() if k not in {"author_id", "author_name", "hidden"}}


def redacted_note(note: dict[str, Any]) -> dict[str, Any]:
    """Enough to count a note, nothing to read."""
    return {
        "id": note["id"],
        "viewpoint_id": note["viewpoint_id"],
        "kind": note["kind"],
        "redacted": True,
    }


def note_for(
    note: dict[str, Any], audience: Audience, visibility: Visibility
) -> dict[str, Any] | None:
    """The note as this audience sees it, or None when it may not see it at all."""
    access = note_access(note, audience, visibility)
    if access == FULL:
        return note if audience.kind == "facilitator" else public_note(note)
    if access == REDACTED:
        return redacted_note(note)
    return None


_NOTE_FACTS = {names.NOTE_ADDED, names.NOTE_EDITED, names.NOTE_HIDDEN, names.NOTE_RESTORED}


def fact_for(
    name: str, payload: dict[str, Any], audience: Audience, visibility: Visibility
) -> tuple[str, dict[str, Any]]:
    """The fact as this audience receives it; ``seq:skipped`` when there is nothing to see."""
    seq = payload["seq"]
    if name == names.WORKSHOP_CREATED:
        return names.SEQ_SKIPPED, {"seq": seq}
    if audience.kind == "facilitator":
        return name, payload
    if name in _NOTE_FACTS:
        note = payload["note"]
        shown = note_for(note, audience, visibility)
        if shown is None:
            # Idempotent for the receiver: removes the note if it had it, else does nothing.
            return names.NOTE_DELETED, {
                "seq": seq,
                "note_id": note["id"],
                "viewpoint_id": note["viewpoint_id"],
            }
        if name == names.NOTE_RESTORED:
            name = names.NOTE_ADDED
        return name, {"seq": seq, "note": shown}
    if name == names.PARTICIPANT_JOINED:
        return name, {k: v for k, v in payload.items() if k != "participant"}
    if name in (names.VOTE_CHANGED, names.RISK_SCORED):
        # Tallies stay with the facilitator until revealed; the room sees only progress.
        return names.VOTES_PROGRESS, {"seq": seq, "progress_delta": payload["progress_delta"]}
    if name == names.PARTICIPANT_NOTES_REMOVED and payload.get("progress"):
        # Dots and ratings on the removed notes went: the room sees only the new progress.
        return names.VOTES_PROGRESS, {"seq": seq, "progress": payload["progress"]}
    if name in (names.PROXY_ADDED, names.PARTICIPANT_NOTES_REMOVED):
        return names.SEQ_SKIPPED, {"seq": seq}
    return name, payload
