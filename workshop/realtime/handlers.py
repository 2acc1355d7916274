"""Socket.IO commands: authorise, validate, call the domain, commit, broadcast, acknowledge."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from workshop import (
    clusters,
    editing,
    erasure,
    notes,
    participants,
    phases,
    results,
    votes,
)
from workshop.actors import FACILITATOR, PARTICIPANT, Actor
from workshop.errors import DomainError, DuplicateOperation, Forbidden, NotFound
from workshop.models import Event, Participant, Workshop
from workshop.realtime import (
    access,
    names,
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
from workshop.realtime.refusals import refuse
from workshop.realtime.replies import REPLIES
from workshop.web import (
    use_workshop_language,
)

log = logging.getLogger(__name__)


# A copy of a command waits this long for the first copy's answer, then does the work itself.
REPLY_WAIT_S = 30.0

# Most operations write one fact; a few (erasure) write several, acked with the last seq.
Operation = Callable[[Session, Workshop, Actor, dict[str, Any], str], Event | list[Event]]


def command(
    name: str, roles: frozenset[str], operation: Operation, *, acks_mine: bool = False
) -> None:
    """Register a command: the shared authorise → validate → domain → commit → broadcast → ack.

    ``roles`` go into the access table (``access.ACCESS``) in the same step. The payload is
    checked against the event's schema (``schemas.SCHEMAS``) after the role and the throttle;
    the operation gets only the keys the client set, unknown ones dropped. With ``acks_mine``
    a phone's ack also carries its own votes (``me``): the room's facts hide them, and the
    phone needs the server's truth after every answer, also a refusal.
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
                return _with_mine(earlier, connection, acks_mine) if late else earlier
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
        db = writer_db()
        try:
            workshop = db.get(Workshop, connection.workshop_id)
            if workshop is None:
                raise NotFound()
            use_workshop_language(workshop.language)
            actor = actor_for(db, connection)
            produced = operation(db, workshop, actor, payload, op_id)
            mine = (
                votes.mine(db, actor.participant)
                if acks_mine and actor.participant is not None
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
            return _with_mine(
                {"ok": True, "seq": duplicate.event_seq, "duplicate": True}, connection, acks_mine
            )
        except DomainError as error:
            db.rollback()
            return _with_mine(error.as_dict(_), connection, acks_mine)
        except SQLAlchemyError:
            db.rollback()
            log.exception("database error in %s", name)
            # Not applied: the client keeps it in its outbox and tries again.
            return {
                "ok": False,
                "code": "unavailable",
                "retry": True,
                "message": _("The server is busy; your change will be sent again."),
            }
        finally:
            db.close()
        for delivery in deliveries:
            broadcast(delivery)
        ack: dict[str, Any] = {"ok": True, "seq": deliveries[-1].seq}
        if mine is not None:
            ack["me"] = mine
        return ack

    handler.__name__ = "on_" + name.replace(":", "_")
    access.register(name, roles, handler, kind=access.COMMAND)


def _with_mine(ack: dict[str, Any], connection: Connection, acks_mine: bool) -> dict[str, Any]:
    """Add the phone's own votes to an ack that was not applied (refused or a replay)."""
    if not acks_mine or connection.role != PARTICIPANT:
        return ack
    with reader_db() as db:
        me = db.get(Participant, connection.participant_id)
        if me is not None:
            ack["me"] = votes.mine(db, me)
    return ack


ANYONE = frozenset({PARTICIPANT, FACILITATOR})
ONLY_FACILITATOR = frozenset({FACILITATOR})

command(
    names.NOTE_ADD,
    ANYONE,
    lambda db, w, actor, p, op: notes.add(
        db,
        w,
        actor,
        note_id=p.get("note_id"),
        kind=p.get("kind"),
        body=p.get("text"),
        viewpoint_id=p.get("viewpoint_id"),
        op_id=op,
    ),
)
command(
    names.NOTE_EDIT,
    ANYONE,
    lambda db, w, actor, p, op: notes.edit(
        db, w, actor, note_id=p.get("note_id"), body=p.get("text"), kind=p.get("kind"), op_id=op
    ),
)
command(
    names.NOTE_DELETE,
    ANYONE,
    lambda db, w, actor, p, op: notes.delete(db, w, actor, note_id=p.get("note_id"), op_id=op),
)
command(
    names.NOTE_HIDE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: notes.set_hidden(
        db, w, actor, note_id=p.get("note_id"), hidden=True, op_id=op
    ),
)
command(
    names.NOTE_RESTORE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: notes.set_hidden(
        db, w, actor, note_id=p.get("note_id"), hidden=False, op_id=op
    ),
)
command(
    names.PHASE_SET,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.set_phase(db, w, actor, p.get("phase"), op),
)
command(
    names.TIMER_START,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.timer_start(db, w, actor, p.get("duration_s"), op),
)
command(
    names.TIMER_PAUSE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.timer_pause(db, w, actor, op),
)
command(
    names.TIMER_ADD,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.timer_add(db, w, actor, p.get("seconds"), op),
)
command(
    names.TIMER_RESET,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.timer_reset(db, w, actor, op),
)
command(
    names.JOINING_SET,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.set_joining(db, w, actor, p.get("locked"), op),
)
command(
    names.SPOTLIGHT_SET,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: phases.set_spotlight(db, w, actor, p.get("viewpoint_id"), op),
)
command(
    names.PARTICIPANT_MOVE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: participants.move(
        db, w, actor, p.get("participant_id"), p.get("viewpoint_id"), op
    ),
)
command(
    names.WORKSHOP_UPDATE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: editing.update(
        db, w, actor, {k: v for k, v in p.items() if k != "op_id"}, op
    ),
)
command(
    names.NOTE_ENDORSE,
    frozenset({PARTICIPANT}),
    lambda db, w, actor, p, op: notes.endorse(
        db, w, actor, note_id=p.get("note_id"), endorsed=p.get("endorsed"), op_id=op
    ),
)
command(
    names.CLUSTER_CREATE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.create(
        db,
        w,
        actor,
        cluster_id=p.get("cluster_id"),
        title=p.get("title", ""),
        note_ids=p.get("note_ids"),
        position=p.get("position"),
        op_id=op,
    ),
)
command(
    names.CLUSTER_RENAME,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.rename(
        db, w, actor, cluster_id=p.get("cluster_id"), title=p.get("title"), op_id=op
    ),
)
command(
    names.NOTES_MOVE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.move_notes(db, w, actor, moves=p.get("moves"), op_id=op),
)
command(
    names.CLUSTER_MERGE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.merge(
        db, w, actor, cluster_id=p.get("cluster_id"), source_id=p.get("source_id"), op_id=op
    ),
)
command(
    names.CLUSTER_DISSOLVE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.dissolve(
        db, w, actor, cluster_id=p.get("cluster_id"), op_id=op
    ),
)
command(
    names.CLUSTERS_REORDER,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: clusters.reorder(db, w, actor, order=p.get("order"), op_id=op),
)


def _dots(delta: int) -> Operation:
    """The operation behind vote:add (+1) and vote:remove (-1)."""
    return lambda db, w, actor, p, op: votes.change_dots(
        db,
        w,
        actor,
        target_type=p.get("target_type"),
        target_id=p.get("target_id"),
        delta=delta,
        on_behalf_of=p.get("participant_id"),
        op_id=op,
    )


command(names.VOTE_ADD, ANYONE, _dots(+1), acks_mine=True)
command(names.VOTE_REMOVE, ANYONE, _dots(-1), acks_mine=True)
command(
    names.RISK_SCORE,
    ANYONE,
    lambda db, w, actor, p, op: votes.score(
        db,
        w,
        actor,
        target_type=p.get("target_type"),
        target_id=p.get("target_id"),
        likelihood=p.get("likelihood"),
        impact=p.get("impact"),
        on_behalf_of=p.get("participant_id"),
        op_id=op,
    ),
    acks_mine=True,
)
command(
    names.PROXY_ADD,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: votes.add_proxy(
        db,
        w,
        actor,
        display_name=p.get("display_name"),
        viewpoint_id=p.get("viewpoint_id"),
        op_id=op,
    ),
)
command(
    names.RESULTS_REVEAL,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: results.reveal(
        db, w, actor, shown=p.get("revealed"), chosen_view=p.get("view"), op_id=op
    ),
)
command(
    names.PARTICIPANT_NOTES_REMOVE,
    ONLY_FACILITATOR,
    lambda db, w, actor, p, op: erasure.remove_participant_notes(
        db, w, actor, participant_id=p.get("participant_id"), op_id=op
    ),
)
