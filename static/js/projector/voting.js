// The projector's voting and results screens (phases `vote` and `results`).
//
// Vote: what to do on the phones, and per viewpoint how many people have voted and how many are
// done: progress only, never a tally (the room's numbers stay hidden until the facilitator
// reveals them). Results: "coming up" until revealed, then the view the facilitator chose
// (voting.view: ranking, matrix, viewpoints, raised_by), drawn by the shared renderers in
// static/js/results/. A group screen shows its own progress, and the results through its
// viewpoint (its dots; the items it raised).

import { VIEWS, renderResults } from "../results/index.js";
import { badge, viewpointIndex } from "../results/common.js";
import { S, el, fill, plural, setHidden, setText } from "./util.js";

/** Votable items: clusters holding a visible note, then visible notes outside any cluster. */
export function votableCount(state) {
  const clusters = new Set((state.clusters || []).map((c) => c.id));
  const filled = new Set();
  let loose = 0;
  for (const note of state.notes || []) {
    if (note.hidden) continue;
    if (note.cluster_id && clusters.has(note.cluster_id)) filled.add(note.cluster_id);
    else loose += 1;
  }
  return filled.size + loose;
}

/** The view to show: the facilitator's choice; a risk-only workshop opens on the matrix. */
export function viewOf(voting) {
  const view = voting && voting.view;
  if (VIEWS.includes(view)) return view;
  return voting && voting.mode === "risk" ? "matrix" : "ranking";
}

function numberOf(map, id) {
  if (!map) return 0;
  const n = map[String(id)] ?? map[id];
  return typeof n === "number" ? n : 0;
}

export function createVotingScreens(root, { group, groupViewpoint, request, names, rerender }) {
  const els = {
    vote: document.getElementById("pj-vote"),
    voteTitle: document.getElementById("pj-vote-title"),
    voteHow: document.getElementById("pj-vote-how"),
    voteTotal: document.getElementById("pj-vote-total"),
    voteItems: document.getElementById("pj-vote-items"),
    voteRows: document.getElementById("pj-vote-rows"),
    results: document.getElementById("pj-results"),
    soon: document.getElementById("pj-results-soon"),
    soonCount: document.getElementById("pj-results-count"),
    view: document.getElementById("pj-results-view"),
    live: document.getElementById("pj-results-live"),
  };
  const rows = new Map();
  let drawn = null; // what the results view shows: {view, results, viewpoints, focus}
  let fetched = null; // results fetched with results:get when the state has none
  let fetching = false;

  // --- vote: progress per viewpoint ------------------------------------------------------------

  function makeRow(vp) {
    const li = el("li", "pj-vprog");
    li.dataset.viewpoint = vp.key;
    li.style.setProperty("--vp", vp.colour);
    const name = el("span", "pj-vprog__name");
    const text = el("span", "pj-vprog__text");
    const bar = el("span", "pj-vprog__bar");
    bar.setAttribute("aria-hidden", "true");
    const done = el("span", "pj-vprog__done");
    const voted = el("span", "pj-vprog__voted");
    bar.append(done, voted);
    li.append(name, text, bar);
    return { li, name, text, done, voted, vpSig: "" };
  }

  function renderVote(state) {
    const gvp = groupViewpoint?.(state);
    const voting = state.voting || {};
    const progress = voting.progress || {};
    const mode = voting.mode || "dots";
    const budget = voting.budget ?? 5;
    const cap = voting.cap ?? 3;
    setText(els.voteTitle, S.vote_title || "");
    setText(els.voteHow, fill(S[`vote_how_${mode}`] || S.vote_how_dots || "", { budget, cap }));
    const items = votableCount(state);
    setText(els.voteItems, plural("vote_items", items));
    setHidden(els.voteItems, items === 0);

    const vpx = viewpointIndex(state.viewpoints, S.results || {});
    const shown = group ? vpx.list.filter((vp) => gvp && vp.key === String(gvp.id)) : vpx.list;
    let allVoted = 0;
    let allDone = 0;
    let allTotal = 0;
    const keep = new Set();
    for (const vp of shown) {
      keep.add(vp.key);
      let row = rows.get(vp.key);
      if (!row) {
        row = makeRow(vp);
        rows.set(vp.key, row);
      }
      const source = (state.viewpoints || []).find((v) => String(v.id) === vp.key) || {};
      const voted = numberOf(progress.voted, vp.id);
      const done = Math.min(voted, numberOf(progress.done, vp.id));
      const total = Math.max(voted, progress.total ? numberOf(progress.total, vp.id) : source.participant_count || 0);
      allVoted += voted;
      allDone += done;
      allTotal += total;
      const sig = `${vp.name}:${vp.colour}:${vp.shape}`;
      if (row.vpSig !== sig) {
        row.vpSig = sig;
        row.li.style.setProperty("--vp", vp.colour);
        row.name.replaceChildren(badge(vp, "rs-badge pj-vprog__badge", group));
      }
      const text = `${fill(S.vote_progress || "{voted} of {total} voted", { voted, total })} · ${fill(S.vote_done || "{done} done", { done })}`;
      setText(row.text, text);
      row.li.setAttribute("aria-label", `${vp.name}: ${text}`);
      row.li.classList.toggle("is-complete", total > 0 && done >= total);
      row.done.style.width = `${total ? (100 * done) / total : 0}%`;
      row.voted.style.width = `${total ? (100 * (voted - done)) / total : 0}%`;
      els.voteRows.append(row.li); // keeps the viewpoints' order
    }
    for (const [key, row] of rows) {
      if (!keep.has(key)) {
        row.li.remove();
        rows.delete(key);
      }
    }
    els.voteRows.dataset.count = String(shown.length);
    setText(els.voteTotal, group ? "" : fill(S.vote_total || "", { voted: allVoted, total: allTotal, done: allDone }));
    setHidden(els.voteTotal, group || allTotal === 0);
  }

  // --- results -----------------------------------------------------------------------------

  function fetchResults() {
    if (fetching || !request || !names || !names.RESULTS_GET) return;
    fetching = true;
    request(names.RESULTS_GET, {}).then((ack) => {
      fetching = false;
      if (ack && ack.ok && ack.results) {
        fetched = ack.results;
        rerender?.();
      }
    });
  }

  function renderResultsScreen(state) {
    const voting = state.voting || {};
    const revealed = !!voting.revealed;
    const results = state.results || (revealed ? fetched : null);
    if (!revealed) fetched = null;
    const showing = revealed && !!results;
    els.results.dataset.revealed = showing ? "true" : "false";
    setHidden(els.soon, showing);
    setHidden(els.view, !showing);
    if (!showing) {
      if (revealed && !results) fetchResults();
      const progress = voting.progress || {};
      const people = Object.values(progress.voted || {}).reduce((sum, n) => sum + (Number(n) || 0), 0);
      setText(els.soonCount, people ? plural("voted_people", people) : "");
      setHidden(els.soonCount, !people);
      drawn = null;
      return;
    }
    const view = viewOf(voting);
    const gvp = group ? groupViewpoint?.(state) : null;
    const focus = gvp ? gvp.id : null;
    els.results.dataset.view = view;
    if (drawn && drawn.view === view && drawn.results === results && drawn.viewpoints === state.viewpoints && drawn.focus === focus) {
      return;
    }
    const first = !drawn || drawn.view !== view;
    drawn = { view, results, viewpoints: state.viewpoints, focus };
    const strings = S.results || {};
    const options = { animate: true, focus };
    if (view === "ranking") options.limit = group ? 8 : 10;
    if (view === "viewpoints") options.limit = 5;
    if (focus !== null && (view === "ranking" || view === "viewpoints")) {
      options.title = fill(S.group_ranking || "{name}", { name: gvp.name });
    }
    renderResults(els.view, view, results, state.viewpoints, strings, options);
    if (first) setText(els.live, fill(S.results_showing || "{view}", { view: S[`view_${view}`] || view }));
  }

  return {
    render(state) {
      const phase = state.workshop.phase;
      if (phase === "vote") renderVote(state);
      else if (phase === "results") renderResultsScreen(state);
    },
  };
}
