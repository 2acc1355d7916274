// The console's voting and results panel (vote and results phases): the rules, live progress per
// viewpoint, live tallies for the facilitator only (results:get, refetched ~400 ms after votes),
// closing the vote, revealing and hiding the results, choosing what the projector shows, a
// preview drawn by the shared results renderers, and voting by proxy (proxy.js).

import { confirmDialog, format, hydrateIcons, setAttr, setText } from "./dom.js";
import { votableItems } from "../votable.js";
import { createVotingModel } from "./voting-model.js";
import { createProgress } from "./voting-progress.js";
import { createTally } from "./voting-tally.js";
import { createProxies } from "./proxy.js";
import { createPreview } from "./voting-preview.js";

const PHASES = new Set(["vote", "results"]);
const REFETCH_MS = 400;

export function createVoting(ctx) {
  const { strings, names } = ctx;
  const model = createVotingModel(names);
  const body = document.querySelector(".console__body");
  const panel = document.getElementById("voting");
  const title = document.getElementById("voting-title");
  const rules = document.getElementById("voting-rules");
  const room = document.getElementById("voting-room");
  const roomText = document.getElementById("voting-room-text");
  const closeButton = document.getElementById("voting-close");
  const revealButton = document.getElementById("results-reveal");
  const hideButton = document.getElementById("results-hide");
  const tabs = [...document.querySelectorAll("#vviews [data-view]")];
  const showText = document.getElementById("vshow-text");
  const showButton = document.getElementById("vshow-button");
  const tallyStatus = document.getElementById("vtally-status");
  const toBoard = document.getElementById("voting-to-board");
  const back = document.getElementById("voting-back");

  const progress = createProgress(ctx, panel.querySelector(".vcard--progress"));
  const tally = createTally(ctx, document.getElementById("vtally"));
  const proxies = createProxies(ctx, model);
  const preview = createPreview(ctx, document.getElementById("vpreview"));
  hydrateIcons(panel);

  let phase = null;
  let visible = false;
  let onBoard = false; // the facilitator looks at the notes board for a moment
  let chosenView = null; // the preview's tab; null: what the projector shows
  let pending = [];
  let fetchTimer = null;
  let fetching = false;
  let again = false;
  let fetchState = "idle"; // idle | loading | ok | offline
  let updatedAt = null;

  const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23",
  });
  const viewName = (view) => strings[`view_${view}`] || view;

  // --- live tallies: results:get, debounced ---------------------------------------------------

  function refetch(delay = REFETCH_MS) {
    if (!names.RESULTS_GET || !ctx.rt) return;
    // At most one fetch per ~400 ms while votes keep coming (a plain debounce could starve).
    if (fetchTimer && delay > 0) return;
    if (fetchTimer) clearTimeout(fetchTimer);
    fetchTimer = setTimeout(fetchNow, delay);
  }

  async function fetchNow() {
    fetchTimer = null;
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    fetchState = "loading";
    renderStatus();
    const ack = await ctx.rt.request(names.RESULTS_GET);
    fetching = false;
    if (ack && ack.ok) {
      model.setResults(ack.results, ack.voting);
      fetchState = "ok";
      updatedAt = new Date();
      ctx.rerender();
    } else {
      fetchState = ack && ack.code === "offline" ? "offline" : "error";
      renderStatus();
    }
    if (again) {
      again = false;
      refetch(0);
    }
  }

  function renderStatus() {
    let text = "";
    if (fetchState === "loading" && !updatedAt) text = strings.vo_updating;
    else if (fetchState === "offline" || fetchState === "error") text = strings.vo_not_updated;
    else if (updatedAt) text = format(strings.vo_updated, { time: timeFormat.format(updatedAt) });
    setText(tallyStatus, text);
    tallyStatus.classList.toggle("is-stale", fetchState === "offline" || fetchState === "error");
  }

  toBoard.addEventListener("click", () => {
    onBoard = true;
    ctx.rerender();
    requestAnimationFrame(() => back.focus());
  });
  back.addEventListener("click", () => {
    onBoard = false;
    ctx.rerender();
    requestAnimationFrame(() => title.focus());
  });

  // --- actions --------------------------------------------------------------------------------

  closeButton.addEventListener("click", async () => {
    const ok = await confirmDialog({
      title: strings.vo_close_title,
      message: strings.vo_close_message,
      confirm: strings.vo_close_confirm,
      cancel: strings.cancel,
    });
    if (ok) ctx.send(names.PHASE_SET, { phase: "results" });
  });

  // Without risk scores there is no matrix to show.
  const offered = (view) => !(view === "matrix" && model.voting && model.voting.mode === "dots");
  const currentView = () => {
    const view = chosenView || model.voting.view || "ranking";
    return offered(view) ? view : "ranking";
  };
  revealButton.addEventListener("click", () => {
    ctx.send(names.RESULTS_REVEAL, { revealed: true, view: currentView() });
  });
  hideButton.addEventListener("click", () => ctx.send(names.RESULTS_REVEAL, { revealed: false }));
  showButton.addEventListener("click", () => {
    ctx.send(names.RESULTS_REVEAL, { revealed: true, view: currentView() });
  });

  function chooseTab(view, focus) {
    chosenView = view;
    ctx.rerender();
    if (focus) {
      const tab = tabs.find((t) => t.dataset.view === view);
      if (tab) tab.focus();
    }
  }
  for (const tab of tabs) {
    tab.addEventListener("click", () => chooseTab(tab.dataset.view, false));
    tab.addEventListener("keydown", (event) => {
      const shown = tabs.filter((t) => !t.hidden);
      const i = shown.indexOf(tab);
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: shown.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      chooseTab(shown[(to + shown.length) % shown.length].dataset.view, true);
    });
  }

  // --- render ---------------------------------------------------------------------------------

  /** What the projector will show once pending commands are through (optimistic). */
  function projected() {
    const voting = model.voting;
    let revealed = voting.revealed;
    let view = voting.view || "ranking";
    for (const entry of pending) {
      if (entry.name !== names.RESULTS_REVEAL) continue;
      revealed = !!entry.payload.revealed;
      if (entry.payload.view) view = entry.payload.view;
    }
    return { revealed, view, waiting: pending.some((e) => e.name === names.RESULTS_REVEAL) };
  }

  function renderHead(state, voting) {
    setText(title, phase === "vote" ? strings.vo_title_vote : strings.vo_title_results);
    const parts = [strings[`vo_mode_${voting.mode}`] || voting.mode];
    if (voting.mode !== "risk") {
      parts.push(format(strings.vo_budget, { n: voting.budget }), format(strings.vo_cap, { n: voting.cap }));
    }
    if (phase === "results") {
      const count = (key) => Object.values((voting.progress || {})[key] || {}).reduce((n, v) => n + Number(v || 0), 0);
      parts.push(format(strings.vo_turnout, { voted: count("voted"), total: count("total") }));
    }
    setText(rules, parts.join(" · "));
    const shown = projected();
    let roomState = "progress";
    let text = strings.vo_room_progress;
    if (phase === "results") {
      roomState = shown.revealed ? "revealed" : "hidden";
      text = shown.revealed ? viewName(shown.view) : strings.vo_room_hidden;
    }
    room.dataset.state = roomState;
    room.classList.toggle("is-waiting", shown.waiting);
    setText(roomText, text);
    closeButton.hidden = phase !== "vote";
    revealButton.hidden = phase !== "results" || shown.revealed;
    hideButton.hidden = phase !== "results" || !shown.revealed;
    revealButton.disabled = shown.waiting;
    hideButton.disabled = shown.waiting;
  }

  function renderViews(voting) {
    const shown = projected();
    const view = currentView();
    for (const tab of tabs) {
      tab.hidden = !offered(tab.dataset.view);
      const selected = tab.dataset.view === view;
      setAttr(tab, "aria-selected", String(selected));
      setAttr(tab, "tabindex", selected ? "0" : "-1");
      const live = shown.revealed && tab.dataset.view === shown.view;
      tab.classList.toggle("is-live", live);
      setAttr(tab, "title", live ? strings.vo_on_projector : null);
    }
    const same = shown.revealed && shown.view === view;
    if (!shown.revealed) setText(showText, strings.vo_show_hidden);
    else if (same) setText(showText, strings.vo_show_same);
    else setText(showText, format(strings.vo_show_other, { view: viewName(shown.view) }));
    showButton.hidden = !shown.revealed || same;
    setText(showButton.querySelector(".vshow__label") || appendLabel(showButton), format(strings.vo_show_this, { view: viewName(view) }));
    showButton.disabled = shown.waiting;
    document.getElementById("vshow").dataset.state = !shown.revealed ? "hidden" : same ? "same" : "other";
    setAttr(document.getElementById("vpreview"), "aria-label", viewName(view));
    return view;
  }

  function appendLabel(button) {
    const span = document.createElement("span");
    span.className = "vshow__label";
    button.append(span);
    return span;
  }

  function render(state) {
    phase = state.workshop.phase;
    const show = PHASES.has(phase) && !onBoard;
    back.hidden = !(PHASES.has(phase) && onBoard);
    panel.hidden = !show;
    body.classList.toggle("is-voting", show);
    if (!show) {
      visible = false;
      return;
    }
    if (!model.voting) model.fromState(state);
    if (!visible) refetch(0);
    visible = true;
    panel.dataset.phase = phase;
    panel.dataset.mode = model.voting.mode;
    const voting = model.voting;
    const viewpoints = state.viewpoints || [];
    const items = votableItems(state, strings.cl_untitled);
    renderHead(state, voting);
    progress.render(voting.progress, viewpoints);
    tally.render(model.results, voting.mode, viewpoints);
    renderStatus();
    if (phase === "vote") proxies.render(state, voting, items);
    if (phase === "results") {
      const view = renderViews(voting);
      preview.render({ results: model.results, view, state, voting });
    }
  }

  // --- console part interface -----------------------------------------------------------------

  const REFETCH_ON = new Set([
    "snapshot", names.VOTE_CHANGED, names.RISK_SCORED, names.VOTES_PROGRESS, names.PHASE_CHANGED,
    names.NOTE_ADDED, names.NOTE_EDITED, names.NOTE_DELETED, names.NOTE_HIDDEN, names.NOTE_RESTORED,
    names.NOTE_ENDORSED, names.CLUSTER_CREATED, names.CLUSTER_RENAMED, names.CLUSTER_MERGED,
    names.CLUSTER_DISSOLVED, names.CLUSTERS_REORDERED, names.NOTES_MOVED, names.PARTICIPANT_MOVED,
  ].filter(Boolean));

  function onFact(name, payload, state) {
    model.apply(name, payload, state);
    proxies.onFact(name, payload);
    if (name === names.PHASE_CHANGED && payload && payload.phase !== phase) {
      chosenView = null;
      onBoard = false;
    }
    const now = state && state.workshop && state.workshop.phase;
    if (PHASES.has(now) && REFETCH_ON.has(name)) refetch();
  }

  function setPending(entries) {
    pending = entries;
    proxies.setPending(entries);
    if (visible) ctx.rerender();
  }

  function onRejected(name, payload, ack) {
    return proxies.onRejected(name, payload, ack);
  }

  window.denktankVoting = { model };
  return { render, onFact, setPending, onRejected };
}
