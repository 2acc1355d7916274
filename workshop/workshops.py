"""Workshops: create one from a plan, join codes, look-ups, the facilitator's list."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workshop import events
from workshop.errors import Conflict, NotFound
from workshop.i18n_markers import N_
from workshop.models import Facilitator, Viewpoint, Workshop, utcnow
from workshop.plans import Plan

# No 0/O, 1/I/L, 5/S or 2/Z look-alikes: codes are read off a projector and typed on phones.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
JOIN_CODE_LENGTH = 6
_MAX_CODE_ATTEMPTS = 50


def generate_join_code(rng: Callable[[str], str] = secrets.choice) -> str:
    """A random join code of six unambiguous characters."""
    return "".join(rng(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def unused_join_code(db: Session, rng: Callable[[str], str] = secrets.choice) -> str:
    """A join code that no open workshop uses."""
    for _ in range(_MAX_CODE_ATTEMPTS):
        code = generate_join_code(rng)
        taken = db.scalar(
            select(Workshop.id).where(Workshop.join_code == code, Workshop.closed_at.is_(None))
        )
        if taken is None:
            return code
    raise Conflict(N_("Could not find a free join code; try again."))


def settings_from_plan(plan: Plan) -> dict[str, Any]:
    """The plan's run-time settings, as stored on the workshop."""
    return {
        "anonymous": plan.anonymous,
        "kinds": [kind.model_dump() for kind in plan.kinds],
        "phases": plan.phases.model_dump(),
        "notes": plan.notes.model_dump(),
        "participants": plan.participants.model_dump(),
        "voting": plan.voting.model_dump(),
        "clustering": plan.clustering.model_dump(mode="json"),
    }


def create_from_plan(
    db: Session,
    plan: Plan,
    owner: Facilitator,
    *,
    plan_source: str = "",
    demo_key: str | None = None,
) -> Workshop:
    """Create a workshop in the lobby phase from a validated plan."""
    workshop = Workshop(
        owner=owner,
        title=plan.title,
        theme=plan.theme,
        intro=plan.intro,
        place=plan.place,
        date=plan.date,
        language=plan.language,
        join_code=unused_join_code(db),
        display_token=secrets.token_urlsafe(24),
        phase="lobby",
        settings=settings_from_plan(plan),
        plan_source=plan_source,
        demo_key=demo_key,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    workshop.viewpoints = [
        Viewpoint(
            slug=viewpoint.slug,
            name=viewpoint.name,
            question=viewpoint.question,
            colour=viewpoint.colour,
            position=position,
        )
        for position, viewpoint in enumerate(plan.viewpoints)
    ]
    db.add(workshop)
    db.flush()
    events.append(
        db,
        workshop.id,
        "workshop:created",
        {"title": workshop.title, "viewpoints": [vp.slug for vp in workshop.viewpoints]},
        actor=f"facilitator:{owner.id}",
    )
    return workshop


def get(db: Session, workshop_id: int) -> Workshop:
    """The workshop with this id, or NotFound."""
    workshop = db.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound()
    return workshop


def get_owned(db: Session, workshop_id: int, facilitator: Facilitator) -> Workshop:
    """The workshop if this facilitator owns it; NotFound otherwise (no hint it exists)."""
    workshop = db.get(Workshop, workshop_id)
    if workshop is None or workshop.owner_id != facilitator.id:
        raise NotFound()
    return workshop


def clean_code(code: str) -> str | None:
    """A typed join code in the form we issue (case and spacing forgiven), or None."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned if len(cleaned) == JOIN_CODE_LENGTH else None


def find_open_by_code(db: Session, code: str) -> Workshop | None:
    """The open workshop with this join code (case and spacing forgiven)."""
    cleaned = clean_code(code)
    if cleaned is None:
        return None
    return db.scalars(
        select(Workshop).where(Workshop.join_code == cleaned, Workshop.closed_at.is_(None))
    ).one_or_none()


def find_recent_by_code(db: Session, code: str, limit: int = 5) -> Sequence[Workshop]:
    """Workshops that had this join code, open first then most recently closed.

    A phone that joined keeps its link; after the workshop closes it should still reach the
    thank-you screen rather than "unknown code".
    """
    cleaned = clean_code(code)
    if cleaned is None:
        return []
    return db.scalars(
        select(Workshop)
        .where(Workshop.join_code == cleaned)
        .order_by(Workshop.closed_at.is_not(None), Workshop.closed_at.desc(), Workshop.id.desc())
        .limit(limit)
    ).all()


def find_by_reference(db: Session, reference: str) -> Workshop:
    """A workshop by numeric id or by join code (as the CLI accepts either)."""
    if reference.isdigit():
        return get(db, int(reference))
    workshop = find_open_by_code(db, reference)
    if workshop is None:
        raise NotFound()
    return workshop


def find_by_display_token(db: Session, token: str) -> Workshop | None:
    """The workshop a view-only display link belongs to."""
    if not token:
        return None
    return db.scalars(select(Workshop).where(Workshop.display_token == token)).one_or_none()


def find_demo(db: Session, demo_key: str, owner: Facilitator) -> Workshop | None:
    """The open demo workshop created earlier from the same plan for this facilitator."""
    return db.scalars(
        select(Workshop).where(
            Workshop.demo_key == demo_key,
            Workshop.owner_id == owner.id,
            Workshop.closed_at.is_(None),
        )
    ).first()


def list_for(db: Session, facilitator: Facilitator) -> Sequence[Workshop]:
    """The facilitator's workshops, open ones first, newest first."""
    return db.scalars(
        select(Workshop)
        .where(Workshop.owner_id == facilitator.id)
        .options(selectinload(Workshop.viewpoints))
        .order_by(Workshop.closed_at.is_not(None), Workshop.created_at.desc(), Workshop.id.desc())
    ).all()
