"""A snapshot of the whole workshop as one audience sees it, and replays of missed facts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workshop import events, results, state, votes
from workshop.audience import Audience, Visibility, fact_for, note_for
from workshop.models import Cluster, Endorsement, Note, Participant, Workshop
from workshop.summary import tallies

# More missed facts than this and a snapshot is cheaper than replaying them.
MAX_REPLAY = 500


def visibility_of(workshop: Workshop) -> Visibility:
    """The part of the workshop's state that decides what audiences may read."""
    notes = workshop.settings.get("notes", {})
    return Visibility(workshop.phase, bool(notes.get("hidden_until_share", False)))


def snapshot(
    db: Session, workshop: Workshop, audience: Audience, me: Participant | None = None
) -> dict[str, Any]:
    """Everything the audience may see now, with the seq it reflects."""
    visibility = visibility_of(workshop)
    rows = db.scalars(
        select(Note)
        .where(Note.workshop_id == workshop.id, Note.deleted_at.is_(None))
        .options(selectinload(Note.author))
        .order_by(Note.created_at, Note.id)
    ).all()
    plus_ones = state.endorsement_counts(db, workshop.id)
    notes: list[dict[str, Any]] = []
    for row in rows:
        shown = note_for(state.note_full(row, plus_ones.get(row.id, 0)), audience, visibility)
        if shown is None:
            continue
        if me is not None and row.author_id == me.id and not shown.get("redacted"):
            shown = {**shown, "mine": True}
        notes.append(shown)
    _by_viewpoint, unassigned = state.counts(db, workshop.id)
    result: dict[str, Any] = {
        "seq": workshop.last_seq,
        "server_now_ms": state.now_ms(),
        **state.meta_payload(db, workshop),
        "unassigned_count": unassigned,
        "timer": state.timer_info(workshop),
        "notes": notes,
        "clusters": [
            state.cluster_info(cluster)
            for cluster in db.scalars(
                select(Cluster)
                .where(Cluster.workshop_id == workshop.id, Cluster.deleted_at.is_(None))
                .order_by(Cluster.position, Cluster.created_at)
            )
        ],
    }
    result["voting"] = results.overview(db, workshop)
    # The facilitator always sees the tallies; everyone else once they are revealed.
    show = audience.kind == "facilitator" or results.revealed(workshop)
    result["results"] = tallies(db, workshop) if show else None
    if me is not None:
        result["me"] = {
            **votes.mine(db, me),
            "participant_id": me.id,
            "display_name": me.display_name,
            "viewpoint_id": me.viewpoint_id,
            "endorsed": sorted(
                db.scalars(select(Endorsement.note_id).where(Endorsement.participant_id == me.id))
            ),
        }
    if audience.kind == "facilitator":
        people = db.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop.id, Participant.is_proxy.is_(False))
            .order_by(Participant.id)
        ).all()
        result["participants"] = [state.participant_info(p) for p in people]
        proxies = db.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop.id, Participant.is_proxy.is_(True))
            .order_by(Participant.id)
        ).all()
        result["proxies"] = [state.participant_info(p) for p in proxies]
        entered = votes.proxy_votes(db, workshop)
        result["proxy_votes"] = entered["votes"]
        result["proxy_ratings"] = entered["ratings"]
    return result


def sync(
    db: Session,
    workshop: Workshop,
    audience: Audience,
    last_seq: int,
    me: Participant | None = None,
) -> dict[str, Any]:
    """Replay the facts after ``last_seq`` for this audience, or a snapshot when that is better."""
    current = workshop.last_seq
    if 0 < last_seq <= current and current - last_seq <= MAX_REPLAY:
        visibility = visibility_of(workshop)
        replay = [
            list(fact_for(event.type, {**event.payload, "seq": event.seq}, audience, visibility))
            for event in events.since(db, workshop.id, last_seq, limit=MAX_REPLAY)
        ]
        return {
            "ok": True,
            "mode": "events",
            "seq": current,
            "events": replay,
            "server_now_ms": state.now_ms(),
        }
    return {
        "ok": True,
        "mode": "snapshot",
        "seq": current,
        "snapshot": snapshot(db, workshop, audience, me),
        "server_now_ms": state.now_ms(),
    }
