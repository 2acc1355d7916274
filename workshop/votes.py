"""Dot voting and risk scoring: budget and cap enforced atomically, tallies kept until revealed."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import events, participants, text, validate
from workshop.actors import Actor
from workshop.errors import Conflict, Forbidden, InvalidInput, NotFound, WrongPhase
from workshop.i18n_markers import N_
from workshop.models import Cluster, Event, Note, Participant, RiskScore, Vote, Workshop, utcnow
from workshop.progress import delta_for, ratings_of
from workshop.realtime import names
from workshop.voting_rules import settings

TARGET_TYPES = ("cluster", "note")
RATING_RANGE = (1, 5)  # likelihood and impact


def _voter(db: Session, workshop: Workshop, actor: Actor, on_behalf_of: object) -> Participant:
    """The participant whose dots these are: the phone itself, or a proxy the facilitator holds."""
    if actor.is_facilitator:
        proxy = db.get(Participant, validate.record_id(on_behalf_of))
        if proxy is None or proxy.workshop_id != workshop.id or not proxy.is_proxy:
            raise NotFound(N_("That participant is not in this workshop."))
        return proxy
    if actor.participant is None:
        raise Forbidden()
    return actor.participant


def _target(
    db: Session, workshop: Workshop, target_type: object, target_id: object
) -> tuple[str, str]:
    """A votable item: a cluster that holds notes, or a visible note outside any cluster."""
    if target_type not in TARGET_TYPES:
        raise InvalidInput(N_("Vote on a cluster or a note."))
    identifier = validate.note_uuid(target_id)
    if target_type == "cluster":
        cluster = db.get(Cluster, identifier)
        has_notes = db.scalar(
            select(func.count())
            .select_from(Note)
            .where(Note.cluster_id == identifier, Note.deleted_at.is_(None), Note.hidden.is_(False))
        )
        if (
            cluster is None
            or cluster.workshop_id != workshop.id
            or cluster.deleted_at
            or not has_notes
        ):
            raise NotFound(N_("That item cannot be voted on."))
    else:
        note = db.get(Note, identifier)
        if (
            note is None
            or note.workshop_id != workshop.id
            or note.deleted_at is not None
            or note.hidden
            or note.cluster_id is not None
        ):
            raise NotFound(N_("That item cannot be voted on."))
    return str(target_type), identifier


_DOTS_KEY = "votes.dots_of"


def _remember_dots(db: Session, voter: Participant, held: list[Vote]) -> None:
    """Keep the voter's dots as this transaction left them, for the ack's ``me`` (no re-read).

    Tied to the transaction: once it ends, another session may change them, and the next read
    goes to the database again.
    """
    dots = [
        {"target_type": v.target_type, "target_id": v.target_id, "dots": v.dots}
        for v in sorted(held, key=lambda v: (v.target_type, v.target_id))
        if v.dots > 0
    ]
    db.info[_DOTS_KEY] = (db.get_transaction(), voter.id, dots)


def my_votes(db: Session, participant: Participant) -> list[dict[str, Any]]:
    """A participant's own dots (for its phone's snapshot and acks)."""
    remembered = db.info.get(_DOTS_KEY)
    if remembered is not None:
        transaction, voter_id, dots = remembered
        if transaction is not None and transaction is db.get_transaction():
            if voter_id == participant.id:
                return list(dots)
        else:
            del db.info[_DOTS_KEY]
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


def change_dots(
    db: Session,
    workshop: Workshop,
    actor: Actor,
    *,
    target_type: object,
    target_id: object,
    delta: int,
    on_behalf_of: object = None,
    op_id: str,
) -> Event:
    """Put one dot on an item (delta +1) or take one back (delta -1), within budget and cap."""
    seq = events.claim(db, workshop.id, op_id)
    rules = settings(workshop)
    if workshop.phase != "vote":
        raise WrongPhase(N_("Voting is not open."))
    if rules["mode"] not in ("dots", "both"):
        raise WrongPhase(N_("This workshop scores risks instead of voting with dots."))
    voter = _voter(db, workshop, actor, on_behalf_of)
    kind, identifier = _target(db, workshop, target_type, target_id)
    # Checked while holding the workshop's write lock (taken by claim): two tabs of one phone
    # queue here, so the second sees the first one's dot and the budget cannot be exceeded.
    # One query for all of the voter's dots (at most the budget's worth of rows): the item's
    # count, the total spent and, afterwards, the phone's own list in its ack.
    held = list(db.scalars(select(Vote).where(Vote.participant_id == voter.id)))
    vote = next((v for v in held if v.target_type == kind and v.target_id == identifier), None)
    current = vote.dots if vote else 0
    spent = sum(v.dots for v in held)
    wanted = current + delta
    if wanted < 0:
        raise Conflict(N_("There is no dot of yours on this item."))
    if wanted > rules["cap"]:
        raise Conflict(N_("At most %(cap)d dots per item."), cap=rules["cap"])
    if delta > 0 and spent + delta > rules["budget"]:
        raise Conflict(
            N_("All your %(budget)d dots are used. Take one back first."), budget=rules["budget"]
        )
    if vote is None:
        vote = Vote(
            workshop_id=workshop.id, participant_id=voter.id, target_type=kind, target_id=identifier
        )
        db.add(vote)
        held.append(vote)
    vote.dots = wanted
    vote.updated_at = utcnow()
    _remember_dots(db, voter, held)
    # Ratings only matter to progress when the dots alone do not decide it (no dot before or
    # after, or risk mode): most dots skip that query.
    rated = (
        ratings_of(db, voter) if rules["mode"] == "risk" or spent == 0 or spent + delta == 0 else 0
    )
    payload = {
        "participant_id": voter.id,
        "target_type": kind,
        "target_id": identifier,
        "dots": wanted,
        "remaining": rules["budget"] - (spent + delta),
        "progress_delta": delta_for(db, workshop, voter, (spent, spent + delta), (rated, rated)),
    }
    return events.record(
        db, workshop.id, seq, names.VOTE_CHANGED, payload, op_id=op_id, actor=actor.label
    )


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
    voter = _voter(db, workshop, actor, on_behalf_of)
    kind, identifier = _target(db, workshop, target_type, target_id)
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
