// Cluster operations of the facilitator console: each one is sent as a command (through the
// outbox of realtime.js) and shown at once as an "overlay" — the fact the server is expected to
// broadcast, applied on top of rt.state until the command is acknowledged. The board therefore
// feels instant and still always converges to rt.state. Each operation also records its
// inverse, for undo (docs/protocol.md, "Undo").

import { applyFact } from "../realtime.js";
import { format } from "./dom.js";
import {
  buildBoard,
  currentPlaces,
  effectiveMoves,
  nextClusterPosition,
  quote,
  scopeOf,
  unclusterMoves,
} from "./cluster-model.js";

const UNDO_DEPTH = 30;

export function createOps(ctx, { onChange }) {
  const { names, strings } = ctx;
  let overlays = []; // {id, fact, payload, until}
  const undoStack = []; // {label, steps: [() => void]}
  let recording = null; // the undo entry being built (a batch), or null
  let counter = 0;

  // --- the view ---------------------------------------------------------------------------------

  function sweep() {
    const seq = ctx.rt?.seq ?? 0;
    const before = overlays.length;
    overlays = overlays.filter((o) => o.until === null || o.until > seq);
    return overlays.length !== before;
  }

  /** rt.state with the unacknowledged operations applied. */
  function view() {
    sweep();
    const base = ctx.rt?.state;
    if (!base) return base;
    return overlays.reduce((state, o) => applyFact(state, o.fact, o.payload, names), base);
  }

  const board = () => buildBoard(view());
  const titleOf = (cluster) => (cluster?.title || "").trim() || strings.cl_untitled;

  // --- sending ----------------------------------------------------------------------------------

  function send(command, payload, fact, factPayload) {
    const overlay = { id: ++counter, fact, payload: factPayload, until: null };
    overlays.push(overlay);
    const entry = recording;
    onChange();
    return ctx.send(command, payload).then((ack) => {
      if (ack && ack.ok !== false && typeof ack.seq === "number" && (ctx.rt?.seq ?? 0) < ack.seq) {
        overlay.until = ack.seq; // the fact is still on its way: keep showing it until then
      } else {
        overlays = overlays.filter((o) => o !== overlay);
      }
      if (ack && ack.ok === false && entry) {
        const i = undoStack.indexOf(entry);
        if (i >= 0) undoStack.splice(i, 1);
      }
      onChange();
      return ack;
    });
  }

  /** Run fn as one undoable step (several commands, one undo). */
  function batch(label, fn) {
    if (recording) return fn();
    const entry = { label, steps: [] };
    recording = entry;
    try {
      fn();
    } finally {
      recording = null;
    }
    if (entry.steps.length) {
      undoStack.push(entry);
      if (undoStack.length > UNDO_DEPTH) undoStack.shift();
      onChange();
    }
    return entry;
  }

  function record(label, inverse, options) {
    if (options?.undo === false) return;
    if (recording) {
      recording.steps.unshift(inverse); // undo in reverse order
      return;
    }
    undoStack.push({ label, steps: [inverse] });
    if (undoStack.length > UNDO_DEPTH) undoStack.shift();
  }

  // --- operations -------------------------------------------------------------------------------

  /** A new cluster with these notes (in order). Returns its id. */
  function create({ noteIds, title = "", position = null, clusterId = null, label = null }, options = {}) {
    const b = board();
    const ids = noteIds.filter((id) => b.noteById.has(id));
    if (!ids.length) return null;
    const id = clusterId || ctx.newNoteId();
    const before = currentPlaces(b, ids);
    const viewpointId = scopeOf(view()) === "viewpoint" ? b.noteById.get(ids[0]).viewpoint_id : null;
    const cluster = {
      id,
      viewpoint_id: viewpointId,
      title: title || "",
      position: position ?? nextClusterPosition(b),
      created_at_ms: Date.now(),
    };
    const payload = { cluster_id: id, title: title || "", note_ids: ids };
    if (position !== null && position !== undefined) payload.position = position;
    const moves = ids.map((noteId, i) => ({ note_id: noteId, cluster_id: id, position: i + 1 }));
    const text = label || format(strings.cl_did_create, { n: ids.length, title: titleOf(cluster) });
    record(text, () => {
      dissolve(id, { undo: false, quiet: true });
      move(before, { undo: false, quiet: true });
    }, options);
    send(names.CLUSTER_CREATE, payload, names.CLUSTER_CREATED, { cluster, moves });
    if (!options.quiet) ctx.announce(text);
    return id;
  }

  /** Move notes: [{note_id, cluster_id, position}]. */
  function move(moves, options = {}) {
    const b = board();
    const changed = effectiveMoves(b, moves);
    if (!changed.length) return false;
    const before = currentPlaces(b, changed.map((m) => m.note_id));
    const first = b.noteById.get(changed[0].note_id);
    const target = changed[0].cluster_id ? titleOf(b.clusterById.get(changed[0].cluster_id)) : strings.cl_unclustered;
    const text = options.label ||
      (changed.length === 1
        ? format(strings.cl_did_move_one, { note: quote(first?.text), target })
        : format(strings.cl_did_move_many, { n: changed.length, target }));
    record(text, () => move(before, { undo: false, quiet: true }), options);
    send(names.NOTES_MOVE, { moves: changed }, names.NOTES_MOVED, { moves: changed });
    if (!options.quiet) ctx.announce(text);
    return true;
  }

  /** Fold the source cluster into the target. */
  function merge(targetId, sourceId, options = {}) {
    const b = board();
    const target = b.clusters.find((g) => g.cluster.id === targetId);
    const source = b.clusters.find((g) => g.cluster.id === sourceId);
    if (!target || !source || targetId === sourceId) return false;
    const last = target.notes.length ? Math.max(...target.notes.map((n) => n.position ?? 0)) : 0;
    const moves = source.notes.map((n, i) => ({ note_id: n.id, cluster_id: targetId, position: last + i + 1 }));
    const old = { ...source.cluster };
    const oldIds = source.notes.map((n) => n.id);
    const text = format(strings.cl_did_merge, { source: titleOf(old), target: titleOf(target.cluster) });
    record(text, () =>
      create({ noteIds: oldIds, title: old.title || "", position: old.position, clusterId: old.id }, { undo: false, quiet: true }),
    options);
    send(
      names.CLUSTER_MERGE,
      { cluster_id: targetId, source_id: sourceId },
      names.CLUSTER_MERGED,
      { cluster_id: targetId, source_id: sourceId, moves },
    );
    if (!options.quiet) ctx.announce(text);
    return true;
  }

  /** Remove a cluster; its notes go back to their viewpoints' unclustered notes. */
  function dissolve(clusterId, options = {}) {
    const b = board();
    const group = b.clusters.find((g) => g.cluster.id === clusterId);
    if (!group) return false;
    const old = { ...group.cluster };
    const oldIds = group.notes.map((n) => n.id);
    const moves = unclusterMoves(b, oldIds);
    const text = format(strings.cl_did_dissolve, { title: titleOf(old), n: oldIds.length });
    record(text, () => {
      if (oldIds.length) {
        create({ noteIds: oldIds, title: old.title || "", position: old.position, clusterId: old.id }, { undo: false, quiet: true });
      }
    }, options);
    send(names.CLUSTER_DISSOLVE, { cluster_id: clusterId }, names.CLUSTER_DISSOLVED, { cluster_id: clusterId, moves });
    if (!options.quiet) ctx.announce(text);
    return true;
  }

  function rename(clusterId, title, options = {}) {
    const b = board();
    const cluster = b.clusterById.get(clusterId);
    // 120 characters as the server counts them (code points), never half an emoji.
    const clean = Array.from(String(title || "").trim()).slice(0, 120).join("");
    if (!cluster || (cluster.title || "") === clean) return false;
    const old = cluster.title || "";
    const text = format(strings.cl_did_rename, { title: clean || strings.cl_untitled });
    record(text, () => rename(clusterId, old, { undo: false, quiet: true }), options);
    send(
      names.CLUSTER_RENAME,
      { cluster_id: clusterId, title: clean },
      names.CLUSTER_RENAMED,
      { cluster: { ...cluster, title: clean } },
    );
    if (!options.quiet) ctx.announce(text);
    return true;
  }

  /** Put the clusters in this order (all cluster ids). */
  function reorder(order, options = {}) {
    const b = board();
    const old = b.clusters.map((g) => g.cluster.id);
    if (old.length === order.length && old.every((id, i) => id === order[i])) return false;
    const positions = Object.fromEntries(order.map((id, i) => [id, i + 1]));
    const text = options.label || strings.cl_did_reorder;
    record(text, () => reorder(old, { undo: false, quiet: true }), options);
    send(names.CLUSTERS_REORDER, { order }, names.CLUSTERS_REORDERED, { positions });
    if (!options.quiet) ctx.announce(text);
    return true;
  }

  function undo() {
    const entry = undoStack.pop();
    if (!entry) {
      ctx.announce(strings.cl_nothing_to_undo);
      return false;
    }
    for (const step of entry.steps) step();
    ctx.announce(format(strings.cl_undone, { action: entry.label }));
    onChange();
    return true;
  }

  return {
    view,
    board,
    sweep,
    batch,
    create,
    move,
    merge,
    dissolve,
    rename,
    reorder,
    undo,
    titleOf,
    get canUndo() {
      return undoStack.length > 0;
    },
    get undoLabel() {
      return undoStack.length ? undoStack[undoStack.length - 1].label : "";
    },
    get pending() {
      return overlays.length;
    },
  };
}
