// Denktank realtime client: one Socket.IO connection per page, kept in sync with the server.
//
//   import { connect } from "./realtime.js";
//   const rt = connect(config, { onChange, onStatus, onOutbox, onRejected, onAck, onRefused });
//   rt.state, rt.seq, rt.send(name, payload) → Promise<ack>, rt.resync(), rt.serverNow()
//
// It follows docs/protocol.md:
// - Commands go through an outbox in localStorage (per workshop, role and participant). Each gets
//   an op_id, is sent with an 8 s ack timeout, and stays in the outbox until the server answers
//   (ok or not). Timeouts and disconnects retry with jittered exponential backoff (0.5 s … 15 s);
//   the outbox is flushed on every connect, on visibilitychange → visible and when the browser
//   comes back online. Commands are sent one at a time, oldest first, so an edit never overtakes
//   the add of the same note.
// - On every connect the client sends `sync {last_seq}` and applies the replayed facts or the
//   snapshot; facts that arrive meanwhile are buffered and applied afterwards (only seq > current).
// - Facts come one per event, or several in one `facts` event ([[name, payload], ...]); each is
//   received the same way.
// - Facts with seq <= current are ignored. A fact with a gap (seq > current + 1) is held for up to
//   500 ms for the missing facts to arrive, then the client syncs.
// - `phase:changed` with `resync: true`, and `participant:moved` for this phone, resync from 0.
// - `seq:latest {seq}` (sent every few seconds by servers that share a Redis queue, when the
//   workshop's seq moved): if this client is still behind it 500 ms later, it syncs. That is how
//   facts lost during a Redis outage are noticed when no later fact reveals the gap.
//
// Acks that carry `me` (a phone's own votes) are merged into state.me, then onChange(state, "ack", ack).
// onChange(state, name, payload) is called after a snapshot (name "snapshot") and after every
// applied fact, also for each fact of a replay: pages should coalesce their rendering
// (e.g. with requestAnimationFrame).

import { io } from "../vendor/socket.io/socket.io.esm.min.js";

const ACK_TIMEOUT_MS = 8000;
const SYNC_TIMEOUT_MS = 10000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 15000;
const RETRY_AFTER_MAX_MS = 60000; // a longer retry_after is not believed
const GAP_WAIT_MS = 500;

// ---------------------------------------------------------------------------------------------
// Ids

/** A random UUID v4; also on http://192.168.x.x, where crypto.randomUUID is not available. */
export function newNoteId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") {
    try {
      return c.randomUUID();
    } catch (_) {
      // Not a secure context: fall through.
    }
  }
  const bytes = new Uint8Array(16);
  if (c && typeof c.getRandomValues === "function") {
    c.getRandomValues(bytes);
  } else {
    for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10xx
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const newOpId = newNoteId;

// ---------------------------------------------------------------------------------------------
// The reducer

let defaultNames = null;
const reverseCache = new WeakMap();

/** name ("note:added") → key ("NOTE_ADDED") for a names object from page_config. */
function keyOf(names, name) {
  if (!names) return null;
  let reverse = reverseCache.get(names);
  if (!reverse) {
    reverse = new Map(Object.entries(names).map(([key, value]) => [value, key]));
    reverseCache.set(names, reverse);
  }
  return reverse.get(name) || null;
}

/** Insert a note keeping creation order (oldest first); replace it in place when it exists. */
function upsertNote(notes, incoming) {
  const index = notes.findIndex((n) => n.id === incoming.id);
  if (index >= 0) {
    const old = notes[index];
    const merged = { ...incoming };
    if (merged.mine === undefined && old.mine !== undefined) merged.mine = old.mine;
    const copy = notes.slice();
    copy[index] = merged;
    return copy;
  }
  const copy = notes.slice();
  const at = incoming.created_at_ms;
  if (typeof at === "number") {
    // Usually the newest: append. A restored older note goes back to its place.
    let i = copy.length;
    while (i > 0 && typeof copy[i - 1].created_at_ms === "number" && copy[i - 1].created_at_ms > at) i--;
    copy.splice(i, 0, incoming);
  } else {
    copy.push(incoming);
  }
  return copy;
}

/** Apply viewpoint_counts ({id: n} or [{id|viewpoint_id, count|participant_count}]) and unassigned_count. */
function applyCounts(state, payload) {
  const next = { ...state };
  const counts = payload.viewpoint_counts;
  if (counts && Array.isArray(state.viewpoints)) {
    const byId = new Map();
    if (Array.isArray(counts)) {
      for (const item of counts) {
        const id = item.viewpoint_id ?? item.id;
        byId.set(String(id), item.count ?? item.participant_count ?? 0);
      }
    } else {
      for (const [id, n] of Object.entries(counts)) byId.set(String(id), n);
    }
    next.viewpoints = state.viewpoints.map((vp) =>
      byId.has(String(vp.id)) ? { ...vp, participant_count: byId.get(String(vp.id)) } : vp,
    );
  }
  if (typeof payload.unassigned_count === "number") next.unassigned_count = payload.unassigned_count;
  return next;
}

/**
 * Apply one fact to a state (the snapshot shape of docs/protocol.md) and return the new state.
 * Pure: the given state is not changed. `names` is page_config.names (defaults to the names of
 * the last connect()). Unknown facts only advance seq.
 */
export function applyFact(state, name, payload, names = defaultNames) {
  if (!state || !payload) return state;
  let next = { ...state };
  if (typeof payload.seq === "number") next.seq = payload.seq;
  const key = keyOf(names, name);
  switch (key) {
    case "NOTE_ADDED":
    case "NOTE_EDITED":
    case "NOTE_HIDDEN":
    case "NOTE_RESTORED":
      if (payload.note && payload.note.id) next.notes = upsertNote(state.notes || [], payload.note);
      break;
    case "NOTE_DELETED":
      next.notes = (state.notes || []).filter((n) => n.id !== payload.note_id);
      break;
    case "PHASE_CHANGED":
      next.workshop = { ...state.workshop, phase: payload.phase };
      if (payload.timer) next.timer = { ...payload.timer };
      if (payload.results_revealed === false && state.voting && state.voting.revealed) {
        next.voting = { ...state.voting, revealed: false };
        next.results = null;
      }
      break;
    case "TIMER_CHANGED":
      if (payload.timer) next.timer = { ...payload.timer };
      break;
    case "JOINING_CHANGED":
      next.workshop = { ...state.workshop, joining_locked: !!payload.joining_locked };
      break;
    case "PARTICIPANT_JOINED":
      next = withTotals(applyCounts(next, payload));
      if (payload.participant && Array.isArray(state.participants)) {
        const others = state.participants.filter((p) => p.id !== payload.participant.id);
        next.participants = [...others, payload.participant];
      }
      break;
    case "PARTICIPANT_MOVED":
      next = withProgress(withTotals(applyCounts(next, payload)), payload);
      if (Array.isArray(state.participants)) {
        next.participants = state.participants.map((p) =>
          p.id === payload.participant_id ? { ...p, viewpoint_id: payload.viewpoint_id } : p,
        );
      }
      if (state.me && state.me.participant_id === payload.participant_id) {
        next.me = { ...state.me, viewpoint_id: payload.viewpoint_id };
      }
      break;
    case "SPOTLIGHT_CHANGED":
      next.workshop = { ...state.workshop, spotlight_viewpoint_id: payload.viewpoint_id ?? null };
      break;
    case "WORKSHOP_UPDATED":
      if (payload.workshop) next.workshop = { ...state.workshop, ...payload.workshop };
      if (payload.kinds) next.kinds = payload.kinds;
      if (payload.viewpoints) next.viewpoints = payload.viewpoints;
      break;
    case "CLUSTER_CREATED":
    case "CLUSTER_RENAMED":
      if (payload.cluster) next.clusters = upsertCluster(state.clusters || [], payload.cluster);
      if (payload.moves) next.notes = applyMoves(next.notes || [], payload.moves);
      break;
    case "NOTES_MOVED":
      next.notes = applyMoves(state.notes || [], payload.moves || []);
      break;
    case "CLUSTER_MERGED":
      next.notes = applyMoves(state.notes || [], payload.moves || []);
      next.clusters = (state.clusters || []).filter((c) => c.id !== payload.source_id);
      break;
    case "CLUSTER_DISSOLVED":
      next.notes = applyMoves(state.notes || [], payload.moves || []);
      next.clusters = (state.clusters || []).filter((c) => c.id !== payload.cluster_id);
      break;
    case "CLUSTERS_REORDERED": {
      const positions = payload.positions || {};
      next.clusters = sortByPosition(
        (state.clusters || []).map((c) =>
          c.id in positions ? { ...c, position: positions[c.id] } : c,
        ),
      );
      break;
    }
    case "NOTE_ENDORSED":
      next.notes = (state.notes || []).map((n) =>
        n.id === payload.note_id ? { ...n, endorsements: payload.endorsements } : n,
      );
      break;
    case "VOTE_CHANGED":
      next = withProgress(next, payload);
      if (Array.isArray(state.proxy_votes)) {
        next.proxy_votes = upsertEntry(state.proxy_votes, payload, payload.dots > 0 ? { dots: payload.dots } : null);
      }
      break;
    case "RISK_SCORED":
      next = withProgress(next, payload);
      if (Array.isArray(state.proxy_ratings)) {
        next.proxy_ratings = upsertEntry(state.proxy_ratings, payload, payload.rating);
      }
      break;
    case "VOTES_PROGRESS":
    case "PARTICIPANT_NOTES_REMOVED": // the recounted progress after an erasure
      next = withProgress(next, payload);
      break;
    case "PROXY_ADDED":
      if (payload.proxy) {
        const others = (state.proxies || []).filter((p) => p.id !== payload.proxy.id);
        next.proxies = [...others, payload.proxy];
      }
      break;
    case "RESULTS_REVEALED":
      next.voting = { ...state.voting, revealed: !!payload.revealed };
      if (payload.view) next.voting.view = payload.view;
      next.results = payload.results || null;
      break;
    default:
      // seq:skipped, workshop:created and facts this version does not know: only the seq moves.
      break;
  }
  return next;
}

/**
 * Voting progress ({voted, done, total} per viewpoint): a fact carries either the whole
 * `progress` or a `progress_delta` {viewpoint, voted, done} to add (every fact arrives once).
 */
function withProgress(state, payload) {
  if (!state.voting) return state;
  if (payload.progress) return { ...state, voting: { ...state.voting, progress: payload.progress } };
  const change = payload.progress_delta;
  if (!change) return state;
  const key = String(change.viewpoint);
  const add = (counts, n) => ({ ...(counts || {}), [key]: ((counts || {})[key] || 0) + n });
  const old = state.voting.progress || {};
  const progress = { ...old, voted: add(old.voted, change.voted), done: add(old.done, change.done) };
  return { ...state, voting: { ...state.voting, progress } };
}

/** Progress totals follow the participant counts (proxies are in neither). */
function withTotals(state) {
  if (!state.voting || !state.voting.progress || !Array.isArray(state.viewpoints)) return state;
  const total = {};
  for (const vp of state.viewpoints) total[String(vp.id)] = vp.participant_count || 0;
  if (state.unassigned_count) total.none = state.unassigned_count;
  return { ...state, voting: { ...state.voting, progress: { ...state.voting.progress, total } } };
}

/** Replace the entry for (participant_id, target) in a proxy list, or drop it when `value` is null. */
function upsertEntry(list, payload, value) {
  const same = (e) =>
    e.participant_id === payload.participant_id &&
    e.target_type === payload.target_type &&
    e.target_id === payload.target_id;
  const others = list.filter((e) => !same(e));
  if (!value) return others;
  const entry = {
    participant_id: payload.participant_id,
    target_type: payload.target_type,
    target_id: payload.target_id,
    ...value,
  };
  return [...others, entry];
}

function sortByPosition(items) {
  return [...items].sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
}

/** Insert or replace a cluster by id, keeping clusters ordered by position. */
function upsertCluster(clusters, incoming) {
  return sortByPosition([...clusters.filter((c) => c.id !== incoming.id), incoming]);
}

/** Apply moves [{note_id, cluster_id, position}] to notes (unknown note ids are ignored). */
function applyMoves(notes, moves) {
  if (!moves.length) return notes;
  const byNote = new Map(moves.map((m) => [m.note_id, m]));
  return notes.map((n) => {
    const move = byNote.get(n.id);
    return move ? { ...n, cluster_id: move.cluster_id ?? null, position: move.position } : n;
  });
}

/** Does this fact ask the client to sync from 0 (a fresh snapshot)? */
function needsFullSync(state, name, payload, names) {
  const key = keyOf(names, name);
  if (key === "PHASE_CHANGED") return !!payload.resync;
  if (key === "PARTICIPANT_MOVED") {
    return !!(state && state.me && state.me.participant_id === payload.participant_id);
  }
  // Only the facilitator gets this fact: when dots or ratings went with the notes, its proxies'
  // votes and budgets changed too, which the fact does not list. Rare: a fresh snapshot.
  if (key === "PARTICIPANT_NOTES_REMOVED") return payload.votes > 0;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Storage (localStorage, or memory when it is not available, e.g. some private modes)

const memoryStore = new Map();
function storageGet(key) {
  try {
    return window.localStorage.getItem(key);
  } catch (_) {
    return memoryStore.has(key) ? memoryStore.get(key) : null;
  }
}
function storageSet(key, value) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch (_) {
    if (value === null) memoryStore.delete(key);
    else memoryStore.set(key, value);
  }
}

// ---------------------------------------------------------------------------------------------
// The connection

function factNamesOf(config) {
  if (Array.isArray(config.fact_names) && config.fact_names.length) return config.fact_names;
  const names = config.names || {};
  const out = Object.values(names).filter((n) => /:[a-z_]*ed$/.test(n));
  if (names.SEQ_SKIPPED && !out.includes(names.SEQ_SKIPPED)) out.push(names.SEQ_SKIPPED);
  return out;
}

function backoff(attempt) {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt);
  return Math.round(base / 2 + Math.random() * (base / 2));
}

/**
 * The wait before trying again after a refusal with `retry: true`: the backoff, but never less
 * than the server's `retry_after` (seconds; a throttled client that came back sooner would only
 * be refused again), plus up to a quarter more so a room of phones does not return at once.
 */
function retryDelay(attempt, ack) {
  const wait = backoff(attempt);
  const after = ack && typeof ack.retry_after === "number" && ack.retry_after > 0 ? ack.retry_after * 1000 : 0;
  if (!after) return wait;
  const honoured = Math.min(RETRY_AFTER_MAX_MS, after * (1 + Math.random() / 4));
  return Math.max(wait, Math.round(honoured));
}

/**
 * Open the page's realtime connection. `config` is page_config: {names, fact_names?, socket:
 * {path, auth}, participant_id?, ...}. Handlers (all optional): onChange(state, name, payload),
 * onStatus(status), onOutbox(pending), onRejected(name, payload, ack), onAck(name, payload, ack),
 * onRefused(data) when the server refuses the connection ({code, message}), onDeleted(payload)
 * when the workshop was deleted (the connection is closed for good then).
 */
export function connect(config, handlers = {}) {
  const names = config.names || {};
  defaultNames = names;
  const socketConfig = config.socket || {};
  const auth = socketConfig.auth || {};
  const workshopId = auth.workshop ?? config.workshop_id ?? "0";
  const role = auth.role || config.role || "participant";
  const participantId = config.participant_id ?? (config.me && config.me.participant_id) ?? null;
  const outboxKey = `denktank:outbox:${workshopId}:${role}${participantId != null ? ":" + participantId : ""}`;

  const call = (name, ...args) => {
    const fn = handlers[name];
    if (typeof fn !== "function") return;
    try {
      fn(...args);
    } catch (error) {
      console.error(`denktank realtime: ${name} failed`, error);
    }
  };

  // --- state and seq -------------------------------------------------------------------------
  let state = null;
  let seq = 0;
  let offsetMs = 0;
  let status = "connecting";
  const ownNoteIds = new Set();

  const setStatus = (value) => {
    if (status === value) return;
    status = value;
    call("onStatus", value);
  };

  function markMine(note) {
    if (!note || !note.id) return note;
    if (note.mine) ownNoteIds.add(note.id);
    else if (ownNoteIds.has(note.id)) return { ...note, mine: true };
    return note;
  }

  function withMine(name, payload) {
    if (payload && payload.note && ownNoteIds.has(payload.note.id) && !payload.note.mine) {
      return { ...payload, note: { ...payload.note, mine: true } };
    }
    return payload;
  }

  // --- outbox ---------------------------------------------------------------------------------
  const waiters = new Map(); // op_id → [resolve, ...]
  let attempt = 0;
  let inFlight = null; // op_id being sent
  let retryTimer = null;
  let holdUntil = 0; // after a rate_limited refusal: send nothing before this time (ms)

  function readOutbox() {
    try {
      const parsed = JSON.parse(storageGet(outboxKey) || "[]");
      return Array.isArray(parsed) ? parsed.filter((e) => e && e.op_id && e.name) : [];
    } catch (_) {
      return [];
    }
  }
  function writeOutbox(entries) {
    storageSet(outboxKey, entries.length ? JSON.stringify(entries) : null);
  }
  function publishOutbox() {
    call("onOutbox", readOutbox().map((e) => ({ name: e.name, payload: e.payload })));
  }
  function removeFromOutbox(opId) {
    writeOutbox(readOutbox().filter((e) => e.op_id !== opId));
    publishOutbox();
  }

  for (const entry of readOutbox()) {
    if (entry.name === names.NOTE_ADD && entry.payload && entry.payload.note_id) ownNoteIds.add(entry.payload.note_id);
  }

  function resolveWaiters(opId, ack) {
    const list = waiters.get(opId);
    waiters.delete(opId);
    if (list) for (const resolve of list) resolve(ack);
  }

  function whenAcked(opId) {
    return new Promise((resolve) => {
      if (!waiters.has(opId)) waiters.set(opId, []);
      waiters.get(opId).push(resolve);
    });
  }

  function scheduleFlush(delay) {
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      flush();
    }, delay);
  }

  function flush() {
    if (inFlight || !socket.connected) return;
    const waitMs = holdUntil - Date.now();
    if (waitMs > 0) {
      // Throttled: also a reconnect or the page becoming visible waits for retry_after.
      if (!retryTimer) scheduleFlush(waitMs);
      return;
    }
    const entries = readOutbox();
    if (!entries.length) {
      attempt = 0;
      return;
    }
    const entry = entries[0];
    const token = { op_id: entry.op_id };
    inFlight = token;
    socket.timeout(ACK_TIMEOUT_MS).emit(entry.name, entry.payload, (err, ack) => {
      if (inFlight === token) inFlight = null;
      if (err || !ack || typeof ack !== "object") {
        // Timeout or disconnect: keep it and retry (after reconnecting, or after a backoff).
        attempt += 1;
        if (socket.connected) scheduleFlush(backoff(attempt));
        return;
      }
      if (ack.ok === false && ack.retry) {
        // The server could not apply it right now (nothing was applied): same op, later, and
        // not before the throttle's retry_after.
        attempt += 1;
        const delay = retryDelay(attempt, ack);
        if (ack.retry_after) holdUntil = Date.now() + delay;
        if (socket.connected) scheduleFlush(delay);
        return;
      }
      attempt = 0;
      removeFromOutbox(entry.op_id);
      if (ack.me && state && state.me) {
        // A phone's own votes travel only in its acks (the room's facts never show them).
        state = { ...state, me: { ...state.me, ...ack.me } };
        call("onChange", state, "ack", ack);
      }
      if (ack.ok === false) call("onRejected", entry.name, entry.payload, ack);
      call("onAck", entry.name, entry.payload, ack);
      resolveWaiters(entry.op_id, ack);
      flush();
    });
  }

  function send(name, payload = {}) {
    const opId = newNoteId();
    const full = { ...payload, op_id: opId };
    if (name === names.NOTE_ADD && full.note_id) ownNoteIds.add(full.note_id);
    const entries = readOutbox();
    entries.push({ op_id: opId, name, payload: full, created_at_ms: Date.now() });
    writeOutbox(entries);
    const promise = whenAcked(opId);
    publishOutbox();
    flush();
    return promise;
  }

  // --- sync ----------------------------------------------------------------------------------
  let syncing = false;
  let syncAgainFrom = null; // null, or the last_seq for a sync requested while one is in flight
  let buffer = []; // facts that arrived during a sync
  const held = new Map(); // seq → [name, payload] waiting for a gap to fill
  let gapTimer = null;
  let syncAttempt = 0;
  let syncRetryTimer = null;
  let syncGen = 0;

  function requestSync(fromSeq) {
    if (syncing) {
      syncAgainFrom = syncAgainFrom === null ? fromSeq : Math.min(syncAgainFrom, fromSeq);
      return;
    }
    startSync(fromSeq);
  }

  function startSync(fromSeq) {
    if (!socket.connected) return; // the next connect syncs
    syncing = true;
    clearGap();
    for (const fact of held.values()) buffer.push(fact);
    held.clear();
    setStatus("syncing");
    const lastSeq = state ? fromSeq : 0;
    const gen = ++syncGen;
    socket.timeout(SYNC_TIMEOUT_MS).emit(names.SYNC || "sync", { last_seq: lastSeq }, (err, ack) => {
      if (gen !== syncGen) return; // superseded by a reconnect
      if (err || !ack || ack.ok === false) {
        syncing = false;
        if (ack && ack.ok === false) call("onRejected", names.SYNC || "sync", { last_seq: lastSeq }, ack);
        syncAttempt += 1;
        if (syncRetryTimer) clearTimeout(syncRetryTimer);
        syncRetryTimer = setTimeout(() => requestSync(syncAgainFrom ?? lastSeq), retryDelay(syncAttempt, ack));
        syncAgainFrom = null;
        return;
      }
      syncAttempt = 0;
      if (typeof ack.server_now_ms === "number") offsetMs = ack.server_now_ms - Date.now();
      let again = syncAgainFrom;
      syncAgainFrom = null;
      if (ack.mode === "snapshot" && ack.snapshot) {
        const snap = ack.snapshot;
        const notes = Array.isArray(snap.notes) ? snap.notes.map(markMine) : [];
        state = { ...snap, notes, seq: ack.seq ?? snap.seq ?? 0 };
        seq = state.seq;
        call("onChange", state, "snapshot", snap);
      } else if (Array.isArray(ack.events)) {
        for (const [name, payload] of ack.events) {
          if (!payload || typeof payload.seq !== "number" || payload.seq <= seq) continue;
          if (applyOne(name, payload)) again = 0;
        }
        if (typeof ack.seq === "number" && ack.seq > seq) {
          seq = ack.seq;
          state = { ...state, seq };
        }
      }
      syncing = false;
      const pending = buffer;
      buffer = [];
      if (again !== null) {
        buffer = pending;
        startSync(again === 0 ? 0 : seq);
        return;
      }
      setStatus("online");
      pending.sort((a, b) => a[1].seq - b[1].seq);
      for (let i = 0; i < pending.length; i++) {
        if (syncing) {
          buffer.push(...pending.slice(i));
          break;
        }
        receive(pending[i][0], pending[i][1]);
      }
    });
  }

  /** Apply one in-order fact; returns true when it needs a sync from 0. */
  function applyOne(name, payload) {
    const full = needsFullSync(state, name, payload, names);
    const marked = withMine(name, payload);
    state = applyFact(state, name, marked, names);
    seq = payload.seq;
    if (typeof payload.server_now_ms === "number") {
      offsetMs = payload.server_now_ms - Date.now();
    }
    call("onChange", state, name, marked);
    return full;
  }

  function clearGap() {
    if (gapTimer) clearTimeout(gapTimer);
    gapTimer = null;
  }

  function receive(name, payload) {
    if (!payload || typeof payload.seq !== "number") return;
    if (syncing || !state) {
      // Bounded: if a sync takes that long, gap detection resyncs for whatever was dropped.
      if (buffer.length < 5000) buffer.push([name, payload]);
      return;
    }
    if (payload.seq <= seq) return;
    if (payload.seq > seq + 1) {
      held.set(payload.seq, [name, payload]);
      if (!gapTimer) {
        gapTimer = setTimeout(() => {
          gapTimer = null;
          if (held.size) requestSync(seq);
        }, GAP_WAIT_MS);
      }
      return;
    }
    if (applyOne(name, payload)) {
      requestSync(0);
      return;
    }
    // Drain facts that were waiting for this one.
    while (held.has(seq + 1)) {
      const [n, p] = held.get(seq + 1);
      held.delete(seq + 1);
      if (applyOne(n, p)) {
        requestSync(0);
        return;
      }
    }
    for (const s of held.keys()) if (s <= seq) held.delete(s);
    if (!held.size) clearGap();
  }

  // --- the socket ----------------------------------------------------------------------------
  const socket = io({
    path: socketConfig.path || "/socket.io",
    auth,
    transports: ["websocket", "polling"],
    tryAllTransports: true,
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    randomizationFactor: 0.5,
    timeout: 10000,
  });

  const factNames = factNamesOf(config);
  for (const factName of factNames) {
    socket.on(factName, (payload) => receive(factName, payload));
  }
  // A burst of facts for this screen's room comes as one `facts` message, [[name, payload], ...]
  // in seq order: each goes through receive() exactly as if it had come on its own. An unknown
  // name is skipped like an event nobody listens to; the gap it leaves makes the client sync.
  const knownFacts = new Set(factNames);
  socket.on(names.FACTS_BATCH || "facts", (batch) => {
    if (!Array.isArray(batch)) return;
    for (const entry of batch) {
      if (Array.isArray(entry) && knownFacts.has(entry[0])) receive(entry[0], entry[1]);
    }
  });
  socket.on(names.SEQ_LATEST || "seq:latest", (payload) => {
    const target = payload && payload.seq;
    if (typeof target !== "number" || target <= seq) return;
    setTimeout(() => {
      if (seq < target) requestSync(seq);
    }, GAP_WAIT_MS);
  });

  // The workshop was deleted (console or retention purge): nothing can ever be sent or shown
  // again, so stop reconnecting (the refused reconnects would only say "not found"), drop the
  // outbox and let the page say so.
  let deleted = false;
  let refusedTimer = null;
  socket.on(names.WORKSHOP_DELETED || "workshop:deleted", (payload) => {
    if (deleted) return;
    deleted = true;
    if (refusedTimer) clearTimeout(refusedTimer);
    refusedTimer = null;
    writeOutbox([]);
    publishOutbox();
    socket.disconnect();
    call("onDeleted", payload);
  });

  socket.on("connect", () => {
    if (refusedTimer) clearTimeout(refusedTimer);
    refusedTimer = null;
    attempt = 0;
    inFlight = null;
    // Facts from the old connection are superseded by this sync.
    buffer = [];
    syncAgainFrom = null;
    syncing = false;
    startSync(seq); // reads the last applied seq now
    flush();
  });
  socket.on("disconnect", () => {
    syncing = false;
    syncGen += 1;
    if (syncRetryTimer) clearTimeout(syncRetryTimer);
    syncRetryTimer = null;
    inFlight = null;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    setStatus("offline");
  });
  socket.on("connect_error", (err) => {
    setStatus("offline");
    if (!socket.active && !deleted) {
      // The server refused us (middleware error with {code, message}); try again slowly.
      call("onRefused", (err && err.data) || { code: "error", message: String((err && err.message) || err) });
      if (refusedTimer) clearTimeout(refusedTimer);
      refusedTimer = setTimeout(() => socket.connect(), BACKOFF_MAX_MS);
    }
  });

  const wake = () => {
    if (document.visibilityState !== "visible" || deleted) return;
    if (!socket.connected && !socket.active) socket.connect();
    if (socket.connected && !syncing) setStatus("online");
    attempt = 0;
    if (retryTimer) {
      clearTimeout(retryTimer);
      retryTimer = null;
    }
    flush();
  };
  document.addEventListener("visibilitychange", wake);
  window.addEventListener("online", wake);
  // The browser says it lost the network: show it now, even before the socket notices.
  window.addEventListener("offline", () => setStatus("offline"));

  // Tell the page about ops restored from a previous visit (after connect() has returned).
  queueMicrotask(() => {
    publishOutbox();
    call("onStatus", status);
  });

  return {
    get state() {
      return state;
    },
    get seq() {
      return seq;
    },
    get status() {
      return status;
    },
    get socket() {
      return socket;
    },
    get pending() {
      return readOutbox().map((e) => ({ name: e.name, payload: e.payload }));
    },
    send,
    whenAcked,
    resync() {
      requestSync(0);
    },
    /**
     * A read-only request (no op id, no outbox, no retry), e.g. suggestions. Resolves with the
     * ack, or with {ok: false, code: "offline"} when not connected or no answer in time.
     */
    request(name, payload = {}) {
      return new Promise((resolve) => {
        if (!socket.connected) {
          resolve({ ok: false, code: "offline" });
          return;
        }
        socket.timeout(ACK_TIMEOUT_MS).emit(name, payload, (err, ack) => {
          resolve(err || !ack ? { ok: false, code: "offline" } : ack);
        });
      });
    },
    serverNow() {
      return Date.now() + offsetMs;
    },
    isMine(noteId) {
      return ownNoteIds.has(noteId);
    },
    close() {
      document.removeEventListener("visibilitychange", wake);
      window.removeEventListener("online", wake);
      socket.close();
    },
  };
}
