// What a phone can vote on, and its own dots: the model behind voting.js (no DOM).

/** Votable items, in board order: clusters (by position), then loose notes (oldest first). */
export function votableItems(state, T) {
  const clusters = state.clusters || [];
  const known = new Set(clusters.map((c) => c.id));
  const inCluster = new Map();
  const loose = [];
  for (const note of state.notes || []) {
    if (note.hidden || note.pending) continue;
    if (note.cluster_id && known.has(note.cluster_id)) {
      if (!inCluster.has(note.cluster_id)) inCluster.set(note.cluster_id, []);
      inCluster.get(note.cluster_id).push(note);
    } else if (!note.cluster_id && !note.redacted) {
      loose.push(note);
    }
  }
  const vps = (state.viewpoints || []).slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const raisedBy = (notes) => vps.filter((vp) => notes.some((n) => n.viewpoint_id === vp.id));
  const items = [];
  for (const cluster of clusters) {
    const notes = inCluster.get(cluster.id);
    if (!notes || !notes.length) continue;
    notes.sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    const title = (cluster.title || "").trim();
    items.push({ type: "cluster", id: cluster.id, key: `cluster:${cluster.id}`, title: title || T.untitled, untitled: !title, notes, vps: raisedBy(notes) });
  }
  loose.sort((a, b) => (a.created_at_ms ?? 0) - (b.created_at_ms ?? 0));
  for (const note of loose) {
    items.push({ type: "note", id: note.id, key: `note:${note.id}`, title: note.text || "", note, notes: [note], vps: raisedBy([note]) });
  }
  return items;
}

/** The phone's dots per item: confirmed plus pending, never below 0 or above the cap. */
export function dotsOf(state, pending, N, cap) {
  const map = new Map();
  const busy = new Set();
  for (const v of (state.me && state.me.votes) || []) map.set(`${v.target_type}:${v.target_id}`, v.dots);
  for (const op of pending) {
    const add = op.name === N.VOTE_ADD;
    if ((!add && op.name !== N.VOTE_REMOVE) || !op.payload) continue;
    const key = `${op.payload.target_type}:${op.payload.target_id}`;
    map.set(key, Math.max(0, Math.min(cap, (map.get(key) || 0) + (add ? 1 : -1))));
    busy.add(key);
  }
  return { map, busy };
}
