// +1s on the phone: which notes this phone endorsed (state.me.endorsed, plus what is still in the
// outbox), the counts to show meanwhile, and the small "+1" toggle on other people's notes.

const fmt = (text, params) => String(text).replace(/%\((\w+)\)s/g, (_, key) => String(params[key] ?? ""));

/**
 * rt: the realtime connection; N: event names; T: strings; getOutbox(): pending commands (from
 * onOutbox), so a +1 that is not acknowledged yet already shows.
 */
export function createEndorsements(rt, N, T, getOutbox) {
  function serverEndorsed(id) {
    const me = rt.state && rt.state.me;
    return !!(me && Array.isArray(me.endorsed) && me.endorsed.includes(id));
  }

  /** The last unacknowledged +1 change for a note: true, false or undefined. */
  function pending(id) {
    let value;
    for (const op of getOutbox()) {
      if (op.name === N.NOTE_ENDORSE && op.payload && op.payload.note_id === id) value = !!op.payload.endorsed;
    }
    return value;
  }

  function isEndorsed(id) {
    const value = pending(id);
    return value === undefined ? serverEndorsed(id) : value;
  }

  function count(note) {
    const base = note.endorsements || 0;
    const value = pending(note.id);
    if (value === undefined || value === serverEndorsed(note.id)) return base;
    return Math.max(0, base + (value ? 1 : -1));
  }

  /** Keep state.me.endorsed up to date once the server has it (a snapshot brings the same). */
  function remember(id, endorsed) {
    const me = rt.state && rt.state.me;
    if (!me) return;
    const list = Array.isArray(me.endorsed) ? me.endorsed.filter((x) => x !== id) : [];
    if (endorsed) list.push(id);
    me.endorsed = list;
  }

  function set(id, endorsed) {
    const sent = rt.send(N.NOTE_ENDORSE, { note_id: id, endorsed });
    sent.then((ack) => {
      if (ack && ack.ok) remember(id, endorsed);
    });
    return sent;
  }

  function toggle(id) {
    return set(id, !isEndorsed(id));
  }

  /**
   * The +1 control of a note, created once per note element and updated in place (keeps focus):
   * a toggle button on other people's notes, only the count on one's own (or when read-only).
   */
  function updateControl(holder, note, { mine, interactive }) {
    const n = count(note);
    const on = isEndorsed(note.id);
    let control = holder.querySelector(".plus");
    const wantButton = interactive && !mine;
    if (control && (control.tagName === "BUTTON") !== wantButton) {
      control.remove();
      control = null;
    }
    if (!wantButton && n === 0) {
      control?.remove();
      return;
    }
    if (!control) {
      control = document.createElement(wantButton ? "button" : "span");
      control.className = "plus";
      if (wantButton) {
        control.type = "button";
        control.dataset.action = "endorse";
      }
      const label = document.createElement("span");
      label.className = "plus__label";
      label.setAttribute("aria-hidden", "true");
      label.textContent = "+1";
      const num = document.createElement("span");
      num.className = "plus__count";
      num.setAttribute("aria-hidden", "true");
      control.append(label, num);
      holder.append(control);
    }
    control.querySelector(".plus__count").textContent = n ? String(n) : "";
    control.classList.toggle("plus--on", on);
    control.classList.toggle("plus--static", !wantButton);
    if (wantButton) {
      control.setAttribute("aria-pressed", on ? "true" : "false");
      control.setAttribute("aria-label", fmt(T.plus_label, { count: n }));
    } else {
      control.setAttribute("role", "img");
      control.setAttribute("aria-label", fmt(n === 1 ? T.plus_count_one : T.plus_count, { count: n }));
    }
  }

  return { isEndorsed, count, set, toggle, remember, updateControl };
}
