// The clustered board on the projector (cluster phase, and vote/results until they have their own).
//
// Plenary scope: cluster cards across the width, each with its title, a count, the viewpoints its
// notes came from (badges: shape + colour + name, so colour is never the only signal) and its notes
// in compact form. Viewpoint scope: a column per viewpoint with its clusters inside. The notes not
// yet clustered stay on the regular wall (projector.js), which then becomes a calmer strip below.
// Group screens show their viewpoint's clusters (plenary: the clusters holding its notes).
//
// Cards and notes are reconciled by id, so a rename or a move changes only what changed; moves
// animate with FLIP (a note flies from the strip into its cluster), unless reduced motion is asked.

import {
  S, applyColour, el, plural, reducedMotion, safeColour, setHidden, setPlural, setText, sortedViewpoints,
  showPage as showPageOf,
} from "./util.js";

/** Phases that show clusters (when there are any). */
export const BOARD_PHASES = new Set(["cluster", "vote", "results"]);

const STEPS = [40, 35, 31, 28, 25, 22.5, 20];
const STEPS_GROUP = [52, 46, 40, 35, 31, 28, 25, 22.5, 20];
const SPLIT_BELOW = 25;
const SHAPES = 6;
const FLIP_MS = 650;
const FLIP_MAX = 120;

/** "plenary" or "viewpoint": the plan's setting, else what the clusters say. */
export function scopeOf(state) {
  const scope = state.workshop && state.workshop.clustering && state.workshop.clustering.scope;
  if (scope === "plenary" || scope === "viewpoint") return scope;
  return (state.clusters || []).some((c) => c.viewpoint_id === null || c.viewpoint_id === undefined)
    ? "plenary"
    : "viewpoint";
}

/** A viewpoint's name for a badge: without a trailing explanation in brackets. */
export function shortName(name) {
  const short = String(name || "").replace(/\s*\([^)]*\)\s*$/, "");
  return short || String(name || "");
}

function byPosition(a, b) {
  return (a.position ?? 0) - (b.position ?? 0) || (a.created_at_ms ?? 0) - (b.created_at_ms ?? 0);
}

/**
 * What the board shows: the non-empty clusters (for a group screen only its viewpoint's), their
 * notes in order, and which notes are not clustered yet.
 */
export function boardModel(state, groupVp) {
  const scope = scopeOf(state);
  const vps = groupVp ? [groupVp] : sortedViewpoints(state);
  const vpIds = new Set(vps.map((vp) => vp.id));
  const clusterIds = new Set((state.clusters || []).map((c) => c.id));
  const notesOf = new Map();
  const unclustered = new Set();
  let clustered = 0;
  for (const note of state.notes || []) {
    if (note.cluster_id && clusterIds.has(note.cluster_id)) {
      if (!notesOf.has(note.cluster_id)) notesOf.set(note.cluster_id, []);
      notesOf.get(note.cluster_id).push(note);
    } else if (vpIds.has(note.viewpoint_id)) {
      unclustered.add(note.id);
    }
  }
  const clusters = [];
  for (const cluster of state.clusters || []) {
    const notes = (notesOf.get(cluster.id) || []).sort(byPosition);
    if (!notes.length) continue; // empty clusters are not shown
    if (groupVp) {
      if (scope === "viewpoint" && cluster.viewpoint_id !== groupVp.id) continue;
      if (scope === "plenary" && !notes.some((n) => n.viewpoint_id === groupVp.id)) continue;
    }
    clusters.push({ cluster, notes });
    clustered += notes.filter((n) => vpIds.has(n.viewpoint_id)).length;
  }
  return { scope, vps, allVps: sortedViewpoints(state), clusters, unclustered, clustered, group: groupVp || null };
}

/**
 * The board. `container` is the empty <section id="pj-board">.
 * Returns {render(model), clear(), step, pages()}.
 */
export function createClusterBoard(root, container, { group = false } = {}) {
  const cols = new Map(); // key ("all" or viewpoint id) → column parts
  const cards = new Map(); // cluster id → card parts
  let colSignature = "";
  let currentStep = null;
  let firstRender = true;
  let shapeOf = new Map(); // viewpoint id → shape index
  let vpColour = new Map(); // viewpoint id → #RRGGBB

  const cardsBox = el("div", "pj-board__cols");
  container.append(cardsBox);

  // --- columns ---------------------------------------------------------------------------------

  function makeCol(vp) {
    const node = el("section", "pj-bcol");
    const head = el("header", "pj-bcol__head");
    const swatch = el("span", "pj-swatch");
    swatch.setAttribute("aria-hidden", "true");
    const name = el("h2", "pj-bcol__name");
    const count = el("span", "pj-bcol__count");
    head.append(swatch, name, count);
    head.hidden = !vp;
    const viewport = el("div", "pj-bcol__viewport");
    const list = el("div", "pj-clusters");
    list.setAttribute("role", "list");
    const empty = el("p", "pj-bcol__empty");
    empty.hidden = true;
    viewport.append(list, empty);
    const pager = el("p", "pj-pager pj-bcol__pager");
    const pagerDots = el("span", "pj-pager__dots");
    pagerDots.setAttribute("aria-hidden", "true");
    const pagerText = el("span", "pj-pager__text");
    pager.append(pagerDots, pagerText);
    pager.hidden = true;
    node.append(head, viewport, pager);
    observer?.observe(viewport);
    return { node, name, count, viewport, list, empty, pager, pagerDots, pagerText, page: 0, pages: 1, timer: null };
  }

  function dropCol(key) {
    const col = cols.get(key);
    if (!col) return;
    window.clearTimeout(col.timer);
    observer?.unobserve(col.viewport);
    col.node.remove();
    cols.delete(key);
  }

  // --- cards -----------------------------------------------------------------------------------

  function makeCard(id) {
    const node = el("article", "pj-cluster");
    node.setAttribute("role", "listitem");
    node.dataset.clusterId = id;
    const head = el("header", "pj-cluster__head");
    const title = el("h3", "pj-cluster__title");
    const count = el("span", "pj-cluster__count");
    head.append(title, count);
    const vps = el("p", "pj-cluster__vps");
    const list = el("ul", "pj-cluster__notes");
    node.append(head, vps, list);
    return { node, title, count, vps, list, notes: new Map(), redacted: null, vpKey: "", titleText: null };
  }

  function badge(vp, own) {
    const node = el("span", own ? "pj-badge is-own" : "pj-badge");
    applyColour(node, vp.colour);
    node.append(mark(vp.id), el("span", "pj-badge__name", shortName(vp.name)));
    node.title = vp.name;
    return node;
  }

  function mark(vpId) {
    const node = el("span", "pj-mark");
    node.dataset.shape = String(shapeOf.get(vpId) ?? 0);
    node.setAttribute("aria-hidden", "true");
    return node;
  }

  function updateCard(card, cluster, notes, model, vpById) {
    const plenary = model.scope === "plenary";
    const title = (cluster.title || "").trim();
    card.node.classList.toggle("is-untitled", !title);
    if (card.titleText !== null && card.titleText !== title && !reducedMotion.matches) glow(card.node);
    card.titleText = title;
    setText(card.title, title || S.untitled || "…");
    const readable = notes.filter((n) => !n.redacted);
    const redacted = notes.length - readable.length;
    setPlural(card.count, "notes", notes.length);

    // Which viewpoints raised this: badges in viewpoint order, and a stripe of their colours.
    const present = model.allVps.filter((vp) => notes.some((n) => n.viewpoint_id === vp.id));
    const ownId = model.group ? model.group.id : null;
    const vpKey = plenary ? present.map((vp) => `${vp.id}:${vp.name}:${vp.colour}:${vp.id === ownId}`).join("|") : "";
    if (vpKey !== card.vpKey) {
      card.vpKey = vpKey;
      const parts = [];
      for (const vp of present) parts.push(badge(vp, vp.id === ownId));
      card.vps.replaceChildren(...parts);
      card.vps.hidden = !plenary || !present.length;
      if (present.length) {
        card.vps.setAttribute("aria-label", (S.raised_by || "{names}").replace("{names}", () => present.map((vp) => vp.name).join(", ")));
      }
      const colours = (plenary ? present : []).map((vp) => safeColour(vp.colour));
      const stripe = colours.length
        ? `linear-gradient(90deg, ${colours.map((c, i) => `${c} ${(i * 100) / colours.length}% ${((i + 1) * 100) / colours.length}%`).join(", ")})`
        : "";
      if (stripe) card.node.style.setProperty("--pj-stripe", stripe);
      else card.node.style.removeProperty("--pj-stripe");
    }
    if (!plenary && model.vps.length) applyColour(card.node, (vpById.get(cluster.viewpoint_id) || model.vps[0]).colour);

    // The notes, in their order inside the cluster.
    const wanted = new Set(readable.map((n) => n.id));
    for (const [id, node] of card.notes) {
      if (!wanted.has(id)) {
        node.remove();
        card.notes.delete(id);
      }
    }
    let cursor = card.list.firstChild;
    for (const note of readable) {
      let node = card.notes.get(note.id);
      if (!node) {
        node = el("li", "pj-cnote");
        node.dataset.noteId = note.id;
        node.append(el("span", "pj-cnote__text"));
        card.notes.set(note.id, node);
      }
      updateCompactNote(node, note, plenary, ownId);
      if (node !== cursor) card.list.insertBefore(node, cursor);
      else cursor = cursor.nextSibling;
    }
    if (redacted) {
      if (!card.redacted) card.redacted = el("li", "pj-cnote pj-cnote--redacted");
      setText(card.redacted, plural("redacted", redacted));
      if (card.redacted.parentNode !== card.list || card.redacted.nextSibling) card.list.append(card.redacted);
    } else if (card.redacted) {
      card.redacted.remove();
      card.redacted = null;
    }
  }

  function updateCompactNote(node, note, plenary, ownId) {
    const text = node.querySelector(".pj-cnote__text");
    const before = text.textContent;
    setText(text, note.text || "");
    if (before && before !== text.textContent && !reducedMotion.matches) glow(node);
    node.dataset.viewpointId = String(note.viewpoint_id ?? "");
    node.classList.toggle("is-own", ownId !== null && note.viewpoint_id === ownId);
    let m = node.querySelector(".pj-mark");
    if (plenary) {
      const shape = String(shapeOf.get(note.viewpoint_id) ?? 0);
      if (!m) {
        m = mark(note.viewpoint_id);
        node.prepend(m);
      }
      m.dataset.shape = shape;
      const vp = vpColour.get(note.viewpoint_id);
      if (vp) node.style.setProperty("--vp", vp);
    } else if (m) {
      m.remove();
    }
    const n = note.endorsements || 0;
    let plus = node.querySelector(".pj-cnote__plus");
    if (n > 0) {
      if (!plus) {
        plus = el("span", "pj-cnote__plus");
        node.append(plus);
      }
      setText(plus, `+${n}`);
      plus.setAttribute("aria-label", plural("plus", n));
    } else if (plus) {
      plus.remove();
    }
  }

  function glow(node) {
    node.classList.remove("is-changed");
    void node.offsetWidth;
    node.classList.add("is-changed");
  }

  // --- render ----------------------------------------------------------------------------------

  function render(model) {
    container.dataset.scope = model.scope;
    shapeOf = new Map(model.allVps.map((vp, i) => [vp.id, i % SHAPES]));
    vpColour = new Map(model.allVps.map((vp) => [vp.id, safeColour(vp.colour)]));
    const vpById = new Map(model.allVps.map((vp) => [vp.id, vp]));

    // Columns: one for the plenary, else one per viewpoint (a group screen: its own).
    const keys = model.scope === "plenary" ? ["all"] : model.vps.map((vp) => String(vp.id));
    const signature = `${model.scope}:${keys.join(",")}`;
    if (signature !== colSignature) {
      colSignature = signature;
      for (const key of [...cols.keys()]) if (!keys.includes(key)) dropCol(key);
      for (const key of keys) {
        if (!cols.has(key)) cols.set(key, makeCol(key === "all" ? null : vpById.get(Number(key))));
        cardsBox.append(cols.get(key).node);
      }
    }
    cardsBox.style.gridTemplateColumns = `repeat(${keys.length}, minmax(0, 1fr))`;

    const perCol = new Map(keys.map((k) => [k, []]));
    for (const item of model.clusters) {
      const key = model.scope === "plenary" ? "all" : String(item.cluster.viewpoint_id ?? item.notes[0].viewpoint_id);
      if (perCol.has(key)) perCol.get(key).push(item);
    }

    const shown = new Set();
    for (const key of keys) {
      const col = cols.get(key);
      const items = perCol.get(key);
      if (key !== "all") {
        const vp = vpById.get(Number(key));
        applyColour(col.node, vp.colour);
        col.node.dataset.viewpointId = key;
        col.node.dataset.viewpointSlug = vp.slug || "";
        col.node.setAttribute("aria-label", vp.name);
        setText(col.name, vp.name);
        setPlural(col.count, "clusters", items.length);
      }
      setHidden(col.empty, items.length > 0);
      if (!items.length) setText(col.empty, S.no_clusters || "");
      let cursor = col.list.firstChild;
      let arriving = 0;
      for (const { cluster, notes } of items) {
        shown.add(cluster.id);
        let card = cards.get(cluster.id);
        if (!card) {
          card = makeCard(cluster.id);
          cards.set(cluster.id, card);
          if (!firstRender && !reducedMotion.matches) {
            card.node.classList.add("is-new");
            card.node.style.animationDelay = `${Math.min(arriving++ * 60, 600)}ms`;
          }
        }
        updateCard(card, cluster, notes, model, vpById);
        if (card.node !== cursor) col.list.insertBefore(card.node, cursor);
        else cursor = cursor.nextSibling;
      }
    }
    for (const [id, card] of cards) {
      if (!shown.has(id)) {
        card.node.remove();
        cards.delete(id);
      }
    }
    firstRender = false;
    fit();
  }

  function clear() {
    for (const key of [...cols.keys()]) dropCol(key);
    cards.clear();
    colSignature = "";
    currentStep = null;
    firstRender = true;
  }

  // --- auto-fit and pages (like the wall: the largest type at which every column fits) --------

  function pagesOf(col) {
    const last = col.list.lastElementChild;
    if (!last) return 1;
    const width = col.list.clientWidth;
    if (!width) return 1;
    const gap = parseFloat(getComputedStyle(col.list).columnGap) || 0;
    const offset = last.getBoundingClientRect().left - col.list.getBoundingClientRect().left;
    return Math.max(1, Math.floor((offset + 2) / (width + gap)) + 1);
  }

  function setStep(step, split) {
    if (currentStep !== step) {
      currentStep = step;
      container.style.setProperty("--pj-board-size", `${step / 16}rem`);
    }
    container.classList.toggle("is-split", split);
  }

  /**
   * The largest type size at which every column fits on one page; at each size whole cards are
   * tried first, then cards that continue in the next column. Below the last size: pages.
   */
  function fit() {
    if (!cols.size) return;
    const steps = group ? STEPS_GROUP : STEPS;
    const all = [...cols.values()];
    const fits = (step, split) => {
      setStep(step, split);
      return all.every((col) => pagesOf(col) === 1);
    };
    // Whole cards are easier to take in than larger type, up to a point (SPLIT_BELOW px).
    const big = steps.filter((step) => step >= SPLIT_BELOW);
    const small = steps.filter((step) => step < SPLIT_BELOW);
    const candidates = [
      ...big.map((step) => [step, false]),
      ...big.map((step) => [step, true]),
      ...small.map((step) => [step, false]),
      ...small.map((step) => [step, true]),
    ];
    const chosen = candidates.find(([step, split]) => fits(step, split)) || [steps[steps.length - 1], true];
    setStep(...chosen);
    container.dataset.step = String(chosen[0]);
    for (const col of all) {
      const pages = pagesOf(col);
      if (pages === col.pages && col.page < pages && col.shown) continue;
      col.pages = pages;
      col.page = col.page < pages ? col.page : 0;
      col.shown = true;
      showPage(col, false);
    }
  }

  function showPage(col, animate) {
    showPageOf(col, animate, "--pj-board-gap", () => root.dataset.board === "clusters");
  }

  let refitQueued = false;
  function queueRefit() {
    if (refitQueued) return;
    refitQueued = true;
    window.requestAnimationFrame(() => {
      refitQueued = false;
      if (root.dataset.board !== "clusters") return;
      currentStep = null;
      fit();
    });
  }
  const observer = typeof ResizeObserver === "function" ? new ResizeObserver(queueRefit) : null;
  window.addEventListener("resize", queueRefit);

  return {
    render,
    clear,
    get step() {
      return currentStep;
    },
    pages() {
      return Object.fromEntries([...cols].map(([key, col]) => [key, { page: col.page + 1, pages: col.pages }]));
    },
  };
}

// --- FLIP: notes and cards glide from where they were to where they are now --------------------

/** Where every note and card is now (before a render). */
export function measure(scope) {
  const rects = new Map();
  for (const node of scope.querySelectorAll("[data-note-id], [data-cluster-id]")) {
    const key = node.dataset.clusterId ? `c:${node.dataset.clusterId}` : `n:${node.dataset.noteId}`;
    if (!rects.has(key)) rects.set(key, node.getBoundingClientRect());
  }
  return rects;
}

function onScreen(r) {
  return r.width > 0 && r.right > 0 && r.bottom > 0 && r.left < window.innerWidth && r.top < window.innerHeight;
}

/** Animate what moved since `before` (from measure()); a changed type size only reflows. */
export function play(scope, before, sizeChanged) {
  if (!before || sizeChanged || reducedMotion.matches || typeof Element.prototype.animate !== "function") return;
  const moves = [];
  const cardDelta = new Map();
  for (const node of scope.querySelectorAll("[data-cluster-id]")) {
    const old = before.get(`c:${node.dataset.clusterId}`);
    if (!old) continue;
    const now = node.getBoundingClientRect();
    const dx = old.left - now.left;
    const dy = old.top - now.top;
    if (Math.abs(dx) + Math.abs(dy) < 2 || !onScreen(old) || !onScreen(now)) continue;
    cardDelta.set(node, [dx, dy]);
    moves.push([node, dx, dy, false]);
  }
  for (const node of scope.querySelectorAll("[data-note-id]")) {
    const old = before.get(`n:${node.dataset.noteId}`);
    if (!old) continue;
    const now = node.getBoundingClientRect();
    let dx = old.left - now.left;
    let dy = old.top - now.top;
    const card = node.closest("[data-cluster-id]");
    const parent = card && cardDelta.get(card);
    if (parent) {
      dx -= parent[0];
      dy -= parent[1];
    }
    if (Math.abs(dx) + Math.abs(dy) < 2 || !onScreen(old) || !onScreen(now)) continue;
    moves.push([node, dx, dy, Math.abs(dx) + Math.abs(dy) > 300]);
  }
  if (moves.length > FLIP_MAX) return;
  for (const [node, dx, dy, far] of moves) {
    node.animate(
      [
        { transform: `translate(${dx}px, ${dy}px)`, zIndex: 5 },
        { transform: "none", zIndex: 5 },
      ],
      { duration: far ? FLIP_MS + 150 : FLIP_MS, easing: "cubic-bezier(.2, .75, .2, 1)" },
    );
  }
}
