// Live tallies for the facilitator: a compact ranked table (rank, item, dots, dots by the voters'
// viewpoint, +1s, median likelihood and impact, score, disagreement). Numbers are always text.

import { format, h, plural, reconcile, setAttr, setText } from "./dom.js";
import { SHAPES, mark, safeColour, shortName } from "../results/common.js";

const fmt = (value) => {
  if (value === null || value === undefined) return "–";
  const n = Number(value);
  return Number.isInteger(n) ? String(n) : n.toFixed(1).replace(/\.0$/, "");
};

/** A viewpoint's mark: its colour AND its shape, as on the projector and in the results. */
export function vpBadge(vp, index) {
  const shown = vp
    ? { colour: safeColour(vp.colour), shape: Math.max(0, index) % SHAPES }
    : { colour: "#8d959f", shape: -1 };
  return h("span", { class: "vmark", "aria-hidden": "true" }, mark(shown));
}

export function createTally(ctx, root) {
  const { strings } = ctx;
  const table = root.querySelector("table");
  const head = table.querySelector("thead tr");
  const body = table.querySelector("tbody");
  const legend = root.querySelector("[data-tally-legend]");
  const empty = root.querySelector("[data-tally-empty]");
  const refs = new WeakMap();
  let legendSig = "";
  let modeSig = "";
  const lastDots = new Map();

  function renderHead(mode) {
    if (mode === modeSig) return;
    modeSig = mode;
    const cols = [
      h("th", { scope: "col", class: "vt-rank" }, h("abbr", { title: strings.vt_rank_long, text: "#" })),
      h("th", { scope: "col", class: "vt-title", text: strings.vt_item }),
    ];
    if (mode !== "risk") {
      cols.push(h("th", { scope: "col", class: "vt-num vt-dots", text: strings.vt_dots }));
      cols.push(h("th", { scope: "col", class: "vt-by", text: strings.vt_by_viewpoint }));
    }
    cols.push(h("th", { scope: "col", class: "vt-num" }, h("abbr", { title: strings.vt_plus_long, text: "+1" })));
    if (mode !== "dots") {
      cols.push(h("th", { scope: "col", class: "vt-num" }, h("abbr", { title: strings.vt_likelihood_long, text: strings.vt_l })));
      cols.push(h("th", { scope: "col", class: "vt-num" }, h("abbr", { title: strings.vt_impact_long, text: strings.vt_i })));
      cols.push(h("th", { scope: "col", class: "vt-num", text: strings.vt_score }));
      cols.push(h("th", { scope: "col", class: "vt-flag", text: strings.vt_spread }));
    }
    head.replaceChildren(...cols);
    body.replaceChildren();
  }

  function renderLegend(viewpoints) {
    const sig = JSON.stringify(viewpoints.map((v) => [v.id, v.name, v.colour]));
    if (sig === legendSig) return;
    legendSig = sig;
    legend.replaceChildren(
      ...viewpoints.map((vp, i) => h("li", { title: vp.name }, vpBadge(vp, i), h("span", { text: shortName(vp.name) }))),
    );
  }

  function createRow() {
    const rank = h("td", { class: "vt-rank" });
    const title = h("span", { class: "vt-title__text" });
    const meta = h("span", { class: "vt-title__meta" });
    const cells = { rank, title, meta };
    const tr = h("tr", {}, rank, h("th", { scope: "row", class: "vt-title" }, title, meta));
    if (modeSig !== "risk") {
      cells.dots = h("span", { class: "vt-dots__n" });
      cells.bar = h("span", { class: "vt-bar", "aria-hidden": "true" }, h("span"));
      cells.by = h("td", { class: "vt-by" });
      tr.append(h("td", { class: "vt-num vt-dots" }, cells.bar, cells.dots), cells.by);
    }
    cells.plus = h("td", { class: "vt-num" });
    tr.append(cells.plus);
    if (modeSig !== "dots") {
      cells.l = h("td", { class: "vt-num" });
      cells.i = h("td", { class: "vt-num" });
      cells.score = h("td", { class: "vt-num vt-score" });
      cells.flag = h("td", { class: "vt-flag" });
      tr.append(cells.l, cells.i, cells.score, cells.flag);
    }
    refs.set(tr, cells);
    return tr;
  }

  function render(results, mode, viewpoints) {
    renderHead(mode);
    renderLegend(viewpoints);
    legend.hidden = mode === "risk";
    const items = (results && results.items) || [];
    empty.hidden = items.length > 0;
    table.hidden = items.length === 0;
    const maxDots = Math.max(1, ...items.map((it) => it.dots || 0));
    const vpIndex = new Map(viewpoints.map((v, i) => [String(v.id), i]));
    reconcile(body, items, (it) => `${it.target_type}:${it.target_id}`, createRow, (tr, it) => {
      const c = refs.get(tr);
      const key = `${it.target_type}:${it.target_id}`;
      setText(c.rank, String(it.rank ?? ""));
      setText(c.title, it.title || strings.cl_untitled);
      setAttr(c.title, "title", it.title || null);
      setText(c.meta, it.target_type === "cluster" ? plural(strings, "vt_notes", it.note_count ?? 0) : strings.vt_single_note);
      if (c.dots) {
        const dots = it.dots || 0;
        setText(c.dots, String(dots));
        c.bar.firstChild.style.width = `${(dots / maxDots) * 100}%`;
        if (lastDots.has(key) && lastDots.get(key) !== dots) {
          tr.classList.remove("is-changed");
          void tr.offsetWidth;
          tr.classList.add("is-changed");
        }
        lastDots.set(key, dots);
        const by = it.dots_by_viewpoint || {};
        const entries = Object.entries(by).filter(([, n]) => n > 0)
          .sort((a, b) => (vpIndex.get(a[0]) ?? 99) - (vpIndex.get(b[0]) ?? 99));
        const sig = JSON.stringify(entries);
        if (c.by.dataset.sig !== sig) {
          c.by.dataset.sig = sig;
          c.by.replaceChildren(
            ...entries.map(([id, n]) => {
              const index = vpIndex.get(id);
              const vp = index === undefined ? null : viewpoints[index];
              const name = vp ? vp.name : strings.unassigned;
              return h("span", { class: "vt-chip", title: `${name}: ${n}` },
                vpBadge(vp, index ?? 0), h("span", { class: "visually-hidden", text: `${name}: ` }), String(n));
            }),
          );
        }
      }
      setText(c.plus, String(it.plus_ones || 0));
      if (c.l) {
        setText(c.l, fmt(it.likelihood));
        setText(c.i, fmt(it.impact));
        setText(c.score, fmt(it.risk_score));
        const spread = it.spread || null;
        c.flag.replaceChildren();
        if (it.disagreement) {
          const detail = spread ? format(strings.vt_spread_detail, { l: fmt(spread.likelihood), i: fmt(spread.impact) }) : "";
          c.flag.append(h("span", { class: "vt-disagree", title: detail }, "≠ ", strings.vt_disagree));
        } else if (it.ratings) {
          c.flag.append(h("span", { class: "vt-agree", text: plural(strings, "vt_ratings", it.ratings) }));
        }
      }
    });
  }

  return { render };
}
