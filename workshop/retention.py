"""Deleting workshops: on request ("delete this workshop now") and after the retention period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from workshop.models import (
    Cluster,
    Endorsement,
    Event,
    Note,
    Participant,
    RiskScore,
    Viewpoint,
    Vote,
    Workshop,
    utcnow,
)

# Children first, so no foreign key is ever violated, whatever the backend's cascade settings:
# endorsements point at notes and participants, notes at clusters, participants and viewpoints.
_ROWS_IN_ORDER: tuple[tuple[str, Any], ...] = (
    ("endorsements", Endorsement),
    ("votes", Vote),
    ("risk_scores", RiskScore),
    ("events", Event),
    ("notes", Note),
    ("clusters", Cluster),
    ("participants", Participant),
    ("viewpoints", Viewpoint),
)


@dataclass(frozen=True)
class Removed:
    """What deleting one workshop removed: its id, title and rows per table."""

    workshop_id: int
    title: str
    closed_at: dt.datetime | None
    rows: dict[str, int]
    viewpoint_ids: tuple[int, ...] = ()

    def describe(self) -> str:
        """One line for the operator, e.g. ``#3 "Cloud" (closed 2026-01-02): 12 notes, …``."""
        closed = f" (closed {self.closed_at:%Y-%m-%d})" if self.closed_at else ""
        counts = ", ".join(f"{n} {table}" for table, n in self.rows.items() if n)
        return f"#{self.workshop_id} “{self.title}”{closed}: {counts or 'no rows'}"


def delete_workshop(db: Session, workshop: Workshop) -> Removed:
    """Remove the workshop and every row that belongs to it (flushes, does not commit)."""
    workshop_id = workshop.id
    viewpoints = tuple(
        db.scalars(select(Viewpoint.id).where(Viewpoint.workshop_id == workshop_id)).all()
    )
    summary = Removed(workshop_id, workshop.title, workshop.closed_at, {}, viewpoints)
    for table, model in _ROWS_IN_ORDER:
        result = db.execute(
            delete(model)
            .where(model.workshop_id == workshop_id)
            .execution_options(synchronize_session=False)
        )
        summary.rows[table] = int(getattr(result, "rowcount", 0) or 0)
    # Forget the deleted objects this session still holds, so it never flushes them again.
    for loaded in list(db.identity_map.values()):
        mine = loaded is workshop or getattr(loaded, "workshop_id", None) == workshop_id
        if mine and loaded in db:  # expunging the workshop cascades to its viewpoints
            db.expunge(loaded)
    db.execute(delete(Workshop).where(Workshop.id == workshop_id))
    db.flush()
    return summary


def expired(db: Session, days: int, now: dt.datetime | None = None) -> list[Workshop]:
    """Workshops closed more than ``days`` days ago, oldest first."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    return list(
        db.scalars(
            select(Workshop)
            .where(Workshop.closed_at.is_not(None), Workshop.closed_at < cutoff)
            .order_by(Workshop.closed_at, Workshop.id)
        )
    )


def purge(
    db: Session, days: int, *, dry_run: bool = False, now: dt.datetime | None = None
) -> list[Removed]:
    """Delete every workshop closed more than ``days`` days ago; with dry_run, only list them."""
    found = expired(db, days, now)
    if dry_run:
        return [Removed(w.id, w.title, w.closed_at, row_counts(db, w.id)) for w in found]
    return [delete_workshop(db, w) for w in found]


def row_counts(db: Session, workshop_id: int) -> dict[str, int]:
    """How many rows each table holds for one workshop (what a delete would remove)."""
    counts = {}
    for table, model in _ROWS_IN_ORDER:
        query = select(func.count()).select_from(model).where(model.workshop_id == workshop_id)
        counts[table] = int(db.scalar(query) or 0)
    return counts
