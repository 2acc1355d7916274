"""Socket.IO commands: every command the clients may send, with its roles and domain call.

The shared path (authorise, throttle, validate, domain, commit, broadcast, ack) is in
``commands.py``; here each command names its roles and the domain operation behind it.
"""

from __future__ import annotations

from workshop import (
    clusters,
    dots,
    editing,
    erasure,
    notes,
    participants,
    phases,
    results,
    votes,
)
from workshop.actors import FACILITATOR, PARTICIPANT
from workshop.realtime import names
from workshop.realtime.commands import command
from workshop.realtime.lane import Burst

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


def _dot_burst(delta: int) -> Burst:
    """vote:add (+1) and vote:remove (-1): the dots arriving together in one ``apply_dots`` call."""
    return Burst(
        request=lambda actor, p, op: dots.DotRequest(
            actor, p.get("target_type"), p.get("target_id"), delta, op, p.get("participant_id")
        ),
        apply=dots.apply_dots,
    )


# Both end in dots.apply_dots, so taps and take-backs arriving together are one burst.
command(names.VOTE_ADD, ANYONE, _dot_burst(+1), mine_of=votes.mine_dots)
command(names.VOTE_REMOVE, ANYONE, _dot_burst(-1), mine_of=votes.mine_dots)
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
    mine_of=votes.mine,
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
