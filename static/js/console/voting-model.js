// What the console's voting panel knows: the voting settings, progress, proxies and the dots and
// ratings entered for them. Kept from the snapshot and from the facts themselves (vote:changed
// carries absolute values, so applying a fact twice changes nothing), so the panel stays right
// whichever voting facts the shared reducer already applies.

const VIEWS = ["ranking", "matrix", "viewpoints", "raised_by"];

export function createVotingModel(names) {
  let voting = null; // {mode, budget, cap, revealed, view, progress}
  let results = null;
  let proxies = [];
  let proxyVotes = new Map(); // "pid|type|id" → dots
  let proxyRatings = new Map(); // "pid|type|id" → {likelihood, impact}

  const key = (pid, type, id) => `${pid}|${type}|${id}`;

  function fromState(state) {
    voting = { mode: "dots", budget: 5, cap: 3, revealed: false, view: "ranking", progress: {}, ...(state.voting || {}) };
    if (!VIEWS.includes(voting.view)) voting.view = "ranking";
    results = state.results || null;
    proxies = Array.isArray(state.proxies) ? state.proxies.slice() : [];
    proxyVotes = new Map();
    for (const v of state.proxy_votes || []) proxyVotes.set(key(v.participant_id, v.target_type, v.target_id), v.dots);
    proxyRatings = new Map();
    for (const r of state.proxy_ratings || []) {
      proxyRatings.set(key(r.participant_id, r.target_type, r.target_id), { likelihood: r.likelihood, impact: r.impact });
    }
  }

  /** Follow one fact (after the reducer ran; `state` is the new state). */
  function apply(name, payload, state) {
    if (name === "snapshot" || !voting) {
      fromState(state);
      return;
    }
    if (!payload) return;
    // Progress travels as changes; the shared reducer adds them up.
    if (state.voting && state.voting.progress) voting = { ...voting, progress: state.voting.progress };
    const isProxy = proxies.some((p) => p.id === payload.participant_id);
    if (name === names.VOTE_CHANGED && isProxy) {
      proxyVotes.set(key(payload.participant_id, payload.target_type, payload.target_id), payload.dots || 0);
    } else if (name === names.RISK_SCORED && isProxy) {
      const rating = payload.rating || {};
      const k = key(payload.participant_id, payload.target_type, payload.target_id);
      if (rating.likelihood == null && rating.impact == null) proxyRatings.delete(k);
      else proxyRatings.set(k, { likelihood: rating.likelihood ?? null, impact: rating.impact ?? null });
    } else if (name === names.PROXY_ADDED && payload.proxy) {
      proxies = [...proxies.filter((p) => p.id !== payload.proxy.id), payload.proxy];
    } else if (name === names.RESULTS_REVEALED) {
      voting = { ...voting, revealed: !!payload.revealed };
      if (VIEWS.includes(payload.view)) voting.view = payload.view;
      if (payload.results) results = payload.results;
    } else if (name === names.PHASE_CHANGED) {
      if (payload.results_revealed !== undefined) voting = { ...voting, revealed: !!payload.results_revealed };
    } else if (name === names.WORKSHOP_UPDATED && state.voting) {
      voting = { ...voting, ...state.voting, progress: voting.progress };
    }
  }

  function setResults(next, nextVoting) {
    if (next) results = next;
    if (nextVoting) {
      voting = { ...voting, ...nextVoting };
      if (!VIEWS.includes(voting.view)) voting.view = "ranking";
    }
  }

  function dotsOf(pid, type, id) {
    return proxyVotes.get(key(pid, type, id)) || 0;
  }
  function ratingOf(pid, type, id) {
    return proxyRatings.get(key(pid, type, id)) || null;
  }
  function spentBy(pid) {
    let sum = 0;
    for (const [k, dots] of proxyVotes) if (k.startsWith(`${pid}|`)) sum += dots;
    return sum;
  }
  function ratedBy(pid) {
    let n = 0;
    for (const [k, r] of proxyRatings) if (k.startsWith(`${pid}|`) && r && (r.likelihood || r.impact)) n += 1;
    return n;
  }

  return {
    VIEWS,
    fromState,
    apply,
    setResults,
    dotsOf,
    ratingOf,
    spentBy,
    ratedBy,
    get voting() { return voting; },
    get results() { return results; },
    get proxies() { return proxies; },
  };
}
