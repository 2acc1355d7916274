"""Risk scoring, proxies, and what a phone and the console know of their own votes.

Dots themselves are in ``dots.py``; who may vote on what in ``vote_items.py``.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import events, participants, text, validate, vote_items
from workshop.actors import Actor
from workshop.errors import InvalidInput, WrongPhase
from workshop.i18n_markers import N_
from workshop.models import Event, Participant, RiskScore, Vote, Workshop, utcnow
from workshop.progress import delta_for, ratings_of
from workshop.realtime import names
from workshop.voting_rules import settings

RATING_RANGE = (1, 5)  # likelihood and impact


def my_votes(db: Session, participant: Participant) -> list[dict[str, Any]]:
    """A participant's own dots (for its phone's snapshot and acks)."""
    dots = db.scalars(
        select(Vote)
        .where(Vote.participant_id == participant.id, Vote.dots > 0)
        .order_by(Vote.target_type, Vote.target_id)
    )
    return [{"target_type": v.target_type, "target_id": v.target_id, "dots": v.dots} for v in dots]


def my_ratings(db: Session, participant: Participant) -> list[dict[str, Any]]:
    """A participant's own risk ratings."""
    rows = db.scalars(
        select(RiskScore)
        .where(RiskScore.participant_id == participant.id)
        .order_by(RiskScore.target_type, RiskScore.target_id)
    )
    return [
        {
            "target_type": r.target_type,
            "target_id": r.target_id,
            "likelihood": r.likelihood,
            "impact": r.impact,
        }
        for r in rows
    ]


def mine(db: Session, participant: Participant) -> dict[str, Any]:
    """What a phone needs to show its own votes: its dots and its ratings."""
    return {"votes": my_votes(db, participant), "ratings": my_ratings(db, participant)}


def mine_dots(db: Session, participant: Participant) -> dict[str, Any]:
    """What a dot changes of a phone's own votes: its dots (its ratings stay as they were)."""
    return {"votes": my_votes(db, participant)}


def proxy_votes(db: Session, workshop: Workshop) -> dict[str, list[dict[str, Any]]]:
    """The dots and ratings the facilitator entered for proxies (for the console's snapshot)."""
    proxies = select(Participant.id).where(
        Participant.workshop_id == workshop.id, Participant.is_proxy.is_(True)
    )
    dots = db.scalars(
        select(Vote)
        .where(Vote.participant_id.in_(proxies), Vote.dots > 0)
        .order_by(Vote.participant_id, Vote.target_type, Vote.target_id)
    )
    ratings = db.scalars(
        select(RiskScore)
        .where(RiskScore.participant_id.in_(proxies))
        .order_by(RiskScore.participant_id, RiskScore.target_type, RiskScore.target_id)
    )
    return {
        "votes": [
            {
                "participant_id": v.participant_id,
                "target_type": v.target_type,
                "target_id": v.target_id,
                "dots": v.dots,
            }
            for v in dots
        ],
        "ratings": [
            {
                "participant_id": r.participant_id,
                "target_type": r.target_type,
                "target_id": r.target_id,
                "likelihood": r.likelihood,
                "impact": r.impact,
            }
            for r in ratings
        ],
    }


def score(
    db: Session,
    workshop: Workshop,
    actor: Actor,
    *,
    target_type: object,
    target_id: object,
    likelihood: object,
    impact: object,
    on_behalf_of: object = None,
    op_id: str,
) -> Event:
    """Rate an item's likelihood and impact (1–5 each); both null removes the rating."""
    seq = events.claim(db, workshop.id, op_id)
    if workshop.phase != "vote":
        raise WrongPhase(N_("Voting is not open."))
    if settings(workshop)["mode"] not in ("risk", "both"):
        raise WrongPhase(N_("This workshop votes with dots, without risk scores."))
    voter = vote_items.voter(db, workshop, actor, on_behalf_of)
    kind, identifier = vote_items.target(db, workshop, target_type, target_id)
    existing = db.scalars(
        select(RiskScore).where(
            RiskScore.participant_id == voter.id,
            RiskScore.target_type == kind,
            RiskScore.target_id == identifier,
        )
    ).one_or_none()
    rated_before = ratings_of(db, voter)
    if likelihood is None and impact is None:
        if existing is not None:
            db.delete(existing)
        rating: dict[str, int] | None = None
    else:
        rating = {
            "likelihood": validate.integer(likelihood, *RATING_RANGE),
            "impact": validate.integer(impact, *RATING_RANGE),
        }
        if existing is None:
            existing = RiskScore(
                workshop_id=workshop.id,
                participant_id=voter.id,
                target_type=kind,
                target_id=identifier,
                **rating,
            )
            db.add(existing)
        existing.likelihood, existing.impact = rating["likelihood"], rating["impact"]
        existing.updated_at = utcnow()
    db.flush()
    spent = int(
        db.scalar(
            select(func.coalesce(func.sum(Vote.dots), 0)).where(Vote.participant_id == voter.id)
        )
        or 0
    )
    payload = {
        "participant_id": voter.id,
        "target_type": kind,
        "target_id": identifier,
        "rating": rating,
        "progress_delta": delta_for(
            db, workshop, voter, (spent,) * 2, (rated_before, ratings_of(db, voter))
        ),
    }
    return events.record(
        db, workshop.id, seq, names.RISK_SCORED, payload, op_id=op_id, actor=actor.label
    )


def add_proxy(
    db: Session,
    workshop: Workshop,
    actor: Actor,
    *,
    display_name: object,
    viewpoint_id: object,
    op_id: str,
) -> Event:
    """A stand-in for someone without a phone; the facilitator votes on their behalf."""
    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    target = validate.record_id(viewpoint_id)
    if not any(vp.id == target for vp in workshop.viewpoints):
        raise InvalidInput(N_("That group does not exist in this workshop."))

    proxy = Participant(
        workshop_id=workshop.id,
        viewpoint_id=target,
        display_name=text.required(display_name, participants.NAME_LIMIT),
        secret_hash="proxy-" + secrets.token_hex(29),
        is_proxy=True,
        created_at=utcnow(),
    )
    db.add(proxy)
    db.flush()
    payload = {
        "proxy": {"id": proxy.id, "display_name": proxy.display_name, "viewpoint_id": target}
    }
    return events.record(
        db, workshop.id, seq, names.PROXY_ADDED, payload, op_id=op_id, actor=actor.label
    )
