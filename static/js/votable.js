// What can be voted on: shared by the phone's ballot and the console's votes by proxy (no DOM).

/**
 * The votable items, as the server counts them (workshop/summary.py): clusters holding a visible
 * note, in board order, then visible notes outside any cluster, oldest first. Each item has
 * type, id, key, title, untitled, notes and vps (the viewpoints that raised it).
 */
export function votableItems(state, untitled) {
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
    items.push({ type: "cluster", id: cluster.id, key: `cluster:${cluster.id}`, title: title || untitled, untitled: !title, notes, vps: raisedBy(notes) });
  }
  loose.sort((a, b) => (a.created_at_ms ?? 0) - (b.created_at_ms ?? 0));
  for (const note of loose) {
    items.push({ type: "note", id: note.id, key: `note:${note.id}`, title: note.text || "", note, notes: [note], vps: raisedBy([note]) });
  }
  return items;
}
