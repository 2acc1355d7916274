"""Notes: posting, editing and deleting one's own; moderating and proxy input by the facilitator."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop import events, state, text, validate
from workshop.actors import Actor
from workshop.errors import Conflict, Forbidden, InvalidInput, NotFound, WrongPhase
from workshop.i18n_markers import N_
from workshop.models import Endorsement, Event, Note, Workshop, utcnow
from workshop.realtime import names

# Participants write during the break-out and while sharing; the facilitator until closing.
PARTICIPANT_WRITE_PHASES = frozenset({"brainstorm", "share"})


def max_length(workshop: Workshop) -> int:
    """The workshop's note length limit."""
    return int(workshop.settings.get("notes", {}).get("max_length", 280))


def kind_keys(workshop: Workshop) -> list[str]:
    """The note kinds allowed in this workshop."""
    return [kind["key"] for kind in workshop.settings.get("kinds", [])]


def _check_phase(workshop: Workshop, actor: Actor) -> None:
    if workshop.phase == "closed":
        raise WrongPhase(N_("The workshop is closed."))
    if not actor.is_facilitator and workshop.phase not in PARTICIPANT_WRITE_PHASES:
        raise WrongPhase(N_("Notes can be posted during the brainstorm and the share phase."))


def _kind(workshop: Workshop, value: object) -> str:
    if not isinstance(value, str) or value not in kind_keys(workshop):
        raise InvalidInput(N_("Unknown kind of note."))
    return value


def _own_note(db: Session, workshop: Workshop, actor: Actor, note_id: object) -> Note:
    note = db.get(Note, validate.note_uuid(note_id))
    if note is None or note.workshop_id != workshop.id or note.deleted_at is not None:
        raise NotFound(N_("That note does not exist (any more)."))
    if actor.is_facilitator:
        return note
    if actor.participant is None or note.author_id != actor.participant.id or note.hidden:
        raise Forbidden(N_("You can only change your own notes."))
    return note


def _event(
    db: Session, workshop: Workshop, seq: int, name: str, note: Note, op_id: str, actor: Actor
) -> Event:
    return events.record(
        db,
        workshop.id,
        seq,
        name,
        {"note": state.note_payload(db, note)},
        op_id=op_id,
        actor=actor.label,
    )


def add(
    db: Session,
    workshop: Workshop,
    actor: Actor,
    *,
    note_id: object,
    kind: object,
    body: object,
    op_id: str,
    viewpoint_id: object = None,
) -> Event:
    """Post a note: a participant in its own group, the facilitator in any (proxy input)."""
    seq = events.claim(db, workshop.id, op_id)
    _check_phase(workshop, actor)
    identifier = validate.note_uuid(note_id)
    if db.get(Note, identifier) is not None:
        raise Conflict(N_("A note with this id exists already."))
    if actor.is_facilitator:
        target = validate.record_id(viewpoint_id)
        if not any(vp.id == target for vp in workshop.viewpoints):
            raise InvalidInput(N_("That group does not exist in this workshop."))
        author = None
    else:
        participant = actor.participant
        if participant is None:
            raise Forbidden()
        if participant.viewpoint_id is None:
            raise WrongPhase(N_("Wait until the facilitator places you in a group."))
        target, author = participant.viewpoint_id, participant
    now = utcnow()
    note = Note(
        id=identifier,
        workshop_id=workshop.id,
        viewpoint_id=target,
        author=author,
        by_facilitator=actor.is_facilitator,
        kind=_kind(workshop, kind),
        text=text.required(body, max_length(workshop), multiline=True),
        position=float(seq),
        created_at=now,
        updated_at=now,
    )
    db.add(note)
    db.flush()
    return _event(db, workshop, seq, names.NOTE_ADDED, note, op_id, actor)


def edit(
    db: Session,
    workshop: Workshop,
    actor: Actor,
    *,
    note_id: object,
    body: object,
    kind: object,
    op_id: str,
) -> Event:
    """Change a note's text (and kind): its author, or the facilitator as moderator."""
    seq = events.claim(db, workshop.id, op_id)
    _check_phase(workshop, actor)
    note = _own_note(db, workshop, actor, note_id)
    note.text = text.required(body, max_length(workshop), multiline=True)
    if kind is not None:
        note.kind = _kind(workshop, kind)
    note.updated_at = utcnow()
    db.flush()
    return _event(db, workshop, seq, names.NOTE_EDITED, note, op_id, actor)


def delete(db: Session, workshop: Workshop, actor: Actor, *, note_id: object, op_id: str) -> Event:
    """Remove a note (kept in the database as deleted): its author, or the facilitator."""
    seq = events.claim(db, workshop.id, op_id)
    _check_phase(workshop, actor)
    note = _own_note(db, workshop, actor, note_id)
    note.deleted_at = utcnow()
    db.flush()
    return events.record(
        db,
        workshop.id,
        seq,
        names.NOTE_DELETED,
        {"note_id": note.id, "viewpoint_id": note.viewpoint_id},
        op_id=op_id,
        actor=actor.label,
    )


def set_hidden(
    db: Session, workshop: Workshop, actor: Actor, *, note_id: object, hidden: bool, op_id: str
) -> Event:
    """Moderation: hide a note from everyone but the facilitator, or show it again."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    note = _own_note(db, workshop, actor, note_id)
    note.hidden = hidden
    note.updated_at = utcnow()
    db.flush()
    name = names.NOTE_HIDDEN if hidden else names.NOTE_RESTORED
    return _event(db, workshop, seq, name, note, op_id, actor)


def endorse(
    db: Session, workshop: Workshop, actor: Actor, *, note_id: object, endorsed: object, op_id: str
) -> Event:
    """A participant's +1 on someone else's note (instead of posting a near-duplicate)."""
    seq = events.claim(db, workshop.id, op_id)
    participant = actor.participant
    if participant is None:
        raise Forbidden()
    if workshop.phase in ("lobby", "closed"):
        raise WrongPhase()
    wanted = validate.boolean(endorsed)
    note = db.get(Note, validate.note_uuid(note_id))
    if (
        note is None
        or note.workshop_id != workshop.id
        or note.deleted_at is not None
        or note.hidden
    ):
        raise NotFound(N_("That note does not exist (any more)."))
    if not _readable_by(workshop, note, participant.viewpoint_id):
        raise NotFound(N_("That note does not exist (any more)."))
    if note.author_id == participant.id:
        raise InvalidInput(N_("You cannot +1 your own note."))
    existing = db.scalars(
        select(Endorsement).where(
            Endorsement.note_id == note.id, Endorsement.participant_id == participant.id
        )
    ).one_or_none()
    if wanted and existing is None:
        db.add(Endorsement(workshop_id=workshop.id, note_id=note.id, participant_id=participant.id))
    elif not wanted and existing is not None:
        db.delete(existing)
    db.flush()
    payload = {"note_id": note.id, "endorsements": state.endorsement_count(db, note.id)}
    return events.record(
        db, workshop.id, seq, names.NOTE_ENDORSED, payload, op_id=op_id, actor=actor.label
    )


def _readable_by(workshop: Workshop, note: Note, viewpoint_id: int | None) -> bool:
    from workshop.audience import FULL, for_viewpoint, note_access
    from workshop.snapshot import visibility_of

    note_view = {"viewpoint_id": note.viewpoint_id, "hidden": note.hidden}
    return note_access(note_view, for_viewpoint(viewpoint_id), visibility_of(workshop)) == FULL
