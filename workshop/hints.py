"""Suggestions on live workshops: proposed clusters for the facilitator, look-alikes for phones."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.audience import FULL, for_viewpoint, note_access
from workshop.clusters import scope
from workshop.models import Note, Participant, Workshop
from workshop.snapshot import visibility_of

MAX_SIMILAR = 3


def _open_notes(db: Session, workshop: Workshop) -> list[Note]:
    return list(
        db.scalars(
            select(Note)
            .where(
                Note.workshop_id == workshop.id,
                Note.deleted_at.is_(None),
                Note.hidden.is_(False),
            )
            .order_by(Note.created_at, Note.id)
        )
    )


def proposals(db: Session, workshop: Workshop) -> list[dict[str, Any]]:
    """Proposed clusters over the visible, not yet clustered notes; nothing is changed."""
    # Imported on use: scikit-learn takes a moment to load and most requests never need it.
    from workshop import suggest

    notes = [note for note in _open_notes(db, workshop) if note.cluster_id is None]
    themes = [
        suggest.Theme(name=str(theme["name"]), keywords=tuple(theme.get("keywords", [])))
        for theme in workshop.settings.get("clustering", {}).get("themes", [])
    ]
    found = suggest.suggest_clusters(
        [suggest.SuggestNote(note.id, note.text, note.viewpoint_id) for note in notes],
        themes,
        per_viewpoint=scope(workshop) == "viewpoint",
    )
    return [
        {"title": p.title, "note_ids": list(p.note_ids), "kind": p.kind, "score": round(p.score, 3)}
        for p in found
    ]


def similar(
    db: Session, workshop: Workshop, participant: Participant, typed: object
) -> list[dict[str, Any]]:
    """Notes this phone may read that look like what it is typing (its own excluded)."""
    from workshop import suggest

    if not isinstance(typed, str) or len(typed.strip()) < 8:
        return []
    audience = for_viewpoint(participant.viewpoint_id)
    visibility = visibility_of(workshop)
    # The same candidate list for everyone in the group, so the engine's cache of vectors
    # serves every keystroke of every phone there; the phone's own notes are dropped after.
    candidates = [
        note
        for note in _open_notes(db, workshop)
        if note_access({"viewpoint_id": note.viewpoint_id}, audience, visibility) == FULL
    ]
    by_id = {note.id: note for note in candidates}
    own = sum(1 for note in candidates if note.author_id == participant.id)
    matches = suggest.similar_notes(
        typed[:2000],
        [suggest.SuggestNote(note.id, note.text, note.viewpoint_id) for note in candidates],
        limit=MAX_SIMILAR + own,
    )
    return [
        {"note_id": note_id, "text": by_id[note_id].text, "score": round(score, 3)}
        for note_id, score in matches
        if by_id[note_id].author_id != participant.id
    ][:MAX_SIMILAR]
