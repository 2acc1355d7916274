// Icons of the clustering board that dom.js does not have (24×24 strokes, currentColor).

import { icon } from "./dom.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const EXTRA_ICONS = {
  grip: ["M9 6h.01M15 6h.01M9 12h.01M15 12h.01M9 18h.01M15 18h.01"],
  more: ["M5 12h.01M12 12h.01M19 12h.01"],
  undo: ["M9 14L4 9l5-5", "M4 9h10.5a5.5 5.5 0 0 1 0 11H11"],
  sparkle: ["M12 3l1.9 5.1L19 10l-5.1 1.9L12 17l-1.9-5.1L5 10l5.1-1.9z", "M19 16l.8 2.2L22 19l-2.2.8L19 22l-.8-2.2L16 19l2.2-.8z"],
  layers: ["M12 3l9 5-9 5-9-5z", "M3 13l9 5 9-5"],
  move: ["M5 12h14", "M13 6l6 6-6 6"],
  merge: ["M6 4v4a6 6 0 0 0 6 6h6", "M15 11l3 3-3 3", "M6 20v-4"],
  split: ["M4 4h6v6H4zM14 14h6v6h-6z", "M14 4h6v6", "M4 14v6h6"],
};

/** An icon from dom.js, or one of the clustering board's own. */
export function cicon(name) {
  if (!EXTRA_ICONS[name]) return icon(name);
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  for (const d of EXTRA_ICONS[name]) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

