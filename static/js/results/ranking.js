// The ranking: a horizontal bar per item, ranked, segmented by the voters' viewpoint.
//
// Rows are kept by item key between renders, so new numbers make the bars grow (a CSS width
// transition) and a changed order slides the rows to their new place (FLIP); both are off when
// reduced motion is asked. Every number is text: the value beside the bar, and per row a
// visually hidden "Gemeenten 5, Leveranciers 7" for screen readers; the legend names each colour
// and shape.

import {
  animating, badge, bandOf, byRisk, caption, el, fmt, inkOn, keyOf, mark, measureOf, plural, pluralNodes, reset,
  srOnly, titleOf, viewpointIndex, BANDS,
} from "./common.js";

const FLIP_MS = 700;

function rowsOf(results, vpx, measure, focus) {
  const items = (results && results.items) || [];
  if (measure === "risk") {
    return byRisk(items).map((item) => ({ item, value: item.risk_score, parts: [] }));
  }
  if (focus !== null && focus !== undefined) {
    const vp = vpx.get(focus) || vpx.none;
    return items
      .map((item) => ({ item, value: (item.dots_by_viewpoint || {})[String(focus)] || 0 }))
      .filter((row) => row.value > 0)
      .sort((a, b) => b.value - a.value || a.item.rank - b.item.rank)
      .map((row) => ({ ...row, parts: [{ vp, n: row.value }] }));
  }
  return items
    .filter((item) => item.dots > 0)
    .map((item) => {
      const by = item.dots_by_viewpoint || {};
      const parts = vpx.list.filter((vp) => by[vp.key] > 0).map((vp) => ({ vp, n: by[vp.key] }));
      if (by.none > 0) parts.push({ vp: vpx.none, n: by.none });
      return { item, value: item.dots, parts };
    });
}

function skeleton(container) {
  const figure = el("figure", "rs-figure rs-ranking");
  const head = el("div", "rs-head");
  const legend = el("ul", "rs-legend rs-legend--top");
  const list = el("ol", "rs-rows");
  const more = el("p", "rs-more");
  const empty = el("p", "rs-empty");
  const top = el("div", "rs-top");
  top.append(head, legend);
  figure.append(top, list, more, empty);
  container.replaceChildren(figure);
  return { figure, head, legend, list, more, empty, rows: new Map() };
}

function makeRow() {
  const li = el("li", "rs-row");
  const rank = el("span", "rs-rank");
  const title = el("span", "rs-title");
  const track = el("div", "rs-track");
  const fillNode = el("div", "rs-fill");
  fillNode.setAttribute("aria-hidden", "true");
  const value = el("span", "rs-value");
  const detail = srOnly("");
  track.append(fillNode, value);
  li.append(rank, title, track, detail);
  li.style.setProperty("--rs-frac", "0");
  return { li, rank, title, fillNode, value, detail, parts: "" };
}

function fillSegments(row, parts, total, S) {
  const signature = parts.map((p) => `${p.vp.key}:${p.n}`).join(",");
  if (row.parts === signature) return;
  row.parts = signature;
  const segs = parts.map((part) => {
    const seg = el("span", "rs-seg");
    seg.style.setProperty("--vp", part.vp.colour);
    seg.style.setProperty("--vp-ink", inkOn(part.vp.colour));
    seg.style.flexGrow = String(part.n);
    seg.dataset.viewpoint = part.vp.key;
    const share = total ? part.n / total : 0;
    // Room for a number (and a shape) inside only when the segment is wide enough.
    if (share >= 0.14) seg.append(mark(part.vp));
    if (share >= 0.07) seg.append(el("span", "rs-seg__n", part.n));
    return seg;
  });
  row.fillNode.replaceChildren(...segs);
  row.detail.textContent = parts.length
    ? ` (${parts.map((p) => `${p.vp.name}: ${plural(S, "dots", p.n)}`).join(", ")})`
    : "";
}

function setValue(row, item, value, measure, S) {
  const parts = [];
  if (measure === "risk") {
    parts.push(el("b", "rs-value__n", fmt(value)));
    parts.push(el("span", "rs-value__unit", ` ${fill2(S.lxi, item)}`));
    if (item.disagreement) parts.push(el("span", "rs-warn", ` ⚠ ${S.disagreement || ""}`));
  } else {
    parts.push(...pluralNodes(S, "dots", value));
    if (item.plus_ones > 0) {
      const plus = el("span", "rs-plus", `+${item.plus_ones}`);
      plus.title = plural(S, "plus_ones", item.plus_ones);
      plus.setAttribute("aria-label", plural(S, "plus_ones", item.plus_ones));
      parts.push(" ", plus);
    }
  }
  const signature = `${measure}:${value}:${item.plus_ones}:${item.disagreement}:${item.likelihood}:${item.impact}`;
  if (row.value.dataset.sig === signature) return;
  row.value.dataset.sig = signature;
  row.value.replaceChildren(...parts);
}

function fill2(template, item) {
  return String(template || "L {l} × I {i}").replace("{l}", fmt(item.likelihood)).replace("{i}", fmt(item.impact));
}

/**
 * Render (or update) the ranking into `container`. See index.js for the options.
 */
export function renderRanking(container, results, viewpoints, strings, options = {}) {
  const S = strings || {};
  const vpx = viewpointIndex(viewpoints, S);
  const measure = measureOf(results, options.measure);
  const focus = options.focus ?? null;
  const limit = options.limit ?? 10;
  const animate = animating(options);
  reset(container, "ranking");
  let view = container.__rsRanking;
  if (!view || !container.contains(view.figure)) view = container.__rsRanking = skeleton(container);
  view.figure.dataset.measure = measure;
  view.figure.classList.toggle("is-focus", focus !== null);

  const all = rowsOf(results, vpx, measure, focus);
  const shown = all.slice(0, Math.max(1, limit));
  const max = measure === "risk" ? 25 : Math.max(1, ...shown.map((r) => r.value));

  // Caption: what is shown and the facts behind it.
  const totalDots = all.reduce((sum, r) => sum + (measure === "risk" ? 0 : r.value), 0);
  const facts =
    measure === "risk"
      ? plural(S, "rated_items", all.length)
      : [results && results.voters ? plural(S, "voters", results.voters) : null, plural(S, "dots", totalDots)]
          .filter(Boolean)
          .join(" · ");
  const title = options.title ?? (measure === "risk" ? S.ranking_risk_title : S.ranking_title);
  view.head.replaceChildren(caption(title, facts));
  view.head.hidden = options.caption === false;
  view.list.setAttribute("aria-label", title || "");

  // Legend: each viewpoint's mark, name and dots (or the risk bands).
  const legendItems = [];
  if (measure === "risk") {
    for (const band of BANDS) {
      const li = el("li", `rs-legend__item rs-band rs-band--${band.key}`);
      li.append(el("span", "rs-band__swatch"), el("span", "", `${S[`band_${band.key}`] || band.key} ${band.from}–${band.to}`));
      legendItems.push(li);
    }
  } else if (focus === null) {
    const totals = new Map();
    for (const r of all) for (const p of r.parts) totals.set(p.vp.key, (totals.get(p.vp.key) || 0) + p.n);
    for (const vp of [...vpx.list, vpx.none]) {
      if (vp === vpx.none && !totals.get("none")) continue;
      const li = el("li", "rs-legend__item");
      li.append(badge(vp), el("span", "rs-legend__n", plural(S, "dots", totals.get(vp.key) || 0)));
      legendItems.push(li);
    }
  }
  view.legend.replaceChildren(...legendItems);
  view.legend.hidden = legendItems.length === 0;
  view.legend.setAttribute("aria-label", measure === "risk" ? S.bands || "" : S.legend_viewpoints || "");

  // FLIP: where the rows are now.
  const before = new Map();
  if (animate) for (const [key, row] of view.rows) before.set(key, row.li.getBoundingClientRect().top);

  const wanted = new Set(shown.map((r) => keyOf(r.item)));
  for (const [key, row] of view.rows) {
    if (!wanted.has(key)) {
      row.li.remove();
      view.rows.delete(key);
    }
  }
  const fresh = [];
  let cursor = view.list.firstChild;
  shown.forEach((r, index) => {
    const key = keyOf(r.item);
    let row = view.rows.get(key);
    if (!row) {
      row = makeRow();
      view.rows.set(key, row);
      fresh.push(row);
    }
    const place = index + 1;
    row.li.dataset.key = key;
    row.li.dataset.place = String(place);
    row.li.dataset.value = String(r.value);
    row.li.classList.toggle("is-top", index < 3);
    row.li.classList.toggle("is-first", index === 0);
    row.li.style.setProperty("--rs-delay", `${Math.min(index, 12) * 70}ms`);
    row.rank.textContent = String(place);
    row.title.textContent = titleOf(r.item, S);
    row.title.title = titleOf(r.item, S);
    row.li.classList.toggle("is-note", r.item.target_type === "note");
    if (measure === "risk") {
      const band = bandOf(r.value);
      row.fillNode.dataset.band = band ? band.key : "";
      if (row.parts !== "risk") {
        row.parts = "risk";
        row.fillNode.replaceChildren(el("span", "rs-seg rs-seg--risk"));
      }
      row.detail.textContent = ` (${S[`band_${band ? band.key : "low"}`] || ""})`;
    } else {
      delete row.fillNode.dataset.band;
      fillSegments(row, r.parts, r.value, S);
    }
    setValue(row, r.item, r.value, measure, S);
    row.frac = r.value / max;
    if (row.li !== cursor) view.list.insertBefore(row.li, cursor);
    else cursor = cursor.nextSibling;
  });

  // Grow: new bars start at zero and transition to their length; existing ones move from theirs.
  if (fresh.length && animate) void view.list.offsetWidth;
  for (const row of view.rows.values()) row.li.style.setProperty("--rs-frac", row.frac.toFixed(4));
  if (!animate) for (const row of fresh) row.li.classList.add("is-still");

  if (animate && before.size) {
    for (const [key, row] of view.rows) {
      const top = before.get(key);
      if (top === undefined) continue;
      const dy = top - row.li.getBoundingClientRect().top;
      if (Math.abs(dy) < 1) continue;
      row.li.animate?.([{ transform: `translateY(${dy}px)` }, { transform: "none" }], {
        duration: FLIP_MS,
        easing: "cubic-bezier(.2, .7, .2, 1)",
      });
    }
  }

  const rest = all.length - shown.length;
  view.more.textContent = rest > 0 ? plural(S, "more_items", rest) : "";
  view.more.hidden = rest <= 0;
  view.empty.textContent = measure === "risk" ? S.no_ratings || "" : S.no_votes || "";
  view.empty.hidden = all.length > 0;
  return view.figure;
}
