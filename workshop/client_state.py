"""The protocol client's reducers: how a fact changes a snapshot-shaped state (as realtime.js does).

Pure functions over plain dicts, so a client can keep notes and clusters by id, and the rest of
the snapshot (phase, counts, voting progress) in the snapshot's own shape.
"""

from __future__ import annotations

from typing import Any

from workshop.realtime import names

_NOTE_UPSERTS = {names.NOTE_ADDED, names.NOTE_EDITED, names.NOTE_HIDDEN, names.NOTE_RESTORED}
_PROGRESS_FACTS = {
    names.VOTE_CHANGED,
    names.RISK_SCORED,
    names.VOTES_PROGRESS,
    names.PARTICIPANT_NOTES_REMOVED,
}


def apply_board_fact(
    notes: dict[str, dict[str, Any]],
    clusters: dict[str, dict[str, Any]],
    name: str,
    payload: dict[str, Any],
) -> None:
    """Apply a note or cluster fact to notes and clusters by id (as the browser's reducer does)."""
    if name in _NOTE_UPSERTS:
        notes[payload["note"]["id"]] = payload["note"]
    elif name == names.NOTE_DELETED:
        notes.pop(payload["note_id"], None)
    elif name == names.NOTE_ENDORSED and payload["note_id"] in notes:
        notes[payload["note_id"]] = {
            **notes[payload["note_id"]],
            "endorsements": payload["endorsements"],
        }
    elif name in {names.CLUSTER_CREATED, names.CLUSTER_RENAMED}:
        clusters[payload["cluster"]["id"]] = payload["cluster"]
    elif name == names.CLUSTER_MERGED:
        clusters.pop(payload["source_id"], None)
    elif name == names.CLUSTER_DISSOLVED:
        clusters.pop(payload["cluster_id"], None)
    elif name == names.CLUSTERS_REORDERED:
        for cluster_id, position in payload["positions"].items():
            if cluster_id in clusters:
                clusters[cluster_id] = {**clusters[cluster_id], "position": position}
    for move in payload.get("moves", []):
        if move["note_id"] in notes:
            notes[move["note_id"]] = {
                **notes[move["note_id"]],
                "cluster_id": move["cluster_id"],
                "position": move["position"],
            }


def apply_room_fact(state: dict[str, Any], name: str, payload: dict[str, Any]) -> None:
    """Apply what a fact says about the room (phase, timer, counts, progress) to ``state``."""
    workshop = state.setdefault("workshop", {})
    if name == names.PHASE_CHANGED:
        workshop["phase"] = payload["phase"]
        if payload.get("timer") is not None:
            state["timer"] = payload["timer"]
        voting = state.get("voting")
        if payload.get("results_revealed") is False and voting and voting.get("revealed"):
            state["voting"] = {**voting, "revealed": False}
            state["results"] = None
    elif name == names.TIMER_CHANGED:
        state["timer"] = payload["timer"]
    elif name == names.JOINING_CHANGED:
        workshop["joining_locked"] = bool(payload["joining_locked"])
    elif name == names.SPOTLIGHT_CHANGED:
        workshop["spotlight_viewpoint_id"] = payload.get("viewpoint_id")
    elif name == names.WORKSHOP_UPDATED:
        state["workshop"] = {**workshop, **(payload.get("workshop") or {})}
        for key in ("kinds", "viewpoints"):
            if payload.get(key) is not None:
                state[key] = payload[key]
    elif name in (names.PARTICIPANT_JOINED, names.PARTICIPANT_MOVED):
        _apply_counts(state, payload)
        _apply_progress(state, payload)
    elif name in _PROGRESS_FACTS:
        _apply_progress(state, payload)
    elif name == names.RESULTS_REVEALED:
        state["voting"] = {**(state.get("voting") or {}), "revealed": bool(payload["revealed"])}
        if payload.get("view"):
            state["voting"]["view"] = payload["view"]
        state["results"] = payload.get("results")


def _apply_counts(state: dict[str, Any], payload: dict[str, Any]) -> None:
    """Participant counts per viewpoint; the progress totals follow them (proxies in neither)."""
    counts = payload.get("viewpoint_counts")
    if isinstance(counts, dict) and isinstance(state.get("viewpoints"), list):
        state["viewpoints"] = [
            {**vp, "participant_count": counts.get(str(vp["id"]), vp.get("participant_count", 0))}
            for vp in state["viewpoints"]
        ]
    if isinstance(payload.get("unassigned_count"), int):
        state["unassigned_count"] = payload["unassigned_count"]
    progress = (state.get("voting") or {}).get("progress")
    if progress is None or not isinstance(state.get("viewpoints"), list):
        return
    total = {str(vp["id"]): vp.get("participant_count", 0) for vp in state["viewpoints"]}
    if state.get("unassigned_count"):
        total["none"] = state["unassigned_count"]
    state["voting"]["progress"] = {**progress, "total": total}


def _apply_progress(state: dict[str, Any], payload: dict[str, Any]) -> None:
    """A whole ``progress``, or a ``progress_delta`` {viewpoint, voted, done} to add."""
    voting = state.get("voting")
    if not voting:
        return
    if payload.get("progress"):
        state["voting"] = {**voting, "progress": payload["progress"]}
        return
    change = payload.get("progress_delta")
    if not change:
        return
    key = str(change["viewpoint"])
    old = voting.get("progress") or {}

    def add(counts: dict[str, int] | None, n: int) -> dict[str, int]:
        counts = dict(counts or {})
        counts[key] = counts.get(key, 0) + n
        return counts

    progress = {**old, "voted": add(old.get("voted"), change["voted"])}
    progress["done"] = add(old.get("done"), change["done"])
    state["voting"] = {**voting, "progress": progress}
