"""Erasure on request: a facilitator removes everything one participant wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from workshop import events, progress, validate
from workshop.actors import Actor
from workshop.errors import NotFound
from workshop.i18n_markers import N_
from workshop.models import Endorsement, Event, Note, Participant, RiskScore, Vote, Workshop
from workshop.realtime import names

# Facts whose stored payload carries a note's text (and its author's name).
_NOTE_FACTS = (names.NOTE_ADDED, names.NOTE_EDITED, names.NOTE_HIDDEN, names.NOTE_RESTORED)


def remove_participant_notes(
    db: Session, workshop: Workshop, actor: Actor, *, participant_id: object, op_id: str
) -> list[Event]:
    """Delete every note the participant wrote, for good, with the dots and +1s on them.

    The notes are removed from the database (not only marked deleted) and their text is blanked
    in the event log, so replays never show it again. Screens get one ``note:deleted`` per note
    that was still visible, then ``participant:notes_removed`` with the counts and the recounted
    voting progress (the facilitator; the room gets that progress as ``votes:progress``).
    Dots on those notes go back to the people who spent them; dots on clusters stay.
    """
    actor.require_facilitator()
    first_seq = events.claim(db, workshop.id, op_id)
    participant = db.get(Participant, validate.record_id(participant_id))
    if participant is None or participant.workshop_id != workshop.id:
        raise NotFound(N_("That participant does not exist (any more)."))
    written = db.scalars(
        select(Note).where(Note.workshop_id == workshop.id, Note.author_id == participant.id)
    ).all()
    ids = [note.id for note in written]
    shown = [(note.id, note.viewpoint_id) for note in written if note.deleted_at is None]
    votes_removed = 0
    if ids:
        for model in (Vote, RiskScore):
            result = db.execute(
                delete(model)
                .where(
                    model.workshop_id == workshop.id,
                    model.target_type == "note",
                    model.target_id.in_(ids),
                )
                .execution_options(synchronize_session=False)
            )
            votes_removed += int(getattr(result, "rowcount", 0) or 0)
        db.execute(
            delete(Endorsement)
            .where(Endorsement.note_id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        _blank_in_log(db, workshop.id, set(ids))
        for note in written:
            db.delete(note)
        db.flush()
    produced: list[Event] = []
    seq = first_seq
    for note_id, viewpoint_id in shown:
        produced.append(
            events.record(
                db,
                workshop.id,
                seq,
                names.NOTE_DELETED,
                {"note_id": note_id, "viewpoint_id": viewpoint_id},
                actor=actor.label,
            )
        )
        seq = events.next_seq(db, workshop.id)
    summary: dict[str, Any] = {
        "participant_id": participant.id,
        "notes": len(ids),
        "votes": votes_removed,
        # Dots and ratings on those notes are gone, and in risk mode there are fewer items to
        # rate: every screen gets the recounted progress (the room as votes:progress).
        "progress": progress.progress(db, workshop) if ids else None,
    }
    produced.append(
        events.record(
            db,
            workshop.id,
            seq,
            names.PARTICIPANT_NOTES_REMOVED,
            summary,
            op_id=op_id,
            actor=actor.label,
        )
    )
    return produced


def _blank_in_log(db: Session, workshop_id: int, note_ids: set[str]) -> None:
    """Blank the text (and author name) of these notes in the stored facts about them."""
    logged = db.scalars(
        select(Event).where(Event.workshop_id == workshop_id, Event.type.in_(_NOTE_FACTS))
    ).all()
    for event in logged:
        note = event.payload.get("note")
        if isinstance(note, dict) and note.get("id") in note_ids:
            blanked: dict[str, Any] = {**note, "text": ""}
            blanked.pop("author_name", None)
            # A new dict: the JSON column only notices reassignment, not changes inside.
            event.payload = {**event.payload, "note": blanked}
