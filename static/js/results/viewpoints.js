// Side by side per viewpoint: a column per viewpoint with the items its voters put their dots on
// (dots_by_viewpoint), on one scale across the columns so the bars compare. Items the viewpoint
// raised itself say so ("raised here"). Raised by: the items several viewpoints raised against
// those only one viewpoint raised, with the viewpoints' badges and the dots (or risk score).

import {
  animating, badge, bandOf, caption, el, fmt, focusItems, inkOn, keyOf, plural, pluralNodes, reset, titleOf,
  viewpointIndex,
} from "./common.js";

/** Render the per-viewpoint columns into `container`. See index.js for the options. */
export function renderByViewpoint(container, results, viewpoints, strings, options = {}) {
  const S = strings || {};
  reset(container, "viewpoints");
  const vpx = viewpointIndex(viewpoints, S);
  const items = (results && results.items) || [];
  const limit = options.limit ?? 6;
  const focus = options.focus ?? null;
  const columns = vpx.list.filter((vp) => focus === null || vp.key === String(focus));

  const tops = columns.map((vp) => {
    const ranked = items
      .map((item) => ({ item, n: (item.dots_by_viewpoint || {})[vp.key] || 0 }))
      .filter((row) => row.n > 0)
      .sort((a, b) => b.n - a.n || a.item.rank - b.item.rank);
    return { vp, ranked, total: ranked.reduce((sum, row) => sum + row.n, 0) };
  });
  const max = Math.max(1, ...tops.flatMap((t) => t.ranked.slice(0, limit).map((row) => row.n)));

  const figure = el("figure", "rs-figure rs-byvp");
  if (animating(options)) figure.classList.add("is-entering");
  const head = el("div", "rs-head");
  head.append(caption(options.title ?? S.viewpoints_title, S.viewpoints_facts || ""));
  head.hidden = options.caption === false;
  const grid = el("div", "rs-byvp__cols");
  grid.dataset.columns = String(columns.length);

  for (const { vp, ranked, total } of tops) {
    const col = el("section", "rs-vpcol");
    col.dataset.viewpoint = vp.key;
    col.style.setProperty("--vp", vp.colour);
    col.style.setProperty("--vp-ink", inkOn(vp.colour));
    const h = el("h3", "rs-vpcol__head");
    h.append(badge(vp, "rs-badge rs-badge--head", false));
    const sum = el("p", "rs-vpcol__total");
    sum.append(...pluralNodes(S, "dots", total, "rs-vpcol__total-n"));
    col.setAttribute("aria-label", vp.name);
    col.append(h, sum);
    const list = el("ol", "rs-vplist");
    ranked.slice(0, limit).forEach((row, index) => {
      const li = el("li", "rs-vpitem");
      li.dataset.key = keyOf(row.item);
      li.classList.toggle("is-top", index === 0);
      li.style.setProperty("--rs-frac", (row.n / max).toFixed(4));
      li.style.setProperty("--rs-delay", `${index * 90}ms`);
      const title = el("span", "rs-vpitem__title", titleOf(row.item, S));
      const line = el("span", "rs-vpitem__line");
      const bar = el("span", "rs-vpitem__bar");
      bar.setAttribute("aria-hidden", "true");
      const value = el("span", "rs-vpitem__value");
      value.append(...pluralNodes(S, "dots", row.n));
      line.append(bar, value);
      li.append(el("span", "rs-vpitem__rank", index + 1), title, line);
      list.append(li);
    });
    col.append(list);
    if (!ranked.length) col.append(el("p", "rs-empty", S.no_dots_viewpoint || ""));
    if (ranked.length > limit) col.append(el("p", "rs-more", plural(S, "more_items", ranked.length - limit)));
    grid.append(col);
  }
  figure.append(head, grid);
  container.replaceChildren(figure);
  return figure;
}

function valueNodes(item, S, measure) {
  if (measure === "risk") {
    const band = bandOf(item.risk_score);
    const node = el("span", `rs-mitem__score rs-band--${band ? band.key : "none"}`, fmt(item.risk_score));
    node.title = band ? S[`band_${band.key}`] || "" : "";
    return [node];
  }
  return pluralNodes(S, "dots", item.dots);
}

/** Render "raised by several viewpoints" against "only one" into `container`. */
export function renderRaisedBy(container, results, viewpoints, strings, options = {}) {
  const S = strings || {};
  reset(container, "raised_by");
  const vpx = viewpointIndex(viewpoints, S);
  const items = focusItems((results && results.items) || [], options.focus);
  const limit = options.limit ?? 8;
  const measure = options.measure === "risk" || (!items.some((i) => i.dots > 0) && items.some((i) => i.risk_score)) ? "risk" : "dots";
  const sorted =
    measure === "risk"
      ? items.slice().sort((a, b) => (b.risk_score ?? -1) - (a.risk_score ?? -1) || a.rank - b.rank)
      : items.slice().sort((a, b) => a.rank - b.rank);
  const several = sorted.filter((item) => (item.raised_by || []).length > 1);
  const single = sorted.filter((item) => (item.raised_by || []).length <= 1);

  const figure = el("figure", "rs-figure rs-raised");
  if (animating(options)) figure.classList.add("is-entering");
  const head = el("div", "rs-head");
  head.append(caption(options.title ?? S.raised_title, ""));
  head.hidden = options.caption === false;
  const cols = el("div", "rs-raised__cols");

  const group = (kind, title, list) => {
    const section = el("section", `rs-rgroup rs-rgroup--${kind}`);
    const h = el("h3", "rs-rgroup__head");
    h.append(el("span", "rs-rgroup__title", title), el("span", "rs-rgroup__count", plural(S, "items", list.length)));
    section.append(h);
    const ol = el("ol", "rs-rlist");
    ol.setAttribute("aria-label", title);
    list.slice(0, limit).forEach((item, index) => {
      const li = el("li", "rs-ritem");
      li.dataset.key = keyOf(item);
      li.style.setProperty("--rs-delay", `${index * 70}ms`);
      const main = el("span", "rs-ritem__main");
      main.append(el("span", "rs-ritem__title", titleOf(item, S)));
      const badges = el("span", "rs-ritem__vps");
      const label = S.raised_by_label ? `${S.raised_by_label} ` : "";
      if (label) badges.append(el("span", "rs-sr", label));
      for (const id of item.raised_by || []) {
        const vp = vpx.get(id);
        if (vp) badges.append(badge(vp));
      }
      main.append(badges);
      const value = el("span", "rs-ritem__value");
      value.append(...valueNodes(item, S, measure));
      li.append(main, value);
      ol.append(li);
    });
    section.append(ol);
    if (!list.length) section.append(el("p", "rs-empty", S.none_here || ""));
    if (list.length > limit) section.append(el("p", "rs-more", plural(S, "more_items", list.length - limit)));
    return section;
  };
  cols.append(group("several", S.raised_several || "", several), group("single", S.raised_single || "", single));
  figure.append(head, cols);
  container.replaceChildren(figure);
  return figure;
}
