"""What clients see: workshops, viewpoints, counts, timer and notes as plain dicts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop.models import Cluster, Endorsement, Note, Participant, Viewpoint, Workshop, utcnow


def ms(value: dt.datetime | None) -> int | None:
    """Milliseconds since the epoch (what JavaScript's Date uses)."""
    return None if value is None else int(value.timestamp() * 1000)


def now_ms() -> int:
    """The server's clock in milliseconds, for clients to correct their own."""
    return int(utcnow().timestamp() * 1000)


def workshop_info(workshop: Workshop) -> dict[str, Any]:
    """The workshop's public settings and state."""
    settings = workshop.settings
    return {
        "id": workshop.id,
        "title": workshop.title,
        "theme": workshop.theme,
        "intro": workshop.intro,
        "language": workshop.language,
        "join_code": workshop.join_code,
        "phase": workshop.phase,
        "joining_locked": workshop.joining_locked,
        "anonymous": bool(settings.get("anonymous", False)),
        "hidden_until_share": bool(settings.get("notes", {}).get("hidden_until_share", False)),
        "note_max_length": int(settings.get("notes", {}).get("max_length", 280)),
        "assignment": settings.get("participants", {}).get("assignment", "choose"),
        "spotlight_viewpoint_id": settings.get("spotlight_viewpoint_id"),
        "clustering": {
            "scope": settings.get("clustering", {}).get("scope", "viewpoint"),
            "themes": settings.get("clustering", {}).get("themes", []),
        },
    }


def kinds_info(workshop: Workshop) -> list[dict[str, str]]:
    """The note kinds of the workshop."""
    return [{"key": k["key"], "label": k["label"]} for k in workshop.settings.get("kinds", [])]


def counts(db: Session, workshop_id: int) -> tuple[dict[int, int], int]:
    """Participants per viewpoint id, and how many are not placed yet (proxies excluded)."""
    rows = db.execute(
        select(Participant.viewpoint_id, func.count())
        .where(Participant.workshop_id == workshop_id, Participant.is_proxy.is_(False))
        .group_by(Participant.viewpoint_id)
    ).all()
    by_viewpoint = {int(vp): int(n) for vp, n in rows if vp is not None}
    unassigned = sum(int(n) for vp, n in rows if vp is None)
    return by_viewpoint, unassigned


def count_payload(db: Session, workshop_id: int) -> dict[str, Any]:
    """Counts as they travel in facts (JSON object keys are strings)."""
    by_viewpoint, unassigned = counts(db, workshop_id)
    return {
        "viewpoint_counts": {str(k): v for k, v in by_viewpoint.items()},
        "unassigned_count": unassigned,
    }


def viewpoints_info(db: Session, workshop: Workshop) -> list[dict[str, Any]]:
    """The viewpoints in display order with their participant counts."""
    by_viewpoint, _ = counts(db, workshop.id)
    viewpoints = db.scalars(
        select(Viewpoint).where(Viewpoint.workshop_id == workshop.id).order_by(Viewpoint.position)
    ).all()
    return [
        {
            "id": vp.id,
            "slug": vp.slug,
            "name": vp.name,
            "question": vp.question,
            "colour": vp.colour,
            "position": vp.position,
            "participant_count": by_viewpoint.get(vp.id, 0),
        }
        for vp in viewpoints
    ]


def timer_info(workshop: Workshop) -> dict[str, Any]:
    """The timer: running (with its end), paused (with what is left) or idle."""
    if workshop.timer_ends_at is not None:
        state = "running"
    elif workshop.timer_remaining_ms is not None:
        state = "paused"
    else:
        state = "idle"
    return {
        "state": state,
        "ends_at_ms": ms(workshop.timer_ends_at),
        "remaining_ms": workshop.timer_remaining_ms,
        "duration_ms": workshop.timer_duration_ms,
    }


def endorsement_counts(db: Session, workshop_id: int) -> dict[str, int]:
    """+1s per note id."""
    rows = db.execute(
        select(Endorsement.note_id, func.count())
        .where(Endorsement.workshop_id == workshop_id)
        .group_by(Endorsement.note_id)
    ).all()
    return {str(note_id): int(n) for note_id, n in rows}


def endorsement_count(db: Session, note_id: str) -> int:
    """+1s of one note."""
    return int(
        db.scalar(
            select(func.count()).select_from(Endorsement).where(Endorsement.note_id == note_id)
        )
        or 0
    )


def note_payload(db: Session, note: Note) -> dict[str, Any]:
    """A note as the facilitator sees it, with its current +1 count (for one fact)."""
    return note_full(note, endorsement_count(db, note.id))


def cluster_info(cluster: Cluster) -> dict[str, Any]:
    """A cluster as every screen sees it."""
    return {
        "id": cluster.id,
        "viewpoint_id": cluster.viewpoint_id,
        "title": cluster.title,
        "position": cluster.position,
        "created_at_ms": ms(cluster.created_at),
    }


def note_full(note: Note, endorsements: int = 0) -> dict[str, Any]:
    """A note as the facilitator sees it (and as the event log keeps it)."""
    author = note.author
    return {
        "id": note.id,
        "viewpoint_id": note.viewpoint_id,
        "kind": note.kind,
        "text": note.text,
        "author_id": note.author_id,
        "author_name": author.display_name if author is not None else None,
        "by_facilitator": note.by_facilitator,
        "hidden": note.hidden,
        "cluster_id": note.cluster_id,
        "position": note.position,
        "endorsements": endorsements,
        "created_at_ms": ms(note.created_at),
        "updated_at_ms": ms(note.updated_at),
    }


def participant_info(participant: Participant) -> dict[str, Any]:
    """A participant as the facilitator sees it."""
    return {
        "id": participant.id,
        "display_name": participant.display_name,
        "viewpoint_id": participant.viewpoint_id,
        "created_at_ms": ms(participant.created_at),
    }


def meta_payload(db: Session, workshop: Workshop) -> dict[str, Any]:
    """Workshop, kinds and viewpoints: the body of ``workshop:updated`` and of snapshots."""
    return {
        "workshop": workshop_info(workshop),
        "kinds": kinds_info(workshop),
        "viewpoints": viewpoints_info(db, workshop),
    }
