// The risk matrix: a 5×5 heat map (likelihood across, impact up) with each rated item placed by
// its median likelihood and impact. Medians can be halves: those items sit on the line between
// two cells. Items are numbered by risk score; the list beside the matrix maps number → title
// with likelihood, impact and score in words and numbers. Where the room disagrees (a wide
// spread) the item gets a dashed ring and a warning sign, and the list says so in words.

import {
  BANDS, animating, bandOf, byRisk, caption, el, fill, fmt, focusItems, keyOf, plural, reset, svg, titleOf,
} from "./common.js";

const C = 100; // cell size in SVG units
const M = { left: 104, top: 18, right: 18, bottom: 104 };
const SIZE = 5 * C;
const W = M.left + SIZE + M.right;
const H = M.top + SIZE + M.bottom;
let uid = 0;

const xOf = (l) => M.left + (l - 0.5) * C;
const yOf = (i) => M.top + (5 - i + 0.5) * C;

/** Offsets for n markers sharing one point: alone in the middle, a ring, or a small grid. */
function spread(n) {
  if (n === 1) return { r: 21, at: [[0, 0]] };
  if (n <= 6) {
    const ring = Math.max(24, 25 / Math.sin(Math.PI / n));
    return {
      r: 21,
      at: Array.from({ length: n }, (_, k) => {
        const a = -Math.PI / 2 + (2 * Math.PI * k) / n;
        return [ring * Math.cos(a), ring * Math.sin(a)];
      }),
    };
  }
  const cols = Math.ceil(Math.sqrt(n));
  const step = Math.min(32, 92 / cols);
  const rows = Math.ceil(n / cols);
  return {
    r: Math.min(15, step / 2 - 1),
    at: Array.from({ length: n }, (_, k) => [((k % cols) - (cols - 1) / 2) * step, (Math.floor(k / cols) - (rows - 1) / 2) * step]),
  };
}

function grid(S) {
  const g = svg("g", { class: "rs-grid" });
  for (let l = 1; l <= 5; l++) {
    for (let i = 1; i <= 5; i++) {
      const band = bandOf(l * i);
      const rect = svg("rect", {
        x: M.left + (l - 1) * C, y: M.top + (5 - i) * C, width: C, height: C,
        class: `rs-cell rs-band--${band.key}`,
      });
      rect.append(svg("title", {}, `${S.likelihood || "L"} ${l} × ${S.impact || "I"} ${i} = ${l * i} · ${S[`band_${band.key}`] || ""}`));
      g.append(rect);
    }
  }
  for (let k = 1; k <= 5; k++) {
    g.append(svg("text", { x: xOf(k), y: M.top + SIZE + 36, class: "rs-tick", "text-anchor": "middle" }, k));
    g.append(svg("text", { x: M.left - 20, y: yOf(k) + 10, class: "rs-tick", "text-anchor": "end" }, k));
  }
  g.append(svg("text", { x: M.left + SIZE / 2, y: M.top + SIZE + 86, class: "rs-axis", "text-anchor": "middle" }, `${S.likelihood || "Likelihood"} →`));
  g.append(
    svg("text", {
      x: 0, y: 0, class: "rs-axis", "text-anchor": "middle",
      transform: `translate(${M.left - 66} ${M.top + SIZE / 2}) rotate(-90)`,
    }, `${S.impact || "Impact"} →`),
  );
  g.append(svg("rect", { x: M.left, y: M.top, width: SIZE, height: SIZE, class: "rs-frame" }));
  return g;
}

function pin(item, number, x, y, r, S) {
  const g = svg("g", {
    class: item.disagreement ? "rs-pin is-disagreement" : "rs-pin",
    "data-key": keyOf(item), "data-number": number, "data-likelihood": item.likelihood, "data-impact": item.impact,
  });
  g.append(svg("title", {}, `${number}. ${titleOf(item, S)} — ${lxi(item, S)}${item.disagreement ? ` · ${S.disagreement || ""}` : ""}`));
  if (item.disagreement) {
    g.append(svg("circle", { cx: x, cy: y, r: r + 9, class: "rs-pin__ring" }));
    const tx = x + r + 4;
    const ty = y - r - 4;
    g.append(svg("path", { d: `M${tx} ${ty - 13} L${tx + 13} ${ty + 10} L${tx - 13} ${ty + 10} Z`, class: "rs-pin__warn" }));
    g.append(svg("text", { x: tx, y: ty + 7, class: "rs-pin__warn-mark", "text-anchor": "middle" }, "!"));
  }
  g.append(svg("circle", { cx: x, cy: y, r, class: "rs-pin__dot" }));
  g.append(svg("text", { x, y: y + r * 0.36, class: "rs-pin__n", "text-anchor": "middle", "font-size": r * 1.05 }, number));
  return g;
}

export function lxi(item, S) {
  return String(S.lxi_score || "L {l} · I {i} · {score}")
    .replace("{l}", fmt(item.likelihood))
    .replace("{i}", fmt(item.impact))
    .replace("{score}", fmt(item.risk_score));
}

/** Render the risk matrix into `container`. See index.js for the options. */
export function renderMatrix(container, results, viewpoints, strings, options = {}) {
  const S = strings || {};
  reset(container, "matrix");
  const all = focusItems((results && results.items) || [], options.focus);
  const rated = byRisk(all);
  const limit = options.limit ?? 30;
  const shown = rated.slice(0, limit);
  const id = `rs-matrix-${++uid}`;

  const figure = el("figure", "rs-figure rs-matrix");
  if (animating(options)) figure.classList.add("is-entering");
  const head = el("div", "rs-head");
  head.append(caption(options.title ?? S.matrix_title, plural(S, "rated_items", rated.length)));
  head.hidden = options.caption === false;

  const chart = svg("svg", {
    class: "rs-matrix__svg", viewBox: `0 0 ${W} ${H}`, role: "img",
    "aria-labelledby": `${id}-t ${id}-d`, preserveAspectRatio: "xMidYMid meet",
  });
  chart.append(svg("title", { id: `${id}-t` }, S.matrix_title || ""));
  chart.append(svg("desc", { id: `${id}-d` }, S.matrix_desc || ""));
  chart.append(grid(S));

  const groups = new Map();
  shown.forEach((item, index) => {
    const at = `${item.likelihood}:${item.impact}`;
    if (!groups.has(at)) groups.set(at, []);
    groups.get(at).push({ item, number: index + 1 });
  });
  const pins = svg("g", { class: "rs-pins" });
  let order = 0;
  for (const members of groups.values()) {
    const { r, at } = spread(members.length);
    members.forEach(({ item, number }, k) => {
      const x = xOf(item.likelihood) + at[k][0];
      const y = yOf(item.impact) + at[k][1];
      const node = pin(item, number, x, y, r, S);
      node.style.setProperty("--rs-delay", `${Math.min(order++, 20) * 60}ms`);
      pins.append(node);
    });
  }
  // Draw the most severe last (on top when they overlap).
  chart.append(pins);

  const side = el("div", "rs-matrix__side");
  const list = el("ol", "rs-mlist");
  list.setAttribute("aria-label", S.matrix_list || S.matrix_title || "");
  if (shown.length > 12) list.classList.add("is-long");
  shown.forEach((item, index) => {
    const li = el("li", item.disagreement ? "rs-mitem is-disagreement" : "rs-mitem");
    li.dataset.key = keyOf(item);
    li.dataset.number = String(index + 1);
    const band = bandOf(item.risk_score);
    const n = el("span", "rs-mitem__n", index + 1);
    n.setAttribute("aria-hidden", "true");
    const text = el("span", "rs-mitem__text");
    text.append(el("span", "rs-mitem__title", titleOf(item, S)));
    const facts = el("span", "rs-mitem__facts");
    const score = el("span", `rs-mitem__score rs-band--${band.key}`, fmt(item.risk_score));
    score.title = S[`band_${band.key}`] || "";
    facts.append(score, el("span", "rs-mitem__lxi", fill(S.lxi || "L {l} × I {i}", { l: fmt(item.likelihood), i: fmt(item.impact) })));
    facts.append(el("span", "rs-sr", ` (${S[`band_${band.key}`] || ""})`));
    if (item.disagreement) facts.append(el("span", "rs-warn", `⚠ ${S.disagreement || ""}`));
    text.append(facts);
    li.append(n, text);
    list.append(li);
  });
  side.append(list);
  const unrated = all.length - rated.length;
  const notes = [];
  if (rated.length > shown.length) notes.push(plural(S, "more_items", rated.length - shown.length));
  if (unrated > 0) notes.push(plural(S, "not_rated", unrated));
  if (notes.length) side.append(el("p", "rs-more", notes.join(" · ")));

  const key = el("ul", "rs-legend rs-legend--bands");
  key.setAttribute("aria-label", S.bands || "");
  for (const band of BANDS) {
    const li = el("li", `rs-legend__item rs-band rs-band--${band.key}`);
    li.append(el("span", "rs-band__swatch"), el("span", "", `${S[`band_${band.key}`] || band.key} ${band.from}–${band.to}`));
    key.append(li);
  }
  if (rated.some((item) => item.disagreement)) {
    const li = el("li", "rs-legend__item rs-legend__ring");
    const ring = svg("svg", { class: "rs-mark", viewBox: "0 0 20 20", "aria-hidden": "true" });
    ring.append(svg("circle", { cx: 10, cy: 10, r: 8, class: "rs-pin__ring" }));
    li.append(ring, el("span", "", S.disagreement_key || S.disagreement || ""));
    key.append(li);
  }
  const left = el("div", "rs-matrix__chart");
  left.append(chart, key);
  const body = el("div", "rs-matrix__body");
  body.append(left, side);
  figure.append(head, body);
  if (!rated.length) figure.append(el("p", "rs-empty", S.no_ratings || ""));
  container.replaceChildren(figure);
  return figure;
}
