// The participant's phone: follows the phase, posts and edits notes, never loses one.
import { connect, newNoteId } from "./realtime.js";

const config = JSON.parse(document.getElementById("denktank-config").textContent);
const T = JSON.parse(document.getElementById("denktank-strings").textContent);
const N = config.names;
const $ = (id) => document.getElementById(id);
const fmt = (text, params) => String(text).replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));
// Server-rendered colours (the CSP allows no style attributes; the CSSOM is fine).
for (const node of document.querySelectorAll("[data-vp-colour]")) {
  if (/^#[0-9a-fA-F]{6}$/.test(node.dataset.vpColour)) node.style.setProperty("--vp", node.dataset.vpColour);
}

const POSTING_PHASES = new Set(["brainstorm", "share"]);
const SCREEN_PHASES = new Set(["cluster", "vote", "results"]);
const ALL_NOTES_PHASES = new Set(["share", "cluster", "vote", "results", "closed"]);
// The clustered board replaces the list once there are clusters; +1s from the share phase on.
const CLUSTER_PHASES = new Set(["cluster", "vote", "results", "closed"]);
const ENDORSE_PHASES = new Set(["share", "cluster", "vote", "results"]);
const UNDO_MS = 5000;

const els = {
  top: $("top"),
  groupName: $("group-name"),
  group: $("group"),
  question: $("question"),
  timer: $("timer"),
  timerValue: $("timer-value"),
  conn: $("conn"),
  connText: $("conn-text"),
  offline: $("offline"),
  lobby: $("panel-lobby"),
  lobbyTitle: $("lobby-title"),
  lobbyGroup: $("lobby-group"),
  lobbyName: $("lobby-name"),
  unassigned: $("panel-unassigned"),
  screen: $("panel-screen"),
  screenPhase: $("screen-phase"),
  closed: $("panel-closed"),
  notes: $("notes"),
  notesTitle: $("notes-title"),
  notesCount: $("notes-count"),
  tabs: $("tabs"),
  others: $("others"),
  list: $("note-list"),
  empty: $("notes-empty"),
  toast: $("toast"),
  toastText: $("toast-text"),
  toastAction: $("toast-action"),
  composer: $("composer"),
  kinds: $("kinds"),
  text: $("note-text"),
  send: $("send"),
  reason: $("composer-reason"),
  counter: $("note-counter"),
  similar: $("similar"),
  clusters: $("clusters"),
  clustersCount: $("clusters-count"),
  clusterBoard: $("cluster-board"),
  voting: $("voting"),
};

// --- page state (what is not in rt.state) -------------------------------------------------------
const storeKey = (what) => `denktank:${what}:${config.socket?.auth?.workshop ?? ""}`;
let selectedKind = readStore(storeKey("kind"));
let activeTab = null; // viewpoint id shown in the share phase and later
let editingId = null;
let outbox = [];
let status = "connecting";
let refused = false;
let firstListRender = true;
const pendingDeletes = new Map(); // note_id → timeout id (undo window)
const sentAdds = new Map(); // note_id → {note, seq}: acknowledged, fact not applied yet
const failedAdds = new Map(); // note_id → {note, message}: refused by the server, kept to retry or dismiss
const nodes = new Map(); // note_id → {el, sig}

function readStore(key) {
  try {
    return window.localStorage.getItem(key);
  } catch (_) {
    return null;
  }
}
function writeStore(key, value) {
  try {
    window.localStorage.setItem(key, value);
  } catch (_) {
    /* private mode: keep it in memory only */
  }
}

// --- rendering -----------------------------------------------------------------------------------
let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function viewpointById(state, id) {
  return (state.viewpoints || []).find((vp) => vp.id === id) || null;
}

function kindLabel(state, key) {
  const kind = (state.kinds || []).find((k) => k.key === key);
  return kind ? kind.label : key;
}

function show(el, visible) {
  if (el) el.hidden = !visible;
}

function render() {
  const state = rt.state;
  if (!state || !state.workshop) return;
  const phase = state.workshop.phase;
  const me = state.me || {};
  const mine = viewpointById(state, me.viewpoint_id);
  document.body.dataset.phase = phase;

  renderHeader(state, mine);
  show(els.lobby, phase === "lobby");
  show(els.unassigned, !mine && phase !== "closed");
  // Voting (vote, results): its own screen, in place of the board and the composer.
  const voting = (phase === "vote" || phase === "results") && votingModule()?.render(state);
  show(els.voting, !!voting);
  show(els.screen, SCREEN_PHASES.has(phase) && !voting);
  show(els.closed, phase === "closed");
  els.screenPhase.textContent = T.phases[phase] || phase;
  renderLobby(state, mine);
  renderComposer(state, mine, phase);
  if (voting) show(els.composer, false);
  const clustered = !voting && CLUSTER_PHASES.has(phase) && renderClusters(state, mine, phase) > 0;
  show(els.clusters, clustered);
  renderNotes(state, mine, phase, clustered || voting);
  renderTimer();
}

// --- the clustered board (read-only) and +1s -------------------------------------------------------
// `rt` is created at the end of this module; these only use it later.
const lazyRt = { get state() { return rt.state; }, send: (name, payload) => rt.send(name, payload) };
/** A module loaded the first time it is needed (not part of the first page load): the made object, or null while loading. */
function lazy(load, make) {
  let made = null;
  let loading = null;
  return (start = true) => {
    if (start) loading ||= load()
      .then((module) => {
        made = make(module);
        scheduleRender();
      })
      .catch(() => setTimeout(() => ((loading = null), scheduleRender()), 5000)); // offline: later
    return made;
  };
}
// +1s appear once notes are shared: their module loads with the first +1 control or tap, which
// keeps the page's first load under 50 KB. Until then the server's list says what is endorsed.
let endorseMade = null;
let endorseLoading = null;
function loadEndorse() {
  endorseLoading ||= import("./participant/endorse.js")
    .then((m) => {
      endorseMade = m.createEndorsements(lazyRt, N, T, () => outbox);
      scheduleRender();
      return endorseMade;
    })
    .catch((error) => {
      endorseLoading = null; // offline: the next render tries again
      throw error;
    });
  return endorseLoading;
}
const endorsements = {
  isEndorsed: (id) => (endorseMade ? endorseMade.isEndorsed(id) : !!rt.state?.me?.endorsed?.includes(id)),
  set(id, endorsed) {
    if (endorseMade) return endorseMade.set(id, endorsed);
    // Into the outbox now, not after the module arrives: the tap counts also when offline.
    const sent = rt.send(N.NOTE_ENDORSE, { note_id: id, endorsed });
    sent.then((ack) => ack && ack.ok && loadEndorse().then((made) => made.remember(id, endorsed)).catch(() => {}));
    return sent;
  },
  toggle: (id) => loadEndorse().then((made) => made.toggle(id)),
  updateControl(holder, note, options) {
    if (endorseMade) endorseMade.updateControl(holder, note, options);
    else if (options.interactive || note.endorsements) loadEndorse().catch(() => {});
  },
};
const boardModule = lazy(() => import("./participant/clusters.js"), (m) => m.createPhoneClusters(els.clusterBoard, T, endorsements));
const votingModule = lazy(() => import("./participant/voting.js"), (m) => m.createPhoneVoting(els.voting, { rt, N, T, kindLabel: (key) => kindLabel(rt.state, key) }));

function renderClusters(state, mine, phase) {
  const phoneClusters = boardModule();
  if (!phoneClusters) return 0;
  const n = phoneClusters.render(state, {
    notes: composeNotes(state, mine),
    mine,
    canEndorse: !!mine && ENDORSE_PHASES.has(phase),
    kindLabel: (key) => kindLabel(state, key),
  });
  els.clustersCount.textContent = n === 1 ? T.clusters_one : fmt(T.clusters_many, { count: n });
  return n;
}

function onEndorseClick(event) {
  const button = event.target.closest('button[data-action="endorse"]');
  if (!button) return false;
  const holder = button.closest("[data-note-id], [data-id]");
  const id = holder && (holder.dataset.noteId || holder.dataset.id);
  if (!id || rt.isMine(id)) return true;
  endorsements.toggle(id);
  scheduleRender();
  return true;
}
els.clusterBoard.addEventListener("click", onEndorseClick);

// --- "similar note already posted" while typing -----------------------------------------------------
// Loaded when the composer is first focused, not with the page: the phone's first load stays small.
let similarHint = null;
let similarLoading = null;
function withSimilar(use) {
  if (similarHint) return use(similarHint);
  similarLoading ||= import("./participant/similar.js")
    .then((m) => (similarHint = m.createSimilarHint(similarOptions)))
    .catch(() => (similarLoading = null)); // offline: the next keystroke tries again
  similarLoading.then(() => similarHint && use(similarHint));
}
const similar = {
  onInput: () => withSimilar((hint) => hint.onInput()),
  reset: () => similarHint && similarHint.reset(),
  hide: () => similarHint && similarHint.hide(),
};
const similarOptions = {
  textarea: els.text,
  box: els.similar,
  T,
  request: (text) => request(N.NOTE_SIMILAR, { text }),
  enabled: () => !els.text.disabled && status === "online",
  skip: (id) => rt.isMine(id) || endorsements.isEndorsed(id),
  onEndorse(match) {
    endorsements.set(match.note_id, true);
    els.text.value = "";
    similar.reset();
    onComposerInput();
    els.text.focus();
    showToast(T.plus_done);
    scheduleRender();
  },
};
els.text.addEventListener("focus", () => withSimilar(() => {}), { once: true });

/** A read-only request (no op id, no outbox). */
const request = (name, payload) => rt.request(name, payload);

function renderHeader(state, mine) {
  if (mine) {
    els.top.style.setProperty("--vp", mine.colour);
    els.group.classList.add("top__group--vp");
    if (!els.group.querySelector(".swatch")) {
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.setAttribute("aria-hidden", "true");
      els.group.prepend(sw);
    }
    els.groupName.textContent = mine.name;
    els.question.textContent = mine.question || "";
    show(els.question, !!mine.question);
  } else {
    els.top.style.removeProperty("--vp");
    els.group.querySelector(".swatch")?.remove();
    els.groupName.textContent = state.workshop.title;
    show(els.question, false);
  }
}

function chip(vp) {
  const span = document.createElement("span");
  span.className = "chip";
  span.style.setProperty("--vp", vp.colour);
  const sw = document.createElement("span");
  sw.className = "swatch";
  sw.setAttribute("aria-hidden", "true");
  span.append(sw, document.createTextNode(vp.name));
  return span;
}

function renderLobby(state, mine) {
  const name = state.me && state.me.display_name;
  els.lobbyTitle.textContent = name ? fmt(T.welcome, { name }) : T.welcome_anon;
  els.lobbyName.textContent = name || T.anonymous;
  els.lobbyGroup.replaceChildren(mine ? chip(mine) : document.createTextNode(T.not_placed));
}

// --- composer --------------------------------------------------------------------------------------
function limit() {
  const state = rt.state;
  return (state && state.workshop && state.workshop.note_max_length) || 280;
}

function renderKinds(container, kinds, current, name, onPick) {
  const keys = kinds.map((k) => k.key).join("|");
  if (container.dataset.keys !== keys) {
    container.querySelectorAll(".kind-option").forEach((el) => el.remove());
    for (const kind of kinds) {
      const label = document.createElement("label");
      label.className = "kind-option";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = name;
      input.value = kind.key;
      input.addEventListener("change", () => onPick(kind.key));
      const text = document.createElement("span");
      text.textContent = kind.label;
      label.append(input, text);
      container.append(label);
    }
    container.dataset.keys = keys;
  }
  container.querySelectorAll("input").forEach((input) => {
    input.checked = input.value === current;
    const kind = kinds.find((k) => k.key === input.value);
    if (kind) input.nextElementSibling.textContent = kind.label;
  });
}

function renderComposer(state, mine, phase) {
  show(els.composer, phase !== "closed");
  const kinds = state.kinds || [];
  if (!kinds.some((k) => k.key === selectedKind)) selectedKind = kinds[0] ? kinds[0].key : null;
  renderKinds(els.kinds, kinds, selectedKind, "kind", (key) => {
    selectedKind = key;
    writeStore(storeKey("kind"), key);
    updatePlaceholder();
    els.text.focus();
  });
  // While the room looks at the screen, the kinds are only in the way.
  show(els.kinds, kinds.length > 1 && !SCREEN_PHASES.has(phase));

  let reason = "";
  if (!mine) reason = T.reason.unassigned;
  else if (phase === "lobby") reason = T.reason.lobby;
  else if (SCREEN_PHASES.has(phase)) reason = T.reason.screen;
  else if (phase === "closed") reason = T.reason.closed;
  const enabled = !reason;
  els.composer.classList.toggle("composer--disabled", !enabled);
  els.text.disabled = !enabled;
  els.kinds.disabled = !enabled;
  if (!enabled) similar.hide();
  els.reason.textContent = reason;
  show(els.reason, !!reason);
  els.text.maxLength = limit();
  updatePlaceholder();
  onComposerInput();
}

function updatePlaceholder() {
  const state = rt.state;
  const label = state && selectedKind ? kindLabel(state, selectedKind) : "";
  els.text.placeholder = label && (state.kinds || []).length > 1 ? fmt(T.placeholder_kind, { kind: label.toLowerCase() }) : T.placeholder;
}

function onComposerInput() {
  const length = els.text.value.length;
  const left = limit() - length;
  els.counter.textContent = left >= 0 ? fmt(T.counter, { count: left }) : fmt(T.counter_over, { count: -left });
  els.counter.classList.toggle("composer__counter--low", left < 20);
  show(els.counter, !els.text.disabled);
  els.send.disabled = els.text.disabled || !els.text.value.trim() || left < 0;
  autoGrow(els.text, 6);
}

function autoGrow(textarea, maxLines) {
  textarea.style.height = "auto";
  const line = parseFloat(getComputedStyle(textarea).lineHeight) || 22;
  const max = line * maxLines + 24;
  textarea.style.height = `${Math.min(textarea.scrollHeight + 2, max)}px`;
}

function submitNote() {
  const state = rt.state;
  const text = els.text.value.trim();
  if (!state || els.text.disabled || !text || text.length > limit()) return;
  const payload = { note_id: newNoteId(), kind: selectedKind || (state.kinds[0] && state.kinds[0].key), text };
  rt.send(N.NOTE_ADD, payload);
  els.text.value = "";
  similar.reset();
  onComposerInput();
  els.text.focus();
  scheduleRender();
}

els.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  submitNote();
});
els.text.addEventListener("input", () => {
  onComposerInput();
  similar.onInput();
});
els.text.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    submitNote();
  }
});

// --- notes -----------------------------------------------------------------------------------------
/** The notes to show: the state's, plus what this phone has sent but the server has not confirmed. */
function composeNotes(state, mine) {
  const list = [];
  const byId = new Map();
  for (const note of state.notes || []) {
    if (note.redacted || pendingDeletes.has(note.id)) continue;
    const copy = { ...note, mine: note.mine || rt.isMine(note.id) };
    byId.set(note.id, copy);
    list.push(copy);
  }
  // Sent and acknowledged, but the fact has not been applied yet.
  for (const [id, sent] of sentAdds) {
    if (byId.has(id) || rt.seq >= sent.seq) {
      sentAdds.delete(id);
      continue;
    }
    const note = { ...sent.note, viewpoint_id: mine ? mine.id : null, created_at_ms: Number.MAX_SAFE_INTEGER - 1 };
    byId.set(id, note);
    list.push(note);
  }
  for (const [id, failed] of failedAdds) {
    if (byId.has(id)) {
      failedAdds.delete(id);
      continue;
    }
    const note = { ...failed.note, viewpoint_id: mine ? mine.id : null, pending: "failed", error: failed.message, created_at_ms: Number.MAX_SAFE_INTEGER - 2 };
    byId.set(id, note);
    list.push(note);
  }
  // The outbox, oldest first: adds, edits and deletes not acknowledged yet.
  let order = 0;
  for (const op of outbox) {
    const p = op.payload || {};
    if (op.name === N.NOTE_ADD) {
      if (byId.has(p.note_id) && !failedAdds.has(p.note_id)) continue;
      if (failedAdds.has(p.note_id)) list.splice(list.indexOf(byId.get(p.note_id)), 1);
      const note = {
        id: p.note_id,
        kind: p.kind,
        text: p.text,
        viewpoint_id: mine ? mine.id : null,
        mine: true,
        pending: "sending",
        created_at_ms: Number.MAX_SAFE_INTEGER + order++,
      };
      byId.set(note.id, note);
      list.push(note);
    } else if (op.name === N.NOTE_EDIT) {
      const note = byId.get(p.note_id);
      if (note) {
        if (typeof p.text === "string") note.text = p.text;
        if (p.kind) note.kind = p.kind;
        note.pending = note.pending || "saving";
      }
    } else if (op.name === N.NOTE_DELETE) {
      const note = byId.get(p.note_id);
      if (note) {
        byId.delete(p.note_id);
        list.splice(list.indexOf(note), 1);
      }
    }
  }
  return list;
}

function noteSignature(note, state, canEdit) {
  return [note.text, note.kind, kindLabel(state, note.kind), note.pending || "", note.error || "", note.mine ? 1 : 0, canEdit ? 1 : 0, note.viewpoint_id].join("\u0001");
}

function buildNote(note, state, canEdit, vp) {
  const li = document.createElement("li");
  li.dataset.id = note.id;
  fillNote(li, note, state, canEdit, vp);
  return li;
}

function fillNote(li, note, state, canEdit, vp) {
  const failed = note.pending === "failed";
  li.className = "note" + (note.mine ? " note--mine" : "") + (note.pending ? (failed ? " note--failed" : " note--pending") : "");
  if (vp) li.style.setProperty("--vp", vp.colour);
  const meta = document.createElement("div");
  meta.className = "note__meta";
  const kind = document.createElement("span");
  kind.className = `note__kind note__kind--${String(note.kind || "").replace(/[^a-z0-9_-]/gi, "")}`;
  kind.textContent = kindLabel(state, note.kind);
  meta.append(kind);
  if (note.mine) {
    const you = document.createElement("span");
    you.className = "note__you";
    you.textContent = T.you;
    meta.append(you);
  }
  if (failed) {
    const error = document.createElement("span");
    error.className = "note__failed";
    error.textContent = fmt(T.not_sent, { message: note.error || "" });
    meta.append(error);
  } else if (note.pending) {
    const pending = document.createElement("span");
    pending.className = "note__pending";
    pending.textContent = note.pending === "saving" ? T.saving : T.sending;
    meta.append(pending);
  }
  if (!note.pending) {
    const plus = document.createElement("span");
    plus.className = "note__plus";
    meta.append(plus);
  }
  const text = document.createElement("p");
  text.className = "note__text";
  text.textContent = note.text || "";
  li.replaceChildren(meta, text);
  if (failed) {
    const actions = document.createElement("div");
    actions.className = "note__actions";
    if (canEdit) actions.append(actionButton("retry", T.retry, "note__action--primary"));
    actions.append(actionButton("dismiss", T.dismiss));
    li.append(actions);
  }
  if (canEdit && note.mine && !note.pending) {
    const actions = document.createElement("div");
    actions.className = "note__actions";
    actions.append(
      actionButton("edit", T.edit),
      actionButton("delete", T.delete, "note__action--danger"),
    );
    meta.append(actions);
  }
}

function actionButton(action, label, extra = "") {
  const button = document.createElement("button");
  button.type = "button";
  button.className = `note__action ${extra}`.trim();
  button.dataset.action = action;
  button.textContent = label;
  return button;
}

function renderTabs(state, mine, all) {
  const vps = state.viewpoints || [];
  if (!activeTab || !vps.some((vp) => vp.id === activeTab)) activeTab = mine ? mine.id : vps[0] && vps[0].id;
  const keys = vps.map((vp) => `${vp.id}:${vp.name}:${vp.colour}`).join("|");
  if (els.tabs.dataset.keys !== keys) {
    els.tabs.replaceChildren();
    for (const vp of vps) {
      const tab = document.createElement("button");
      tab.type = "button";
      tab.className = "tab";
      tab.id = `tab-${vp.id}`;
      tab.setAttribute("role", "tab");
      tab.setAttribute("aria-controls", "note-list");
      tab.dataset.vp = vp.id;
      tab.style.setProperty("--vp", vp.colour);
      const sw = document.createElement("span");
      sw.className = "swatch";
      sw.setAttribute("aria-hidden", "true");
      const name = document.createElement("span");
      name.className = "tab__name";
      name.textContent = vp.name;
      const count = document.createElement("span");
      count.className = "tab__count";
      tab.append(sw, name, count);
      els.tabs.append(tab);
    }
    els.tabs.dataset.keys = keys;
  }
  for (const tab of els.tabs.children) {
    const id = Number(tab.dataset.vp);
    const selected = id === activeTab;
    tab.setAttribute("aria-selected", selected ? "true" : "false");
    tab.tabIndex = selected ? 0 : -1;
    const count = all.filter((n) => n.viewpoint_id === id).length;
    const suffix = mine && id === mine.id ? ` · ${T.your_group}` : "";
    tab.querySelector(".tab__count").textContent = `${count}${suffix}`;
  }
}

els.tabs.addEventListener("click", (event) => {
  const tab = event.target.closest(".tab");
  if (!tab) return;
  activeTab = Number(tab.dataset.vp);
  render();
});
els.tabs.addEventListener("keydown", (event) => {
  if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(event.key)) return;
  const tabs = [...els.tabs.children];
  const index = tabs.findIndex((t) => Number(t.dataset.vp) === activeTab);
  let next = index;
  if (event.key === "ArrowLeft") next = (index - 1 + tabs.length) % tabs.length;
  if (event.key === "ArrowRight") next = (index + 1) % tabs.length;
  if (event.key === "Home") next = 0;
  if (event.key === "End") next = tabs.length - 1;
  event.preventDefault();
  activeTab = Number(tabs[next].dataset.vp);
  render();
  tabs[next].focus();
});

function renderNotes(state, mine, phase, clustered = false) {
  const all = composeNotes(state, mine);
  const tabbed = ALL_NOTES_PHASES.has(phase) && (state.viewpoints || []).length > 1;
  show(els.tabs, tabbed);
  let shownVp = mine;
  if (tabbed) {
    renderTabs(state, mine, all);
    shownVp = viewpointById(state, activeTab);
    els.list.setAttribute("role", "tabpanel");
    els.list.setAttribute("aria-labelledby", `tab-${activeTab}`);
    els.notesTitle.textContent = T.all_notes;
  } else {
    els.list.removeAttribute("role");
    els.list.removeAttribute("aria-labelledby");
    els.notesTitle.textContent = T.your_notes;
  }
  const vpId = shownVp ? shownVp.id : null;
  const list = all
    .filter((n) => n.viewpoint_id === vpId || (n.viewpoint_id == null && n.mine))
    .sort((a, b) => (b.created_at_ms || 0) - (a.created_at_ms || 0));

  // Redacted notes of other groups: show that they are busy, not what they wrote.
  const hiddenOthers = (state.notes || []).filter((n) => n.redacted && n.viewpoint_id !== (mine && mine.id)).length;
  els.others.textContent = hiddenOthers === 1 ? T.others_hidden_one : fmt(T.others_hidden, { count: hiddenOthers });
  show(els.others, !tabbed && hiddenOthers > 0);

  const visible = !!mine || list.length > 0 || tabbed;
  show(els.notes, visible && !clustered && !(phase === "lobby" && list.length === 0));
  els.notesCount.textContent = list.length === 1 ? T.count_one : fmt(T.count_many, { count: list.length });
  els.empty.textContent = tabbed && shownVp && (!mine || shownVp.id !== mine.id) ? T.empty_group : T.empty;
  show(els.empty, list.length === 0);

  const canEdit = POSTING_PHASES.has(phase);
  const canEndorse = !!mine && ENDORSE_PHASES.has(phase);
  const keep = new Set();
  let prev = null;
  for (const note of list) {
    keep.add(note.id);
    const vp = viewpointById(state, note.viewpoint_id);
    const sig = noteSignature(note, state, canEdit);
    let entry = nodes.get(note.id);
    if (!entry) {
      entry = { el: buildNote(note, state, canEdit, vp), sig };
      if (!firstListRender && !note.mine) entry.el.classList.add("note--new");
      nodes.set(note.id, entry);
    } else if (entry.sig !== sig && editingId !== note.id) {
      fillNote(entry.el, note, state, canEdit, vp);
      entry.sig = sig;
    }
    const plus = entry.el.querySelector(".note__plus");
    if (plus) endorsements.updateControl(plus, note, { mine: !!note.mine, interactive: canEndorse });
    const wanted = prev ? prev.nextSibling : els.list.firstChild;
    if (wanted !== entry.el) els.list.insertBefore(entry.el, wanted);
    prev = entry.el;
  }
  for (const [id, entry] of nodes) {
    if (!keep.has(id)) {
      entry.el.remove();
      nodes.delete(id);
      if (editingId === id) editingId = null;
    }
  }
  if (editingId && !canEdit) stopEditing(false);
  if (state) firstListRender = false;
}

// --- edit and delete -------------------------------------------------------------------------------
els.list.addEventListener("click", (event) => {
  if (onEndorseClick(event)) return;
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const li = button.closest(".note");
  const id = li && li.dataset.id;
  if (!id) return;
  const action = button.dataset.action;
  if (action === "edit") startEditing(id);
  else if (action === "delete") deleteWithUndo(id);
  else if (action === "save") saveEdit(id);
  else if (action === "cancel") stopEditing(true);
  else if (action === "retry" || action === "dismiss") {
    const failed = failedAdds.get(id);
    failedAdds.delete(id);
    if (failed && action === "retry") {
      const { kind, text } = failed.note;
      rt.send(N.NOTE_ADD, { note_id: id, kind, text });
    }
    render();
  }
});

function currentNote(id) {
  const state = rt.state;
  return state ? composeNotes(state, viewpointById(state, (state.me || {}).viewpoint_id)).find((n) => n.id === id) : null;
}

function startEditing(id) {
  if (editingId) stopEditing(false);
  const note = currentNote(id);
  const entry = nodes.get(id);
  if (!note || !entry) return;
  editingId = id;
  const li = entry.el;
  li.classList.add("note--editing");
  const form = document.createElement("div");
  form.className = "note__edit";
  const kinds = document.createElement("div");
  kinds.className = "kinds kinds--small";
  kinds.setAttribute("role", "radiogroup");
  kinds.setAttribute("aria-label", els.kinds.querySelector("legend")?.textContent || "");
  let editKind = note.kind;
  renderKinds(kinds, rt.state.kinds || [], editKind, `edit-kind-${id}`, (key) => {
    editKind = key;
    kinds.dataset.kind = key;
  });
  kinds.dataset.kind = editKind;
  const textarea = document.createElement("textarea");
  textarea.className = "note__edit-text";
  textarea.value = note.text || "";
  textarea.maxLength = limit();
  textarea.setAttribute("aria-label", T.edit_label);
  textarea.rows = 2;
  textarea.addEventListener("input", () => {
    autoGrow(textarea, 8);
    save.disabled = !textarea.value.trim();
  });
  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      saveEdit(id);
    } else if (event.key === "Escape") {
      event.preventDefault();
      stopEditing(true);
    }
  });
  const actions = document.createElement("div");
  actions.className = "note__actions";
  actions.append(
    actionButton("save", T.save, "note__action--primary"),
    actionButton("cancel", T.cancel),
  );
  if ((rt.state.kinds || []).length > 1) form.append(kinds);
  form.append(textarea, actions);
  li.replaceChildren(form);
  textarea.focus();
  textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  autoGrow(textarea, 8);
}

function saveEdit(id) {
  const entry = nodes.get(id);
  const note = currentNote(id);
  if (!entry || !note) return stopEditing(true);
  const textarea = entry.el.querySelector(".note__edit-text");
  const kinds = entry.el.querySelector(".kinds--small");
  const text = textarea.value.trim();
  const kind = (kinds && kinds.dataset.kind) || note.kind;
  if (!text) return;
  if (text !== note.text || kind !== note.kind) {
    const payload = { note_id: id, text };
    if (kind !== note.kind) payload.kind = kind;
    rt.send(N.NOTE_EDIT, payload);
  }
  stopEditing(true);
}

function stopEditing(refocus) {
  const id = editingId;
  editingId = null;
  const entry = id && nodes.get(id);
  if (entry) {
    entry.sig = ""; // force a refill
    entry.el.classList.remove("note--editing");
  }
  render();
  if (refocus && entry) entry.el.querySelector('[data-action="edit"]')?.focus();
}

function deleteWithUndo(id) {
  if (editingId === id) editingId = null;
  const commit = () => {
    if (!pendingDeletes.has(id)) return;
    pendingDeletes.delete(id);
    rt.send(N.NOTE_DELETE, { note_id: id });
  };
  pendingDeletes.set(id, setTimeout(commit, UNDO_MS));
  showToast(T.deleted, T.undo, () => {
    clearTimeout(pendingDeletes.get(id));
    pendingDeletes.delete(id);
    render();
  });
  render();
  els.toastAction.focus();
}

function commitPendingDeletes() {
  for (const [id, timer] of [...pendingDeletes]) {
    clearTimeout(timer);
    pendingDeletes.delete(id);
    rt.send(N.NOTE_DELETE, { note_id: id });
  }
}
// Leaving the page (or the phone going to sleep) ends the undo window: the delete goes to the outbox.
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") commitPendingDeletes();
});
window.addEventListener("pagehide", commitPendingDeletes);

// --- toast -----------------------------------------------------------------------------------------
let toastTimer = null;
let toastHandler = null;
function showToast(text, actionLabel, onAction) {
  els.toastText.textContent = text;
  toastHandler = onAction || null;
  els.toastAction.textContent = actionLabel || "";
  show(els.toastAction, !!actionLabel);
  show(els.toast, true);
  clearTimeout(toastTimer);
  toastTimer = setTimeout(hideToast, actionLabel ? UNDO_MS : 6000);
}
function hideToast() {
  show(els.toast, false);
  toastHandler = null;
}
els.toastAction.addEventListener("click", () => {
  const handler = toastHandler;
  hideToast();
  if (handler) handler();
});

// --- status and timer ------------------------------------------------------------------------------
function renderStatus() {
  const shown = refused ? "offline" : status;
  els.conn.dataset.status = shown;
  els.connText.textContent = T.status[shown] || shown;
  els.conn.title = T.status[shown] || shown;
  const offline = refused || status === "offline";
  els.offline.textContent = refused ? T.refused : T.offline_banner;
  show(els.offline, offline);
  document.body.classList.toggle("is-offline", offline);
}

function formatTime(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, "0")}`;
}

let timerInterval = null;
function renderTimer() {
  const state = rt.state;
  const timer = state && state.timer;
  const running = timer && timer.state === "running" && typeof timer.ends_at_ms === "number";
  const paused = timer && timer.state === "paused";
  show(els.timer, !!(running || paused) && state.workshop.phase !== "closed");
  if (running) {
    const left = timer.ends_at_ms - rt.serverNow();
    els.timerValue.textContent = left > 0 ? formatTime(left) : T.time_up;
    els.timer.classList.toggle("timer--low", left <= 60000);
    els.timer.classList.toggle("timer--up", left <= 0);
    els.timer.classList.remove("timer--paused");
    if (!timerInterval) timerInterval = setInterval(renderTimer, 250);
  } else {
    if (paused) {
      els.timerValue.textContent = `${formatTime(timer.remaining_ms || 0)} · ${T.timer_paused}`;
      els.timer.classList.add("timer--paused");
      els.timer.classList.remove("timer--low", "timer--up");
    }
    clearInterval(timerInterval);
    timerInterval = null;
  }
}

// The question can be long: it shows three lines and opens on a tap.
els.question.tabIndex = 0;
els.question.setAttribute("role", "button");
els.question.setAttribute("aria-expanded", "false");
const toggleQuestion = () => {
  const open = els.question.classList.toggle("top__question--open");
  els.question.setAttribute("aria-expanded", open ? "true" : "false");
};
els.question.addEventListener("click", toggleQuestion);
els.question.addEventListener("keydown", (event) => {
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    toggleQuestion();
  }
});

// Keep the list clear of the fixed composer, whatever its height.
if ("ResizeObserver" in window) {
  new ResizeObserver(() => {
    document.body.style.setProperty("--composer-h", `${els.composer.offsetHeight}px`);
  }).observe(els.composer);
}

// --- the connection ------------------------------------------------------------------------------
const rt = connect(config, {
  onChange: () => scheduleRender(),
  onStatus(value) {
    status = value;
    renderStatus();
    if (value === "online") refused = false;
  },
  onOutbox(pending) {
    outbox = pending;
    scheduleRender();
  },
  onAck(name, payload, ack) {
    if (ack && ack.ok && name === N.NOTE_ADD) {
      sentAdds.set(payload.note_id, {
        note: { id: payload.note_id, kind: payload.kind, text: payload.text, mine: true },
        seq: ack.seq || 0,
      });
    }
    scheduleRender();
  },
  onRejected(name, payload, ack) {
    if (name === N.SYNC || votingModule(false)?.onRejected(name, payload, ack)) return;
    const message = ack.message || ack.code || "";
    if (name === N.NOTE_ADD && payload.note_id) {
      // Never lose the words of a refused note: it stays in the list to retry, copy or dismiss.
      failedAdds.set(payload.note_id, {
        note: { id: payload.note_id, kind: payload.kind, text: payload.text, mine: true },
        message,
      });
      scheduleRender();
      return;
    }
    showToast(fmt(T.not_sent, { message }));
  },
  onRefused() {
    refused = true;
    renderStatus();
  },
  onDeleted() {
    // Loaded when it happens: every phone downloads this page, hardly any sees a deletion.
    // Offline, a reload shows the server's own "no such workshop" page once it is back.
    import("./deleted.js").then((m) => m.showDeleted(T)).catch(() => location.reload());
  },
});

renderStatus();
onComposerInput();
