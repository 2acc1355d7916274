// The clustering board's model: pure functions over the realtime state (docs/protocol.md,
// "Clustering"). No DOM here, so the board, the drag and drop, the keyboard path and the
// suggestions all agree on what is where.

/** Notes that belong on the board: readable and not moderated away. */
export function boardNotes(state) {
  return (state?.notes || []).filter((n) => n && !n.redacted && !n.hidden);
}

/** Stable order by position; ties keep the given (creation) order. */
export function byPosition(items) {
  return items
    .map((item, i) => [item, i])
    .sort((a, b) => (a[0].position ?? 0) - (b[0].position ?? 0) || a[1] - b[1])
    .map(([item]) => item);
}

export function orderedViewpoints(state) {
  return (state?.viewpoints || []).slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
}

export function orderedClusters(state) {
  return (state?.clusters || [])
    .map((c, i) => [c, i])
    .sort(
      (a, b) =>
        (a[0].position ?? 0) - (b[0].position ?? 0) ||
        (a[0].created_at_ms ?? 0) - (b[0].created_at_ms ?? 0) ||
        a[1] - b[1],
    )
    .map(([c]) => c);
}

export function scopeOf(state) {
  return state?.workshop?.clustering?.scope === "viewpoint" ? "viewpoint" : "plenary";
}

/**
 * Everything the board shows: {scope, viewpoints, clusters: [{cluster, notes, viewpointIds,
 * viewpointId}], lanes: Map(viewpoint id → unclustered notes), noteById, clusterById}.
 * In viewpoint scope a cluster's column is its viewpoint_id (or its first note's viewpoint).
 */
export function buildBoard(state) {
  const scope = scopeOf(state);
  const viewpoints = orderedViewpoints(state);
  const notes = boardNotes(state);
  const noteById = new Map(notes.map((n) => [n.id, n]));
  const clusters = orderedClusters(state);
  const clusterById = new Map(clusters.map((c) => [c.id, c]));
  const inCluster = new Map(clusters.map((c) => [c.id, []]));
  const lanes = new Map(viewpoints.map((v) => [v.id, []]));
  for (const note of notes) {
    if (note.cluster_id && inCluster.has(note.cluster_id)) {
      inCluster.get(note.cluster_id).push(note);
    } else {
      if (!lanes.has(note.viewpoint_id)) lanes.set(note.viewpoint_id, []);
      lanes.get(note.viewpoint_id).push(note);
    }
  }
  for (const [id, list] of lanes) lanes.set(id, byPosition(list));
  const vpOrder = new Map(viewpoints.map((v, i) => [v.id, i]));
  const groups = clusters.map((cluster) => {
    const members = byPosition(inCluster.get(cluster.id));
    const viewpointIds = [...new Set(members.map((n) => n.viewpoint_id))].sort(
      (a, b) => (vpOrder.get(a) ?? 99) - (vpOrder.get(b) ?? 99),
    );
    const viewpointId = cluster.viewpoint_id ?? members[0]?.viewpoint_id ?? viewpoints[0]?.id ?? null;
    return { cluster, notes: members, viewpointIds, viewpointId };
  });
  return { scope, viewpoints, clusters: groups, lanes, noteById, clusterById };
}

/** The ordered notes of one list: a cluster id, or {lane: viewpoint id}. */
export function listNotes(board, target) {
  if (target.cluster) return board.clusters.find((g) => g.cluster.id === target.cluster)?.notes || [];
  return board.lanes.get(target.lane) || [];
}

/**
 * Moves that put `noteIds` (in this order) into a list at `index` (counted among the list's
 * other notes), with fractional positions between the neighbours: (a + b) / 2, or last + 1 at
 * the end. When neighbours share a position the whole list is renumbered 1…n.
 */
export function placeMoves(board, target, noteIds, index) {
  const moving = new Set(noteIds);
  const others = listNotes(board, target).filter((n) => !moving.has(n.id));
  const at = Math.max(0, Math.min(index ?? others.length, others.length));
  const clusterId = target.cluster || null;
  const prev = others[at - 1];
  const next = others[at];
  const k = noteIds.length;
  const a = prev?.position ?? null;
  const b = next?.position ?? null;
  let positions = null;
  if (a === null && b === null) positions = noteIds.map((_, i) => i + 1);
  else if (b === null) positions = noteIds.map((_, i) => a + 1 + i);
  else if (a === null) positions = noteIds.map((_, i) => b - k + i);
  else if (b - a > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))) {
    positions = noteIds.map((_, i) => a + ((b - a) * (i + 1)) / (k + 1));
  }
  if (positions) {
    return noteIds.map((id, i) => ({ note_id: id, cluster_id: clusterId, position: positions[i] }));
  }
  // Neighbours share a position (new notes all start at 0): renumber the whole list.
  const ids = others.map((n) => n.id);
  ids.splice(at, 0, ...noteIds);
  return ids.map((id, i) => ({ note_id: id, cluster_id: clusterId, position: i + 1 }));
}

/** Moves that send notes back to their viewpoints' unclustered lanes (appended, in order). */
export function unclusterMoves(board, noteIds) {
  const ends = new Map();
  const moves = [];
  for (const id of noteIds) {
    const note = board.noteById.get(id);
    if (!note) continue;
    const vp = note.viewpoint_id;
    if (!ends.has(vp)) {
      const lane = (board.lanes.get(vp) || []).filter((n) => !noteIds.includes(n.id));
      ends.set(vp, lane.length ? Math.max(...lane.map((n) => n.position ?? 0)) : 0);
    }
    ends.set(vp, ends.get(vp) + 1);
    moves.push({ note_id: id, cluster_id: null, position: ends.get(vp) });
  }
  return moves;
}

/** Where each of these notes is now: moves that would put them back. */
export function currentPlaces(board, noteIds) {
  return noteIds
    .map((id) => board.noteById.get(id))
    .filter(Boolean)
    .map((n) => ({
      note_id: n.id,
      cluster_id: n.cluster_id && board.clusterById.has(n.cluster_id) ? n.cluster_id : null,
      position: n.position ?? 0,
    }));
}

/** Only the moves that change something. */
export function effectiveMoves(board, moves) {
  return moves.filter((m) => {
    const n = board.noteById.get(m.note_id);
    if (!n) return false;
    const current = n.cluster_id && board.clusterById.has(n.cluster_id) ? n.cluster_id : null;
    return current !== (m.cluster_id ?? null) || (n.position ?? 0) !== m.position;
  });
}

export function nextClusterPosition(board) {
  const all = board.clusters.map((g) => g.cluster.position ?? 0);
  return all.length ? Math.max(...all) + 1 : 1;
}

/** The global cluster order with one column's clusters (viewpoint scope) put in a new order. */
export function withColumnOrder(board, columnIds) {
  const all = board.clusters.map((g) => g.cluster.id);
  const set = new Set(columnIds);
  const queue = [...columnIds];
  return all.map((id) => (set.has(id) ? queue.shift() : id));
}

/** Notes in the order they appear on the board (for shift-selection and arrow keys). */
export function boardOrder(board) {
  const ids = [];
  if (board.scope === "plenary") {
    for (const vp of board.viewpoints) for (const n of board.lanes.get(vp.id) || []) ids.push(n.id);
    for (const g of board.clusters) for (const n of g.notes) ids.push(n.id);
  } else {
    for (const vp of board.viewpoints) {
      for (const g of board.clusters) if (g.viewpointId === vp.id) for (const n of g.notes) ids.push(n.id);
      for (const n of board.lanes.get(vp.id) || []) ids.push(n.id);
    }
  }
  return ids;
}

/** Can these notes share one cluster? In viewpoint scope only notes of one viewpoint. */
export function canShare(board, noteIds, clusterGroup = null) {
  if (board.scope !== "viewpoint") return true;
  const vps = new Set(noteIds.map((id) => board.noteById.get(id)?.viewpoint_id));
  if (clusterGroup) vps.add(clusterGroup.viewpointId);
  return vps.size <= 1;
}

/** A short quote of a note for announcements: “Privacy van burg…”. */
export function quote(text, max = 48) {
  // Characters, not UTF-16 units, so an emoji is never cut in half.
  const clean = Array.from(String(text || "").replace(/\s+/g, " ").trim());
  return clean.length > max ? `${clean.slice(0, max - 1).join("")}…` : clean.join("");
}
