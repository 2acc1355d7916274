// DOM of the clustering board: lanes of unclustered notes, cluster cards, note cards.
// Elements are reused by key (dom.js reconcile), so SortableJS lists and focus survive updates.
// User text only ever goes through textContent.

import { format, h, icon, plural, reconcile, setAttr, setText } from "./dom.js";
import { cicon } from "./cluster-icons.js";

/** "Gemeenten and Leveranciers" as nodes: coloured chips joined by the language's list words. */
export function viewpointList(viewpoints, lang) {
  const names = viewpoints.map((v) => v.name);
  let parts;
  try {
    parts = new Intl.ListFormat(lang || undefined, { style: "long", type: "conjunction" }).formatToParts(names);
  } catch (_) {
    parts = names.flatMap((n, i) => (i ? [{ type: "literal", value: ", " }, { type: "element", value: n }] : [{ type: "element", value: n }]));
  }
  let i = 0;
  return parts.map((part) => {
    if (part.type !== "element") return document.createTextNode(part.value);
    const vp = viewpoints[i++];
    return h(
      "span",
      { class: "vp-chip", style: `--vp: ${vp.colour || "#8d959f"}`, title: vp.name },
      h("span", { class: "vp-swatch", "aria-hidden": "true" }),
      h("span", { class: "vp-chip__name", text: vp.name }),
    );
  });
}

export function createRenderer(api) {
  const { strings } = api;
  const refs = new WeakMap();
  const lang = document.documentElement.lang || undefined;

  const vpById = () => new Map(api.board.viewpoints.map((v) => [v.id, v]));
  const kindLabel = (key) => (api.state?.kinds || []).find((k) => k.key === key)?.label || key;
  const kindIndex = (key) => Math.max(0, (api.state?.kinds || []).findIndex((k) => k.key === key));

  // --- notes -------------------------------------------------------------------------------------

  function createNote(note) {
    const text = h("p", { class: "cnote__text" });
    const kind = h("span", { class: "kind" });
    const vp = h("span", { class: "cnote__vp" });
    const plus = h("span", { class: "cnote__plus" });
    const check = h("span", { class: "cnote__check", "aria-hidden": "true" }, icon("check"));
    const li = h(
      "li",
      { class: "cnote", role: "option", tabindex: "-1", "aria-selected": "false" },
      check,
      text,
      h("p", { class: "cnote__meta" }, kind, vp, plus),
    );
    refs.set(li, { text, kind, vp, plus });
    if (api.fresh.has(note.id)) {
      api.fresh.delete(note.id);
      li.classList.add("is-arrived");
      setTimeout(() => li.classList.remove("is-arrived"), 1600);
    }
    return li;
  }

  function updateNote(li, note, vps) {
    const r = refs.get(li);
    const vp = vps.get(note.viewpoint_id);
    li.dataset.vp = String(note.viewpoint_id);
    li.style.setProperty("--vp", vp?.colour || "#8d959f");
    setText(r.text, note.text);
    setText(r.kind, kindLabel(note.kind));
    r.kind.dataset.kind = String(kindIndex(note.kind) % 4);
    setText(r.vp, vp?.name || "");
    setAttr(r.vp, "title", vp?.name || null);
    const n = note.endorsements || 0;
    r.plus.hidden = n <= 0;
    setText(r.plus, n > 0 ? format(strings.cl_plus, { n }) : "");
    setAttr(r.plus, "title", n > 0 ? plural(strings, "cl_plus_title", n) : null);
    const selected = api.selection.has(note.id);
    setAttr(li, "aria-selected", String(selected));
    li.classList.toggle("is-selected", selected);
    li.classList.toggle("is-busy", api.busy.has(note.id));
  }

  function renderNotes(list, notes, vps) {
    reconcile(list, notes, (n) => n.id, createNote, (li, n) => updateNote(li, n, vps));
  }

  // --- lanes (unclustered notes of one viewpoint) ------------------------------------------------

  function createLane(vp, column = false) {
    const name = h(column ? "h4" : "h4", { class: "lane__name" });
    const count = h("span", { class: "lane__count" });
    const list = h("ol", { class: "cnotes lane__notes", role: "listbox", "aria-multiselectable": "true" });
    const empty = h("p", { class: "lane__empty" });
    const el = h(
      "section",
      { class: `lane${column ? " lane--column" : ""}` },
      h("header", { class: "lane__head" }, column ? null : h("span", { class: "vp-swatch", "aria-hidden": "true" }), name, count),
      list,
      empty,
    );
    refs.set(el, { name, count, list, empty, column });
    return el;
  }

  function updateLane(el, vp, notes, vps) {
    const r = refs.get(el);
    el.style.setProperty("--vp", vp.colour || "#8d959f");
    setText(r.name, r.column ? strings.cl_unclustered : vp.name);
    setAttr(r.name, "title", r.column ? null : vp.name);
    setText(r.count, String(notes.length));
    setAttr(r.count, "aria-label", plural(strings, "notes", notes.length));
    r.list.dataset.lane = String(vp.id);
    setAttr(r.list, "aria-label", format(strings.cl_lane_label, { name: vp.name }));
    renderNotes(r.list, notes, vps);
    r.empty.hidden = notes.length > 0;
    setText(r.empty, strings.cl_lane_empty);
    el.classList.toggle("is-empty", notes.length === 0);
  }

  // --- clusters ----------------------------------------------------------------------------------

  function createCluster(group) {
    const id = group.cluster.id;
    const nameButton = h("button", { type: "button", class: "cluster__name", "aria-describedby": "cl-name-help" });
    nameButton.addEventListener("click", () => api.startRename(id));
    const heading = h("h4", { class: "cluster__heading" }, nameButton);
    const count = h("span", { class: "cluster__count" });
    const menu = h(
      "button",
      { type: "button", class: "icon-button cluster__menu", "aria-haspopup": "menu" },
      cicon("more"),
    );
    menu.addEventListener("click", () => api.openClusterMenu(id, menu));
    const raised = h("p", { class: "cluster__raised" });
    const list = h("ol", { class: "cnotes cluster__notes", role: "listbox", "aria-multiselectable": "true" });
    const empty = h("p", { class: "cluster__empty", text: strings.cl_cluster_empty });
    const li = h(
      "li",
      { class: "cluster" },
      h(
        "div",
        { class: "cluster__head" },
        h("span", { class: "cluster__grip", title: strings.cl_grip }, cicon("grip")),
        heading,
        count,
        menu,
      ),
      raised,
      list,
      empty,
    );
    refs.set(li, { nameButton, heading, count, menu, raised, list, empty, raisedSig: null });
    if (api.fresh.has(id)) {
      api.fresh.delete(id);
      li.classList.add("is-arrived");
      setTimeout(() => li.classList.remove("is-arrived"), 1600);
    }
    return li;
  }

  function updateCluster(li, group, vps) {
    const r = refs.get(li);
    const { cluster, notes } = group;
    const title = api.titleOf(cluster);
    li.classList.toggle("is-untitled", !(cluster.title || "").trim());
    li.classList.toggle("is-renaming", api.renaming === cluster.id);
    if (api.renaming !== cluster.id) setText(r.nameButton, title);
    setAttr(r.nameButton, "aria-label", format(strings.cl_name_label, { title }));
    setText(r.count, String(notes.length));
    setAttr(r.count, "aria-label", plural(strings, "notes", notes.length));
    setAttr(r.count, "title", plural(strings, "notes", notes.length));
    setAttr(r.menu, "aria-label", format(strings.cl_actions, { title }));
    setAttr(r.menu, "title", format(strings.cl_actions, { title }));
    r.list.dataset.cluster = cluster.id;
    setAttr(r.list, "aria-label", format(strings.cl_cluster_label, { title }));
    const colours = group.viewpointIds.map((id) => vps.get(id)?.colour || "#8d959f");
    li.style.setProperty("--stripe", stripe(colours, notes, group.viewpointIds));
    const cross = api.board.scope === "plenary" && group.viewpointIds.length > 1;
    li.classList.toggle("is-cross", cross);
    const sig = JSON.stringify([cross, group.viewpointIds, group.viewpointIds.map((id) => vps.get(id)?.name)]);
    if (r.raisedSig !== sig) {
      r.raisedSig = sig;
      if (cross) {
        const list = viewpointList(group.viewpointIds.map((id) => vps.get(id)).filter(Boolean), lang);
        const [before, after] = String(strings.cl_raised_by).split("%(list)s");
        r.raised.replaceChildren(before || "", ...list, after || "");
      } else {
        r.raised.replaceChildren();
      }
    }
    r.raised.hidden = !cross;
    renderNotes(r.list, notes, vps);
    r.empty.hidden = notes.length > 0;
  }

  /** A top stripe in the viewpoints' colours, in proportion to their notes. */
  function stripe(colours, notes, ids) {
    if (!colours.length) return "#b9b3a6";
    if (colours.length === 1) return colours[0];
    const counts = ids.map((id) => notes.filter((n) => n.viewpoint_id === id).length);
    const total = counts.reduce((a, b) => a + b, 0) || 1;
    let at = 0;
    const stops = colours.map((c, i) => {
      const from = (at / total) * 100;
      at += counts[i];
      return `${c} ${from.toFixed(1)}% ${((at / total) * 100).toFixed(1)}%`;
    });
    return `linear-gradient(90deg, ${stops.join(", ")})`;
  }

  function renderClusters(listEl, groups) {
    const vps = vpById();
    reconcile(listEl, groups, (g) => g.cluster.id, createCluster, (li, g) => updateCluster(li, g, vps));
  }

  function renderLanes(container, board) {
    const vps = vpById();
    reconcile(
      container,
      board.viewpoints,
      (v) => v.id,
      (v) => createLane(v),
      (el, v) => updateLane(el, v, board.lanes.get(v.id) || [], vps),
    );
  }

  return { createLane, updateLane, renderClusters, renderLanes, refs, vpById };
}
