"""A valid example payload for every Socket.IO event, next to the schemas that accept them.

The authorisation matrix and the fuzzing tests send these (and mutations of them), and the
unit tests check that each one fits its schema. Ids depend on the workshop, so the examples hold
placeholders: ``"<note>"`` is replaced by ``ids["note"]`` in ``fill``; ``"<new>"`` by a fresh
UUID. The ``op_id`` of commands is added by ``fill`` too.

Placeholders: ``note`` (a visible note by someone else in the sender's viewpoint), ``my_note``
(the sending participant's own note), ``cluster`` and ``other_cluster`` (clusters holding
notes), ``viewpoint`` and ``other_viewpoint``, ``participant`` (a participant who is not the
sender), ``proxy`` (a proxy participant of the facilitator), ``kind`` (a note kind key).
"""

from __future__ import annotations

import uuid
from typing import Any

from workshop.realtime import names, schemas

EXAMPLES: dict[str, dict[str, Any]] = {
    names.NOTE_ADD: {
        "note_id": "<new>",
        "kind": "<kind>",
        "text": "Budget overruns\nin year two",
        "viewpoint_id": "<viewpoint>",
    },
    names.NOTE_EDIT: {"note_id": "<my_note>", "text": "Vendor lock-in", "kind": "<kind>"},
    names.NOTE_DELETE: {"note_id": "<my_note>"},
    names.NOTE_HIDE: {"note_id": "<note>"},
    names.NOTE_RESTORE: {"note_id": "<note>"},
    names.NOTE_ENDORSE: {"note_id": "<note>", "endorsed": True},
    names.PHASE_SET: {"phase": "share"},
    names.TIMER_START: {"duration_s": 300},
    names.TIMER_PAUSE: {},
    names.TIMER_ADD: {"seconds": 60},
    names.TIMER_RESET: {},
    names.JOINING_SET: {"locked": True},
    names.SPOTLIGHT_SET: {"viewpoint_id": "<viewpoint>"},
    names.PARTICIPANT_MOVE: {
        "participant_id": "<participant>",
        "viewpoint_id": "<other_viewpoint>",
    },
    names.PARTICIPANT_NOTES_REMOVE: {"participant_id": "<participant>"},
    names.WORKSHOP_UPDATE: {"title": "Cloud strategy, round two", "anonymous": True},
    names.CLUSTER_CREATE: {"cluster_id": "<new>", "title": "Money", "note_ids": ["<note>"]},
    names.CLUSTER_RENAME: {"cluster_id": "<cluster>", "title": "Costs"},
    names.NOTES_MOVE: {"moves": [{"note_id": "<note>", "cluster_id": None, "position": 1.5}]},
    names.CLUSTER_MERGE: {"cluster_id": "<cluster>", "source_id": "<other_cluster>"},
    names.CLUSTER_DISSOLVE: {"cluster_id": "<cluster>"},
    names.CLUSTERS_REORDER: {"order": ["<other_cluster>", "<cluster>"]},
    names.VOTE_ADD: {"target_type": "note", "target_id": "<note>", "participant_id": "<proxy>"},
    names.VOTE_REMOVE: {"target_type": "note", "target_id": "<note>", "participant_id": "<proxy>"},
    names.RISK_SCORE: {
        "target_type": "note",
        "target_id": "<note>",
        "likelihood": 4,
        "impact": 5,
        "participant_id": "<proxy>",
    },
    names.PROXY_ADD: {"display_name": "Mayor's office", "viewpoint_id": "<viewpoint>"},
    names.RESULTS_REVEAL: {"revealed": True, "view": "ranking"},
    names.SYNC: {"last_seq": 0},
    names.NOTE_SIMILAR: {"text": "Budget overruns in year two"},
    names.CLUSTERS_SUGGEST: {},
    names.RESULTS_GET: {},
}

PLACEHOLDERS = (
    "note",
    "my_note",
    "cluster",
    "other_cluster",
    "viewpoint",
    "other_viewpoint",
    "participant",
    "proxy",
    "kind",
)


def fill(name: str, ids: dict[str, Any], op_id: str | None = None) -> dict[str, Any]:
    """The example of event ``name`` with real ids (and an op id for a command)."""
    payload: dict[str, Any] = _filled(EXAMPLES[name], ids)
    if issubclass(schemas.SCHEMAS[name], schemas.Command):
        payload["op_id"] = op_id or uuid.uuid4().hex
    return payload


def _filled(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, dict):
        return {key: _filled(item, ids) for key, item in value.items()}
    if isinstance(value, list):
        return [_filled(item, ids) for item in value]
    if isinstance(value, str) and value.startswith("<") and value.endswith(">"):
        key = value[1:-1]
        return str(uuid.uuid4()) if key == "new" else ids[key]
    return value
