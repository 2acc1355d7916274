"""The command registrar: authorise, validate, call the domain, commit, broadcast, acknowledge.

``handlers.py`` registers every command with ``command``; a command is applied on its own
(``_apply_alone``) or, registered with a ``Burst``, together with the commands arriving with it
(``lane.py``). Either way the outcome becomes the same ack (``_answer``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workshop.actors import PARTICIPANT, Actor
from workshop.errors import DomainError, DuplicateOperation, Forbidden, NotFound
from workshop.models import Event, Participant, Workshop
from workshop.realtime import (
    access,
    requests,  # noqa: F401  (registers the read-only requests)
    schemas,
    throttle,
)
from workshop.realtime.broadcast import Delivery, broadcast
from workshop.realtime.connections import (
    Connection,
    actor_for,
    current_connection,
    reader_db,
    writer_db,
)
from workshop.realtime.lane import LANE, Burst, Job, Outcome
from workshop.realtime.refusals import refuse
from workshop.realtime.replies import REPLIES
from workshop.web import use_workshop_language

log = logging.getLogger(__name__)

# Most operations write one fact; a few (erasure) write several, acked with the last seq.
Operation = Callable[[Session, Workshop, Actor, dict[str, Any], str], Event | list[Event]]
# What of a phone's own votes its ack carries (``votes.mine`` and the like).
MineOf = Callable[[Session, Participant], dict[str, Any]]


# A copy of a command waits this long for the first copy's answer, then does the work itself.
REPLY_WAIT_S = 30.0


def command(
    name: str,
    roles: frozenset[str],
    operation: Operation | Burst,
    *,
    mine_of: MineOf | None = None,
) -> None:
    """Register a command: the shared authorise → validate → domain → commit → broadcast → ack.

    ``roles`` go into the access table (``access.ACCESS``) in the same step. The payload is
    checked against the event's schema (``schemas.SCHEMAS``) after the role and the throttle;
    the operation gets only the keys the client set, unknown ones dropped. With ``mine_of``
    a phone's ack also carries its own votes (``me``): the room's facts hide them, and the
    phone needs the server's truth after every answer, also a refusal. An ``Operation`` is
    applied on its own; a ``Burst`` goes through the lane (``lane.py``), which applies the
    commands arriving together in one transaction with one domain call.
    """

    def handler(payload: Any = None) -> dict[str, Any]:
        connection = current_connection()
        if connection is None or connection.role not in roles:
            return refuse(connection, Forbidden())
        throttled = throttle.refusal(connection)
        if throttled is not None:
            return throttled
        try:
            payload = schemas.check(name, payload)
        except DomainError as error:
            return refuse(connection, error)
        op_id: str = payload["op_id"]
        key = (connection.workshop_id, connection.role, connection.participant_id, op_id)
        first, entry = REPLIES.claim(key)
        if not first:
            # A copy sent again while (or after) the first one is answered: its answer, no work.
            # A late copy's own votes are read again: the phone may have voted since.
            late = entry.done.is_set()
            earlier = REPLIES.wait(entry, REPLY_WAIT_S)
            if earlier is not None:
                return _with_mine(earlier, connection, mine_of) if late else earlier
        answer: dict[str, Any] | None = None
        try:
            answer = apply(connection, payload, op_id)
            return answer
        finally:
            if first:
                # "Try again" answers are not final: a later copy must do the work.
                final = answer is not None and not answer.get("retry")
                REPLIES.finish(key, entry, answer if final else None)

    def apply(connection: Connection, payload: dict[str, Any], op_id: str) -> dict[str, Any]:
        if isinstance(operation, Burst):
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            outcome = LANE.submit(Job(app, connection, payload, op_id, operation))
        else:
            outcome = _apply_alone(name, operation, connection, payload, op_id, mine_of)
        return _answer(outcome, connection, mine_of)

    handler.__name__ = "on_" + name.replace(":", "_")
    access.register(name, roles, handler, kind=access.COMMAND)


def _apply_alone(
    name: str,
    operation: Operation,
    connection: Connection,
    payload: dict[str, Any],
    op_id: str,
    mine_of: MineOf | None,
) -> Outcome:
    """One command in its own transaction, then its facts broadcast."""
    db = writer_db()
    try:
        workshop = db.get(Workshop, connection.workshop_id)
        if workshop is None:
            raise NotFound()
        use_workshop_language(workshop.language)
        actor = actor_for(db, connection)
        produced = operation(db, workshop, actor, payload, op_id)
        mine = (
            mine_of(db, actor.participant)
            if mine_of is not None and actor.participant is not None
            else None
        )
        # Before the commit: reading the viewpoints afterwards would open a second
        # transaction, which on SQLite takes the write lock once more.
        deliveries = [
            Delivery.of(workshop, event)
            for event in (produced if isinstance(produced, list) else [produced])
        ]
        db.commit()
    except DuplicateOperation as duplicate:
        db.rollback()
        return Outcome("duplicate", seq=duplicate.event_seq)
    except DomainError as error:
        db.rollback()
        return Outcome("refused", error=error)
    except SQLAlchemyError:
        db.rollback()
        log.exception("database error in %s", name)
        return Outcome("unavailable")
    finally:
        db.close()
    for delivery in deliveries:
        broadcast(delivery)
    return Outcome("ok", seq=deliveries[-1].seq, mine=mine, deliveries=deliveries)


def _answer(outcome: Outcome, connection: Connection, mine_of: MineOf | None) -> dict[str, Any]:
    """The ack for a command's outcome, in the workshop's language."""
    if outcome.language:
        use_workshop_language(outcome.language)
    if outcome.kind == "unavailable":
        # Not applied: the client keeps it in its outbox and tries again.
        return {
            "ok": False,
            "code": "unavailable",
            "retry": True,
            "message": _("The server is busy; your change will be sent again."),
        }
    if outcome.kind == "ok":
        ack: dict[str, Any] = {"ok": True, "seq": outcome.seq}
        if outcome.mine is not None:
            ack["me"] = outcome.mine
        return ack
    if outcome.kind == "duplicate":
        answer: dict[str, Any] = {"ok": True, "seq": outcome.seq, "duplicate": True}
    else:
        assert outcome.error is not None
        answer = outcome.error.as_dict(_)
    if outcome.mine is not None:
        answer["me"] = outcome.mine
        return answer
    return _with_mine(answer, connection, mine_of)


def _with_mine(
    ack: dict[str, Any], connection: Connection, mine_of: MineOf | None
) -> dict[str, Any]:
    """Add the phone's own votes to an ack that was not applied (refused or a replay)."""
    if mine_of is None or connection.role != PARTICIPANT:
        return ack
    with reader_db() as db:
        me = db.get(Participant, connection.participant_id)
        if me is not None:
            ack["me"] = mine_of(db, me)
    return ack
