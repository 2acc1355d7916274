"""Participants: joining by code, staying identified by a secret cookie, being placed in a group."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import events, progress, state, text
from workshop.actors import Actor
from workshop.errors import InvalidInput, JoiningLocked, NotFound
from workshop.i18n_markers import N_
from workshop.models import Event, Participant, Viewpoint, Workshop, utcnow
from workshop.realtime import names

NAME_LIMIT = 60
SECRET_BYTES = 32


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def assignment(workshop: Workshop) -> str:
    """How participants get a viewpoint: choose, auto or facilitator."""
    return str(workshop.settings.get("participants", {}).get("assignment", "choose"))


def least_busy_viewpoint(db: Session, workshop: Workshop) -> Viewpoint | None:
    """The viewpoint with the fewest participants (earliest on ties), for auto-balancing."""
    by_viewpoint, _ = state.counts(db, workshop.id)
    viewpoints = sorted(
        workshop.viewpoints, key=lambda vp: (by_viewpoint.get(vp.id, 0), vp.position)
    )
    return viewpoints[0] if viewpoints else None


def viewpoint_by_slug(workshop: Workshop, slug: str) -> Viewpoint | None:
    """The workshop's viewpoint with this slug."""
    return next((vp for vp in workshop.viewpoints if vp.slug == slug), None)


def join(
    db: Session, workshop: Workshop, display_name: str | None, viewpoint_slug: str | None
) -> tuple[Participant, str, Event]:
    """Add a participant; returns it, its secret (for the cookie) and the event."""
    if not workshop.is_open or workshop.joining_locked or workshop.phase == "closed":
        raise JoiningLocked()
    seq = events.claim(db, workshop.id, None)
    mode = assignment(workshop)
    viewpoint: Viewpoint | None = None
    if mode == "choose":
        viewpoint = viewpoint_by_slug(workshop, viewpoint_slug or "")
        if viewpoint is None:
            raise InvalidInput(N_("Choose your group."))
    elif mode == "auto":
        viewpoint = least_busy_viewpoint(db, workshop)
    name = None
    if not workshop.settings.get("anonymous", False):
        name = text.optional(display_name, NAME_LIMIT) or None
    secret = secrets.token_urlsafe(SECRET_BYTES)
    participant = Participant(
        workshop_id=workshop.id,
        viewpoint_id=viewpoint.id if viewpoint else None,
        display_name=name,
        secret_hash=_digest(secret),
        created_at=utcnow(),
        last_seen_at=utcnow(),
    )
    db.add(participant)
    db.flush()
    event = events.record(
        db,
        workshop.id,
        seq,
        names.PARTICIPANT_JOINED,
        {
            "participant": state.participant_info(participant),
            **state.count_payload(db, workshop.id),
        },
        actor=f"participant:{participant.id}",
    )
    return participant, secret, event


def identify(db: Session, workshop_id: int, secret: str | None) -> Participant | None:
    """The participant of this workshop holding this secret, if any."""
    if not secret:
        return None
    participant = db.scalars(
        select(Participant).where(Participant.secret_hash == _digest(secret))
    ).one_or_none()
    if participant is None or participant.workshop_id != workshop_id:
        return None
    return participant


def move(
    db: Session,
    workshop: Workshop,
    actor: Actor,
    participant_id: object,
    viewpoint_id: object,
    op_id: str | None,
) -> Event:
    """Place a participant in another viewpoint (or none); facilitator only."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    participant = db.get(Participant, participant_id) if isinstance(participant_id, int) else None
    if participant is None or participant.workshop_id != workshop.id or participant.is_proxy:
        raise NotFound(N_("That participant is not in this workshop."))
    target: int | None = None
    if viewpoint_id is not None:
        if not any(vp.id == viewpoint_id for vp in workshop.viewpoints):
            raise InvalidInput(N_("That group does not exist in this workshop."))
        target = int(viewpoint_id)  # type: ignore[call-overload]
    participant.viewpoint_id = target
    db.flush()
    return events.record(
        db,
        workshop.id,
        seq,
        names.PARTICIPANT_MOVED,
        {
            "participant_id": participant.id,
            "viewpoint_id": target,
            **state.count_payload(db, workshop.id),
            # A voter who moves takes their vote to the other viewpoint's progress.
            "progress": progress.progress(db, workshop),
        },
        op_id=op_id,
        actor=actor.label,
    )


def count(db: Session, workshop_id: int) -> int:
    """How many people joined (proxies excluded)."""
    return int(
        db.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.workshop_id == workshop_id, Participant.is_proxy.is_(False))
        )
        or 0
    )
