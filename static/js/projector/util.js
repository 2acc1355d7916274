// Small DOM helpers shared by the projector modules (no state of their own).

/** The page's translated strings (templates/projector/wall.html, "denktank-strings"). */
export const S = JSON.parse(document.getElementById("denktank-strings").textContent);

export const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));
}

/** A one/other plural from the strings block ("notes_one", "notes_other"). */
export function plural(key, n) {
  return fill(S[`${key}_${n === 1 ? "one" : "other"}`] || "{n}", { n });
}

/** Put a plural into a node with the number in its own element (styled larger). */
export function setPlural(node, key, n) {
  if (!node) return;
  const template = S[`${key}_${n === 1 ? "one" : "other"}`] || "{n}";
  const marker = `${key}:${n}`;
  if (node.dataset.plural === marker) return;
  node.dataset.plural = marker;
  const at = template.indexOf("{n}");
  if (at < 0) {
    node.textContent = template;
    return;
  }
  node.replaceChildren(template.slice(0, at), el("b", "pj-num", String(n)), template.slice(at + 3));
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

export function setText(node, text) {
  if (node && node.textContent !== text) node.textContent = text;
}

export function setHidden(node, hidden) {
  if (node && node.hidden !== hidden) node.hidden = hidden;
}

/** Colours come from the plan as #RRGGBB; anything else falls back to grey. */
export function safeColour(value) {
  return /^#[0-9a-fA-F]{6}$/.test(value || "") ? value : "#8d959f";
}

export function applyColour(node, colour) {
  node.style.setProperty("--vp", safeColour(colour));
}

export function sortedViewpoints(state) {
  return (state.viewpoints || []).slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
}

/** Every paged column (wall or cluster board) turns its own page this often. */
export const PAGE_MS = 8000;

/**
 * Show a paged column's current page and schedule the next one. `gapVar` is the CSS gap between
 * pages; `isShowing()` tells whether the board is on screen (off screen the turning pauses).
 */
export function showPage(col, animate, gapVar, isShowing) {
  col.list.classList.toggle("is-paging", !!animate && !reducedMotion.matches);
  col.list.style.transform = col.page ? `translateX(calc(-${col.page} * (100% + var(${gapVar}))))` : "";
  const paged = col.pages > 1;
  col.node.classList.toggle("is-paged", paged);
  setHidden(col.pager, !paged);
  window.clearTimeout(col.timer);
  if (!paged) return;
  // The line under the column fills while a page is shown.
  col.timer = window.setTimeout(function turn() {
    if (!isShowing()) {
      col.timer = window.setTimeout(turn, PAGE_MS);
      return;
    }
    col.page = (col.page + 1) % col.pages;
    showPage(col, true, gapVar, isShowing);
  }, PAGE_MS);
  setText(col.pagerText, fill(S.page, { page: col.page + 1, pages: col.pages }));
  const dots = col.pagerDots;
  while (dots.childElementCount < col.pages) dots.append(el("span", "pj-pager__dot"));
  while (dots.childElementCount > col.pages) dots.lastChild.remove();
  Array.from(dots.children).forEach((dot, i) => dot.classList.toggle("is-current", i === col.page));
  // Restart the progress line of this page.
  col.pager.classList.remove("is-running");
  void col.pager.offsetWidth;
  col.pager.classList.add("is-running");
}
