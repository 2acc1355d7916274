"""The per-workshop event log: append with a gap-free seq, recognise retried ops, replay."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from workshop.errors import DuplicateOperation, NotFound
from workshop.models import Event, Workshop, utcnow


def next_seq(db: Session, workshop_id: int) -> int:
    """Reserve the workshop's next seq; holds the workshop row's write lock until commit."""
    # UPDATE … RETURNING takes the row lock on PostgreSQL (and the database lock on SQLite),
    # so concurrent writers of one workshop queue here and seqs come out gap-free: a rolled-back
    # transaction also rolls back its increment.
    seq = db.execute(
        update(Workshop)
        .where(Workshop.id == workshop_id)
        .values(last_seq=Workshop.last_seq + 1)
        .returning(Workshop.last_seq)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if seq is None:
        raise NotFound()
    return int(seq)


def lock_seq(db: Session, workshop_id: int) -> int:
    """Take the workshop row's write lock, as ``next_seq`` does, and read its last seq.

    For writers that claim several seqs in memory and store the last with ``store_seq``.
    Writes nothing: a transaction that ends up claiming none changes nothing. (SQLite's writer
    transactions hold the database's write lock from their start.)
    """
    seq = db.scalar(select(Workshop.last_seq).where(Workshop.id == workshop_id).with_for_update())
    if seq is None:
        raise NotFound()
    return int(seq)


def store_seq(db: Session, workshop_id: int, seq: int) -> None:
    """Record the last seq claimed since ``lock_seq``."""
    db.execute(
        update(Workshop)
        .where(Workshop.id == workshop_id)
        .values(last_seq=seq)
        .execution_options(synchronize_session=False)
    )


def seqs_of_ops(db: Session, workshop_id: int, op_ids: Sequence[str]) -> dict[str, int]:
    """The seq each of these operation ids produced before, for those applied already."""
    rows = db.execute(
        select(Event.op_id, Event.seq).where(
            Event.workshop_id == workshop_id, Event.op_id.in_(set(op_ids))
        )
    )
    return {str(op_id): int(seq) for op_id, seq in rows}


def find_by_op(db: Session, workshop_id: int, op_id: str) -> Event | None:
    """The event an operation id produced before, if any."""
    return db.scalars(
        select(Event).where(Event.workshop_id == workshop_id, Event.op_id == op_id)
    ).one_or_none()


def claim(db: Session, workshop_id: int, op_id: str | None) -> int:
    """Lock the workshop for this change and reserve its seq; DuplicateOperation if seen before.

    Call first in a domain operation, so a retried op is recognised before anything changes.
    """
    seq = next_seq(db, workshop_id)
    # Checked after taking the lock: a concurrent twin of this op has committed by now or
    # is still queued behind us, so the check cannot race.
    if op_id is not None:
        earlier = find_by_op(db, workshop_id, op_id)
        if earlier is not None:
            raise DuplicateOperation(earlier.seq)
    return seq


def record(
    db: Session,
    workshop_id: int,
    seq: int,
    type_: str,
    payload: dict[str, Any],
    *,
    op_id: str | None = None,
    actor: str = "system",
) -> Event:
    """Write the event row for a seq reserved with ``claim``."""
    event = new(workshop_id, seq, type_, payload, op_id=op_id, actor=actor)
    db.add(event)
    db.flush()
    return event


def new(
    workshop_id: int,
    seq: int,
    type_: str,
    payload: dict[str, Any],
    *,
    op_id: str | None = None,
    actor: str = "system",
) -> Event:
    """An event row, not yet added (for writers that add many and flush once)."""
    return Event(
        workshop_id=workshop_id,
        seq=seq,
        type=type_,
        payload=payload,
        op_id=op_id,
        actor=actor,
        created_at=utcnow(),
    )


def append(
    db: Session,
    workshop_id: int,
    type_: str,
    payload: dict[str, Any],
    *,
    op_id: str | None = None,
    actor: str = "system",
) -> Event:
    """Claim and record in one go, for changes that need nothing checked in between."""
    seq = claim(db, workshop_id, op_id)
    return record(db, workshop_id, seq, type_, payload, op_id=op_id, actor=actor)


def since(db: Session, workshop_id: int, after_seq: int, limit: int = 1000) -> Sequence[Event]:
    """Events after ``after_seq`` in order, at most ``limit`` (the client resyncs past that)."""
    return db.scalars(
        select(Event)
        .where(Event.workshop_id == workshop_id, Event.seq > after_seq)
        .order_by(Event.seq)
        .limit(limit)
    ).all()


def latest_seq(db: Session, workshop_id: int) -> int:
    """The highest seq handed out for the workshop (0 when nothing happened yet)."""
    seq = db.scalar(select(Workshop.last_seq).where(Workshop.id == workshop_id))
    if seq is None:
        raise NotFound()
    return int(seq)
