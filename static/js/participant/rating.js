// Risk rating on the phone: two 1–5 scales (likelihood, impact) per item, as segmented radios
// with a word for every value ("4 · likely"). A rating is sent once both values are chosen; one
// value alone stays a local draft. "Clear" removes a rating (both null).

const fmt = (text, params) => String(text).replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));
const AXES = ["likelihood", "impact"];

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The phone's ratings: state.me.ratings with the unacknowledged risk:score commands on top. */
export function ratingsOf(state, pending, N) {
  const map = new Map();
  const busy = new Set();
  for (const r of (state.me && state.me.ratings) || []) {
    if (r.likelihood != null && r.impact != null) map.set(`${r.target_type}:${r.target_id}`, { likelihood: r.likelihood, impact: r.impact });
  }
  for (const op of pending) {
    if (op.name !== N.RISK_SCORE || !op.payload) continue;
    const key = `${op.payload.target_type}:${op.payload.target_id}`;
    if (op.payload.likelihood == null || op.payload.impact == null) map.delete(key);
    else map.set(key, { likelihood: op.payload.likelihood, impact: op.payload.impact });
    busy.add(key);
  }
  return { map, busy };
}

/**
 * The rating part of one item. T: the vote strings; key: "cluster:<id>"; id: a DOM-safe id;
 * collapsible: in `both` mode it sits in a <details> ("Rate this risk") under the dots.
 * Returns {root, update(value, draft, {readOnly, busy})}.
 */
export function buildRating(T, key, id, collapsible) {
  const root = el(collapsible ? "details" : "div", "vrate");
  root.dataset.key = key;
  let summaryState = null;
  if (collapsible) {
    const summary = el("summary", "vrate__summary");
    summary.append(el("span", "vrate__label", T.rate_this), (summaryState = el("span", "vrate__state")));
    root.append(summary);
  }
  const body = el("div", "vrate__body");
  const scales = {};
  for (const axis of AXES) {
    const set = el("fieldset", "scale");
    const legend = el("legend", "scale__legend");
    const name = el("span", "scale__name", T[axis]);
    const word = el("span", "scale__word");
    legend.append(name, word);
    const row = el("div", "scale__row");
    const inputs = [];
    for (let v = 1; v <= 5; v++) {
      const label = el("label", "scale__opt");
      const input = el("input");
      input.type = "radio";
      input.name = `${axis}-${id}`;
      input.value = String(v);
      input.dataset.axis = axis;
      input.setAttribute("aria-label", `${v} · ${T.words[axis][v - 1]}`);
      label.append(input, el("span", "scale__num", String(v)));
      row.append(label);
      inputs.push(input);
    }
    const ends = el("div", "scale__ends");
    ends.setAttribute("aria-hidden", "true");
    ends.append(el("span", "", T.words[axis][0]), el("span", "", T.words[axis][4]));
    set.append(legend, row, ends);
    body.append(set);
    scales[axis] = { set, word, inputs };
  }
  const foot = el("div", "vrate__foot");
  const hint = el("p", "vrate__hint");
  hint.setAttribute("aria-live", "polite");
  const clear = el("button", "vrate__clear", T.clear);
  clear.type = "button";
  clear.dataset.act = "clear";
  foot.append(hint, clear);
  body.append(foot);
  root.append(body);

  /** value: the saved (or pending) rating or undefined; draft: {likelihood?, impact?} not sent yet. */
  function update(value, draft, { readOnly, busy }) {
    const shown = { ...(value || {}), ...(draft || {}) };
    for (const axis of AXES) {
      const current = shown[axis] ?? null;
      const { set, word, inputs } = scales[axis];
      for (const input of inputs) {
        const on = current != null && Number(input.value) === current;
        if (input.checked !== on) input.checked = on;
        input.disabled = readOnly;
      }
      set.classList.toggle("scale--set", current != null);
      word.textContent = current != null ? `${current} · ${T.words[axis][current - 1]}` : "";
    }
    let text = "";
    if (draft && shown.likelihood != null && shown.impact == null) text = T.choose_impact;
    else if (draft && shown.impact != null && shown.likelihood == null) text = T.choose_likelihood;
    else if (busy) text = T.saving;
    else if (value && !readOnly) text = T.rating_saved;
    if (hint.textContent !== text) hint.textContent = text;
    hint.classList.toggle("vrate__hint--todo", !!draft);
    clear.hidden = readOnly || (!value && !draft);
    foot.hidden = !text && clear.hidden;
    root.classList.toggle("vrate--done", !!value && !draft);
    if (summaryState) {
      // Short on screen ("4 × 3"), in words for screen readers.
      const short = el("span", "", value ? fmt(T.rated_short, value) : T.not_rated);
      short.setAttribute("aria-hidden", "true");
      summaryState.replaceChildren(short, el("span", "visually-hidden", value ? fmt(T.rated_as, value) : ""));
    }
  }

  return { root, update };
}
