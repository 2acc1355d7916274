"""A snapshot of the whole workshop as one audience sees it, and replays of missed facts."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from workshop import events, results, state, votes
from workshop.audience import Audience, Visibility, fact_for, note_for
from workshop.models import Cluster, Endorsement, Note, Participant, Workshop
from workshop.summary import tallies

# More missed facts than this and a snapshot is cheaper than replaying them.
MAX_REPLAY = 500

# Every change to a workshop is an event with a new seq, so what an audience sees is a function
# of (workshop, seq, audience): 500 phones resyncing after a phase change or a dropped wifi
# share one computation per audience instead of 500 (about 50 ms each at 500 participants).
# The short lifetime bounds the harm should a change ever reach the database without a seq.
SHARED_TTL_S = 2.0
SHARED_ENTRIES = 64


@dataclass(frozen=True)
class _Shared:
    """The part of a snapshot every member of one audience sees, and who wrote which note."""

    body: dict[str, Any]
    authors: dict[str, int | None]
    made_at: float


class _SharedCache:
    """A small LRU of shared snapshot parts, per process."""

    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[Any, ...], _Shared] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> _Shared | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or time.monotonic() - entry.made_at > SHARED_TTL_S:
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[Any, ...], entry: _Shared) -> None:
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > SHARED_ENTRIES:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


SHARED = _SharedCache()


def visibility_of(workshop: Workshop) -> Visibility:
    """The part of the workshop's state that decides what audiences may read."""
    notes = workshop.settings.get("notes", {})
    return Visibility(workshop.phase, bool(notes.get("hidden_until_share", False)))


def snapshot(
    db: Session, workshop: Workshop, audience: Audience, me: Participant | None = None
) -> dict[str, Any]:
    """Everything the audience may see now, with the seq it reflects."""
    # The database and the workshop's creation time tell apart equal ids in different databases
    # (tests run many apps in one process; a restored archive may reuse an id).
    key = (
        str(db.get_bind().engine.url),
        workshop.id,
        workshop.created_at,
        workshop.last_seq,
        # Settings changed without an event (a script, a test) must not be served stale.
        json.dumps(workshop.settings, sort_keys=True, default=str),
        workshop.phase,
        audience.kind,
        audience.viewpoint_id,
    )
    shared = SHARED.get(key)
    if shared is None:
        shared = _shared(db, workshop, audience)
        SHARED.put(key, shared)
    # The cached body is shared between answers: copy what is added, never change it.
    result = {**shared.body, "server_now_ms": state.now_ms(), "timer": state.timer_info(workshop)}
    if me is not None:
        result["notes"] = [
            {**note, "mine": True}
            if shared.authors.get(note.get("id", "")) == me.id and not note.get("redacted")
            else note
            for note in shared.body["notes"]
        ]
        result["me"] = {
            **votes.mine(db, me),
            "participant_id": me.id,
            "display_name": me.display_name,
            "viewpoint_id": me.viewpoint_id,
            "endorsed": sorted(
                db.scalars(select(Endorsement.note_id).where(Endorsement.participant_id == me.id))
            ),
        }
    return result


def _shared(db: Session, workshop: Workshop, audience: Audience) -> _Shared:
    """Compute what every member of the audience sees (no clock, no personal parts)."""
    visibility = visibility_of(workshop)
    rows = db.scalars(
        select(Note)
        .where(Note.workshop_id == workshop.id, Note.deleted_at.is_(None))
        .options(selectinload(Note.author))
        .order_by(Note.created_at, Note.id)
    ).all()
    plus_ones = state.endorsement_counts(db, workshop.id)
    notes: list[dict[str, Any]] = []
    authors: dict[str, int | None] = {}
    for row in rows:
        shown = note_for(state.note_full(row, plus_ones.get(row.id, 0)), audience, visibility)
        if shown is None:
            continue
        authors[row.id] = row.author_id
        notes.append(shown)
    _by_viewpoint, unassigned = state.counts(db, workshop.id)
    body: dict[str, Any] = {
        "seq": workshop.last_seq,
        **state.meta_payload(db, workshop),
        "unassigned_count": unassigned,
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
    body["voting"] = results.overview(db, workshop)
    # The facilitator always sees the tallies; everyone else once they are revealed.
    show = audience.kind == "facilitator" or results.revealed(workshop)
    body["results"] = tallies(db, workshop) if show else None
    if audience.kind == "facilitator":
        people = db.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop.id, Participant.is_proxy.is_(False))
            .order_by(Participant.id)
        ).all()
        body["participants"] = [state.participant_info(p) for p in people]
        proxies = db.scalars(
            select(Participant)
            .where(Participant.workshop_id == workshop.id, Participant.is_proxy.is_(True))
            .order_by(Participant.id)
        ).all()
        body["proxies"] = [state.participant_info(p) for p in proxies]
        entered = votes.proxy_votes(db, workshop)
        body["proxy_votes"] = entered["votes"]
        body["proxy_ratings"] = entered["ratings"]
    return _Shared(body, authors, time.monotonic())


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
