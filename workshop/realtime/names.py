"""Every realtime event name, in one place; the pages embed ``ALL`` so JavaScript reads them."""

from __future__ import annotations

# Commands: what a client asks for (imperative). Each carries an op_id and gets an ack.
NOTE_ADD = "note:add"
NOTE_EDIT = "note:edit"
NOTE_DELETE = "note:delete"
NOTE_HIDE = "note:hide"
NOTE_RESTORE = "note:restore"
PHASE_SET = "phase:set"
TIMER_START = "timer:start"
TIMER_PAUSE = "timer:pause"
TIMER_ADD = "timer:add"
TIMER_RESET = "timer:reset"
JOINING_SET = "joining:set"
PARTICIPANT_MOVE = "participant:move"
SPOTLIGHT_SET = "spotlight:set"
WORKSHOP_UPDATE = "workshop:update"
CLUSTER_CREATE = "cluster:create"
CLUSTER_RENAME = "cluster:rename"
CLUSTER_MERGE = "cluster:merge"
CLUSTER_DISSOLVE = "cluster:dissolve"
CLUSTERS_REORDER = "clusters:reorder"
NOTES_MOVE = "notes:move"
NOTE_ENDORSE = "note:endorse"
VOTE_ADD = "vote:add"
VOTE_REMOVE = "vote:remove"
RISK_SCORE = "risk:score"
PROXY_ADD = "proxy:add"
RESULTS_REVEAL = "results:reveal"
PARTICIPANT_NOTES_REMOVE = "participant:remove_notes"
# Read-only requests: replay what a client missed (or a snapshot); suggestions.
SYNC = "sync"
CLUSTERS_SUGGEST = "clusters:suggest"
NOTE_SIMILAR = "note:similar"
RESULTS_GET = "results:get"

# Facts: what the server stored and now broadcasts (past tense). Each carries the seq.
WORKSHOP_CREATED = "workshop:created"
NOTE_ADDED = "note:added"
NOTE_EDITED = "note:edited"
NOTE_DELETED = "note:deleted"
NOTE_HIDDEN = "note:hidden"
NOTE_RESTORED = "note:restored"
PHASE_CHANGED = "phase:changed"
TIMER_CHANGED = "timer:changed"
JOINING_CHANGED = "joining:changed"
PARTICIPANT_JOINED = "participant:joined"
PARTICIPANT_MOVED = "participant:moved"
SPOTLIGHT_CHANGED = "spotlight:changed"
WORKSHOP_UPDATED = "workshop:updated"
CLUSTER_CREATED = "cluster:created"
CLUSTER_RENAMED = "cluster:renamed"
CLUSTER_MERGED = "cluster:merged"
CLUSTER_DISSOLVED = "cluster:dissolved"
CLUSTERS_REORDERED = "clusters:reordered"
NOTES_MOVED = "notes:moved"
NOTE_ENDORSED = "note:endorsed"
VOTE_CHANGED = "vote:changed"
RISK_SCORED = "risk:scored"
VOTES_PROGRESS = "votes:progress"
PROXY_ADDED = "proxy:added"
RESULTS_REVEALED = "results:revealed"
PARTICIPANT_NOTES_REMOVED = "participant:notes_removed"
# Sent instead of a fact the receiver may not see, so its seq still advances without a gap.
SEQ_SKIPPED = "seq:skipped"

# Signals: not facts (no seq of their own, not in the event log). With several processes, the
# newest seq of the workshop, so a client that missed facts during a Redis outage notices it.
SEQ_LATEST = "seq:latest"
# The workshop was deleted (console or retention purge); the server disconnects right after.
WORKSHOP_DELETED = "workshop:deleted"
# Several facts for one audience room, sent as one message: [[name, payload], ...] in seq order.
# Not a fact itself: each entry is one, received exactly as if it had come on its own.
FACTS_BATCH = "facts"

COMMANDS = {
    "NOTE_ADD": NOTE_ADD,
    "NOTE_EDIT": NOTE_EDIT,
    "NOTE_DELETE": NOTE_DELETE,
    "NOTE_HIDE": NOTE_HIDE,
    "NOTE_RESTORE": NOTE_RESTORE,
    "PHASE_SET": PHASE_SET,
    "TIMER_START": TIMER_START,
    "TIMER_PAUSE": TIMER_PAUSE,
    "TIMER_ADD": TIMER_ADD,
    "TIMER_RESET": TIMER_RESET,
    "JOINING_SET": JOINING_SET,
    "PARTICIPANT_MOVE": PARTICIPANT_MOVE,
    "SPOTLIGHT_SET": SPOTLIGHT_SET,
    "WORKSHOP_UPDATE": WORKSHOP_UPDATE,
    "CLUSTER_CREATE": CLUSTER_CREATE,
    "CLUSTER_RENAME": CLUSTER_RENAME,
    "CLUSTER_MERGE": CLUSTER_MERGE,
    "CLUSTER_DISSOLVE": CLUSTER_DISSOLVE,
    "CLUSTERS_REORDER": CLUSTERS_REORDER,
    "NOTES_MOVE": NOTES_MOVE,
    "NOTE_ENDORSE": NOTE_ENDORSE,
    "VOTE_ADD": VOTE_ADD,
    "VOTE_REMOVE": VOTE_REMOVE,
    "RISK_SCORE": RISK_SCORE,
    "PROXY_ADD": PROXY_ADD,
    "RESULTS_REVEAL": RESULTS_REVEAL,
    "PARTICIPANT_NOTES_REMOVE": PARTICIPANT_NOTES_REMOVE,
    "SYNC": SYNC,
    "CLUSTERS_SUGGEST": CLUSTERS_SUGGEST,
    "NOTE_SIMILAR": NOTE_SIMILAR,
    "RESULTS_GET": RESULTS_GET,
}
FACTS = {
    "WORKSHOP_CREATED": WORKSHOP_CREATED,
    "NOTE_ADDED": NOTE_ADDED,
    "NOTE_EDITED": NOTE_EDITED,
    "NOTE_DELETED": NOTE_DELETED,
    "NOTE_HIDDEN": NOTE_HIDDEN,
    "NOTE_RESTORED": NOTE_RESTORED,
    "PHASE_CHANGED": PHASE_CHANGED,
    "TIMER_CHANGED": TIMER_CHANGED,
    "JOINING_CHANGED": JOINING_CHANGED,
    "PARTICIPANT_JOINED": PARTICIPANT_JOINED,
    "PARTICIPANT_MOVED": PARTICIPANT_MOVED,
    "SPOTLIGHT_CHANGED": SPOTLIGHT_CHANGED,
    "WORKSHOP_UPDATED": WORKSHOP_UPDATED,
    "CLUSTER_CREATED": CLUSTER_CREATED,
    "CLUSTER_RENAMED": CLUSTER_RENAMED,
    "CLUSTER_MERGED": CLUSTER_MERGED,
    "CLUSTER_DISSOLVED": CLUSTER_DISSOLVED,
    "CLUSTERS_REORDERED": CLUSTERS_REORDERED,
    "NOTES_MOVED": NOTES_MOVED,
    "NOTE_ENDORSED": NOTE_ENDORSED,
    "VOTE_CHANGED": VOTE_CHANGED,
    "RISK_SCORED": RISK_SCORED,
    "VOTES_PROGRESS": VOTES_PROGRESS,
    "PROXY_ADDED": PROXY_ADDED,
    "RESULTS_REVEALED": RESULTS_REVEALED,
    "PARTICIPANT_NOTES_REMOVED": PARTICIPANT_NOTES_REMOVED,
    "SEQ_SKIPPED": SEQ_SKIPPED,
}
SIGNALS = {"SEQ_LATEST": SEQ_LATEST, "WORKSHOP_DELETED": WORKSHOP_DELETED}
BATCHES = {"FACTS_BATCH": FACTS_BATCH}

ALL = {**COMMANDS, **FACTS, **SIGNALS, **BATCHES}
