// The notes board: a column per viewpoint with every note (hidden ones marked), moderation,
// inline editing, the proxy input and the share-phase spotlight.

import { confirmDialog, format, h, icon, plural, reconcile, setAttr, setIcon, setText } from "./dom.js";

const NOTE_PHASES_CLOSED = new Set(["closed"]);

export function createBoard(ctx) {
  const { strings, names } = ctx;
  const columnsEl = document.getElementById("columns");
  const summary = document.getElementById("board-summary");
  const proxyForm = document.getElementById("proxy-form");
  const proxyFields = document.getElementById("proxy-fieldset");
  const proxyViewpoint = document.getElementById("proxy-viewpoint");
  const proxyKinds = document.getElementById("proxy-kinds");
  const proxyText = document.getElementById("proxy-text");
  const proxyCount = document.getElementById("proxy-count");
  const proxyNote = document.getElementById("proxy-note");
  const spotlight = document.getElementById("spotlight");
  const spotlightButtons = document.getElementById("spotlight-buttons");

  const timeFormat = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  });

  const refs = new WeakMap(); // element → its parts
  const editing = new Map(); // note id → true while the inline editor is open
  const savingText = new Map(); // note id → text sent with note:edit, until the fact shows it
  const busy = new Set(); // note ids with a command in the outbox
  const fresh = new Set(); // note ids to animate once
  let state = null;
  let placeholders = true;
  let kindsSignature = "";
  let viewpointsSignature = "";
  let maxLength = Number(proxyText.maxLength) > 0 ? Number(proxyText.maxLength) : 280;

  // --- helpers ---------------------------------------------------------------------------------

  const kindIndex = (key) => Math.max(0, (state?.kinds || []).findIndex((k) => k.key === key));
  const kindLabel = (key) => (state?.kinds || []).find((k) => k.key === key)?.label || key;
  const viewpointName = (id) => (state?.viewpoints || []).find((v) => v.id === id)?.name || "";

  function authorOf(note) {
    if (note.by_facilitator) return strings.by_facilitator;
    if (note.author_name) return note.author_name;
    if (note.author_id !== null && note.author_id !== undefined) {
      return format(strings.participant_anon, { id: note.author_id });
    }
    return strings.anonymous;
  }

  function iconButton(name, label, onClick, extra = "") {
    return h(
      "button",
      { type: "button", class: `icon-button ${extra}`.trim(), "aria-label": label, title: label, onclick: onClick },
      icon(name),
    );
  }

  // --- columns ---------------------------------------------------------------------------------

  function createColumn(vp) {
    const titleId = `vp-col-${vp.id}`;
    const title = h("h3", { id: titleId });
    const swatch = h("span", { class: "vp-swatch", "aria-hidden": "true" });
    const addButton = iconButton("plus", "", () => {
      proxyViewpoint.value = String(refs.get(el).id);
      proxyText.focus();
    }, "vp-col__add");
    const noteCount = h("span", { class: "vp-col__count" });
    const people = h("span", { class: "vp-col__people" });
    const spot = h("span", { class: "vp-col__spot" }, icon("spot"), h("span", { text: strings.on_projector }));
    const question = h("p", { class: "vp-col__question" });
    const list = h("ol", { class: "vp-col__notes" });
    const empty = h("p", { class: "vp-col__empty" });
    const el = h(
      "section",
      { class: "vp-col", "aria-labelledby": titleId },
      h(
        "header",
        { class: "vp-col__head" },
        h("div", { class: "vp-col__name" }, swatch, title, addButton),
        h("p", { class: "vp-col__meta" }, noteCount, people, spot),
        question,
      ),
      h("div", { class: "vp-col__scroll" }, list, empty),
    );
    refs.set(el, { id: vp.id, title, addButton, noteCount, people, spot, question, list, empty });
    return el;
  }

  function updateColumn(el, vp, notes) {
    const r = refs.get(el);
    r.id = vp.id;
    el.style.setProperty("--vp", vp.colour);
    setText(r.title, vp.name);
    setText(r.question, vp.question);
    setAttr(r.list, "aria-label", vp.name);
    const label = format(strings.add_here, { name: vp.name });
    setAttr(r.addButton, "aria-label", label);
    setAttr(r.addButton, "title", label);
    r.addButton.disabled = NOTE_PHASES_CLOSED.has(state.workshop.phase);
    const hidden = notes.filter((n) => n.hidden).length;
    setText(
      r.noteCount,
      plural(strings, "notes", notes.length) + (hidden ? ` · ${plural(strings, "hidden", hidden)}` : ""),
    );
    setText(r.people, plural(strings, "people", vp.participant_count || 0));
    const spotlit = state.workshop.phase === "share" &&
      (state.workshop.spotlight_viewpoint_id === vp.id);
    el.classList.toggle("is-spotlit", spotlit);
    r.spot.hidden = !spotlit;
    const newestFirst = notes.slice().reverse();
    reconcile(r.list, newestFirst, (n) => n.id, createNote, updateNote);
    r.empty.hidden = notes.length > 0;
    el.classList.toggle("is-empty", notes.length === 0);
    setText(r.empty, state.workshop.phase === "lobby" ? strings.empty_lobby : strings.empty);
  }

  // --- notes -----------------------------------------------------------------------------------

  function createNote(note) {
    const id = note.id;
    const kind = h("span", { class: "kind" });
    const hiddenBadge = h("span", { class: "note__hidden" }, icon("eye-off"), h("span", { text: strings.hidden_badge }));
    const text = h("p", { class: "note__text" });
    const by = h("span", { class: "note__by" });
    const when = h("time", { class: "note__when" });
    const edit = iconButton("pencil", strings.edit, () => openEditor(id));
    const hide = h("button", { type: "button", class: "icon-button", onclick: () => toggleHidden(id) });
    const remove = iconButton("trash", strings.delete, () => deleteNote(id), "icon-button--danger");
    const actions = h("div", { class: "note__actions" }, edit, hide, remove);
    const editorSlot = h("div", { class: "note__editor-slot" });
    const li = h(
      "li",
      { class: "note" },
      h("div", { class: "note__top" }, kind, hiddenBadge),
      text,
      editorSlot,
      h("div", { class: "note__foot" }, h("span", { class: "note__meta" }, by, when), actions),
    );
    refs.set(li, { id, kind, hiddenBadge, text, by, when, edit, hide, remove, actions, editorSlot, hiddenState: null });
    if (fresh.has(id)) {
      fresh.delete(id);
      li.classList.add("is-new");
      setTimeout(() => li.classList.remove("is-new"), 2200);
    }
    return li;
  }

  function updateNote(li, note) {
    const r = refs.get(li);
    const full = JSON.stringify([
      note.text, note.kind, note.hidden, note.author_name, note.by_facilitator, busy.has(note.id),
      savingText.get(note.id) ?? null, editing.has(note.id), state.workshop.phase, kindsSignature,
    ]);
    if (r.full === full) return;
    r.full = full;
    setText(r.kind, kindLabel(note.kind));
    r.kind.dataset.kind = String(kindIndex(note.kind) % 4);
    const saving = savingText.get(note.id);
    if (saving !== undefined && saving === note.text) savingText.delete(note.id);
    const shown = savingText.has(note.id) ? savingText.get(note.id) : note.text;
    setText(r.text, shown);
    li.classList.toggle("is-hidden", !!note.hidden);
    li.classList.toggle("is-proxy", !!note.by_facilitator);
    li.classList.toggle("is-busy", busy.has(note.id) || savingText.has(note.id));
    r.hiddenBadge.hidden = !note.hidden;
    setText(r.by, authorOf(note));
    if (note.created_at_ms) {
      const date = new Date(note.created_at_ms);
      setText(r.when, timeFormat.format(date));
      setAttr(r.when, "datetime", date.toISOString());
    }
    if (r.hiddenState !== !!note.hidden) {
      r.hiddenState = !!note.hidden;
      r.hide.replaceChildren(icon(note.hidden ? "eye" : "eye-off"));
      if (note.hidden) r.hide.append(h("span", { text: strings.restore }));
      r.hide.className = note.hidden ? "icon-button icon-button--text" : "icon-button";
      setAttr(r.hide, "aria-label", note.hidden ? null : strings.hide);
      setAttr(r.hide, "title", note.hidden ? null : strings.hide);
    }
    const closed = NOTE_PHASES_CLOSED.has(state.workshop.phase);
    r.edit.disabled = closed;
    r.remove.disabled = closed;
    li.classList.toggle("is-editing", editing.has(note.id));
  }

  function findNote(id) {
    return (state?.notes || []).find((n) => n.id === id);
  }

  function toggleHidden(id) {
    const note = findNote(id);
    if (!note) return;
    ctx.send(note.hidden ? names.NOTE_RESTORE : names.NOTE_HIDE, { note_id: id });
  }

  async function deleteNote(id) {
    const ok = await confirmDialog({
      title: strings.delete_title,
      message: strings.delete_message,
      confirm: strings.delete_confirm,
      cancel: strings.cancel,
      danger: true,
    });
    if (ok) ctx.send(names.NOTE_DELETE, { note_id: id });
  }

  function noteElement(id) {
    for (const li of columnsEl.querySelectorAll("li.note")) if (li.dataset.key === id) return li;
    return null;
  }

  function openEditor(id) {
    const note = findNote(id);
    const li = noteElement(id);
    if (!note || !li) return;
    const r = refs.get(li);
    editing.set(id, true);
    li.classList.add("is-editing");
    const textarea = h("textarea", {
      class: "note__textarea",
      rows: "3",
      maxlength: String(maxLength),
      "aria-label": strings.edit_label,
    });
    textarea.value = savingText.get(id) ?? note.text;
    const kindSelect = h(
      "select",
      { class: "note__kind-select", "aria-label": strings.kind_label },
      (state.kinds || []).map((k) => h("option", { value: k.key, text: k.label })),
    );
    kindSelect.value = note.kind;
    const close = (restoreFocus = true) => {
      editing.delete(id);
      r.editorSlot.replaceChildren();
      li.classList.remove("is-editing");
      if (restoreFocus) r.edit.focus();
    };
    const save = () => {
      const text = textarea.value.trim();
      if (!text) {
        textarea.focus();
        return;
      }
      const current = findNote(id);
      const payload = { note_id: id, text };
      if (current && kindSelect.value !== current.kind) payload.kind = kindSelect.value;
      if (!current || text !== current.text || payload.kind) {
        savingText.set(id, text);
        ctx.send(names.NOTE_EDIT, payload);
      }
      close();
      ctx.rerender();
    };
    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
      } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        save();
      }
    });
    const form = h(
      "form",
      { class: "note__editor", onsubmit: (event) => { event.preventDefault(); save(); } },
      textarea,
      h(
        "div",
        { class: "note__editor-actions" },
        kindSelect,
        h("button", { type: "button", class: "button button--small button--ghost", text: strings.cancel, onclick: () => close() }),
        h("button", { type: "submit", class: "button button--small button--primary", text: strings.save }),
      ),
    );
    r.editorSlot.replaceChildren(form);
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  }

  // --- proxy input -----------------------------------------------------------------------------

  function updateCounter() {
    const n = proxyText.value.length;
    setText(proxyCount, n ? format(strings.counter, { n, max: maxLength }) : "");
    proxyCount.classList.toggle("is-near", n > maxLength * 0.9);
  }
  proxyText.addEventListener("input", updateCounter);

  proxyForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = proxyText.value.trim();
    if (!text) {
      proxyText.focus();
      return;
    }
    const viewpointId = Number(proxyViewpoint.value);
    const checked = proxyKinds.querySelector("input:checked");
    const kind = checked ? checked.value : (state?.kinds?.[0]?.key || "risk");
    const noteId = ctx.newNoteId();
    fresh.add(noteId);
    ctx.send(names.NOTE_ADD, { note_id: noteId, viewpoint_id: viewpointId, kind, text });
    proxyText.value = "";
    updateCounter();
    proxyText.focus();
  });

  function renderProxy() {
    const vps = state.viewpoints || [];
    const vSig = JSON.stringify(vps.map((v) => [v.id, v.name]));
    if (vSig !== viewpointsSignature) {
      viewpointsSignature = vSig;
      const chosen = proxyViewpoint.value;
      proxyViewpoint.replaceChildren(...vps.map((v) => h("option", { value: String(v.id), text: v.name })));
      if (vps.some((v) => String(v.id) === chosen)) proxyViewpoint.value = chosen;
    }
    const kinds = state.kinds || [];
    const kSig = JSON.stringify(kinds);
    if (kSig !== kindsSignature) {
      kindsSignature = kSig;
      const chosen = proxyKinds.querySelector("input:checked")?.value;
      proxyKinds.replaceChildren(
        ...kinds.map((k, i) =>
          h(
            "label",
            { class: "segmented__option", "data-kind": String(i % 4) },
            h("input", { type: "radio", name: "proxy-kind", value: k.key }),
            h("span", { text: k.label }),
          ),
        ),
      );
      const radios = [...proxyKinds.querySelectorAll("input")];
      const match = radios.find((r) => r.value === chosen) || radios[0];
      if (match) match.checked = true;
    }
    const length = Number(state.workshop.note_max_length) || 280;
    if (length !== maxLength) {
      maxLength = length;
      proxyText.maxLength = length;
      updateCounter();
    }
    const closed = NOTE_PHASES_CLOSED.has(state.workshop.phase);
    proxyFields.disabled = closed;
    proxyNote.hidden = !closed;
    setText(proxyNote, closed ? strings.proxy_closed : "");
  }

  // --- spotlight -------------------------------------------------------------------------------

  function renderSpotlight() {
    const sharing = state.workshop.phase === "share";
    spotlight.hidden = !sharing;
    if (!sharing) return;
    const current = state.workshop.spotlight_viewpoint_id ?? null;
    const options = [{ id: null, name: strings.spotlight_all, colour: null }, ...(state.viewpoints || [])];
    reconcile(
      spotlightButtons,
      options,
      (o) => (o.id === null ? "all" : o.id),
      (o) => {
        const button = h(
          "button",
          { type: "button", class: "spot-button" },
          o.id === null ? icon("monitor") : h("span", { class: "vp-swatch", "aria-hidden": "true" }),
          h("span", { class: "spot-button__label" }),
        );
        button.addEventListener("click", () => {
          const target = button.dataset.key === "all" ? null : Number(button.dataset.key);
          if (target !== (state.workshop.spotlight_viewpoint_id ?? null)) {
            ctx.send(names.SPOTLIGHT_SET, { viewpoint_id: target });
          }
        });
        return button;
      },
      (button, o) => {
        if (o.colour) button.style.setProperty("--vp", o.colour);
        setText(button.querySelector(".spot-button__label"), o.name);
        setAttr(button, "aria-pressed", String(o.id === current));
      },
    );
  }

  // --- render ----------------------------------------------------------------------------------

  function render(next) {
    state = next;
    if (placeholders) {
      columnsEl.replaceChildren();
      placeholders = false;
    }
    renderProxy(); // first: it refreshes the kinds signature the note cards depend on
    const vps = (state.viewpoints || []).slice().sort((a, b) => (a.position ?? 0) - (b.position ?? 0));
    const byViewpoint = new Map(vps.map((v) => [v.id, []]));
    for (const note of state.notes || []) {
      if (!note || note.redacted) continue;
      if (!byViewpoint.has(note.viewpoint_id)) byViewpoint.set(note.viewpoint_id, []);
      byViewpoint.get(note.viewpoint_id).push(note);
    }
    columnsEl.style.setProperty("--cols", String(Math.max(1, vps.length)));
    reconcile(columnsEl, vps, (v) => v.id, createColumn, (el, vp) => updateColumn(el, vp, byViewpoint.get(vp.id) || []));
    const notes = (state.notes || []).filter((n) => n && !n.redacted);
    const hidden = notes.filter((n) => n.hidden).length;
    const people = (state.viewpoints || []).reduce((sum, v) => sum + (v.participant_count || 0), 0) +
      (state.unassigned_count || 0);
    let text = format(strings.summary, {
      notes: plural(strings, "notes", notes.length),
      people: plural(strings, "people", people),
    });
    if (hidden) text += ` · ${plural(strings, "hidden", hidden)}`;
    setText(summary, text);
    renderSpotlight();
  }

  function onFact(name, payload) {
    if (name === names.NOTE_ADDED && payload && payload.note && state) {
      // Animate notes from phones too, but not the whole board after a snapshot.
      fresh.add(payload.note.id);
    }
  }

  function setPending(pending) {
    busy.clear();
    for (const entry of pending) {
      const id = entry.payload && entry.payload.note_id;
      if (id && entry.name !== names.NOTE_ADD) busy.add(id);
    }
    if (state) render(state);
  }

  function onRejected(name, payload) {
    if (name === names.NOTE_EDIT && payload && savingText.has(payload.note_id)) {
      savingText.delete(payload.note_id);
      if (state) render(state);
    }
    return false;
  }

  function announceAdded(name, payload, ack) {
    if (name === names.NOTE_ADD && ack && ack.ok !== false && !ack.duplicate) {
      const vpName = viewpointName(payload.viewpoint_id);
      if (vpName) ctx.announce(format(strings.note_added, { name: vpName }));
    }
  }

  // Exposed for tests and the settings drawer.
  setIcon(document.getElementById("proxy-submit"), "plus");
  updateCounter();
  return { render, onFact, setPending, onRejected, onAck: announceAdded };
}
