// A phone's own dots, confirmed plus pending: part of the model behind voting.js (no DOM).

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
