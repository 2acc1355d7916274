// The facilitator console: phases, timer, joining, participants, notes, clustering and live settings,
// driven by the realtime client (static/js/realtime.js) as described in docs/protocol.md.

import { connect, newNoteId } from "./realtime.js";
import { showDeleted } from "./deleted.js";
import { createBoard } from "./console/board.js";
import { createClusters } from "./console/clusters.js";
import { coalesce, format, hydrateIcons, toast } from "./console/dom.js";
import { createPeople } from "./console/people.js";
import { createSettings } from "./console/settings.js";
import { createTimer } from "./console/timer.js";
import { createTopbar } from "./console/topbar.js";
import { createVoting } from "./console/voting.js";

const readJson = (id) => JSON.parse(document.getElementById(id).textContent);
const config = readJson("denktank-config");
const strings = readJson("denktank-strings");
const data = readJson("console-data");
const names = config.names || {};
const keyOfName = new Map(Object.entries(names).map(([key, value]) => [value, key]));

hydrateIcons(document);

const announcer = document.createElement("p");
announcer.className = "visually-hidden";
announcer.setAttribute("aria-live", "polite");
document.getElementById("console").append(announcer);

const ctx = {
  config,
  strings,
  data,
  names,
  rt: null,
  newNoteId,
  send(name, payload) {
    return ctx.rt.send(name, payload);
  },
  /** A human label for a command in the outbox ("Adding a note"). */
  describe(name) {
    const key = keyOfName.get(name);
    return (key && strings[`cmd_${key}`]) || name;
  },
  announce(text) {
    announcer.textContent = "";
    setTimeout(() => (announcer.textContent = text), 50);
  },
  rerender: () => render(),
};

const topbar = createTopbar(ctx);
const timer = createTimer(ctx);
const board = createBoard(ctx);
const people = createPeople(ctx);
const settings = createSettings(ctx);
const clusters = createClusters(ctx);
const voting = createVoting(ctx);
const parts = [topbar, timer, board, people, settings, clusters, voting];

const render = coalesce(() => {
  const state = ctx.rt && ctx.rt.state;
  if (!state || !state.workshop) return;
  for (const part of parts) part.render(state);
});

// Fit the board and sidebar to the window below the bar, so columns scroll on their own.
const body = document.querySelector(".console__body");
function fitBody() {
  const top = body.getBoundingClientRect().top + window.scrollY;
  body.style.setProperty("--body-h", `${Math.max(520, Math.floor(window.innerHeight - top))}px`);
}
fitBody();
window.addEventListener("resize", fitBody);
if ("ResizeObserver" in window) {
  const observer = new ResizeObserver(fitBody);
  observer.observe(document.getElementById("console-bar"));
  const flashes = document.querySelector(".console-main > .flashes");
  if (flashes) observer.observe(flashes);
}

// The projector window: a named popup, so a second click focuses the same window.
document.getElementById("projector-window").addEventListener("click", (event) => {
  const popup = window.open(event.currentTarget.href, "denktank-projector", "popup");
  if (popup) {
    event.preventDefault();
    popup.focus();
  }
});

ctx.rt = connect(config, {
  onChange(state, name, payload) {
    for (const part of parts) if (part.onFact) part.onFact(name, payload, state);
    render();
  },
  onStatus(status) {
    topbar.setStatus(status);
  },
  onOutbox(pending) {
    topbar.setPending(pending);
    clusters.setPending(pending);
    board.setPending(pending);
    voting.setPending(pending);
  },
  onRejected(name, payload, ack) {
    let handled = false;
    for (const part of parts) if (part.onRejected && part.onRejected(name, payload, ack)) handled = true;
    if (!handled) {
      toast(format(strings.rejected, { action: ctx.describe(name), message: ack.message || ack.code }), "error", 9000);
    }
  },
  onAck(name, payload, ack) {
    for (const part of parts) if (part.onAck) part.onAck(name, payload, ack);
  },
  onRefused(error) {
    topbar.setStatus("offline");
    toast(format(strings.refused, { message: (error && error.message) || "" }), "error", 12000);
  },
  onDeleted() {
    showDeleted(strings);
  },
});

// For the browser tests and for debugging from the devtools console.
window.denktankConsole = { rt: ctx.rt };
