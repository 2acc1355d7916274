"""Dot voting: budget and cap enforced while holding the workshop's lock, one dot or a burst.

In a vote storm hundreds of phones send their dots within a second. Each dot used to be about
eight statements (the seq, the op id, the voter, the item and its notes, the voter's dots, the
vote, the event); ``apply_dots`` takes a burst of them in one transaction with a handful of
statements in all: it takes the workshop's lock and its last seq, reads every op id, voter,
item and the voters' dots and ratings at once, decides each dot in order in memory (a refused
dot changes nothing, so seqs stay gap-free), and writes the votes and events in one flush and
the new last seq once. ``change_dots`` is the same for one dot.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop import events
from workshop.actors import Actor
from workshop.errors import Conflict, DomainError, DuplicateOperation, WrongPhase
from workshop.i18n_markers import N_
from workshop.models import Event, Participant, RiskScore, Vote, Workshop, utcnow
from workshop.progress import delta_for
from workshop.realtime import names
from workshop.vote_items import Items, voter
from workshop.voting_rules import settings


@dataclass(frozen=True)
class DotRequest:
    """One dot to put on an item (delta +1) or take back (delta -1)."""

    actor: Actor
    target_type: object
    target_id: object
    delta: int
    op_id: str
    on_behalf_of: object = None


@dataclass
class DotResult:
    """The event a dot produced or why it was refused, and the phone's own dots afterwards.

    ``mine`` is set for a phone's own dot (applied, refused or a replay): what its ack carries,
    ``{"votes": [...]}``.
    """

    event: Event | None = None
    error: DomainError | None = None
    mine: dict[str, Any] | None = None


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
    request = DotRequest(actor, target_type, target_id, delta, op_id, on_behalf_of)
    [result] = apply_dots(db, workshop, [request])
    if result.error is not None:
        raise result.error
    assert result.event is not None
    return result.event


def apply_dots(db: Session, workshop: Workshop, requests: Sequence[DotRequest]) -> list[DotResult]:
    """Decide and write a burst of dots in order; one result per request."""
    # The lock first (as events.claim takes it): everything read below is then what the other
    # writers of this workshop committed, and nobody writes it until this transaction ends.
    last_seq = events.lock_seq(db, workshop.id)
    rules = settings(workshop)
    earlier = events.seqs_of_ops(db, workshop.id, [r.op_id for r in requests])
    voters: list[Participant | DomainError] = []
    for request in requests:
        try:
            voters.append(voter(db, workshop, request.actor, request.on_behalf_of))
        except DomainError as error:
            voters.append(error)
    voter_ids = {v.id for v in voters if isinstance(v, Participant)}
    held = _dots_held(db, voter_ids)
    rated = _ratings_counted(db, voter_ids)
    items = Items(db, workshop, [(r.target_type, r.target_id) for r in requests])
    applied: dict[str, int] = {}  # op id → seq, for a second copy in the same burst
    results: list[DotResult] = []
    for request, who in zip(requests, voters, strict=True):
        mine = held.setdefault(who.id, {}) if isinstance(who, Participant) else None
        try:
            seq_of_copy = applied.get(request.op_id, earlier.get(request.op_id))
            if seq_of_copy is not None:
                raise DuplicateOperation(seq_of_copy)
            if workshop.phase != "vote":
                raise WrongPhase(N_("Voting is not open."))
            if rules["mode"] not in ("dots", "both"):
                raise WrongPhase(N_("This workshop scores risks instead of voting with dots."))
            if isinstance(who, DomainError):
                raise who
            assert mine is not None
            kind, identifier = items.check(request.target_type, request.target_id)
            spent = _decide(rules, mine, kind, identifier, request.delta)
            vote = mine.get((kind, identifier))
            if vote is None:
                vote = Vote(
                    workshop_id=workshop.id,
                    participant_id=who.id,
                    target_type=kind,
                    target_id=identifier,
                    dots=0,
                )
                db.add(vote)
                mine[(kind, identifier)] = vote
            vote.dots += request.delta
            vote.updated_at = utcnow()
            last_seq += 1
            event = _event(db, workshop, request, who, vote, spent, rated.get(who.id, 0), last_seq)
            applied[request.op_id] = last_seq
            results.append(DotResult(event=event))
        except DomainError as error:
            results.append(DotResult(error=error))
        if mine is not None and request.actor.participant is not None:
            results[-1].mine = {"votes": _listed(mine)}
    if applied:
        events.store_seq(db, workshop.id, last_seq)
        db.flush()
    return results


def _dots_held(db: Session, voter_ids: set[int]) -> dict[int, dict[tuple[str, str], Vote]]:
    held: dict[int, dict[tuple[str, str], Vote]] = {}
    if voter_ids:
        for vote in db.scalars(select(Vote).where(Vote.participant_id.in_(voter_ids))):
            held.setdefault(vote.participant_id, {})[(vote.target_type, vote.target_id)] = vote
    return held


def _ratings_counted(db: Session, voter_ids: set[int]) -> dict[int, int]:
    if not voter_ids:
        return {}
    rows = db.execute(
        select(RiskScore.participant_id, func.count())
        .where(RiskScore.participant_id.in_(voter_ids))
        .group_by(RiskScore.participant_id)
    )
    return {int(participant_id): int(count) for participant_id, count in rows}


def _decide(
    rules: dict[str, Any], mine: dict[tuple[str, str], Vote], kind: str, identifier: str, delta: int
) -> int:
    """Refuse a dot that breaks the cap or the budget; the dots spent before it."""
    vote = mine.get((kind, identifier))
    wanted = (vote.dots if vote else 0) + delta
    spent = sum(v.dots for v in mine.values())
    if wanted < 0:
        raise Conflict(N_("There is no dot of yours on this item."))
    if wanted > rules["cap"]:
        raise Conflict(N_("At most %(cap)d dots per item."), cap=rules["cap"])
    if delta > 0 and spent + delta > rules["budget"]:
        raise Conflict(
            N_("All your %(budget)d dots are used. Take one back first."), budget=rules["budget"]
        )
    return spent


def _event(
    db: Session,
    workshop: Workshop,
    request: DotRequest,
    who: Participant,
    vote: Vote,
    spent: int,
    rated: int,
    seq: int,
) -> Event:
    after = spent + request.delta
    payload = {
        "participant_id": who.id,
        "target_type": vote.target_type,
        "target_id": vote.target_id,
        "dots": vote.dots,
        "remaining": settings(workshop)["budget"] - after,
        "progress_delta": delta_for(db, workshop, who, (spent, after), (rated, rated)),
    }
    event = events.new(
        workshop.id,
        seq,
        names.VOTE_CHANGED,
        payload,
        op_id=request.op_id,
        actor=request.actor.label,
    )
    db.add(event)
    return event


def _listed(mine: dict[tuple[str, str], Vote]) -> list[dict[str, Any]]:
    """A phone's dots as its snapshot and acks list them."""
    return [
        {"target_type": kind, "target_id": identifier, "dots": vote.dots}
        for (kind, identifier), vote in sorted(mine.items())
        if vote.dots > 0
    ]
