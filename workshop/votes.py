"""Dot voting and risk scoring: budget and cap enforced atomically, tallies kept until revealed."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import events, text, validate
from workshop.actors import Actor
from workshop.errors import Conflict, Forbidden, InvalidInput, NotFound, WrongPhase
from workshop.i18n_markers import N_
from workshop.models import Cluster, Event, Note, Participant, RiskScore, Vote, Workshop, utcnow
from workshop.realtime import names

TARGET_TYPES = ("cluster", "note")


def settings(workshop: Workshop) -> dict[str, Any]:
    """The plan's voting settings with their defaults."""
    voting = workshop.settings.get("voting", {})
    return {
        "mode": voting.get("mode", "dots"),
        "budget": int(voting.get("dots_per_participant", 5)),
        "cap": int(voting.get("max_dots_per_item", 3)),
    }


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


def progress(db: Session, workshop: Workshop) -> dict[str, Any]:
    """Who has voted and who used every dot, per viewpoint — never what they voted for."""
    budget = settings(workshop)["budget"]
    used = (
        select(Vote.participant_id, func.sum(Vote.dots).label("dots"))
        .where(Vote.workshop_id == workshop.id)
        .group_by(Vote.participant_id)
        .subquery()
    )
    rows = db.execute(
        select(Participant.viewpoint_id, used.c.dots)
        .join(used, used.c.participant_id == Participant.id)
        .where(used.c.dots > 0)
    ).all()
    voted: dict[str, int] = {}
    done: dict[str, int] = {}
    for viewpoint_id, dots in rows:
        key = str(viewpoint_id) if viewpoint_id is not None else "none"
        voted[key] = voted.get(key, 0) + 1
        if int(dots) >= budget:
            done[key] = done.get(key, 0) + 1
    return {"voted": voted, "done": done}


def my_votes(db: Session, participant: Participant) -> list[dict[str, Any]]:
    """A participant's own dots and scores (for its phone's snapshot)."""
    dots = db.scalars(select(Vote).where(Vote.participant_id == participant.id, Vote.dots > 0))
    return [{"target_type": v.target_type, "target_id": v.target_id, "dots": v.dots} for v in dots]


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
    vote = db.scalars(
        select(Vote).where(
            Vote.participant_id == voter.id, Vote.target_type == kind, Vote.target_id == identifier
        )
    ).one_or_none()
    current = vote.dots if vote else 0
    spent = int(
        db.scalar(
            select(func.coalesce(func.sum(Vote.dots), 0)).where(Vote.participant_id == voter.id)
        )
        or 0
    )
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
    vote.dots = wanted
    vote.updated_at = utcnow()
    db.flush()
    payload = {
        "participant_id": voter.id,
        "target_type": kind,
        "target_id": identifier,
        "dots": wanted,
        "remaining": rules["budget"] - (spent + delta),
        "progress": progress(db, workshop),
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
    if likelihood is None and impact is None:
        if existing is not None:
            db.delete(existing)
        rating: dict[str, int] | None = None
    else:
        rating = {
            "likelihood": validate.integer(likelihood, 1, 5),
            "impact": validate.integer(impact, 1, 5),
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
    payload = {
        "participant_id": voter.id,
        "target_type": kind,
        "target_id": identifier,
        "rating": rating,
        "progress": progress(db, workshop),
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
        display_name=text.required(display_name, 60),
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


def revealed(workshop: Workshop) -> bool:
    """Whether the facilitator has shown the results to the room."""
    return bool(workshop.settings.get("results_revealed", False))


def reveal(db: Session, workshop: Workshop, actor: Actor, *, shown: object, op_id: str) -> Event:
    """Show the tallies to every screen (or hide them again)."""
    from workshop.summary import tallies

    actor.require_facilitator()
    seq = events.claim(db, workshop.id, op_id)
    show = validate.boolean(shown)
    workshop.settings = {**workshop.settings, "results_revealed": show}
    db.flush()
    payload = {"revealed": show, "results": tallies(db, workshop) if show else None}
    return events.record(
        db, workshop.id, seq, names.RESULTS_REVEALED, payload, op_id=op_id, actor=actor.label
    )
