// Shared helpers of the results renderers (no state of their own, no page globals).

const SVG_NS = "http://www.w3.org/2000/svg";

export const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function svg(tag, attrs = {}, text) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value !== undefined && value !== null) node.setAttribute(key, String(value));
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function srOnly(text) {
  return el("span", "rs-sr", text);
}

export function fill(template, values) {
  return String(template ?? "").replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

/** A one/other plural from the strings ("dots_one", "dots_other"), `{n}` filled in. */
export function plural(strings, key, n, values = {}) {
  const template = strings[`${key}_${n === 1 ? "one" : "other"}`] ?? strings[key] ?? "{n}";
  return fill(template, { n: fmt(n), ...values });
}

/** Numbers as people say them: 3, 3.5 (a median), never 3.0000001. */
export function fmt(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const rounded = Math.round(Number(value) * 10) / 10;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toLocaleString(document.documentElement.lang || undefined);
}

/** Colours come from the plan as #RRGGBB; anything else falls back to grey. */
export function safeColour(value) {
  return /^#[0-9a-fA-F]{6}$/.test(value || "") ? value : "#8d959f";
}

/** Black or white text on a colour, whichever contrasts more (WCAG relative luminance). */
export function inkOn(colour) {
  const hex = safeColour(colour).slice(1);
  const channel = (i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const lum = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  return (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) ? "#111418" : "#ffffff";
}

export const SHAPES = 6;

/**
 * The viewpoints as the renderers use them: sorted by position, each with its shape index (the
 * same order as the projector's badges) and a short name; plus "none" for voters without one.
 */
export function viewpointIndex(viewpoints, strings) {
  const list = (viewpoints || []).slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
  const vps = list.map((vp, i) => ({
    id: vp.id,
    key: String(vp.id),
    name: vp.name || "",
    short: shortName(vp.name),
    colour: safeColour(vp.colour),
    shape: i % SHAPES,
  }));
  const none = { id: null, key: "none", name: strings.no_viewpoint || "—", short: strings.no_viewpoint || "—", colour: "#8d959f", shape: -1 };
  const byKey = new Map(vps.map((vp) => [vp.key, vp]));
  return { list: vps, byKey, none, get: (key) => byKey.get(String(key)) || (String(key) === "none" ? none : null) };
}

/** A viewpoint's name without a trailing explanation in brackets ("Shared Service Organisatie"). */
export function shortName(name) {
  const short = String(name || "").replace(/\s*\([^)]*\)\s*$/, "");
  return short || String(name || "");
}

const SHAPE_PATHS = [
  (g) => g.append(svg("circle", { cx: 10, cy: 10, r: 8 })),
  (g) => g.append(svg("rect", { x: 2.5, y: 2.5, width: 15, height: 15, rx: 1.5 })),
  (g) => g.append(svg("polygon", { points: "10,1.5 18.8,17.5 1.2,17.5" })),
  (g) => g.append(svg("polygon", { points: "10,0.8 19.2,10 10,19.2 0.8,10" })),
  (g) => g.append(svg("polygon", { points: "1.2,2.5 18.8,2.5 10,18.5" })),
  (g) => g.append(svg("polygon", { points: "7,1.5 13,1.5 13,7 18.5,7 18.5,13 13,13 13,18.5 7,18.5 7,13 1.5,13 1.5,7 7,7" })),
];

/** A viewpoint's mark: its shape filled with its colour (crisp SVG; the name goes beside it). */
export function mark(vp) {
  const node = svg("svg", { class: "rs-mark", viewBox: "0 0 20 20", "aria-hidden": "true", focusable: "false" });
  const g = svg("g", { fill: vp.colour });
  if (vp.shape >= 0) SHAPE_PATHS[vp.shape](g);
  else g.append(svg("circle", { cx: 10, cy: 10, r: 7, "fill-opacity": 0.35, "stroke-dasharray": "3 2" }));
  node.append(g);
  node.dataset.shape = String(vp.shape);
  return node;
}

/** Draw a shape into an SVG group at (x, y) with size s (for the matrix). */
export function shapeAt(vp, x, y, s) {
  const g = svg("g", { transform: `translate(${x - s / 2} ${y - s / 2}) scale(${s / 20})`, fill: vp.colour, class: "rs-shape" });
  SHAPE_PATHS[Math.max(0, vp.shape)](g);
  return g;
}

/** "● Gemeenten": a mark and a (short) name, for legends and badges. */
export function badge(vp, className = "rs-badge", long = false) {
  const node = el("span", className);
  node.dataset.viewpoint = vp.key;
  node.append(mark(vp), el("span", "rs-badge__name", long ? vp.name : vp.short));
  return node;
}

/** Item key, stable across renders. */
export const keyOf = (item) => `${item.target_type}:${item.target_id}`;

export function titleOf(item, strings) {
  const title = String(item.title || "").trim();
  return title || strings.untitled || "…";
}

/** Risk band of a score (likelihood × impact, 1–25): 0 low, 1 medium, 2 high, 3 very high. */
export const BANDS = [
  { key: "low", from: 1, to: 4 },
  { key: "medium", from: 5, to: 9 },
  { key: "high", from: 10, to: 16 },
  { key: "very_high", from: 17, to: 25 },
];
export function bandOf(score) {
  if (score === null || score === undefined) return null;
  return BANDS.find((b) => score <= b.to) || BANDS[BANDS.length - 1];
}

/** Empty a container and mark it as a results chart of a kind. */
export function reset(container, kind) {
  if (container.dataset.rsKind !== kind) {
    container.replaceChildren();
    container.dataset.rsKind = kind;
  }
  container.classList.add("rs");
}

/** A caption: a title and a line of facts (e.g. "23 voters · 115 dots"). */
export function caption(title, facts) {
  const head = el("figcaption", "rs-caption");
  head.append(el("span", "rs-caption__title", title));
  if (facts) head.append(el("span", "rs-caption__facts", facts));
  return head;
}

/** Replay entrance animations only when asked and allowed. */
export function animating(options) {
  return options.animate !== false && !reducedMotion.matches;
}

/** Items with a rating, ordered by risk score, then dots, then title. */
export function byRisk(items) {
  return items
    .filter((item) => item.risk_score !== null && item.risk_score !== undefined)
    .sort((a, b) => b.risk_score - a.risk_score || b.dots - a.dots || String(a.title).localeCompare(String(b.title)));
}

/** Which measure a ranking shows: dots when any were given, else risk scores when any exist. */
export function measureOf(results, wanted) {
  if (wanted === "dots" || wanted === "risk") return wanted;
  const items = (results && results.items) || [];
  if (items.some((item) => item.dots > 0)) return "dots";
  if (items.some((item) => item.risk_score !== null && item.risk_score !== undefined)) return "risk";
  return "dots";
}

/** Only the items a viewpoint raised (group screens), else all. */
export function focusItems(items, focus) {
  if (focus === null || focus === undefined) return items.slice();
  return items.filter((item) => (item.raised_by || []).map(String).includes(String(focus)));
}

export function emptyMessage(text) {
  return el("p", "rs-empty", text);
}

/** A plural as nodes, with the number in its own element (styled larger): ["", <b>12</b>, " dots"]. */
export function pluralNodes(strings, key, n, className = "rs-value__n") {
  const template = strings[`${key}_${n === 1 ? "one" : "other"}`] ?? strings[key] ?? "{n}";
  const at = template.indexOf("{n}");
  if (at < 0) return [template];
  const nodes = [];
  if (at > 0) nodes.push(template.slice(0, at));
  nodes.push(el("b", className, fmt(n)));
  if (at + 3 < template.length) nodes.push(el("span", "rs-value__unit", template.slice(at + 3)));
  return nodes;
}
