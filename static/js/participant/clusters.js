// The clustered board on the phone (cluster phase and later): read-only, clusters collapsible.
//
// A cluster starts open when it holds one of this phone's notes, else closed; once the person
// opens or closes one, that choice sticks. Own notes say "you"; the phone's group is highlighted;
// +1 counts show, and other people's notes keep their +1 toggle (endorse.js). Nothing here edits
// a cluster.

const fmt = (text, params) => String(text).replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));

function scopeOf(state) {
  const scope = state.workshop && state.workshop.clustering && state.workshop.clustering.scope;
  if (scope === "plenary" || scope === "viewpoint") return scope;
  return (state.clusters || []).some((c) => c.viewpoint_id == null) ? "plenary" : "viewpoint";
}

const byPosition = (a, b) => (a.position ?? 0) - (b.position ?? 0) || (a.created_at_ms ?? 0) - (b.created_at_ms ?? 0);

/** Non-empty clusters with their readable notes, and the notes not clustered yet. */
export function clusterModel(state, notes) {
  const known = new Set((state.clusters || []).map((c) => c.id));
  const inCluster = new Map();
  const rest = [];
  for (const note of notes) {
    if (note.redacted || note.pending === "failed") continue; // a refused note stays in the list
    if (note.cluster_id && known.has(note.cluster_id)) {
      if (!inCluster.has(note.cluster_id)) inCluster.set(note.cluster_id, []);
      inCluster.get(note.cluster_id).push(note);
    } else {
      rest.push(note);
    }
  }
  const clusters = [];
  for (const cluster of state.clusters || []) {
    const list = inCluster.get(cluster.id);
    if (list && list.length) clusters.push({ cluster, notes: list.sort(byPosition) });
  }
  return { scope: scopeOf(state), clusters, rest: rest.sort(byPosition) };
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function chip(vp, own, T) {
  const span = el("span", own ? "chip chip--small chip--mine" : "chip chip--small");
  span.style.setProperty("--vp", vp.colour);
  const sw = el("span", "swatch");
  sw.setAttribute("aria-hidden", "true");
  // Without a trailing explanation in brackets: "Shared Service Organisatie (in eigendom …)".
  span.append(sw, String(vp.name).replace(/\s*\([^)]*\)\s*$/, "") || vp.name);
  span.title = own ? `${vp.name} · ${T.your_group}` : vp.name;
  return span;
}

/**
 * container: the element that holds the board; T: strings; endorsements: from endorse.js.
 * render(state, {notes, mine, canEndorse, kindLabel}) → number of clusters shown.
 */
export function createPhoneClusters(container, T, endorsements) {
  const userOpen = new Map(); // key → open, after the person toggled it
  const items = new Map(); // key → {li, details, title, count, yours, vps, list, vpKey}
  const noteNodes = new Map(); // note id → li
  const groups = new Map(); // group key → {section, heading, list}

  container.addEventListener("click", (event) => {
    const summary = event.target.closest("summary");
    if (summary && container.contains(summary)) {
      const item = summary.closest("[data-key]");
      if (item) userOpen.set(item.dataset.key, !summary.parentElement.open);
    }
  });

  function group(key, vp, own) {
    let g = groups.get(key);
    if (!g) {
      const section = el("section", "cgroup");
      const heading = el("h3", "cgroup__title");
      const list = el("ol", "cluster-list");
      section.append(heading, list);
      g = { section, heading, list, sig: "" };
      groups.set(key, g);
    }
    const sig = vp ? `${vp.id}:${vp.name}:${vp.colour}:${own}` : "";
    if (g.sig !== sig) {
      g.sig = sig;
      g.heading.replaceChildren();
      if (vp) {
        g.heading.append(chip(vp, own, T));
        if (own) g.heading.append(el("span", "cgroup__own", T.your_group));
      }
      g.heading.hidden = !vp;
      g.section.classList.toggle("cgroup--mine", !!own);
    }
    return g;
  }

  function item(key) {
    let it = items.get(key);
    if (!it) {
      const li = el("li", "cluster");
      li.dataset.key = key;
      const details = el("details", "cluster__box");
      const summary = el("summary", "cluster__head");
      const title = el("span", "cluster__title");
      const sub = el("span", "cluster__sub");
      const count = el("span", "cluster__count");
      const yours = el("span", "cluster__yours", T.includes_yours);
      const vps = el("span", "cluster__vps");
      sub.append(count, yours, vps);
      summary.append(title, sub);
      const list = el("ol", "cluster__notes");
      details.append(summary, list);
      li.append(details);
      it = { li, details, title, count, yours, vps, list, vpKey: null };
      items.set(key, it);
    }
    return it;
  }

  function fillNote(li, note, ctx) {
    if (!li.firstChild) {
      li.append(el("p", "cnote__text"), el("div", "cnote__meta"), el("div", "cnote__plus"));
    }
    const [text, meta, plusHolder] = li.children;
    const own = ctx.mine && note.viewpoint_id === ctx.mine.id;
    li.className = "cnote" + (note.mine ? " cnote--mine" : "") + (own ? " cnote--group" : "");
    const vp = ctx.vpById.get(note.viewpoint_id);
    if (vp) li.style.setProperty("--vp", vp.colour);
    if (text.textContent !== (note.text || "")) text.textContent = note.text || "";
    // Meta: viewpoint (plenary), kind, "you", then the +1 control (kept, so focus survives).
    const sig = [ctx.plenary ? note.viewpoint_id : "", note.kind, ctx.kindLabel(note.kind), note.mine ? 1 : 0, own ? 1 : 0, vp ? vp.name + vp.colour : ""].join("|");
    if (meta.dataset.sig !== sig) {
      meta.dataset.sig = sig;
      meta.replaceChildren();
      if (ctx.plenary && vp) meta.append(chip(vp, own, T));
      const kind = el("span", `note__kind note__kind--${String(note.kind || "").replace(/[^a-z0-9_-]/gi, "")}`, ctx.kindLabel(note.kind));
      meta.append(kind);
      if (note.mine) meta.append(el("span", "note__you", T.you));
    }
    endorsements.updateControl(plusHolder, note, { mine: !!note.mine, interactive: ctx.canEndorse });
  }

  function fillItem(it, key, title, notes, ctx, opts) {
    const hasMine = notes.some((n) => n.mine);
    it.li.className = "cluster" + (hasMine ? " cluster--mine" : "") + (opts.rest ? " cluster--rest" : "") + (opts.untitled ? " cluster--untitled" : "");
    if (it.title.textContent !== title) it.title.textContent = title;
    it.count.textContent = notes.length === 1 ? T.count_one : fmt(T.count_many, { count: notes.length });
    it.yours.hidden = !hasMine;
    // Which viewpoints the notes came from (plenary), the phone's own group highlighted.
    const present = ctx.plenary && !opts.rest ? ctx.vps.filter((vp) => notes.some((n) => n.viewpoint_id === vp.id)) : [];
    const vpKey = present.map((vp) => `${vp.id}:${vp.name}:${vp.colour}`).join("|") + `:${ctx.mine ? ctx.mine.id : ""}`;
    if (it.vpKey !== vpKey) {
      it.vpKey = vpKey;
      it.vps.replaceChildren(...present.map((vp) => chip(vp, !!ctx.mine && vp.id === ctx.mine.id, T)));
      it.vps.hidden = !present.length;
    }
    const open = userOpen.has(key) ? userOpen.get(key) : hasMine;
    if (it.details.open !== open) it.details.open = open;
    // Notes in cluster order, reconciled by id.
    let prev = null;
    for (const note of notes) {
      let li = noteNodes.get(note.id);
      if (!li) {
        li = el("li");
        li.dataset.noteId = note.id;
        noteNodes.set(note.id, li);
      }
      fillNote(li, note, ctx);
      const wanted = prev ? prev.nextSibling : it.list.firstChild;
      if (wanted !== li) it.list.insertBefore(li, wanted);
      prev = li;
      ctx.seen.add(note.id);
    }
    while (prev ? prev.nextSibling : it.list.firstChild) (prev ? prev.nextSibling : it.list.firstChild).remove();
  }

  function render(state, { notes, mine, canEndorse, kindLabel }) {
    const model = clusterModel(state, notes);
    const vps = (state.viewpoints || []).slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    const ctx = {
      plenary: model.scope === "plenary",
      vps,
      vpById: new Map(vps.map((vp) => [vp.id, vp])),
      mine,
      canEndorse,
      kindLabel,
      seen: new Set(),
    };
    // Plenary: one list. Viewpoint scope: a section per viewpoint, the phone's own group first.
    const sections = ctx.plenary
      ? [{ key: "all", vp: null, own: false }]
      : vps
          .map((vp) => ({ key: `vp${vp.id}`, vp, own: !!mine && vp.id === mine.id }))
          .sort((a, b) => Number(b.own) - Number(a.own));
    const usedGroups = new Set();
    const usedItems = new Set();
    let prevSection = null;
    for (const sec of sections) {
      const clusters = model.clusters.filter((c) => ctx.plenary || c.cluster.viewpoint_id === sec.vp.id || (c.cluster.viewpoint_id == null && c.notes[0].viewpoint_id === sec.vp.id));
      const rest = model.rest.filter((n) => ctx.plenary || n.viewpoint_id === sec.vp.id);
      if (!clusters.length && !rest.length) continue;
      const g = group(sec.key, sec.vp, sec.own);
      usedGroups.add(sec.key);
      const wantedSection = prevSection ? prevSection.nextSibling : container.firstChild;
      if (wantedSection !== g.section) container.insertBefore(g.section, wantedSection);
      prevSection = g.section;
      let prev = null;
      const place = (it) => {
        const wanted = prev ? prev.nextSibling : g.list.firstChild;
        if (wanted !== it.li) g.list.insertBefore(it.li, wanted);
        prev = it.li;
      };
      for (const { cluster, notes: list } of clusters) {
        const key = `c:${cluster.id}`;
        const it = item(key);
        const title = (cluster.title || "").trim();
        fillItem(it, key, title || T.untitled, list, ctx, { untitled: !title });
        usedItems.add(key);
        place(it);
      }
      if (rest.length) {
        const key = `rest:${sec.key}`;
        const it = item(key);
        fillItem(it, key, T.unclustered, rest, ctx, { rest: true });
        usedItems.add(key);
        place(it);
      }
      while (prev ? prev.nextSibling : g.list.firstChild) (prev ? prev.nextSibling : g.list.firstChild).remove();
    }
    for (const [key, g] of groups) {
      if (!usedGroups.has(key)) {
        g.section.remove();
        groups.delete(key);
      }
    }
    for (const [key, it] of items) {
      if (!usedItems.has(key)) {
        it.li.remove();
        items.delete(key);
      }
    }
    for (const id of [...noteNodes.keys()]) if (!ctx.seen.has(id)) noteNodes.delete(id);
    return model.clusters.length;
  }

  return { render };
}
