"""When each phase ran and for how long, read from the event log's phase changes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop.i18n_markers import N_
from workshop.models import Event, Workshop
from workshop.realtime import names

Translate = Callable[[str], str]

# The same msgids as the console's phase names, so they share one translation.
PHASE_LABELS = {
    "lobby": N_("Lobby"),
    "brainstorm": N_("Brainstorm"),
    "share": N_("Share"),
    "cluster": N_("Cluster"),
    "vote": N_("Vote"),
    "results": N_("Results"),
    "closed": N_("Closed"),
}


def phase_label(phase: str, translate: Translate) -> str:
    """The translated name of a phase."""
    label = PHASE_LABELS.get(phase)
    return translate(label) if label else phase


def timeline(
    db: Session, workshop: Workshop, translate: Translate, zone: dt.tzinfo
) -> list[dict[str, Any]]:
    """Phases in the order they ran: start, end, seconds and the plan's minutes."""
    # The first event (workshop:created) marks the lobby's start; an imported workshop keeps
    # the original time there, so its timeline survives the round trip.
    first = db.scalars(
        select(Event.created_at).where(Event.workshop_id == workshop.id).order_by(Event.seq)
    ).first()
    changes = db.execute(
        select(Event.created_at, Event.payload)
        .where(Event.workshop_id == workshop.id, Event.type == names.PHASE_CHANGED)
        .order_by(Event.seq)
    ).all()
    marks: list[tuple[str, dt.datetime]] = [("lobby", first or workshop.created_at)]
    for at, payload in changes:
        phase = str(payload.get("phase", ""))
        if phase and phase != marks[-1][0]:
            marks.append((phase, at))
    planned = workshop.settings.get("phases", {})
    rows: list[dict[str, Any]] = []
    for index, (phase, start) in enumerate(marks):
        end = marks[index + 1][1] if index + 1 < len(marks) else None
        minutes = planned.get(phase)
        rows.append(
            {
                "phase": phase,
                "label": phase_label(phase, translate),
                "start": start.astimezone(zone).isoformat(timespec="seconds"),
                "end": end.astimezone(zone).isoformat(timespec="seconds") if end else None,
                "seconds": int((end - start).total_seconds()) if end else None,
                "planned_minutes": minutes if isinstance(minutes, int) else None,
            }
        )
    return rows
