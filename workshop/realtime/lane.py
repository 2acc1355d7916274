"""Group commit for bursts of small commands: one transaction per workshop per burst.

In a vote storm hundreds of phones each send five ``vote:add`` within a second. Applied one by
one, every dot paid for its own transaction (begin, loading the workshop and its viewpoints,
commit, closing the session), and under gevent the acks of a burst only left once the whole
burst was done. Here a command registered with ``batched=True`` is queued; one background task
takes whatever is queued, applies it per workshop in one transaction, each command in a
savepoint of its own (a refused dot rolls back only itself, its seq included, so seqs stay
gap-free), commits once, broadcasts the facts in seq order and hands every command its outcome.
It then yields, so those acks go out while the next burst is applied.

A quiet room sees no difference: a lone command is a batch of one. Commands of one phone keep
their order (the queue is first in, first out), and a retried op id is still recognised by
``events.claim`` inside the transaction, also when both copies are in the same batch.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workshop import events
from workshop.actors import Actor
from workshop.errors import DomainError, DuplicateOperation, NotFound
from workshop.models import Event, Participant, Workshop
from workshop.realtime.broadcast import Delivery, broadcast
from workshop.realtime.connections import Connection, actor_for, writer_db
from workshop.realtime.server import socketio

log = logging.getLogger(__name__)

# Most operations write one fact; a few (erasure) write several, acked with the last seq.
Operation = Callable[[Session, Workshop, Actor, dict[str, Any], str], Event | list[Event]]
# What of a phone's own votes its ack carries (``votes.mine`` and the like).
MineOf = Callable[[Session, Participant], dict[str, Any]]

# A burst is cut into transactions of at most this many commands: the write lock is not held
# for long, and the first acks of a storm leave early.
MAX_BATCH = 200

# A command waits at most this long for the lane; past it the phone is told to send it again
# (the same op id: if it was applied after all, the copy is recognised as a duplicate).
WAIT_S = 60.0


@dataclass
class Outcome:
    """What became of one command: applied, a replay, refused, or not applied (try again)."""

    kind: str  # "ok" | "duplicate" | "refused" | "unavailable"
    language: str | None = None
    seq: int | None = None
    error: DomainError | None = None
    mine: dict[str, Any] | None = None
    deliveries: list[Delivery] = field(default_factory=list)


@dataclass
class Job:
    """One queued command."""

    app: Flask
    connection: Connection
    payload: dict[str, Any]
    op_id: str
    operation: Operation
    mine_of: MineOf | None
    done: threading.Event = field(default_factory=threading.Event)
    outcome: Outcome | None = None


class Lane:
    """Queued commands of this process, applied by one background task at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Job] = []
        self._running = False

    def submit(self, job: Job) -> Outcome:
        """Queue a command and wait for its outcome."""
        with self._lock:
            self._queue.append(job)
            start = not self._running
            self._running = True
        if start:
            socketio.start_background_task(self._run)
        if not job.done.wait(WAIT_S) or job.outcome is None:
            return Outcome("unavailable")
        return job.outcome

    def _run(self) -> None:
        try:
            while True:
                with self._lock:
                    batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
                    if not batch:
                        self._running = False
                        return
                try:
                    for (app, workshop_id), jobs in _grouped(batch).items():
                        with app.app_context():
                            _apply(workshop_id, jobs)
                finally:
                    for job in batch:
                        job.done.set()
                # Let the acks and facts of this batch go out before the next one.
                socketio.sleep(0)
        except BaseException:
            with self._lock:
                self._running = False
            raise


def _grouped(batch: list[Job]) -> dict[tuple[Flask, int], list[Job]]:
    """The jobs of a batch per application (tests run several) and workshop, in order."""
    grouped: dict[tuple[Flask, int], list[Job]] = {}
    for job in batch:
        grouped.setdefault((job.app, job.connection.workshop_id), []).append(job)
    return grouped


def _apply(workshop_id: int, jobs: list[Job]) -> None:
    """One transaction for the jobs of one workshop; every job gets its outcome."""
    db = writer_db()
    applied: list[Job] = []
    try:
        workshop = db.get(Workshop, workshop_id)
        if workshop is None:
            for job in jobs:
                job.outcome = Outcome("refused", error=NotFound())
            return
        language = workshop.language
        # What every command of the batch looks up first, in two queries instead of two per
        # command: the senders (kept referenced, so the session's identity map holds them for
        # ``actor_for``) and whether their op ids were applied before.
        senders = _participants(db, jobs)
        events.expect_ops(db, workshop_id, [job.op_id for job in jobs])
        for job in jobs:
            job.outcome = _apply_one(db, workshop, job)
            job.outcome.language = language
            if job.outcome.kind == "ok":
                applied.append(job)
        db.commit()
        del senders  # held until here so the identity map kept them
    except SQLAlchemyError:
        db.rollback()
        log.exception("database error in a batch of %d commands", len(jobs))
        for job in jobs:
            if job.outcome is None or job.outcome.kind in ("ok", "duplicate"):
                job.outcome = Outcome("unavailable")
        applied = []
    finally:
        db.close()
    for job in applied:
        assert job.outcome is not None
        for delivery in job.outcome.deliveries:
            broadcast(delivery)


def _participants(db: Session, jobs: list[Job]) -> list[Participant]:
    ids = {job.connection.participant_id for job in jobs}
    ids.discard(None)
    if not ids:
        return []
    return list(db.scalars(select(Participant).where(Participant.id.in_(ids))))


def _apply_one(db: Session, workshop: Workshop, job: Job) -> Outcome:
    """One command in its own savepoint."""
    try:
        with db.begin_nested():
            actor = actor_for(db, job.connection)
            produced = job.operation(db, workshop, actor, job.payload, job.op_id)
            events = produced if isinstance(produced, list) else [produced]
            # Before the commit: reading the viewpoints afterwards would open a second
            # transaction, which on SQLite takes the write lock once more.
            deliveries = [Delivery.of(workshop, event) for event in events]
            mine = (
                job.mine_of(db, actor.participant)
                if job.mine_of is not None and actor.participant is not None
                else None
            )
        return Outcome("ok", seq=deliveries[-1].seq, mine=mine, deliveries=deliveries)
    except DuplicateOperation as duplicate:
        return Outcome("duplicate", seq=duplicate.event_seq, mine=_mine(db, job))
    except DomainError as error:
        return Outcome("refused", error=error, mine=_mine(db, job))
    except Exception:
        # Rolled back to its savepoint; the rest of the batch goes on. Not applied: the phone
        # keeps the command and sends it again.
        log.exception("error in a batched command")
        return Outcome("unavailable")


def _mine(db: Session, job: Job) -> dict[str, Any] | None:
    """A phone's own votes as this transaction sees them, for a command not applied."""
    if job.mine_of is None or job.connection.participant_id is None:
        return None
    try:
        actor = actor_for(db, job.connection)
    except DomainError:
        return None
    return job.mine_of(db, actor.participant) if actor.participant is not None else None


LANE = Lane()
