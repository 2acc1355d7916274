// The results preview in the console: the selected view drawn by the shared results renderers
// (static/js/results/index.js), the same code the projector uses. Redrawn only when the numbers,
// the view or the viewpoints change.

import { h, setText } from "./dom.js";

export function createPreview(ctx, root) {
  const { strings } = ctx;
  let renderer = null; // the module, once loaded
  let failed = false;
  let loading = null;
  let last = null;
  let drawnSig = "";

  function load() {
    if (!loading) {
      loading = import("../results/index.js")
        .then((mod) => {
          renderer = mod;
          if (last) draw(last);
        })
        .catch((error) => {
          console.error("denktank console: results renderers", error);
          failed = true;
          root.replaceChildren(h("p", { class: "vpreview__wait", text: strings.vo_preview_failed }));
        });
    }
    return loading;
  }

  function draw(input) {
    if (!renderer) return;
    const sig = JSON.stringify([input.view, input.results, input.viewpoints.map((v) => [v.id, v.name, v.colour, v.position])]);
    if (sig === drawnSig) return;
    const sameView = drawnSig && JSON.parse(drawnSig)[0] === input.view;
    drawnSig = sig;
    renderer.renderResults(root, input.view, input.results, input.viewpoints, strings.results || {}, {
      animate: !sameView || input.view === "ranking",
    });
  }

  function render({ results, view, state }) {
    last = { results, view, viewpoints: state.viewpoints || [] };
    if (failed) return;
    if (!renderer) {
      const wait = root.querySelector(".vpreview__wait");
      if (wait) setText(wait, strings.vo_preview_wait);
      load();
      return;
    }
    draw(last);
  }

  return { render };
}
