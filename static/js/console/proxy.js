// Voting by proxy: the facilitator adds people without a phone (proxy:add), sees them per
// viewpoint with the dots they have left, and opens one to vote on their behalf (proxy-ballot.js).

import { format, h, setAttr, setText } from "./dom.js";
import { createBallot } from "./proxy-ballot.js";
import { vpBadge } from "./voting-tally.js";

export function createProxies(ctx, model) {
  const { strings, names } = ctx;
  const root = document.getElementById("vproxy");
  const form = document.getElementById("vproxy-form");
  const nameInput = document.getElementById("vproxy-name");
  const vpSelect = document.getElementById("vproxy-vp");
  const submit = document.getElementById("vproxy-submit");
  const addError = document.getElementById("vproxy-add-error");
  const people = document.getElementById("vproxy-people");
  const none = document.getElementById("vproxy-none");
  const ballotRoot = document.getElementById("vproxy-ballot");
  const ballotTitle = document.getElementById("ballot-title");
  const ballotLeft = document.getElementById("ballot-left");
  const ballotClose = document.getElementById("ballot-close");
  const ballot = createBallot(ctx, model, ballotRoot);

  let selected = null; // proxy id
  let awaiting = null; // {name, viewpoint} just added: select it when it arrives
  let pending = [];
  let vpSig = "";
  let peopleSig = "";

  function select(id, focus = true) {
    selected = id;
    ballot.showError("");
    ctx.rerender();
    if (focus && id !== null) requestAnimationFrame(() => ballotTitle.focus());
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = nameInput.value.trim();
    if (!name) {
      addError.hidden = false;
      setText(addError, strings.px_need_name);
      nameInput.focus();
      return;
    }
    addError.hidden = true;
    awaiting = { name, viewpoint: Number(vpSelect.value) };
    ctx.send(names.PROXY_ADD, { display_name: name, viewpoint_id: Number(vpSelect.value) }).then((ack) => {
      if (ack && ack.ok === false) {
        awaiting = null;
        addError.hidden = false;
        setText(addError, ack.message || ack.code);
      }
    });
    nameInput.value = "";
    ctx.announce(format(strings.px_adding, { name }));
  });

  ballotClose.addEventListener("click", () => {
    const id = selected;
    select(null, false);
    const button = people.querySelector(`[data-proxy="${id}"]`);
    if (button) button.focus();
  });
  ballotRoot.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && selected !== null) {
      event.preventDefault();
      ballotClose.click();
    }
  });

  function statusOf(proxy, voting, itemCount) {
    const parts = [];
    if (voting.mode !== "risk") {
      parts.push(format(strings.px_left, { n: Math.max(0, voting.budget - spentWithPending(proxy.id)), budget: voting.budget }));
    }
    if (voting.mode !== "dots") parts.push(format(strings.px_rated, { n: model.ratedBy(proxy.id), total: itemCount }));
    return parts.join(" · ");
  }

  function spentWithPending(pid) {
    let sum = model.spentBy(pid);
    for (const entry of pending) {
      if (!entry.payload || entry.payload.participant_id !== pid) continue;
      if (entry.name === names.VOTE_ADD) sum += 1;
      if (entry.name === names.VOTE_REMOVE) sum -= 1;
    }
    return Math.max(0, sum);
  }

  function renderViewpoints(viewpoints) {
    const sig = JSON.stringify(viewpoints.map((v) => [v.id, v.name]));
    if (sig === vpSig) return;
    vpSig = sig;
    const keep = vpSelect.value;
    vpSelect.replaceChildren(...viewpoints.map((v) => h("option", { value: String(v.id), text: v.name })));
    if (keep && viewpoints.some((v) => String(v.id) === keep)) vpSelect.value = keep;
  }

  function renderPeople(state, voting, items) {
    const viewpoints = state.viewpoints || [];
    const proxies = model.proxies;
    none.hidden = proxies.length > 0;
    const groups = viewpoints
      .map((vp, i) => ({ vp, i, members: proxies.filter((p) => p.viewpoint_id === vp.id) }))
      .filter((g) => g.members.length);
    const orphans = proxies.filter((p) => !viewpoints.some((v) => v.id === p.viewpoint_id));
    if (orphans.length) groups.push({ vp: null, i: -1, members: orphans });
    const sig = JSON.stringify([groups.map((g) => [g.vp && g.vp.id, g.vp && g.vp.name, g.vp && g.vp.colour, g.members.map((p) => [p.id, p.display_name, statusOf(p, voting, items.length)])]), selected]);
    if (sig === peopleSig) return;
    const focused = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.proxy : null;
    peopleSig = sig;
    people.replaceChildren(
      ...groups.map((g) =>
        h(
          "section",
          { class: "pgroup" },
          h("h4", { class: "pgroup__title" }, vpBadge(g.vp, g.i), h("span", { text: g.vp ? g.vp.name : strings.unassigned })),
          h(
            "ul",
            { class: "pgroup__list" },
            ...g.members.map((p) =>
              h(
                "li",
                {},
                h(
                  "button",
                  {
                    type: "button",
                    class: "pperson",
                    "data-proxy": String(p.id),
                    "aria-pressed": String(p.id === selected),
                    onclick: () => select(p.id === selected ? null : p.id),
                  },
                  h("span", { class: "pperson__name", text: p.display_name }),
                  h("span", { class: "pperson__status", text: statusOf(p, voting, items.length) }),
                ),
              ),
            ),
          ),
        ),
      ),
    );
    if (focused) {
      const again = people.querySelector(`[data-proxy="${focused}"]`);
      if (again) again.focus();
    }
  }

  function render(state, voting, items) {
    const phase = state.workshop.phase;
    const open = phase === "vote";
    renderViewpoints(state.viewpoints || []);
    form.querySelector("fieldset").disabled = !open;
    setAttr(submit, "title", open ? null : strings.px_closed);
    if (selected !== null && !model.proxies.some((p) => p.id === selected)) selected = null;
    renderPeople(state, voting, items);
    const proxy = model.proxies.find((p) => p.id === selected) || null;
    ballotRoot.hidden = !proxy;
    root.classList.toggle("has-ballot", !!proxy);
    const remaining = ballot.render(proxy, items, state, voting, pending);
    if (proxy) {
      const vp = (state.viewpoints || []).find((v) => v.id === proxy.viewpoint_id);
      setText(ballotTitle, format(strings.px_voting_for, { name: proxy.display_name }));
      setAttr(ballotTitle, "title", vp ? vp.name : null);
      const parts = [];
      if (voting.mode !== "risk") parts.push(format(strings.px_left, { n: Math.max(0, remaining), budget: voting.budget }));
      if (voting.mode !== "dots") parts.push(format(strings.px_rated, { n: model.ratedBy(proxy.id), total: items.length }));
      setText(ballotLeft, parts.join(" · "));
      ballotLeft.classList.toggle("is-empty", voting.mode !== "risk" && remaining <= 0);
    }
  }

  function onFact(name, payload) {
    if (name === names.PROXY_ADDED && payload && payload.proxy && awaiting &&
        payload.proxy.display_name === awaiting.name) {
      awaiting = null;
      select(payload.proxy.id);
    }
  }

  function setPending(entries) {
    pending = entries;
  }

  function onRejected(name, payload, ack) {
    if (name === names.PROXY_ADD) {
      addError.hidden = false;
      setText(addError, ack.message || ack.code);
      return true;
    }
    if ((name === names.VOTE_ADD || name === names.VOTE_REMOVE || name === names.RISK_SCORE) && payload && payload.participant_id) {
      return ballot.onRejected(name, payload, ack);
    }
    return false;
  }

  return { render, onFact, setPending, onRejected, get selected() { return selected; } };
}
