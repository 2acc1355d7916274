// The clustering board of the facilitator console (issue 4): in the cluster phase, and as a
// "Clusters" view from the share phase on, the notes area becomes a board of cluster cards and
// lanes of unclustered notes. Drag and drop (cluster-dnd.js), the keyboard path
// (cluster-keys.js) and suggestions (suggestions.js) all act through cluster-ops.js.

import { format, h, hydrateIcons, plural, setAttr, setText } from "./dom.js";
import { createOps } from "./cluster-ops.js";
import { createRenderer } from "./cluster-render.js";
import { cicon } from "./cluster-icons.js";
import { createDnd } from "./cluster-dnd.js";
import { createKeys } from "./cluster-keys.js";
import { createSuggestions } from "./suggestions.js";
import { createActions } from "./cluster-actions.js";
import { closeMenu } from "./menu.js";

const VIEW_PHASES = new Set(["share", "cluster", "vote", "results", "closed"]);

export function createClusters(ctx) {
  const { strings, names } = ctx;
  const boardSection = document.querySelector(".board");
  const body = document.querySelector(".console__body");
  const tabs = document.getElementById("board-views");
  const tabNotes = document.getElementById("view-notes");
  const tabClusters = document.getElementById("view-clusters");
  const root = document.getElementById("cluster-board");
  const main = document.getElementById("cboard-main");
  const summary = document.getElementById("cboard-summary");
  const undoButton = document.getElementById("cboard-undo");
  const suggestButton = document.getElementById("cboard-suggest");
  const selbar = document.getElementById("cboard-selbar");
  const hint = document.getElementById("cboard-hint");
  const selCount = document.getElementById("selbar-count");
  const selMove = document.getElementById("selbar-move");
  const selNew = document.getElementById("selbar-new");
  const selClear = document.getElementById("selbar-clear");

  let view = null; // "notes" | "clusters"; null: the phase's default
  let phase = null;
  let visible = false;
  let frameSig = "";
  let dragging = false;
  let queued = false;
  const frame = { lanes: null, clusterLists: new Map(), newZones: new Map(), empties: [], poolCount: null };

  const api = {
    ctx,
    strings,
    selection: new Set(),
    anchor: null,
    busy: new Set(),
    fresh: new Set(),
    renaming: null,
    board: null,
    state: null,
    root,
    get readOnly() {
      return phase === "closed";
    },
    titleOf: (cluster) => ops.titleOf(cluster),
    rerender: () => ctx.rerender(),
    setDragging(value) {
      dragging = value;
      root.classList.toggle("is-dragging", value);
      if (!value && queued) {
        queued = false;
        ctx.rerender();
      }
    },
  };
  const ops = createOps(ctx, { onChange: () => ctx.rerender() });
  api.ops = ops;
  const renderer = createRenderer(api);
  const dnd = createDnd(api);
  const keys = createKeys(api);
  const suggestions = createSuggestions(api);
  createActions(api, renderer);

  hydrateIcons(root);
  undoButton.prepend(cicon("undo"));
  suggestButton.prepend(cicon("sparkle"));
  selMove.prepend(cicon("move"));
  selNew.prepend(cicon("plus"));

  // --- view tabs ---------------------------------------------------------------------------------

  const defaultView = () => (phase === "cluster" ? "clusters" : "notes");
  function setView(next, focus = false) {
    view = next;
    ctx.rerender();
    if (focus) (next === "clusters" ? tabClusters : tabNotes).focus();
  }
  tabNotes.addEventListener("click", () => setView("notes"));
  tabClusters.addEventListener("click", () => setView("clusters"));
  tabs.addEventListener("keydown", (event) => {
    if (event.key === "ArrowLeft" || event.key === "ArrowRight" || event.key === "Home" || event.key === "End") {
      event.preventDefault();
      setView((view || defaultView()) === "notes" ? "clusters" : "notes", true);
    }
  });

  function renderTabs() {
    const available = VIEW_PHASES.has(phase);
    tabs.hidden = !available;
    const current = available ? view || defaultView() : "notes";
    const show = current === "clusters";
    setAttr(tabNotes, "aria-selected", String(!show));
    setAttr(tabClusters, "aria-selected", String(show));
    setAttr(tabNotes, "tabindex", show ? "-1" : "0");
    setAttr(tabClusters, "tabindex", show ? "0" : "-1");
    boardSection.classList.toggle("is-cluster-view", show);
    body.classList.toggle("is-clustering", show);
    root.hidden = !show;
    if (visible && !show) {
      closeMenu(false);
      suggestions.close();
    }
    visible = show;
  }

  // --- frame (depends on scope and viewpoints) ---------------------------------------------------

  function newZone(key) {
    const list = h("ol", { class: "cnotes cluster-new__list", "data-new": key, "aria-hidden": "true" });
    const zone = h(
      "div",
      { class: "cluster-new" },
      h("span", { class: "cluster-new__label" }, cicon("plus"), h("span", { text: strings.cl_drop_new })),
      list,
    );
    frame.newZones.set(key, list);
    return zone;
  }

  function buildFrame(board) {
    frame.clusterLists.clear();
    frame.newZones.clear();
    frame.empties = [];
    root.dataset.scope = board.scope;
    if (board.scope === "plenary") {
      frame.poolCount = h("span", { class: "count-pill" });
      frame.lanes = h("div", { class: "pool__lanes" });
      const clusters = h("ol", { class: "clusters", "data-column": "all", "aria-labelledby": "cgrid-title" });
      frame.clusterLists.set("all", clusters);
      const empty = h("div", { class: "cgrid__empty" }, h("p", { text: strings.cl_empty }));
      frame.empties.push(empty);
      main.replaceChildren(
        h(
          "section",
          { class: "pool", "aria-labelledby": "pool-title" },
          h("header", { class: "pool__head" }, h("h3", { id: "pool-title", text: strings.cl_unclustered }), frame.poolCount),
          h("div", { class: "pool__scroll" }, frame.lanes),
        ),
        h(
          "section",
          { class: "cgrid", "aria-labelledby": "cgrid-title" },
          h("h3", { class: "visually-hidden", id: "cgrid-title", text: strings.cl_clusters }),
          h("div", { class: "cgrid__scroll" }, newZone("all"), empty, clusters),
        ),
      );
    } else {
      frame.lanes = null;
      frame.poolCount = null;
      main.style.setProperty("--cols", String(Math.max(1, board.viewpoints.length)));
      main.replaceChildren(
        ...board.viewpoints.map((vp) => {
          const clusters = h("ol", { class: "clusters", "data-column": String(vp.id), "aria-label": format(strings.cl_clusters_of, { name: vp.name }) });
          frame.clusterLists.set(String(vp.id), clusters);
          const lane = renderer.createLane(vp, true);
          lane.dataset.vp = String(vp.id);
          return h(
            "section",
            { class: "ccol", style: `--vp: ${vp.colour || "#8d959f"}`, "aria-labelledby": `ccol-${vp.id}` },
            h(
              "header",
              { class: "ccol__head" },
              h("span", { class: "vp-swatch", "aria-hidden": "true" }),
              h("h3", { id: `ccol-${vp.id}`, text: vp.name, title: vp.name }),
              h("span", { class: "ccol__meta", "data-meta": String(vp.id) }),
            ),
            h("div", { class: "ccol__scroll" }, newZone(String(vp.id)), clusters, lane),
          );
        }),
      );
    }
  }

  // --- render ------------------------------------------------------------------------------------

  function render() {
    const state = ops.view();
    if (!state || !state.workshop) return;
    phase = state.workshop.phase;
    renderTabs();
    if (!visible) return;
    if (dragging) {
      queued = true;
      return;
    }
    const board = ops.board();
    api.board = board;
    api.state = state;
    const sig = JSON.stringify([board.scope, board.viewpoints.map((v) => [v.id, v.name, v.colour])]);
    if (sig !== frameSig) {
      frameSig = sig;
      buildFrame(board);
    }
    keys.beforeRender();
    const noteIds = new Set(board.noteById.keys());
    for (const id of [...api.selection]) if (!noteIds.has(id)) api.selection.delete(id);
    if (board.scope === "plenary") {
      renderer.renderLanes(frame.lanes, board);
      renderer.renderClusters(frame.clusterLists.get("all"), board.clusters);
      const unclustered = [...board.lanes.values()].reduce((n, l) => n + l.length, 0);
      setText(frame.poolCount, String(unclustered));
    } else {
      for (const vp of board.viewpoints) {
        const groups = board.clusters.filter((g) => g.viewpointId === vp.id);
        renderer.renderClusters(frame.clusterLists.get(String(vp.id)), groups);
        const lane = main.querySelector(`.lane[data-vp="${vp.id}"]`);
        if (lane) renderer.updateLane(lane, vp, board.lanes.get(vp.id) || [], renderer.vpById());
        const meta = main.querySelector(`[data-meta="${vp.id}"]`);
        if (meta) setText(meta, plural(strings, "cl_clusters", groups.length));
      }
    }
    for (const empty of frame.empties) empty.hidden = board.clusters.length > 0;
    root.classList.toggle("is-readonly", api.readOnly);
    renderToolbar(board);
    renderSelbar();
    dnd.sync(main);
    keys.afterRender(board);
    suggestions.render(board);
  }

  function renderToolbar(board) {
    const total = board.noteById.size;
    const unclustered = [...board.lanes.values()].reduce((n, l) => n + l.length, 0);
    setText(
      summary,
      format(strings.cl_summary, {
        clusters: plural(strings, "cl_clusters", board.clusters.length),
        unclustered: format(strings.cl_unclustered_of, { n: unclustered, total }),
      }),
    );
    undoButton.disabled = !ops.canUndo || api.readOnly;
    const label = ops.canUndo ? format(strings.cl_undo_label, { action: ops.undoLabel }) : strings.cl_undo;
    setAttr(undoButton, "title", `${label} (Ctrl+Z)`);
    setAttr(undoButton, "aria-label", label);
    suggestButton.disabled = api.readOnly || unclustered < 1;
  }

  function renderSelbar() {
    const n = api.selection.size;
    selbar.hidden = n === 0 || api.readOnly;
    hint.hidden = !selbar.hidden;
    setText(selCount, plural(strings, "cl_selected", n));
  }

  undoButton.addEventListener("click", () => ops.undo());
  suggestButton.addEventListener("click", () => suggestions.open(suggestButton));
  selMove.addEventListener("click", () => api.openMoveMenu(selMove, api.selectedOr(null)));
  selNew.addEventListener("click", () => api.moveTo("new", api.selectedOr(null)));
  selClear.addEventListener("click", () => {
    api.selection.clear();
    ctx.rerender();
    ctx.announce(strings.cl_selection_cleared);
  });

  // --- console part interface --------------------------------------------------------------------

  function onFact(name, payload) {
    if (name === names.PHASE_CHANGED && payload && payload.phase !== phase) view = null;
    if (api.fresh.size > 200) api.fresh.clear(); // only ever meant for the next render
    if (name === names.NOTE_ADDED && payload?.note) api.fresh.add(payload.note.id);
    if (name === names.CLUSTER_CREATED && payload?.cluster && !main.querySelector(`.cluster[data-key="${CSS.escape(payload.cluster.id)}"]`)) {
      api.fresh.add(payload.cluster.id);
    }
  }

  function setPending(pending) {
    api.busy.clear();
    for (const entry of pending) {
      const p = entry.payload || {};
      if (entry.name === names.NOTES_MOVE) for (const m of p.moves || []) api.busy.add(m.note_id);
      if (entry.name === names.CLUSTER_CREATE) for (const id of p.note_ids || []) api.busy.add(id);
    }
    if (visible) ctx.rerender();
  }

  // For the browser tests and debugging.
  window.denktankClusters = { ops, api };

  return { render, onFact, setPending };
}
