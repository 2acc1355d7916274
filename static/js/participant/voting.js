// The phone's voting screen (phases `vote` and `results`), loaded only when it is needed.
//
// Items are the clusters that hold visible notes, then the visible notes outside any cluster.
// Dots: what the server confirmed (state.me.votes) plus the commands still in the outbox
// (rt.pending), so a tap shows at once; a refused command shows its message and the numbers are
// fetched again. Risk: two 1–5 scales per item (rating.js). A fixed bar at the bottom keeps the
// budget in view. Once voting closes, the items are read-only, and once the facilitator reveals
// the results the phone shows the ranking with its own dots marked.

import { votableItems } from "../votable.js";
import { dotsOf } from "./ballot.js";
import { buildRating, ratingsOf } from "./rating.js";
import { renderRanking } from "./ranking.js";

const fmt = (text, params) => String(text).replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));
const MESSAGE_MS = 4500;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function chip(vp) {
  const span = el("span", "chip chip--small");
  span.style.setProperty("--vp", vp.colour);
  const sw = el("span", "swatch");
  sw.setAttribute("aria-hidden", "true");
  span.append(sw, String(vp.name).replace(/\s*\([^)]*\)\s*$/, "") || vp.name);
  return span;
}

/**
 * root: the (empty) voting section; rt: {state, pending, send, request, resync}; N: names;
 * T: the page's strings (T.vote: this screen's). kindLabel(key) names a note kind.
 * render(state) draws the screen; onRejected(name, payload, ack) → true when it was a vote.
 */
export function createPhoneVoting(root, { rt, N, T, kindLabel }) {
  const V = T.vote;
  const drafts = new Map(); // key → {likelihood?, impact?} chosen but not sent
  const nodes = new Map(); // key → item refs
  let message = "";
  let messageTimer = null;
  let fetchedResults = null; // results from results:get when the state has none
  let fetching = false;
  let uid = 0;
  let current = { items: [], dots: null, ratings: null, mode: "dots", budget: 5, cap: 3, open: false };

  const head = el("div", "vote-head");
  const title = el("h2", "vote-head__title");
  title.id = "vote-title";
  const lead = el("p", "vote-head__lead");
  head.append(title, lead);
  const closed = el("p", "vote-closed");
  closed.setAttribute("role", "status");
  const results = el("section", "vresults");
  results.setAttribute("aria-labelledby", "vote-title");
  const resultsLead = el("p", "vresults__lead", V.results_lead);
  const resultsList = el("ol", "vresults__list");
  results.append(resultsLead, resultsList);
  const list = el("ol", "vote-list");
  list.setAttribute("aria-labelledby", "vote-title");
  const empty = el("p", "notes__empty", V.empty);
  const yoursTitle = el("h3", "vote-yours", V.your_votes);
  // The bar at the bottom: budget, progress and refusals, read out politely as they change.
  const bar = el("div", "vote-bar");
  bar.setAttribute("role", "status");
  bar.setAttribute("aria-live", "polite");
  const barMsg = el("p", "vote-bar__msg");
  const barMain = el("p", "vote-bar__main");
  const pips = el("span", "pips pips--bar");
  pips.setAttribute("aria-hidden", "true");
  const barText = el("span", "vote-bar__text");
  barMain.append(pips, barText);
  const barHint = el("p", "vote-bar__hint");
  barHint.id = "vote-bar-hint";
  bar.append(barMsg, barMain, barHint);
  root.replaceChildren(head, closed, results, yoursTitle, list, empty, bar);

  function setPips(holder, filled, total) {
    if (holder.childElementCount !== total) {
      holder.replaceChildren(...Array.from({ length: total }, () => el("span", "pip")));
    }
    [...holder.children].forEach((pip, i) => pip.classList.toggle("pip--on", i < filled));
  }

  function buildItem(item, mode) {
    const id = `v${++uid}`;
    const li = el("li", "vitem");
    li.dataset.key = item.key;
    const text = el(item.type === "cluster" ? "h3" : "p", "vitem__title");
    text.id = `${id}-t`;
    const meta = el("p", "vitem__meta");
    const top = el("div", "vitem__top");
    top.append(text);
    li.append(top, meta);
    const refs = { li, text, meta, id, sig: "" };
    if (item.type === "cluster") {
      // "4 notes ▾" opens the notes of the cluster under its title.
      const toggle = el("button", "vitem__toggle");
      toggle.type = "button";
      toggle.dataset.act = "notes";
      toggle.setAttribute("aria-expanded", "false");
      const notes = el("ul", "vitem__notes");
      notes.id = `${id}-n`;
      notes.hidden = true;
      toggle.setAttribute("aria-controls", notes.id);
      top.append(toggle);
      li.append(notes);
      Object.assign(refs, { toggle, notes });
    }
    if (mode !== "risk") {
      const row = el("div", "vdots");
      const mine = el("span", "vdots__mine");
      const pipsEl = el("span", "pips");
      pipsEl.setAttribute("aria-hidden", "true");
      const num = el("span", "vdots__num");
      const numLabel = el("span", "visually-hidden");
      mine.append(pipsEl, num, numLabel);
      const minus = el("button", "vbtn vbtn--minus", "−");
      minus.type = "button";
      minus.dataset.act = "remove";
      minus.setAttribute("aria-label", fmt(V.remove_dot, { item: item.title }));
      const plus = el("button", "vbtn vbtn--plus", "+");
      plus.type = "button";
      plus.dataset.act = "add";
      plus.setAttribute("aria-label", fmt(V.add_dot, { item: item.title }));
      row.append(mine, minus, plus);
      const why = el("p", "vitem__why");
      why.id = `${id}-why`;
      li.append(row, why);
      Object.assign(refs, { pips: pipsEl, num, numLabel, minus, plus, why });
    }
    if (mode !== "dots") {
      refs.rating = buildRating(V, item.key, id, mode === "both");
      li.append(refs.rating.root);
    }
    return refs;
  }

  function fillItem(refs, item, state) {
    const vpKey = item.vps.map((vp) => `${vp.id}${vp.name}${vp.colour}`).join("|");
    const sig = `${item.title}|${item.notes.length}|${vpKey}|${item.notes.map((n) => n.id + (n.text || "")).join("|")}`;
    if (refs.sig === sig) return;
    refs.sig = sig;
    refs.text.textContent = item.title;
    refs.li.classList.toggle("vitem--untitled", !!item.untitled);
    refs.li.classList.toggle("vitem--note", item.type === "note");
    refs.meta.replaceChildren();
    if (item.type === "cluster") {
      refs.toggle.textContent = item.notes.length === 1 ? T.count_one : fmt(T.count_many, { count: item.notes.length });
      if (item.vps.length) refs.meta.append(el("span", "visually-hidden", V.raised_by));
      refs.notes.replaceChildren(...item.notes.map((n) => el("li", "vitem__note", n.redacted ? "…" : n.text)));
    } else {
      refs.meta.append(el("span", `note__kind note__kind--${String(item.note.kind || "").replace(/[^a-z0-9_-]/gi, "")}`, kindLabel(item.note.kind)));
    }
    refs.meta.append(...item.vps.map(chip));
    if (refs.plus) {
      refs.plus.setAttribute("aria-label", fmt(V.add_dot, { item: item.title }));
      refs.minus.setAttribute("aria-label", fmt(V.remove_dot, { item: item.title }));
    }
  }

  function updateDots(refs, item, ctx) {
    const n = ctx.dots.map.get(item.key) || 0;
    setPips(refs.pips, n, ctx.cap);
    refs.num.textContent = String(n);
    refs.numLabel.textContent = ` ${n === 1 ? V.dot_here_one : V.dot_here}`;
    refs.li.classList.toggle("vitem--voted", n > 0);
    refs.li.classList.toggle("vitem--busy", ctx.dots.busy.has(item.key));
    refs.minus.hidden = refs.plus.hidden = !ctx.open;
    let why = "";
    if (ctx.open && n >= ctx.cap) why = fmt(V.cap_reached, { cap: ctx.cap });
    const blocked = !ctx.open || n >= ctx.cap || ctx.left <= 0;
    refs.plus.setAttribute("aria-disabled", blocked ? "true" : "false");
    const reason = n >= ctx.cap ? refs.why.id : ctx.left <= 0 ? "vote-bar-hint" : "";
    if (reason) refs.plus.setAttribute("aria-describedby", reason);
    else refs.plus.removeAttribute("aria-describedby");
    refs.minus.setAttribute("aria-disabled", !ctx.open || n <= 0 ? "true" : "false");
    if (refs.why.textContent !== why) refs.why.textContent = why;
    refs.why.hidden = !why;
  }

  function render(state) {
    const voting = state.voting || {};
    const mode = ["dots", "risk", "both"].includes(voting.mode) ? voting.mode : "dots";
    const budget = Number(voting.budget) || 5;
    const cap = Number(voting.cap) || 3;
    const phase = state.workshop.phase;
    const open = phase === "vote";
    const pending = rt.pending || [];
    const items = votableItems(state, T.untitled);
    const dots = dotsOf(state, pending, N, cap);
    const ratings = ratingsOf(state, pending, N);
    const keys = new Set(items.map((i) => i.key));
    let used = 0;
    for (const [key, n] of dots.map) if (keys.has(key)) used += n;
    const left = Math.max(0, budget - used);
    const rated = items.filter((i) => ratings.map.has(i.key)).length;
    current = { items, dots, ratings, mode, budget, cap, open, left };
    root.dataset.mode = mode;
    root.classList.toggle("voting--closed", !open);

    const shown = voting.revealed ? state.results || fetchedResults : null;
    title.textContent = open ? T.phases.vote : shown ? T.phases.results : V.closed_title;
    lead.textContent = open ? fmt(V[`lead_${mode}`], { budget, cap }) : "";
    lead.hidden = !open;

    // Results: once revealed, a compact ranking; before that, a word about the screen.
    if (!open && voting.revealed && !state.results && !fetchedResults && !fetching && rt.request && N.RESULTS_GET) {
      fetching = true;
      rt.request(N.RESULTS_GET).then((ack) => {
        fetching = false;
        if (ack && ack.ok && ack.results) {
          fetchedResults = ack.results;
          render(rt.state);
        }
      });
    }
    if (!voting.revealed) fetchedResults = null;
    closed.textContent = open ? "" : V.closed_wait;
    closed.hidden = open || !!shown;
    if (shown && results.hidden) requestAnimationFrame(() => window.scrollTo(0, 0));
    results.hidden = !shown;
    if (shown) renderRanking(resultsList, resultsLead, shown, { T, dots, mode });

    // The items (hidden once the ranking shows).
    // Once closed: only what this phone voted on or rated, as a reminder.
    const listed = open ? items : items.filter((i) => dots.map.get(i.key) > 0 || ratings.map.has(i.key));
    const showItems = !shown;
    yoursTitle.hidden = open || !showItems || !listed.length;
    list.hidden = !showItems || !listed.length;
    empty.hidden = !open || items.length > 0;
    const ctx = { dots, cap, left, open };
    const seen = new Set();
    let prev = null;
    for (const item of listed) {
      let refs = nodes.get(item.key);
      if (!refs || refs.mode !== mode) {
        refs?.li.remove();
        refs = buildItem(item, mode);
        refs.mode = mode;
        nodes.set(item.key, refs);
      }
      seen.add(item.key);
      fillItem(refs, item, state);
      if (refs.plus) updateDots(refs, item, ctx);
      if (refs.rating) {
        const draft = drafts.get(item.key);
        refs.rating.update(ratings.map.get(item.key), open ? draft : null, { readOnly: !open, busy: ratings.busy.has(item.key) });
      }
      const wanted = prev ? prev.nextSibling : list.firstChild;
      if (wanted !== refs.li) list.insertBefore(refs.li, wanted);
      prev = refs.li;
    }
    for (const [key, refs] of nodes) {
      if (!seen.has(key)) {
        refs.li.remove();
        nodes.delete(key);
      }
    }

    // The bar: dots left (and how many rated), the done state, and refusals.
    const hasDots = mode !== "risk";
    const hasRisk = mode !== "dots";
    const dotsDone = !hasDots || left === 0;
    const riskDone = !hasRisk || (items.length > 0 && rated === items.length);
    const ratedText = fmt(V.rated, { count: rated, total: items.length });
    setPips(pips, hasDots ? left : 0, hasDots ? budget : 0);
    barText.textContent = !hasDots ? ratedText : left === 0 ? V.dots_all_used : fmt(V.dots_left, { left, budget });
    let hint = "";
    if (dotsDone && riskDone && items.length) hint = V[`done_${mode}`];
    else if (hasDots && left === 0) hint = V.move_hint;
    if (mode === "both") hint = hint ? `${ratedText} · ${hint}` : ratedText;
    barHint.textContent = hint;
    barHint.hidden = !hint;
    bar.classList.toggle("vote-bar--done", open && dotsDone && riskDone && items.length > 0);
    barMsg.textContent = message;
    barMsg.hidden = !message;
    bar.hidden = !items.length || !open;
    return true;
  }

  function say(text) {
    message = text;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => {
      message = "";
      render(rt.state);
    }, MESSAGE_MS);
    render(rt.state);
  }

  function target(key) {
    const item = current.items.find((i) => i.key === key);
    return item ? { target_type: item.type, target_id: item.id } : null;
  }

  root.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-act]");
    if (button && button.dataset.act === "notes") {
      const open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      document.getElementById(button.getAttribute("aria-controls")).hidden = !open;
      return;
    }
    if (!button || !current.open) return;
    const li = button.closest("[data-key]");
    const key = li && li.dataset.key;
    const payload = key && target(key);
    if (!payload) return;
    const act = button.dataset.act;
    if (act === "add" || act === "remove") {
      if (button.getAttribute("aria-disabled") === "true") {
        // Say why instead of doing nothing.
        const n = current.dots.map.get(key) || 0;
        if (act === "add") say(n >= current.cap ? fmt(V.cap_reached, { cap: current.cap }) : `${V.dots_all_used}. ${V.move_hint}`);
        return;
      }
      rt.send(act === "add" ? N.VOTE_ADD : N.VOTE_REMOVE, payload);
    } else if (act === "clear") {
      drafts.delete(key);
      if (current.ratings.map.has(key)) rt.send(N.RISK_SCORE, { ...payload, likelihood: null, impact: null });
    }
    render(rt.state);
  });

  root.addEventListener("change", (event) => {
    const input = event.target;
    if (!input.dataset || !input.dataset.axis || !current.open) return;
    const li = input.closest("li[data-key]");
    const key = li && li.dataset.key;
    const payload = key && target(key);
    if (!payload) return;
    const draft = { ...(drafts.get(key) || {}), [input.dataset.axis]: Number(input.value) };
    const value = { ...(current.ratings.map.get(key) || {}), ...draft };
    if (value.likelihood != null && value.impact != null) {
      drafts.delete(key);
      rt.send(N.RISK_SCORE, { ...payload, likelihood: value.likelihood, impact: value.impact });
    } else {
      drafts.set(key, draft);
    }
    render(rt.state);
  });

  function onRejected(name, payload, ack) {
    if (![N.VOTE_ADD, N.VOTE_REMOVE, N.RISK_SCORE].includes(name)) return false;
    say(ack.message || fmt(T.not_sent, { message: ack.code || "" }));
    // The server's numbers win: fetch them again (another tab may have voted too).
    if (!ack.me && typeof rt.resync === "function") rt.resync();
    return true;
  }

  return { render, onRejected };
}
