// The ballot of one proxy (a person without a phone): every votable item with − / + dot buttons
// and likelihood / impact choices (1–5), sent with participant_id on their behalf. Shows the
// optimistic value while a command waits in the outbox.

import { format, h, plural, reconcile, setAttr, setText } from "./dom.js";
import { vpBadge } from "./voting-tally.js";

let radioGroup = 0;

export function createBallot(ctx, model, root) {
  const { strings, names } = ctx;
  const list = root.querySelector("[data-ballot-items]");
  const empty = root.querySelector("[data-ballot-empty]");
  const error = root.querySelector("[data-ballot-error]");
  const refs = new WeakMap();
  const drafts = new Map(); // "pid|type|id" → {likelihood, impact} while only one is chosen
  let proxy = null;
  let pending = [];
  let mode = "dots";
  let cap = 3;
  let budget = 5;
  let locked = false;

  const itemKey = (it) => `${it.type}:${it.id}`;

  /** Dots and rating as shown: the stored value plus what waits in the outbox. */
  function shown(item) {
    let dots = model.dotsOf(proxy.id, item.type, item.id);
    let rating = model.ratingOf(proxy.id, item.type, item.id);
    for (const entry of pending) {
      const p = entry.payload || {};
      if (p.participant_id !== proxy.id || p.target_type !== item.type || p.target_id !== item.id) continue;
      if (entry.name === names.VOTE_ADD) dots += 1;
      else if (entry.name === names.VOTE_REMOVE) dots = Math.max(0, dots - 1);
      else if (entry.name === names.RISK_SCORE) {
        rating = p.likelihood == null && p.impact == null ? null : { likelihood: p.likelihood, impact: p.impact };
      }
    }
    const k = `${proxy.id}|${item.type}|${item.id}`;
    const draft = drafts.get(k);
    const stored = model.ratingOf(proxy.id, item.type, item.id);
    if (draft && stored && stored.likelihood === draft.likelihood && stored.impact === draft.impact) {
      drafts.delete(k); // confirmed by the server
    } else if (draft) {
      rating = { ...(rating || {}), ...draft };
    }
    return { dots, rating };
  }

  function spent() {
    let sum = model.spentBy(proxy.id);
    for (const entry of pending) {
      const p = entry.payload || {};
      if (p.participant_id !== proxy.id) continue;
      if (entry.name === names.VOTE_ADD) sum += 1;
      else if (entry.name === names.VOTE_REMOVE) sum -= 1;
    }
    return Math.max(0, sum);
  }

  function showError(message) {
    setText(error, message || "");
    error.hidden = !message;
  }

  function vote(item, delta) {
    showError("");
    const name = delta > 0 ? names.VOTE_ADD : names.VOTE_REMOVE;
    ctx.send(name, { target_type: item.type, target_id: item.id, participant_id: proxy.id });
  }

  function rate(item, axis, value) {
    showError("");
    const k = `${proxy.id}|${item.type}|${item.id}`;
    const current = shown(item).rating || {};
    const next = { likelihood: current.likelihood ?? null, impact: current.impact ?? null, [axis]: value };
    drafts.set(k, next);
    if (next.likelihood == null || next.impact == null) {
      ctx.rerender();
      return;
    }
    // The choice stays on screen until the risk:scored fact confirms it (shown() then drops the
    // draft): the ack can arrive before the fact, and a render in between would uncheck it.
    ctx.send(names.RISK_SCORE, { target_type: item.type, target_id: item.id, participant_id: proxy.id, ...next }).then((ack) => {
      if (ack && ack.ok === false && drafts.get(k) === next) {
        drafts.delete(k);
        ctx.rerender();
      }
    });
  }

  function clearRating(item) {
    showError("");
    drafts.delete(`${proxy.id}|${item.type}|${item.id}`);
    ctx.send(names.RISK_SCORE, { target_type: item.type, target_id: item.id, participant_id: proxy.id, likelihood: null, impact: null });
  }

  function scale(item, axis, label) {
    const group = `pb-${axis}-${++radioGroup}`;
    const inputs = [];
    const options = [1, 2, 3, 4, 5].map((n) => {
      const input = h("input", { type: "radio", name: group, value: String(n) });
      input.addEventListener("change", () => rate(refs.get(input.closest("li")).item, axis, n));
      inputs.push(input);
      return h("label", { class: "pscale__opt" }, input, h("span", { text: String(n) }));
    });
    const fieldset = h("fieldset", { class: "pscale" }, h("legend", { class: "visually-hidden", text: label }),
      h("span", { class: "pscale__legend", "aria-hidden": "true", text: label }), ...options);
    return { fieldset, inputs };
  }

  function createItem(item) {
    const title = h("span", { class: "pitem__title" });
    const meta = h("span", { class: "pitem__meta" });
    const li = h("li", { class: "pitem" }, h("div", { class: "pitem__head" }, title, meta));
    const c = { item, title, meta };
    const controls = h("div", { class: "pitem__controls" });
    if (mode !== "risk") {
      c.minus = h("button", { type: "button", class: "pdots__btn", text: "−" });
      c.plus = h("button", { type: "button", class: "pdots__btn", text: "+" });
      c.count = h("span", { class: "pdots__n" });
      c.pips = h("span", { class: "pdots__pips", "aria-hidden": "true" });
      c.minus.addEventListener("click", () => vote(refs.get(li).item, -1));
      c.plus.addEventListener("click", () => vote(refs.get(li).item, +1));
      controls.append(h("div", { class: "pdots" }, c.minus, h("span", { class: "pdots__value" }, c.pips, c.count), c.plus));
    }
    if (mode !== "dots") {
      c.l = scale(item, "likelihood", strings.pb_likelihood);
      c.i = scale(item, "impact", strings.pb_impact);
      c.clear = h("button", { type: "button", class: "icon-button icon-button--text pitem__clear", text: strings.pb_clear });
      c.clear.addEventListener("click", () => clearRating(refs.get(li).item));
      c.hint = h("span", { class: "pitem__hint" });
      controls.append(h("div", { class: "prisk" }, c.l.fieldset, c.i.fieldset, c.clear, c.hint));
    }
    li.append(controls);
    refs.set(li, c);
    return li;
  }

  function updateItem(li, item, vpIndex, viewpoints, remaining) {
    const c = refs.get(li);
    c.item = item;
    setText(c.title, item.title);
    const sig = JSON.stringify([item.vps.map((vp) => vp.id), item.notes.length, item.type]);
    if (c.meta.dataset.sig !== sig) {
      c.meta.dataset.sig = sig;
      c.meta.replaceChildren(
        ...item.vps.map(({ id }) => {
          const i = vpIndex.get(id);
          const vp = viewpoints[i];
          return h("span", { class: "pitem__vp", title: vp ? vp.name : "" }, vpBadge(vp, i ?? 0), h("span", { class: "visually-hidden", text: vp ? vp.name : "" }));
        }),
        h("span", { text: item.type === "cluster" ? plural(strings, "vt_notes", item.notes.length) : strings.vt_single_note }),
      );
    }
    const { dots, rating } = shown(item);
    if (c.minus) {
      setText(c.count, format(strings.pb_dots, { n: dots, cap }));
      c.pips.replaceChildren(...Array.from({ length: cap }, (_, i) => h("span", { class: i < dots ? "is-on" : "" })));
      c.minus.disabled = locked || dots <= 0;
      c.plus.disabled = locked || dots >= cap || remaining <= 0;
      setAttr(c.minus, "aria-label", format(strings.pb_remove, { title: item.title }));
      setAttr(c.plus, "aria-label", format(strings.pb_add, { title: item.title }));
      li.classList.toggle("has-dots", dots > 0);
    }
    if (c.l) {
      for (const [axis, part] of [["likelihood", c.l], ["impact", c.i]]) {
        const value = rating ? rating[axis] : null;
        for (const input of part.inputs) {
          input.checked = value != null && Number(input.value) === Number(value);
          input.disabled = locked;
        }
      }
      const complete = rating && rating.likelihood != null && rating.impact != null;
      c.clear.hidden = !rating || locked;
      setText(c.hint, rating && !complete ? strings.pb_half : complete ? format(strings.pb_score, { n: rating.likelihood * rating.impact }) : "");
    }
  }

  /** Render the ballot of `current` (a proxy) over `items`; returns the dots left. */
  function render(current, items, state, voting, pendingNow) {
    pending = pendingNow;
    locked = state.workshop.phase !== "vote";
    if (voting.mode !== mode || !current || !proxy || current.id !== proxy.id) {
      list.replaceChildren(); // rebuild for another proxy or mode (radio names, pips)
    }
    proxy = current;
    mode = voting.mode;
    cap = voting.cap;
    budget = voting.budget;
    if (!proxy) return 0;
    const remaining = budget - spent();
    const viewpoints = state.viewpoints || [];
    const vpIndex = new Map(viewpoints.map((v, i) => [v.id, i]));
    reconcile(list, items, itemKey, createItem, (li, item) => updateItem(li, item, vpIndex, viewpoints, remaining));
    empty.hidden = items.length > 0;
    return remaining;
  }

  function onRejected(name, payload, ack) {
    if (!proxy || !payload || payload.participant_id !== proxy.id) return false;
    showError(ack.message || ack.code);
    ctx.announce(ack.message || ack.code);
    return true;
  }

  return { render, onRejected, showError };
}
