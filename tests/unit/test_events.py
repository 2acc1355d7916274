"""The event log: gap-free per-workshop seq, retried operations recognised, replay."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.support.factories import Factory
from workshop import events
from workshop.errors import DuplicateOperation
from workshop.models import Event


def test_seq_counts_up_per_workshop(db: Session, factory: Factory) -> None:
    first, second = factory.workshop(), factory.workshop()
    for n in range(3):
        events.append(db, first.id, "note:added", {"n": n})
    events.append(db, second.id, "note:added", {"n": 0})
    db.commit()
    assert [e.seq for e in events.since(db, first.id, 0)] == [1, 2, 3, 4]
    assert [e.seq for e in events.since(db, second.id, 0)] == [1, 2]
    assert [e.payload["n"] for e in events.since(db, first.id, 2)] == [1, 2]


def test_retried_operation_is_recognised_and_leaves_no_gap(db: Session, factory: Factory) -> None:
    workshop = factory.workshop()
    applied = events.append(db, workshop.id, "note:added", {"text": "a"}, op_id="op-1")
    db.commit()
    with pytest.raises(DuplicateOperation) as caught:
        events.append(db, workshop.id, "note:added", {"text": "a"}, op_id="op-1")
    db.rollback()
    assert caught.value.event_seq == applied.seq
    following = events.append(db, workshop.id, "note:added", {"text": "b"}, op_id="op-2")
    db.commit()
    assert following.seq == applied.seq + 1
    assert events.latest_seq(db, workshop.id) == following.seq


def test_rolled_back_change_gives_its_seq_back(db: Session, factory: Factory) -> None:
    workshop = factory.workshop()
    events.append(db, workshop.id, "note:added", {})
    db.rollback()
    kept = events.append(db, workshop.id, "note:added", {})
    db.commit()
    assert kept.seq == 2  # 1 is workshop:created; the rolled-back append left no hole


def _hammer(
    maker: sessionmaker[Session],
    workshop_id: int,
    worker: int,
    count: int,
    errors: list[BaseException],
) -> None:
    try:
        for n in range(count):
            with maker() as db:
                events.append(
                    db,
                    workshop_id,
                    "note:added",
                    {"worker": worker, "n": n},
                    op_id=f"w{worker}-{n}",
                )
                db.commit()
    except BaseException as error:  # noqa: BLE001 - handed to the test thread
        errors.append(error)


def run_concurrently(
    maker: sessionmaker[Session], workshop_id: int, workers: int = 8, each: int = 25
) -> list[BaseException]:
    """Append from several threads at once, each with its own connection."""
    errors: list[BaseException] = []
    threads = [
        threading.Thread(target=_hammer, args=(maker, workshop_id, worker, each, errors))
        for worker in range(workers)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def assert_gap_free(db: Session, workshop_id: int, expected: int) -> None:
    """Seqs are exactly 1..expected, each op id stored once."""
    rows = db.scalars(
        select(Event).where(Event.workshop_id == workshop_id).order_by(Event.seq)
    ).all()
    assert [row.seq for row in rows] == list(range(1, expected + 1))
    op_ids = [row.op_id for row in rows if row.op_id]
    assert len(op_ids) == len(set(op_ids)) == expected - 1


def test_concurrent_appends_are_gap_free(app: Flask, db: Session, factory: Factory) -> None:
    workshop = factory.workshop()
    maker: sessionmaker[Session] = app.extensions["workshop.sessionmaker"]
    errors = run_concurrently(maker, workshop.id)
    assert errors == []
    db.expire_all()
    assert_gap_free(db, workshop.id, 1 + 8 * 25)
    assert events.latest_seq(db, workshop.id) == 201


def test_concurrent_retries_of_one_operation_store_it_once(
    app: Flask, db: Session, factory: Factory
) -> None:
    workshop = factory.workshop()
    maker: sessionmaker[Session] = app.extensions["workshop.sessionmaker"]
    outcomes: list[str] = []
    lock = threading.Lock()

    def retry() -> None:
        with maker() as session:
            try:
                events.append(session, workshop.id, "note:added", {}, op_id="same-op")
                session.commit()
                result = "applied"
            except DuplicateOperation:
                session.rollback()
                result = "duplicate"
        with lock:
            outcomes.append(result)

    threads: list[threading.Thread] = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 5
    db.expire_all()
    assert_gap_free(db, workshop.id, 2)
