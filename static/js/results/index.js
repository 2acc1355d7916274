// Denktank results renderers, shared by the projector and the console.
//
//   import { renderRanking, renderMatrix, renderByViewpoint, renderRaisedBy, renderResults, VIEWS }
//     from "../results/index.js";           // (from static/js/console/… or static/js/projector/…)
//
// Each renderer draws the server's numbers into `container` (an element it owns: it replaces the
// children) and returns the <figure> it drew. They never fetch, never send, keep no globals and
// can be called again with new numbers at any time (the ranking then animates from the old bars).
//
//   renderRanking(container, results, viewpoints, strings, options)
//   renderMatrix(container, results, viewpoints, strings, options)
//   renderByViewpoint(container, results, viewpoints, strings, options)
//   renderRaisedBy(container, results, viewpoints, strings, options)
//   renderResults(container, view, results, viewpoints, strings, options)   // view: one of VIEWS
//
// Arguments
//   results     state.results: {voters, items: [{rank, target_type, target_id, title, raised_by,
//               note_count, dots, dots_by_viewpoint: {"<vp id>"|"none": n}, voters, plus_ones,
//               ratings, likelihood, impact, risk_score, spread, disagreement}]} (null is fine: the
//               renderers then say "No votes yet").
//   viewpoints  state.viewpoints ([{id, name, colour, position}]): colours, names, and the shape
//               of each viewpoint (its index by position, the same shapes as the projector's badges).
//   strings     the "results" object of the page's denktank-strings block, made by
//               templates/results/strings.html:
//                 {% from "results/strings.html" import results_strings with context %}
//                 {% set strings = {..., "results": results_strings} %}
//               then in JS: renderRanking(node, state.results, state.viewpoints, S.results, {...}).
//   options     (all optional)
//     animate   true (default): bars grow, rows slide to a new place, items arrive one by one.
//               Always off under prefers-reduced-motion. Pass false for redraws that should not move.
//     limit     how many items to show (ranking 10, matrix 30, by viewpoint 6 per column, raised
//               by 8 per group); the rest is counted in "+ n more items".
//     measure   ranking / raised by: "dots" | "risk" | "auto" (default: dots when any were given,
//               else the risk score, e.g. for a risk-only workshop).
//     focus     a viewpoint id: the ranking counts only that viewpoint's dots; the matrix and
//               raised-by show only the items that viewpoint raised; by viewpoint shows its column.
//     caption   false hides the built-in caption (title + facts line); title overrides its text.
//
// Styling: static/css/results.css (include it on the page). Light by default (console); inside
// .projector it is dark and large. Sizes are in em: the container's font-size scales the chart.
// Every value is present as text (and visually hidden text where a bar or colour shows it), each
// viewpoint is a colour AND a shape AND a name.

import { renderMatrix } from "./matrix.js";
import { renderRanking } from "./ranking.js";
import { renderByViewpoint, renderRaisedBy } from "./viewpoints.js";

export { renderMatrix, renderRanking, renderByViewpoint, renderRaisedBy };
export { measureOf } from "./common.js";

/** The views the facilitator can choose (voting.view). */
export const VIEWS = ["ranking", "matrix", "viewpoints", "raised_by"];

const RENDERERS = {
  ranking: renderRanking,
  matrix: renderMatrix,
  viewpoints: renderByViewpoint,
  raised_by: renderRaisedBy,
};

/** Draw one of VIEWS (unknown → ranking). */
export function renderResults(container, view, results, viewpoints, strings, options = {}) {
  const render = RENDERERS[view] || renderRanking;
  return render(container, results, viewpoints, strings, options);
}
