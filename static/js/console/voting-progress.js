// Voting progress per viewpoint: "8 of 12 voted · 5 done", with a bar (done, voted, not yet).
// People only, never what they voted for; proxies are not counted (the server leaves them out).

import { format, h, reconcile, setAttr, setText } from "./dom.js";
import { vpBadge } from "./voting-tally.js";

export function createProgress(ctx, root) {
  const { strings } = ctx;
  const list = root.querySelector("[data-progress-list]");
  const total = root.querySelector("[data-progress-total]");
  const refs = new WeakMap();

  function line(voted, all, done) {
    return format(strings.vp_progress, { voted, total: all, done });
  }

  function createRow() {
    const badge = h("span", { class: "vprog__badge" });
    const name = h("span", { class: "vprog__name" });
    const text = h("span", { class: "vprog__text" });
    const done = h("span", { class: "vprog__done" });
    const voted = h("span", { class: "vprog__voted" });
    const bar = h("span", { class: "vprog__bar", "aria-hidden": "true" }, done, voted);
    const li = h("li", { class: "vprog" }, h("span", { class: "vprog__head" }, badge, name, text), bar);
    refs.set(li, { badge, name, text, done, voted });
    return li;
  }

  function render(progress, viewpoints) {
    const p = progress || {};
    const num = (map, id) => Number((map || {})[String(id)] || 0);
    const rows = viewpoints.map((vp, i) => ({
      key: String(vp.id),
      vp,
      index: i,
      voted: num(p.voted, vp.id),
      done: num(p.done, vp.id),
      total: p.total ? num(p.total, vp.id) : vp.participant_count || 0,
    }));
    if (num(p.total, "none") > 0 || num(p.voted, "none") > 0) {
      rows.push({ key: "none", vp: null, index: -1, voted: num(p.voted, "none"), done: num(p.done, "none"), total: num(p.total, "none") });
    }
    reconcile(list, rows, (r) => r.key, createRow, (li, r) => {
      const c = refs.get(li);
      const badgeSig = r.vp ? `${r.index}|${r.vp.colour}` : "none";
      if (c.badge.dataset.sig !== badgeSig) {
        c.badge.dataset.sig = badgeSig;
        c.badge.replaceChildren(vpBadge(r.vp, r.index));
      }
      setText(c.name, r.vp ? r.vp.name : strings.unassigned);
      setAttr(c.name, "title", r.vp ? r.vp.name : null);
      setText(c.text, line(r.voted, r.total, r.done));
      const all = Math.max(1, r.total, r.voted);
      c.done.style.width = `${(Math.min(r.done, all) / all) * 100}%`;
      c.voted.style.width = `${(Math.max(0, Math.min(r.voted, all) - r.done) / all) * 100}%`;
      li.classList.toggle("is-complete", r.total > 0 && r.done >= r.total);
    });
    const sum = (key) => rows.reduce((n, r) => n + r[key], 0);
    setText(total, format(strings.vp_progress_all, { voted: sum("voted"), total: sum("total"), done: sum("done") }));
  }

  return { render };
}
