"""Clusters: grouping notes by theme, within a viewpoint or across all, live for the room."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import events, state, text, validate
from workshop.actors import Actor
from workshop.errors import Conflict, InvalidInput, NotFound, WrongPhase
from workshop.i18n_markers import N_
from workshop.models import Cluster, Event, Note, Workshop, utcnow
from workshop.realtime import names

TITLE_LIMIT = 120
MAX_NOTES_PER_COMMAND = 200
MAX_REORDER = 500  # cluster ids in one clusters:reorder


def scope(workshop: Workshop) -> str:
    """ "viewpoint" (clusters stay within one viewpoint) or "plenary" (across all)."""
    return str(workshop.settings.get("clustering", {}).get("scope", "viewpoint"))


def _start(db: Session, workshop: Workshop, actor: Actor, op_id: str) -> int:
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    if workshop.phase == "closed":
        raise WrongPhase(N_("The workshop is closed."))
    return seq


def _cluster(
    db: Session, workshop: Workshop, cluster_id: object, *, deleted_ok: bool = False
) -> Cluster:
    found = db.get(Cluster, validate.note_uuid(cluster_id))
    if found is None or found.workshop_id != workshop.id or (found.deleted_at and not deleted_ok):
        raise NotFound(N_("That cluster does not exist (any more)."))
    return found


def _notes(db: Session, workshop: Workshop, note_ids: object) -> list[Note]:
    if not isinstance(note_ids, list) or not 1 <= len(note_ids) <= MAX_NOTES_PER_COMMAND:
        raise InvalidInput(N_("Choose between 1 and %(count)d notes."), count=MAX_NOTES_PER_COMMAND)
    ids = [validate.note_uuid(value) for value in note_ids]
    if len(set(ids)) != len(ids):
        raise InvalidInput(N_("A note is listed twice."))
    found = {note.id: note for note in db.scalars(select(Note).where(Note.id.in_(ids)))}
    notes = []
    for identifier in ids:
        note = found.get(identifier)
        if note is None or note.workshop_id != workshop.id or note.deleted_at is not None:
            raise NotFound(N_("That note does not exist (any more)."))
        notes.append(note)
    return notes


def _check_fits(workshop: Workshop, cluster: Cluster | None, notes: Sequence[Note]) -> None:
    if cluster is None or cluster.viewpoint_id is None or scope(workshop) != "viewpoint":
        return
    if any(note.viewpoint_id != cluster.viewpoint_id for note in notes):
        raise Conflict(N_("In this workshop a cluster holds the notes of one viewpoint only."))


def _last_position(
    db: Session, workshop: Workshop, cluster_id: str | None, viewpoint_id: int
) -> float:
    query = select(func.max(Note.position)).where(
        Note.workshop_id == workshop.id, Note.deleted_at.is_(None)
    )
    if cluster_id is None:
        query = query.where(Note.cluster_id.is_(None), Note.viewpoint_id == viewpoint_id)
    else:
        query = query.where(Note.cluster_id == cluster_id)
    return float(db.scalar(query) or 0.0)


def _position(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidInput(N_("A position is a number."))
    return float(value)


def _move(note: Note, cluster_id: str | None, position: float) -> dict[str, Any]:
    note.cluster_id = cluster_id
    note.position = position
    note.updated_at = utcnow()
    return {"note_id": note.id, "cluster_id": cluster_id, "position": position}


def _record(
    db: Session,
    workshop: Workshop,
    seq: int,
    name: str,
    payload: dict[str, Any],
    op_id: str,
    actor: Actor,
) -> Event:
    db.flush()
    return events.record(db, workshop.id, seq, name, payload, op_id=op_id, actor=actor.label)


def create(
    db: Session,
    workshop: Workshop,
    actor: Actor,
    *,
    cluster_id: object,
    title: object,
    note_ids: object,
    position: object,
    op_id: str,
) -> Event:
    """Start a cluster with these notes (in this order); an old id revives a removed cluster."""
    seq = _start(db, workshop, actor, op_id)
    identifier = validate.note_uuid(cluster_id)
    notes = _notes(db, workshop, note_ids)
    name = text.optional(title, TITLE_LIMIT)
    cluster = db.get(Cluster, identifier)
    if cluster is not None and (cluster.workshop_id != workshop.id or cluster.deleted_at is None):
        raise Conflict(N_("A cluster with this id exists already."))
    viewpoint_id = None
    if scope(workshop) == "viewpoint":
        viewpoints = {note.viewpoint_id for note in notes}
        if len(viewpoints) != 1:
            raise Conflict(N_("In this workshop a cluster holds the notes of one viewpoint only."))
        viewpoint_id = viewpoints.pop()
    at = _position(position)
    if at is None:
        highest = db.scalar(
            select(func.max(Cluster.position)).where(
                Cluster.workshop_id == workshop.id, Cluster.deleted_at.is_(None)
            )
        )
        at = float(highest or 0.0) + 1.0
    now = utcnow()
    if cluster is None:
        cluster = Cluster(id=identifier, workshop_id=workshop.id, created_at=now)
        db.add(cluster)
    cluster.viewpoint_id, cluster.title, cluster.position = viewpoint_id, name, at
    cluster.deleted_at, cluster.updated_at = None, now
    db.flush()
    moves = [_move(note, cluster.id, float(n)) for n, note in enumerate(notes, start=1)]
    payload = {"cluster": state.cluster_info(cluster), "moves": moves}
    return _record(db, workshop, seq, names.CLUSTER_CREATED, payload, op_id, actor)


def rename(
    db: Session, workshop: Workshop, actor: Actor, *, cluster_id: object, title: object, op_id: str
) -> Event:
    """Give a cluster its name (inline, while the room watches)."""
    seq = _start(db, workshop, actor, op_id)
    cluster = _cluster(db, workshop, cluster_id)
    cluster.title = text.optional(title, TITLE_LIMIT)
    cluster.updated_at = utcnow()
    payload = {"cluster": state.cluster_info(cluster)}
    return _record(db, workshop, seq, names.CLUSTER_RENAMED, payload, op_id, actor)


def move_notes(
    db: Session, workshop: Workshop, actor: Actor, *, moves: object, op_id: str
) -> Event:
    """Move notes into a cluster, out of one (cluster null) or within one (new position)."""
    seq = _start(db, workshop, actor, op_id)
    if not isinstance(moves, list) or not 1 <= len(moves) <= MAX_NOTES_PER_COMMAND:
        raise InvalidInput(N_("Choose between 1 and %(count)d notes."), count=MAX_NOTES_PER_COMMAND)
    if not all(isinstance(move, dict) for move in moves):
        raise InvalidInput(N_("Each move names a note, a cluster and a position."))
    notes = _notes(db, workshop, [move.get("note_id") for move in moves])
    applied = []
    appended: dict[tuple[str | None, int], float] = {}
    for note, move in zip(notes, moves, strict=True):
        target_id = move.get("cluster_id")
        target = None if target_id is None else _cluster(db, workshop, target_id)
        _check_fits(workshop, target, [note])
        at = _position(move.get("position"))
        if at is None:
            key = (target.id if target else None, note.viewpoint_id)
            if key not in appended:
                appended[key] = _last_position(db, workshop, key[0], note.viewpoint_id)
            appended[key] += 1.0
            at = appended[key]
        applied.append(_move(note, target.id if target else None, at))
    return _record(db, workshop, seq, names.NOTES_MOVED, {"moves": applied}, op_id, actor)


def merge(
    db: Session,
    workshop: Workshop,
    actor: Actor,
    *,
    cluster_id: object,
    source_id: object,
    op_id: str,
) -> Event:
    """Fold the source cluster into the target (its notes appended); the source is removed."""
    seq = _start(db, workshop, actor, op_id)
    target = _cluster(db, workshop, cluster_id)
    source = _cluster(db, workshop, source_id)
    if source.id == target.id:
        raise InvalidInput(N_("A cluster cannot be merged with itself."))
    if scope(workshop) == "viewpoint" and source.viewpoint_id != target.viewpoint_id:
        raise Conflict(N_("In this workshop a cluster holds the notes of one viewpoint only."))
    incoming = db.scalars(
        select(Note)
        .where(Note.cluster_id == source.id, Note.deleted_at.is_(None))
        .order_by(Note.position, Note.id)
    ).all()
    last = _last_position(db, workshop, target.id, 0)
    moves = [_move(note, target.id, last + n) for n, note in enumerate(incoming, start=1)]
    source.deleted_at = utcnow()
    payload = {"cluster_id": target.id, "source_id": source.id, "moves": moves}
    return _record(db, workshop, seq, names.CLUSTER_MERGED, payload, op_id, actor)


def dissolve(
    db: Session, workshop: Workshop, actor: Actor, *, cluster_id: object, op_id: str
) -> Event:
    """Remove a cluster; its notes go back to their viewpoints' unclustered notes."""
    seq = _start(db, workshop, actor, op_id)
    cluster = _cluster(db, workshop, cluster_id)
    released = db.scalars(
        select(Note)
        .where(Note.cluster_id == cluster.id, Note.deleted_at.is_(None))
        .order_by(Note.position, Note.id)
    ).all()
    ends: dict[int, float] = {}
    moves = []
    for note in released:
        if note.viewpoint_id not in ends:
            ends[note.viewpoint_id] = _last_position(db, workshop, None, note.viewpoint_id)
        ends[note.viewpoint_id] += 1.0
        moves.append(_move(note, None, ends[note.viewpoint_id]))
    cluster.deleted_at = utcnow()
    payload = {"cluster_id": cluster.id, "moves": moves}
    return _record(db, workshop, seq, names.CLUSTER_DISSOLVED, payload, op_id, actor)


def reorder(db: Session, workshop: Workshop, actor: Actor, *, order: object, op_id: str) -> Event:
    """Put clusters in this order; clusters not listed keep their order after them."""
    seq = _start(db, workshop, actor, op_id)
    if not isinstance(order, list) or not order or len(order) > MAX_REORDER:
        raise InvalidInput(N_("Give the clusters in their new order."))
    listed = [_cluster(db, workshop, value) for value in order]
    if len({cluster.id for cluster in listed}) != len(listed):
        raise InvalidInput(N_("A cluster is listed twice."))
    rest = db.scalars(
        select(Cluster)
        .where(
            Cluster.workshop_id == workshop.id,
            Cluster.deleted_at.is_(None),
            Cluster.id.not_in([cluster.id for cluster in listed]),
        )
        .order_by(Cluster.position, Cluster.created_at)
    ).all()
    positions = {}
    for n, cluster in enumerate([*listed, *rest], start=1):
        cluster.position = float(n)
        positions[cluster.id] = cluster.position
    return _record(
        db, workshop, seq, names.CLUSTERS_REORDERED, {"positions": positions}, op_id, actor
    )
