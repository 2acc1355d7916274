"""Running the workshop: phases, the server-authoritative timer, the door, the spotlight."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from workshop import events, results, state, validate
from workshop.actors import Actor
from workshop.audience import SHARED_PHASES
from workshop.errors import InvalidInput
from workshop.i18n_markers import N_
from workshop.models import Event, Workshop, utcnow
from workshop.plans import PHASES
from workshop.realtime import names
from workshop.workshops import unused_join_code

DEFAULT_TIMER_S = 300
MAX_TIMER_S = 8 * 3600
MAX_TIMER_ADD_S = 3600  # timer:add gives or takes at most an hour
# What a non-facilitator may read changes when crossing this line (notes shared or not).
_PRE_SHARE = frozenset(PHASES) - SHARED_PHASES


def set_phase(db: Session, workshop: Workshop, actor: Actor, phase: object, op_id: str) -> Event:
    """Move the workshop to another phase (next, previous or a jump)."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    if not isinstance(phase, str) or phase not in PHASES:
        raise InvalidInput(N_("Unknown phase."))
    previous = workshop.phase
    workshop.phase = phase
    if phase == "closed":
        workshop.closed_at = workshop.closed_at or utcnow()
    elif workshop.closed_at is not None:
        # Reopening: the old code may have gone to another workshop meanwhile.
        taken = db.scalar(
            select(Workshop.id).where(
                Workshop.join_code == workshop.join_code,
                Workshop.closed_at.is_(None),
                Workshop.id != workshop.id,
            )
        )
        if taken is not None:
            workshop.join_code = unused_join_code(db)
        workshop.closed_at = None
    if previous != phase:
        _reset_timer(workshop)
    results.hide_when_reopened(workshop)
    db.flush()
    resync = (previous in _PRE_SHARE) != (phase in _PRE_SHARE)
    return events.record(
        db,
        workshop.id,
        seq,
        names.PHASE_CHANGED,
        {
            "phase": phase,
            "previous": previous,
            "resync": resync,
            "timer": state.timer_info(workshop),
            "join_code": workshop.join_code,
            "results_revealed": results.revealed(workshop),
        },
        op_id=op_id,
        actor=actor.label,
    )


def _reset_timer(workshop: Workshop) -> None:
    workshop.timer_ends_at = None
    workshop.timer_remaining_ms = None
    workshop.timer_duration_ms = None


def _planned_seconds(workshop: Workshop) -> int:
    minutes = workshop.settings.get("phases", {}).get(workshop.phase)
    return int(minutes) * 60 if isinstance(minutes, int) and minutes > 0 else DEFAULT_TIMER_S


def _timer_event(db: Session, workshop: Workshop, seq: int, op_id: str, actor: Actor) -> Event:
    db.flush()
    return events.record(
        db,
        workshop.id,
        seq,
        names.TIMER_CHANGED,
        {"timer": state.timer_info(workshop)},
        op_id=op_id,
        actor=actor.label,
    )


def timer_start(
    db: Session, workshop: Workshop, actor: Actor, duration_s: object, op_id: str
) -> Event:
    """Start the timer (for the plan's minutes unless given), or resume a paused one."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    now = utcnow()
    if workshop.timer_remaining_ms is not None and duration_s is None:
        workshop.timer_ends_at = now + dt.timedelta(milliseconds=workshop.timer_remaining_ms)
        workshop.timer_remaining_ms = None
    else:
        seconds = (
            _planned_seconds(workshop)
            if duration_s is None
            else validate.integer(duration_s, 1, MAX_TIMER_S)
        )
        workshop.timer_ends_at = now + dt.timedelta(seconds=seconds)
        workshop.timer_remaining_ms = None
        workshop.timer_duration_ms = seconds * 1000
    return _timer_event(db, workshop, seq, op_id, actor)


def timer_pause(db: Session, workshop: Workshop, actor: Actor, op_id: str) -> Event:
    """Freeze the timer with what is left."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    if workshop.timer_ends_at is not None:
        left = workshop.timer_ends_at - utcnow()
        workshop.timer_remaining_ms = max(0, int(left.total_seconds() * 1000))
        workshop.timer_ends_at = None
    return _timer_event(db, workshop, seq, op_id, actor)


def timer_add(db: Session, workshop: Workshop, actor: Actor, seconds: object, op_id: str) -> Event:
    """Give (or take) time; an idle timer starts with the seconds given."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    delta = validate.integer(seconds, -MAX_TIMER_ADD_S, MAX_TIMER_ADD_S)
    now = utcnow()
    if workshop.timer_ends_at is not None:
        workshop.timer_ends_at = max(now, workshop.timer_ends_at + dt.timedelta(seconds=delta))
    elif workshop.timer_remaining_ms is not None:
        workshop.timer_remaining_ms = max(0, workshop.timer_remaining_ms + delta * 1000)
    elif delta > 0:
        workshop.timer_ends_at = now + dt.timedelta(seconds=delta)
        workshop.timer_duration_ms = 0
    workshop.timer_duration_ms = max(0, (workshop.timer_duration_ms or 0) + delta * 1000)
    return _timer_event(db, workshop, seq, op_id, actor)


def timer_reset(db: Session, workshop: Workshop, actor: Actor, op_id: str) -> Event:
    """Stop and clear the timer."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    _reset_timer(workshop)
    return _timer_event(db, workshop, seq, op_id, actor)


def set_joining(db: Session, workshop: Workshop, actor: Actor, locked: object, op_id: str) -> Event:
    """Lock or unlock joining."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    workshop.joining_locked = validate.boolean(locked)
    db.flush()
    return events.record(
        db,
        workshop.id,
        seq,
        names.JOINING_CHANGED,
        {"joining_locked": workshop.joining_locked},
        op_id=op_id,
        actor=actor.label,
    )


def set_spotlight(
    db: Session, workshop: Workshop, actor: Actor, viewpoint_id: object, op_id: str
) -> Event:
    """Spotlight one viewpoint on the projector (None: show all)."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    target: int | None = None
    if viewpoint_id is not None:
        target = validate.record_id(viewpoint_id)
        if not any(vp.id == target for vp in workshop.viewpoints):
            raise InvalidInput(N_("That group does not exist in this workshop."))
    workshop.settings = {**workshop.settings, "spotlight_viewpoint_id": target}
    db.flush()
    return events.record(
        db,
        workshop.id,
        seq,
        names.SPOTLIGHT_CHANGED,
        {"viewpoint_id": target},
        op_id=op_id,
        actor=actor.label,
    )
