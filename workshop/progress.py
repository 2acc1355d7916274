"""Voting progress: who has voted and who is done, per viewpoint — never what they voted for."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workshop.models import Note, Participant, RiskScore, Vote, Workshop
from workshop.voting_rules import settings


def progress(db: Session, workshop: Workshop) -> dict[str, Any]:
    """Who has voted and who is done, per viewpoint — never what they voted for.

    Proxies are left out, so "8 of 12" counts the phones in the room. Done means every dot used
    (dots and both: rating is optional there) or every item rated (risk).
    """
    people = db.execute(
        select(Participant.id, Participant.viewpoint_id).where(
            Participant.workshop_id == workshop.id, Participant.is_proxy.is_(False)
        )
    ).all()
    dots = dict(
        db.execute(
            select(Vote.participant_id, func.sum(Vote.dots))
            .where(Vote.workshop_id == workshop.id)
            .group_by(Vote.participant_id)
        ).all()
    )
    rated = dict(
        db.execute(
            select(RiskScore.participant_id, func.count())
            .where(RiskScore.workshop_id == workshop.id)
            .group_by(RiskScore.participant_id)
        ).all()
    )
    item_count = _item_count(db, workshop) if settings(workshop)["mode"] == "risk" else 0
    voted: dict[str, int] = {}
    done: dict[str, int] = {}
    total: dict[str, int] = {}
    for participant_id, viewpoint_id in people:
        key = str(viewpoint_id) if viewpoint_id is not None else "none"
        total[key] = total.get(key, 0) + 1
        has_voted, is_done = _standing(
            workshop,
            int(dots.get(participant_id) or 0),
            int(rated.get(participant_id) or 0),
            item_count,
        )
        voted[key] = voted.get(key, 0) + has_voted
        done[key] = done.get(key, 0) + is_done
    # A viewpoint where nobody voted stays out: a missing key, not a zero.
    voted = {key: n for key, n in voted.items() if n}
    done = {key: n for key, n in done.items() if n}
    return {"voted": voted, "done": done, "total": total}


def _item_count(db: Session, workshop: Workshop) -> int:
    """How many items there are to rate (two counts, without loading the notes)."""
    visible = (Note.workshop_id == workshop.id, Note.deleted_at.is_(None), Note.hidden.is_(False))
    clusters = db.scalar(
        select(func.count(func.distinct(Note.cluster_id))).where(
            *visible, Note.cluster_id.is_not(None)
        )
    )
    loose = db.scalar(
        select(func.count()).select_from(Note).where(*visible, Note.cluster_id.is_(None))
    )
    return int(clusters or 0) + int(loose or 0)


def _standing(workshop: Workshop, dots: int, ratings: int, items: int) -> tuple[int, int]:
    """(voted, done) for one participant, as 0 or 1: the one rule for the count and its changes."""
    if dots == 0 and ratings == 0:
        return 0, 0
    if settings(workshop)["mode"] == "risk":
        return 1, int(items > 0 and ratings >= items)
    return 1, int(dots >= settings(workshop)["budget"])


def delta_for(
    db: Session,
    workshop: Workshop,
    voter: Participant,
    dots: tuple[int, int],
    ratings: tuple[int, int],
) -> dict[str, Any] | None:
    """How one participant's change moves the room's progress (None when it does not).

    Sent instead of the whole progress, which would mean counting every participant's votes
    for every dot: clients apply the change, and every client sees every fact exactly once.
    """
    if voter.is_proxy:
        return None
    items = _item_count(db, workshop) if settings(workshop)["mode"] == "risk" else 0
    before = _standing(workshop, dots[0], ratings[0], items)
    after = _standing(workshop, dots[1], ratings[1], items)
    if before == after:
        return None
    key = str(voter.viewpoint_id) if voter.viewpoint_id is not None else "none"
    return {"viewpoint": key, "voted": after[0] - before[0], "done": after[1] - before[1]}


def ratings_of(db: Session, voter: Participant) -> int:
    """How many items this participant rated."""
    return int(
        db.scalar(
            select(func.count()).select_from(RiskScore).where(RiskScore.participant_id == voter.id)
        )
        or 0
    )
