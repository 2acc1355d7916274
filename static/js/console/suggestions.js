// "Suggest clusters": asks the server (clusters:suggest, a read-only request) for proposed
// groups of the unclustered notes and shows them in a side panel, near-duplicates first. Nothing
// changes until the facilitator accepts a proposal (one cluster:create, or a notes:move into an
// existing cluster of the same name). Proposals whose notes got clustered meanwhile shrink or
// disappear.

import { format, h, plural, reconcile, setAttr, setText } from "./dom.js";
import { placeMoves } from "./cluster-model.js";

const KIND_RANK = { duplicates: 0, theme: 1, similar: 2 };

export function createSuggestions(api) {
  const { ctx, strings, ops } = api;
  const { names } = ctx;
  const panel = document.getElementById("suggestions");
  const list = document.getElementById("suggest-list");
  const status = document.getElementById("suggest-status");
  const acceptAll = document.getElementById("suggest-accept-all");
  const refresh = document.getElementById("suggest-refresh");
  const closeButton = document.getElementById("suggest-close");
  const heading = document.getElementById("suggest-title");
  const refs = new WeakMap();
  let proposals = null;
  let dismissed = new Set();
  let loading = false;
  let failed = null;
  let opener = null;
  let shown = [];

  /** A read-only request: rt.request when realtime.js has it, else the socket's ack directly. */
  function request(name, payload) {
    const rt = ctx.rt;
    if (typeof rt.request === "function") return rt.request(name, payload);
    return new Promise((resolve) => {
      const socket = rt.socket;
      if (!socket || !socket.connected) {
        resolve({ ok: false, code: "offline", message: strings.cl_suggest_offline });
        return;
      }
      socket.timeout(20000).emit(name, payload, (err, ack) => {
        resolve(err || !ack ? { ok: false, code: "timeout", message: strings.cl_suggest_timeout } : ack);
      });
    });
  }

  const keyOf = (p) => `${p.kind}|${[...p.note_ids].sort().join(",")}`;

  async function fetchProposals() {
    loading = true;
    failed = null;
    paint();
    const ack = await request(names.CLUSTERS_SUGGEST || "clusters:suggest", {});
    loading = false;
    if (ack && ack.ok !== false && Array.isArray(ack.proposals)) {
      proposals = ack.proposals
        .map((p, i) => ({ ...p, order: i, key: keyOf(p) }))
        .sort((a, b) => (KIND_RANK[a.kind] ?? 3) - (KIND_RANK[b.kind] ?? 3) || (b.score ?? 0) - (a.score ?? 0) || a.order - b.order);
      dismissed = new Set();
    } else {
      proposals = proposals || [];
      failed = (ack && (ack.message || ack.code)) || strings.cl_suggest_timeout;
    }
    paint();
    const first = list.querySelector(".proposal__accept");
    if (first && panel.contains(document.activeElement)) first.focus({ preventScroll: true });
  }

  function open(anchor) {
    opener = anchor || null;
    panel.hidden = false;
    document.getElementById("console").classList.add("has-suggest");
    heading.focus({ preventScroll: true });
    fetchProposals();
  }

  function close() {
    if (panel.hidden) return;
    panel.hidden = true;
    document.getElementById("console").classList.remove("has-suggest");
    if (opener && opener.isConnected && panel.contains(document.activeElement)) opener.focus();
  }

  /** The proposals still worth showing: only their unclustered notes, at least two (one for a theme). */
  function current(board) {
    if (!proposals) return [];
    const out = [];
    for (const p of proposals) {
      if (dismissed.has(p.key)) continue;
      const notes = p.note_ids.map((id) => board.noteById.get(id)).filter((n) => n && !(n.cluster_id && board.clusterById.has(n.cluster_id)));
      if (notes.length < (p.kind === "theme" ? 1 : 2)) continue;
      const existing = p.title
        ? board.clusters.find((g) => (g.cluster.title || "").trim().toLocaleLowerCase() === p.title.trim().toLocaleLowerCase())
        : null;
      out.push({ ...p, notes, existing });
    }
    return out;
  }

  function accept(p, quietly = false) {
    const board = ops.board();
    const fresh = current(board).find((q) => q.key === p.key);
    if (!fresh) return;
    const ids = fresh.notes.map((n) => n.id);
    if (fresh.existing) {
      ops.move(placeMoves(board, { cluster: fresh.existing.cluster.id }, ids, fresh.existing.notes.length), {
        quiet: quietly,
      });
    } else {
      const id = ops.create({ noteIds: ids, title: fresh.title || "" }, { quiet: quietly });
      if (id) api.fresh.add(id);
    }
  }

  function createCard(p) {
    const kind = h("span", { class: "proposal__kind" });
    const title = h("h3", { class: "proposal__title" });
    const count = h("span", { class: "proposal__count" });
    const notes = h("ul", { class: "proposal__notes" });
    const acceptButton = h("button", { type: "button", class: "button button--small button--primary proposal__accept" });
    const dismiss = h("button", { type: "button", class: "button button--small button--ghost proposal__dismiss", text: strings.cl_dismiss });
    const el = h(
      "article",
      { class: "proposal" },
      h("header", { class: "proposal__head" }, kind, count),
      title,
      notes,
      h("div", { class: "proposal__actions" }, acceptButton, dismiss),
    );
    acceptButton.addEventListener("click", () => {
      const next = el.nextElementSibling || el.previousElementSibling;
      accept(refs.get(el).p);
      focusAfter(next);
    });
    dismiss.addEventListener("click", () => {
      const next = el.nextElementSibling || el.previousElementSibling;
      dismissed.add(refs.get(el).p.key);
      ctx.announce(strings.cl_dismissed);
      paint();
      focusAfter(next);
    });
    refs.set(el, { kind, title, count, notes, acceptButton, dismiss, p });
    return el;
  }

  function focusAfter(next) {
    requestAnimationFrame(() => {
      const target = next && next.isConnected ? next.querySelector(".proposal__accept") : null;
      (target || heading).focus({ preventScroll: false });
    });
  }

  function updateCard(el, p, vps) {
    const r = refs.get(el);
    r.p = p;
    el.dataset.kind = p.kind;
    setText(r.kind, strings[`cl_kind_${p.kind}`] || p.kind);
    const title = (p.title || "").trim() || strings.cl_untitled;
    setText(r.title, title);
    setText(r.count, plural(strings, "notes", p.notes.length));
    setText(r.acceptButton, p.existing ? format(strings.cl_add_to, { title: ops.titleOf(p.existing.cluster) }) : strings.cl_accept);
    setAttr(r.acceptButton, "aria-label", `${r.acceptButton.textContent}: ${title}`);
    setAttr(r.dismiss, "aria-label", `${strings.cl_dismiss}: ${title}`);
    reconcile(
      r.notes,
      p.notes,
      (n) => n.id,
      () => h("li", {}, h("span", { class: "vp-swatch", "aria-hidden": "true" }), h("span", { class: "proposal__text" }), h("span", { class: "proposal__vp" })),
      (li, n) => {
        const vp = vps.get(n.viewpoint_id);
        li.style.setProperty("--vp", vp?.colour || "#8d959f");
        setText(li.children[1], n.text);
        setText(li.children[2], vp?.name || "");
      },
    );
  }

  function paint(board = api.board) {
    if (panel.hidden || !board) return;
    shown = current(board);
    const vps = new Map(board.viewpoints.map((v) => [v.id, v]));
    reconcile(list, shown, (p) => p.key, createCard, (el, p) => updateCard(el, p, vps));
    panel.setAttribute("aria-busy", String(loading));
    if (loading) setText(status, strings.cl_suggest_loading);
    else if (failed) setText(status, format(strings.cl_suggest_failed, { message: failed }));
    else if (!shown.length) setText(status, proposals && proposals.length ? strings.cl_suggest_done : strings.cl_suggest_none);
    else setText(status, plural(strings, "cl_suggest_count", shown.length));
    status.classList.toggle("is-error", !!failed);
    acceptAll.disabled = loading || shown.length === 0 || api.readOnly;
    setText(acceptAll, shown.length > 1 ? format(strings.cl_accept_all_n, { n: shown.length }) : strings.cl_accept_all);
    refresh.disabled = loading;
    for (const button of list.querySelectorAll(".proposal__accept")) button.disabled = api.readOnly;
  }

  acceptAll.addEventListener("click", () => {
    const board = ops.board();
    const all = current(board);
    if (!all.length) return;
    ops.batch(plural(strings, "cl_did_accept", all.length), () => {
      for (const p of all) accept(p, true);
    });
    ctx.announce(plural(strings, "cl_did_accept", all.length));
    heading.focus({ preventScroll: true });
  });
  refresh.addEventListener("click", () => fetchProposals());
  closeButton.addEventListener("click", () => close());
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  return { open, close, render: (board) => paint(board) };
}
