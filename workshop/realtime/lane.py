"""Group commit for bursts: the dots of a vote storm applied a burst at a time.

In a vote storm hundreds of phones each send five ``vote:add`` within a second. Applied one by
one, every dot paid for its own transaction and about eight statements, and under gevent the
acks of a burst only left once the whole burst was done. Here a command registered with a
``Burst`` is queued; one background task takes whatever is queued (at most ``MAX_BATCH``) and,
per workshop, in one transaction, hands the whole run to the domain's burst function
(``dots.apply_dots``: a handful of statements however many dots; a refused dot changes nothing,
so seqs stay gap-free). It commits once, broadcasts the facts in seq order, gives every command
its outcome and then yields, so those acks go out while the next burst is applied.

A quiet room sees no difference: a lone command is a burst of one. Commands of one phone keep
their order (the queue is first in, first out), and a retried op id is recognised by the burst
function, also when both copies are in the same burst.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workshop.actors import Actor
from workshop.errors import DomainError, DuplicateOperation, NotFound
from workshop.models import Event, Participant, Workshop
from workshop.realtime.broadcast import Delivery, broadcast
from workshop.realtime.connections import Connection, actor_for, writer_db
from workshop.realtime.server import socketio

log = logging.getLogger(__name__)


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


class BurstResult(Protocol):
    """What a burst's domain call says of one request: its event, or why not, and ``mine``."""

    event: Event | None
    error: DomainError | None
    mine: dict[str, Any] | None


@dataclass(frozen=True)
class Burst:
    """How a command joins others of its kind in one domain call (``dots.apply_dots``)."""

    request: Callable[[Actor, dict[str, Any], str], Any]
    apply: Callable[[Session, Workshop, Sequence[Any]], Sequence[BurstResult]]


@dataclass
class Job:
    """One queued command."""

    app: Flask
    connection: Connection
    payload: dict[str, Any]
    op_id: str
    burst: Burst
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
        # Every command of the batch looks up its sender first: one query for all of them (kept
        # referenced, so the session's identity map holds them for ``actor_for``).
        senders = _participants(db, jobs)
        for run in _runs(jobs):
            _apply_burst(db, workshop, run)
        for job in jobs:
            assert job.outcome is not None
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


def _runs(jobs: list[Job]) -> list[list[Job]]:
    """Consecutive jobs applied by the same domain call, together and in order."""
    runs: list[list[Job]] = []
    for job in jobs:
        if runs and runs[-1][0].burst.apply is job.burst.apply:
            runs[-1].append(job)
        else:
            runs.append([job])
    return runs


def _apply_burst(db: Session, workshop: Workshop, jobs: list[Job]) -> None:
    """Jobs that one domain call applies together (a burst of dots), in a savepoint of its own."""
    requests: list[Any] = []
    members: list[Job] = []
    for job in jobs:
        try:
            actor = actor_for(db, job.connection)
        except DomainError as error:
            job.outcome = Outcome("refused", error=error)
            continue
        requests.append(job.burst.request(actor, job.payload, job.op_id))
        members.append(job)
    try:
        with db.begin_nested():
            results = jobs[0].burst.apply(db, workshop, requests)
            deliveries = [
                Delivery.of(workshop, result.event) if result.event is not None else None
                for result in results
            ]
    except Exception:
        # Nothing of the burst was applied (rolled back to its savepoint); the phones keep
        # their commands and send them again.
        log.exception("error in a burst of %d commands", len(members))
        for job in members:
            job.outcome = Outcome("unavailable")
        return
    for job, result, delivery in zip(members, results, deliveries, strict=True):
        if delivery is not None:
            job.outcome = Outcome("ok", seq=delivery.seq, mine=result.mine, deliveries=[delivery])
        elif isinstance(result.error, DuplicateOperation):
            job.outcome = Outcome("duplicate", seq=result.error.event_seq, mine=result.mine)
        else:
            job.outcome = Outcome("refused", error=result.error, mine=result.mine)


def _participants(db: Session, jobs: list[Job]) -> list[Participant]:
    ids = {job.connection.participant_id for job in jobs}
    ids.discard(None)
    if not ids:
        return []
    return list(db.scalars(select(Participant).where(Participant.id.in_(ids))))


LANE = Lane()
