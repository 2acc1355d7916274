// Denktank projector and group screen: a view-only wall kept live from rt.state.
//
// The page (templates/projector/wall.html) renders the first picture on the server; this module
// then redraws from the realtime state: lobby (QR, code, counts), the wall (a column per
// viewpoint, notes auto-fitted and paginated), the timer and the closing screen. It never sends a
// command and never shows a name.

import { connect } from "./realtime.js";
import { showDeleted } from "./deleted.js";
import { BOARD_PHASES, boardModel, createClusterBoard, measure, play } from "./projector/clusters.js";
import { startScreenNiceties, startTimer } from "./projector/screen.js";
import { createVotingScreens } from "./projector/voting.js";
import {
  S, applyColour, el, plural, reducedMotion, setHidden, setPlural, setText, sortedViewpoints,
  showPage as showPageOf,
} from "./projector/util.js";

const root = document.getElementById("projector");
const config = JSON.parse(document.getElementById("denktank-config").textContent);

const els = {
  bar: document.getElementById("pj-bar"),
  phase: document.getElementById("pj-phase"),
  barJoin: document.getElementById("pj-bar-join"),
  barLocked: document.getElementById("pj-bar-locked"),
  timer: document.getElementById("pj-timer"),
  timerTime: document.getElementById("pj-timer-time"),
  timerLabel: document.getElementById("pj-timer-label"),
  lobbyTitle: document.getElementById("pj-lobby-title"),
  theme: document.getElementById("pj-theme"),
  joined: document.getElementById("pj-joined"),
  lobbyViewpoints: document.getElementById("pj-lobby-viewpoints"),
  unassigned: document.getElementById("pj-unassigned"),
  lobbyJoin: document.getElementById("pj-lobby-join"),
  lobbyLocked: document.getElementById("pj-lobby-locked"),
  groupName: document.getElementById("pj-group-name"),
  groupQuestion: document.getElementById("pj-group-question"),
  wall: document.getElementById("pj-wall"),
  board: document.getElementById("pj-board"),
  closedTally: document.getElementById("pj-closed-tally"),
  conn: document.getElementById("pj-conn"),
  connText: document.getElementById("pj-conn-text"),
};

const GROUP = root.dataset.mode === "group";
const GROUP_ID = root.dataset.viewpointId ? Number(root.dataset.viewpointId) : null;
const GROUP_SLUG = config.viewpoint_slug || null;

// Note type sizes in px at 1080p (1rem = 16px there; the page scales with the screen). The wall
// takes the largest size at which the fullest column fits; below the last step it paginates.
const STEPS_WALL = [40, 35, 31, 28, 25, 22.5, 20];
const STEPS_GROUP = [52, 46, 40, 35, 31, 28, 25, 22.5, 20];
// Below the clusters, the notes not yet clustered: a calmer strip with smaller type.
const STEPS_STRIP = [28, 25, 22.5, 20];


function screenOf(phase) {
  if (!phase || phase === "lobby") return "lobby";
  if (phase === "closed" || phase === "vote" || phase === "results") return phase;
  return "wall";
}

function groupViewpoint(state) {
  const vps = state.viewpoints || [];
  return (
    vps.find((vp) => GROUP_ID !== null && vp.id === GROUP_ID) ||
    vps.find((vp) => GROUP_SLUG && vp.slug === GROUP_SLUG) ||
    null
  );
}

// Colours from the server-rendered markup (no inline style attributes: CSP friendly).
for (const node of root.querySelectorAll("[data-vp-colour]")) applyColour(node, node.dataset.vpColour);

// ---------------------------------------------------------------------------------------------
// Rendering, coalesced: facts of a replay arrive in bursts.

let rt = null;
let firstWallRender = true;
let renderQueued = false;

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  const run = () => {
    if (!renderQueued) return;
    renderQueued = false;
    render();
  };
  window.requestAnimationFrame(run);
  window.setTimeout(run, 200); // rAF sleeps in a hidden window
}

function render() {
  const state = rt && rt.state;
  if (!state || !state.workshop) return;
  const phase = state.workshop.phase;
  const screen = screenOf(phase);
  if (root.dataset.screen !== screen) root.dataset.screen = screen;
  if (root.dataset.phase !== phase) root.dataset.phase = phase;

  setText(els.phase, (S.phases && S.phases[phase]) || phase);
  const locked = !!state.workshop.joining_locked;
  root.classList.toggle("is-locked", locked);
  setHidden(els.barLocked, !locked);
  setHidden(els.lobbyLocked, !locked);

  renderTimer();
  if (screen === "lobby") renderLobby(state);
  else if (screen === "wall") renderWallOrBoard(state, phase);
  else if (screen === "closed") renderClosed(state);
  else voting.render(state);
}

// --- the clustered board (cluster phase and later): clusters above, the rest in a strip ---------

const board = createClusterBoard(root, els.board, { group: GROUP });

// --- vote progress and results (projector/voting.js) ------------------------------------------

const voting = createVotingScreens(root, {
  group: GROUP,
  groupViewpoint,
  names: config.names,
  request: (name, payload) => rt.request(name, payload),
  rerender: () => scheduleRender(),
});

function renderWallOrBoard(state, phase) {
  const model = BOARD_PHASES.has(phase) ? boardModel(state, GROUP ? groupViewpoint(state) : null) : null;
  const on = !!model && model.clusters.length > 0;
  const was = root.dataset.board === "clusters";
  const before = on || was ? measure(root) : null;
  const sizes = `${board.step}:${currentStep}`;
  if (!on) {
    if (was) {
      delete root.dataset.board;
      delete root.dataset.strip;
      board.clear();
    }
    renderWall(state, null);
    if (was) play(root, before, true);
    return;
  }
  root.dataset.board = "clusters";
  root.dataset.scope = model.scope;
  // The strip's share of the height follows how much is left to cluster (in its fullest column).
  const left = new Map();
  for (const note of state.notes || []) {
    if (model.unclustered.has(note.id)) left.set(note.viewpoint_id, (left.get(note.viewpoint_id) || 0) + 1);
  }
  const most = Math.max(0, ...left.values());
  root.dataset.strip = most ? "notes" : "none";
  const share = Math.min(0.45, Math.max(0.18, 0.05 + 0.05 * most));
  root.style.setProperty("--pj-board-fr", `${(1 - share).toFixed(3)}fr`);
  root.style.setProperty("--pj-strip-fr", `${share.toFixed(3)}fr`);
  renderWall(state, (note) => model.unclustered.has(note.id));
  board.render(model);
  play(root, before, sizes !== `${board.step}:${currentStep}` || !was);
}

// --- lobby -----------------------------------------------------------------------------------

function renderLobby(state) {
  if (GROUP) {
    const vp = groupViewpoint(state);
    if (vp) {
      setText(els.groupName, vp.name);
      setText(els.groupQuestion, vp.question || "");
      const swatch = els.lobbyTitle.querySelector(".pj-swatch");
      if (swatch) applyColour(swatch, vp.colour);
      const n = vp.participant_count || 0;
      setCount(els.joined, n, "group_joined");
    }
    return;
  }
  if (els.lobbyTitle) setText(els.lobbyTitle, state.workshop.title || "");
  if (els.theme) setText(els.theme, state.workshop.theme || "");

  const vps = sortedViewpoints(state);
  const total = vps.reduce((sum, vp) => sum + (vp.participant_count || 0), 0) + (state.unassigned_count || 0);
  setCount(els.joined, total, "joined");

  const list = els.lobbyViewpoints;
  if (list) {
    const items = Array.from(list.children);
    while (items.length > vps.length) items.pop().remove();
    vps.forEach((vp, i) => {
      let li = items[i];
      if (!li) {
        li = el("li", "pj-lobby__vp");
        li.append(el("span", "pj-swatch"), el("span", "pj-lobby__vp-name"), el("span", "pj-lobby__vp-count"));
        li.firstChild.setAttribute("aria-hidden", "true");
        list.append(li);
      }
      applyColour(li, vp.colour);
      li.dataset.viewpointSlug = vp.slug || "";
      setText(li.querySelector(".pj-lobby__vp-name"), vp.name);
      const n = vp.participant_count || 0;
      setCount(li.querySelector(".pj-lobby__vp-count"), n, "people", true);
    });
  }
  const unassigned = state.unassigned_count || 0;
  setHidden(els.unassigned, unassigned <= 0);
  if (unassigned > 0) setText(els.unassigned, plural("unassigned", unassigned));
}

/** Show a count ("{n} people"); zero may say "waiting…"; a rising number gets a short bump. */
function setCount(node, n, key, zeroAsNumber = false) {
  if (!node) return;
  const before = node.dataset.count === undefined ? null : Number(node.dataset.count);
  node.dataset.count = String(n);
  if (n === 0 && !zeroAsNumber) {
    delete node.dataset.plural;
    setText(node, S.joined_zero);
  } else {
    setPlural(node, key, n);
  }
  if (before !== null && n > before && !reducedMotion.matches) {
    node.classList.remove("is-bumped");
    void node.offsetWidth; // restart the animation
    node.classList.add("is-bumped");
  }
}

// --- closed ----------------------------------------------------------------------------------

function renderClosed(state) {
  const counts = countNotes(state);
  const list = els.closedTally;
  list.replaceChildren();
  for (const vp of sortedViewpoints(state)) {
    const li = el("li", "pj-closed__vp");
    applyColour(li, vp.colour);
    const swatch = el("span", "pj-swatch");
    swatch.setAttribute("aria-hidden", "true");
    li.append(swatch, el("span", "pj-closed__vp-name", vp.name), el("span", "pj-closed__vp-count", plural("notes", counts.get(vp.id) || 0)));
    list.append(li);
  }
}

function countNotes(state) {
  const counts = new Map();
  for (const note of state.notes || []) counts.set(note.viewpoint_id, (counts.get(note.viewpoint_id) || 0) + 1);
  return counts;
}

// --- the wall --------------------------------------------------------------------------------

/** viewpoint id → column {node, parts…, notes: Map(id → node), page, pages} */
const columns = new Map();
let columnSignature = "";

/** The wall; with `only`, just those notes (the strip under the clusters). */
function renderWall(state, only) {
  const strip = !!only;
  const vps = GROUP ? [groupViewpoint(state)].filter(Boolean) : sortedViewpoints(state);
  const signature = vps.map((vp) => vp.id).join(",");
  if (signature !== columnSignature) {
    columnSignature = signature;
    for (const [id, col] of columns) {
      if (!vps.some((vp) => vp.id === id)) {
        window.clearTimeout(col.timer);
        viewportObserver?.unobserve(col.viewport);
        col.node.remove();
        columns.delete(id);
      }
    }
    for (const vp of vps) {
      if (!columns.has(vp.id)) columns.set(vp.id, makeColumn(vp));
      els.wall.append(columns.get(vp.id).node); // keeps the display order
    }
  }

  const kinds = new Map((state.kinds || []).map((k, i) => [k.key, { label: k.label, index: i }]));
  const byViewpoint = new Map(vps.map((vp) => [vp.id, []]));
  for (const note of state.notes || []) {
    const list = byViewpoint.get(note.viewpoint_id);
    if (list && (!only || only(note))) list.push(note);
  }

  const spotlight = GROUP || strip ? null : state.workshop.spotlight_viewpoint_id ?? null;
  const spotlit = spotlight !== null && columns.has(spotlight) ? spotlight : null;
  root.classList.toggle("has-spotlight", spotlit !== null);
  root.dataset.columns = String(vps.length);

  // Folded columns share at most about half the width, so the spotlit one stays large.
  const folded = `${Math.max(8, Math.min(16, 48 / Math.max(1, vps.length - 1)))}rem`;
  const template = [];
  for (const vp of vps) {
    const col = columns.get(vp.id);
    const collapsed = spotlit !== null && vp.id !== spotlit;
    col.node.classList.toggle("is-collapsed", collapsed);
    col.node.classList.toggle("is-spotlit", vp.id === spotlit);
    template.push(collapsed ? folded : "minmax(0, 1fr)");
    updateColumn(col, vp, byViewpoint.get(vp.id) || [], kinds, strip);
  }
  els.wall.style.gridTemplateColumns = template.join(" ");
  firstWallRender = false;
  if (strip !== stripMode) {
    stripMode = strip;
    currentStep = null;
  }
  fitWall();
}

function makeColumn(vp) {
  const node = el("section", "pj-col");
  node.dataset.viewpointId = String(vp.id);
  node.dataset.viewpointSlug = vp.slug || "";
  const head = el("header", "pj-col__head");
  const nameRow = el("div", "pj-col__name-row");
  const swatch = el("span", "pj-swatch");
  swatch.setAttribute("aria-hidden", "true");
  const name = el("h2", "pj-col__name");
  const count = el("span", "pj-col__count");
  nameRow.append(swatch, name);
  const question = el("p", "pj-col__question");
  head.append(nameRow, question);

  const viewport = el("div", "pj-col__viewport");
  viewportObserver?.observe(viewport);
  const list = el("div", "pj-notes");
  list.setAttribute("role", "list");
  const empty = el("p", "pj-col__empty");
  const hidden = el("div", "pj-hidden");
  const hiddenText = el("p", "pj-hidden__text");
  const hiddenTiles = el("div", "pj-hidden__tiles");
  hiddenTiles.setAttribute("aria-hidden", "true");
  hidden.append(hiddenText, hiddenTiles);
  viewport.append(list, empty, hidden);

  const foot = el("footer", "pj-col__foot");
  const pager = el("p", "pj-pager");
  const pagerText = el("span", "pj-pager__text");
  const pagerDots = el("span", "pj-pager__dots");
  pagerDots.setAttribute("aria-hidden", "true");
  pager.append(pagerDots, pagerText);
  pager.hidden = true;
  foot.append(count, pager);

  node.append(head, viewport, foot);
  return {
    node, name, nameRow, count, question, viewport, list, empty, hidden, hiddenText, hiddenTiles, pager, pagerText,
    pagerDots, foot, notes: new Map(), redactedCard: null, page: 0, pages: 1, pagerShown: false, timer: null,
  };
}

function updateColumn(col, vp, notes, kinds, strip) {
  applyColour(col.node, vp.colour);
  setText(col.name, vp.name);
  col.name.classList.toggle("is-long", (vp.name || "").length > 28);
  setText(col.question, vp.question || "");
  col.node.setAttribute("aria-label", vp.name);
  // In the strip the count says what is left, next to the name; on the wall it sits below.
  setPlural(col.count, strip ? "unclustered" : "notes", notes.length);
  setHidden(col.count, strip && notes.length === 0); // "✓ All clustered" says it
  if (strip && col.count.parentNode !== col.nameRow) col.nameRow.append(col.count);
  else if (!strip && col.count.parentNode !== col.foot) col.foot.prepend(col.count);

  const readable = [];
  let redacted = 0;
  for (const note of notes) {
    if (note.redacted) redacted += 1;
    else readable.push(note);
  }
  readable.reverse(); // newest first: a new note shows up at the top, in view

  // Only hidden notes: a count and a pile of face-down cards, no texts.
  const onlyHidden = redacted > 0 && readable.length === 0;
  col.node.classList.toggle("is-hidden-notes", onlyHidden);
  setHidden(col.hidden, !onlyHidden);
  if (onlyHidden) {
    setText(col.hiddenText, plural("redacted", redacted));
    const tiles = Math.min(redacted, 120);
    while (col.hiddenTiles.childElementCount < tiles) {
      const tile = el("span", "pj-hidden__tile");
      if (!firstWallRender && !reducedMotion.matches) tile.classList.add("is-new");
      col.hiddenTiles.append(tile);
    }
    while (col.hiddenTiles.childElementCount > tiles) col.hiddenTiles.lastChild.remove();
  }

  const isEmpty = notes.length === 0;
  setHidden(col.empty, !isEmpty);
  if (isEmpty) setText(col.empty, strip ? S.all_clustered : GROUP ? S.no_notes_group : S.no_notes);

  // Reconcile the readable notes, keyed by id, so existing cards are not rebuilt (no flicker)
  // and only new ones animate.
  const wanted = new Set(readable.map((n) => n.id));
  for (const [id, node] of col.notes) {
    if (!wanted.has(id)) {
      node.remove();
      col.notes.delete(id);
    }
  }
  let cursor = col.list.firstChild;
  if (readable.length && redacted) {
    // Mixed (rare): the hidden ones as one card first.
    if (!col.redactedCard) col.redactedCard = el("div", "pj-note pj-note--redacted");
    col.redactedCard.setAttribute("role", "listitem");
    setText(col.redactedCard, plural("redacted_more", redacted));
    if (cursor !== col.redactedCard) col.list.insertBefore(col.redactedCard, cursor);
    cursor = col.redactedCard.nextSibling;
  } else if (col.redactedCard) {
    if (cursor === col.redactedCard) cursor = cursor.nextSibling;
    col.redactedCard.remove();
    col.redactedCard = null;
  }
  let arriving = 0;
  for (const note of readable) {
    let node = col.notes.get(note.id);
    if (!node) {
      node = makeNote();
      col.notes.set(note.id, node);
      if (!firstWallRender && !reducedMotion.matches) animateIn(node, arriving++);
      else if (!firstWallRender) node.classList.add("is-fresh");
    }
    updateNote(node, note, kinds);
    if (node !== cursor) col.list.insertBefore(node, cursor);
    else cursor = cursor.nextSibling;
  }
}

function makeNote() {
  const node = el("article", "pj-note");
  node.setAttribute("role", "listitem");
  node.append(el("span", "pj-note__kind"), " ", el("span", "pj-note__text"));
  return node;
}

function updateNote(node, note, kinds) {
  node.dataset.noteId = note.id;
  const kind = kinds.get(note.kind);
  const label = kind ? kind.label : note.kind || "";
  node.dataset.kind = note.kind || "";
  node.dataset.kindIndex = String(kind ? kind.index % 4 : 0);
  setText(node.firstChild, label);
  setHidden(node.firstChild, !label);
  const text = note.text || "";
  const changed = node.lastChild.textContent !== text && node.lastChild.textContent !== "";
  setText(node.lastChild, text);
  node.classList.toggle("pj-note--long", text.length > 160);
  if (changed) {
    node.classList.remove("is-edited");
    void node.offsetWidth;
    node.classList.add("is-edited");
  }
}

/** A subtle entrance; many at once (the reveal when sharing starts) ripple in one by one. */
function animateIn(node, index) {
  node.classList.add("is-new");
  if (index > 0) node.style.animationDelay = `${Math.min(index * 40, 1600)}ms`;
  node.addEventListener("animationend", (event) => {
    if (event.animationName !== "pj-note-glow") return;
    node.classList.remove("is-new");
    node.style.animationDelay = "";
  });
}

// --- auto-fit and pagination -----------------------------------------------------------------

let currentStep = null;
let stripMode = false;

/** Pages a column's notes take: the multicol list overflows sideways, one page per box width. */
function pagesOf(col) {
  const last = col.list.lastElementChild;
  if (!last) return 1;
  const width = col.list.clientWidth;
  if (!width) return 1;
  const gap = parseFloat(getComputedStyle(col.list).columnGap) || 0;
  const offset = last.getBoundingClientRect().left - col.list.getBoundingClientRect().left;
  return Math.max(1, Math.floor((offset + 2) / (width + gap)) + 1);
}

/**
 * Take the largest type size at which every visible column fits on one page; when even the
 * smallest does not fit, keep the smallest and paginate. Starts from the current size, so a new
 * note usually costs one or two layouts.
 */
function fitWall() {
  const visible = [...columns.values()].filter((col) => !col.node.classList.contains("is-collapsed"));
  const steps = stripMode ? STEPS_STRIP : GROUP ? STEPS_GROUP : STEPS_WALL;
  const fits = (i) => {
    setStep(steps[i]);
    return visible.every((col) => pagesOf(col) === 1);
  };
  let i = steps.indexOf(currentStep);
  if (i < 0) i = 0;
  if (fits(i)) {
    while (i > 0 && fits(i - 1)) i -= 1;
  } else {
    while (i < steps.length - 1 && !fits(i + 1)) i += 1;
    i = Math.min(i + 1, steps.length - 1);
  }
  const chosen = steps[i];
  setStep(chosen);
  for (const col of columns.values()) {
    const pages = col.node.classList.contains("is-collapsed") ? 1 : pagesOf(col);
    const page = col.page < pages ? col.page : 0;
    if (pages === col.pages && page === col.page && col.pagerShown) continue;
    col.pages = pages;
    col.page = page;
    col.pagerShown = true;
    showPage(col, false);
  }
  root.dataset.step = String(chosen);
}

function setStep(step) {
  if (currentStep === step) return;
  currentStep = step;
  els.wall.style.setProperty("--pj-note-size", `${step / 16}rem`);
}

function showPage(col, animate) {
  showPageOf(col, animate, "--pj-note-gap", () => root.dataset.screen === "wall");
}

// Refit when a column changes size (window resize, spotlight, a longer question…).
let refitQueued = false;
function queueRefit() {
  if (refitQueued) return;
  refitQueued = true;
  window.requestAnimationFrame(() => {
    refitQueued = false;
    if (root.dataset.screen !== "wall") return;
    currentStep = null;
    fitWall();
  });
}
const viewportObserver = typeof ResizeObserver === "function" ? new ResizeObserver(queueRefit) : null;
window.addEventListener("resize", queueRefit);

// --- timer and screen niceties (projector/screen.js) -----------------------------------------

const renderTimer = startTimer(root, els, () => rt);
startScreenNiceties(root);

// --- connection status -----------------------------------------------------------------------

let statusTimer = null;

function showStatus(status, refused) {
  window.clearTimeout(statusTimer);
  els.conn.dataset.status = refused ? "offline" : status;
  if (status === "online" && !refused) {
    els.conn.hidden = true;
    return;
  }
  const text = refused ? S.status_refused : S[`status_${status}`] || status;
  const reveal = () => {
    setText(els.connText, text);
    els.conn.hidden = false;
  };
  // Brief hiccups (a sync, the first connect) stay invisible; offline shows at once.
  if (status === "offline" || refused) reveal();
  else statusTimer = window.setTimeout(reveal, 2000);
}


reducedMotion.addEventListener?.("change", scheduleRender);

// ---------------------------------------------------------------------------------------------
// Go live

let refused = false;
rt = connect(config, {
  onChange() {
    scheduleRender();
  },
  onStatus(status) {
    if (status === "online") refused = false;
    showStatus(status, refused);
  },
  onRefused() {
    refused = true;
    showStatus("offline", true);
  },
  onDeleted() {
    showDeleted(S);
  },
});

// For tests and debugging in the browser console (read only).
window.denktankProjector = {
  get state() {
    return rt.state;
  },
  get step() {
    return currentStep;
  },
  pages() {
    return Object.fromEntries([...columns].map(([id, col]) => [id, { page: col.page + 1, pages: col.pages }]));
  },
  board: {
    get step() {
      return board.step;
    },
    pages: () => board.pages(),
  },
};
