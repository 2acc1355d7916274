// The settings drawer: edit the workshop live (workshop:update). Viewpoints and kinds only in
// the lobby; refusals from the server are shown next to the form.

import { format, h, icon, setText } from "./dom.js";

const KEY_RE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MAX_VIEWPOINTS = 12;
const MAX_KINDS = 6;

export function createSettings(ctx) {
  const { strings, names, data } = ctx;
  const palette = data.palette || ["#0072B2"];
  const drawer = document.getElementById("settings");
  const form = document.getElementById("settings-form");
  const openButton = document.getElementById("settings-open");
  const closeButton = document.getElementById("settings-close");
  const discard = document.getElementById("settings-discard");
  const saveButton = document.getElementById("settings-save");
  const message = document.getElementById("settings-message");
  const dirtyNote = document.getElementById("settings-dirty");
  const structure = document.getElementById("set-structure");
  const structureLock = document.getElementById("set-structure-lock");
  const vpEditor = document.getElementById("vp-editor");
  const kindEditor = document.getElementById("kind-editor");
  const vpAdd = document.getElementById("vp-add");
  const kindAdd = document.getElementById("kind-add");
  const fields = {
    title: document.getElementById("set-title"),
    theme: document.getElementById("set-theme"),
    intro: document.getElementById("set-intro"),
    anonymous: document.getElementById("set-anonymous"),
    hidden: document.getElementById("set-hidden"),
    max: document.getElementById("set-max"),
    assignment: document.getElementById("set-assignment"),
  };

  let state = null;
  let dirty = false;
  let saving = false;
  let viewpoints = []; // drafts: {id, name, question, colour}
  let kinds = []; // drafts: {key, label}

  // --- open / close ----------------------------------------------------------------------------

  function open() {
    drawer.hidden = false;
    openButton.setAttribute("aria-expanded", "true");
    document.body.classList.add("has-drawer");
    if (!dirty && state) fill();
    fields.title.focus();
  }

  function close() {
    drawer.hidden = true;
    openButton.setAttribute("aria-expanded", "false");
    document.body.classList.remove("has-drawer");
    openButton.focus();
  }

  openButton.addEventListener("click", () => (drawer.hidden ? open() : close()));
  closeButton.addEventListener("click", close);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented || drawer.hidden) return;
    const inside = drawer.contains(document.activeElement) || document.activeElement === document.body;
    if (!inside || document.querySelector("dialog[open]")) return;
    event.preventDefault();
    close();
  });
  discard.addEventListener("click", () => {
    markDirty(false);
    showMessage("");
    if (state) fill();
  });

  // --- dirty tracking ----------------------------------------------------------------------------

  function markDirty(value = true) {
    dirty = value;
    dirtyNote.hidden = !dirty;
    discard.disabled = !dirty;
  }
  form.addEventListener("input", () => markDirty(true));
  form.addEventListener("change", () => markDirty(true));

  function showMessage(text, kind = "error") {
    message.hidden = !text;
    message.dataset.kind = kind;
    setText(message, text);
    if (kind === "error") message.setAttribute("role", "alert");
    else message.removeAttribute("role");
  }

  // --- fill from state -------------------------------------------------------------------------

  function fill() {
    const ws = state.workshop || {};
    fields.title.value = ws.title || "";
    fields.theme.value = ws.theme || "";
    fields.intro.value = ws.intro || "";
    fields.anonymous.checked = !!ws.anonymous;
    fields.hidden.checked = !!ws.hidden_until_share;
    fields.max.value = String(ws.note_max_length || 280);
    fields.assignment.value = ws.assignment || "choose";
    viewpoints = (state.viewpoints || [])
      .slice()
      .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
      .map((v) => ({ id: v.id, name: v.name, question: v.question, colour: v.colour }));
    kinds = (state.kinds || []).map((k) => ({ key: k.key, label: k.label }));
    renderEditors();
    markDirty(false);
  }

  // --- viewpoint and kind editors --------------------------------------------------------------

  function smallButton(iconName, label, onClick, disabled = false, extra = "") {
    return h(
      "button",
      { type: "button", class: `icon-button ${extra}`.trim(), "aria-label": label, title: label, disabled, onclick: onClick },
      icon(iconName),
    );
  }

  function focusAfter(selector) {
    requestAnimationFrame(() => {
      const target = form.querySelector(selector);
      if (target && !target.disabled) target.focus();
    });
  }

  function moveViewpoint(index, delta) {
    const target = index + delta;
    if (target < 0 || target >= viewpoints.length) return;
    const [item] = viewpoints.splice(index, 1);
    viewpoints.splice(target, 0, item);
    markDirty(true);
    renderEditors();
    focusAfter(`[data-vp-index="${target}"] [data-move="${delta < 0 ? "up" : "down"}"]`);
  }

  function viewpointRow(vp, index) {
    const n = index + 1;
    const nameId = `vp-name-${index}`;
    const questionId = `vp-question-${index}`;
    const colourId = `vp-colour-${index}`;
    const label = vp.name || format(strings.viewpoint_n, { n });
    const name = h("input", { id: nameId, maxlength: "80", required: true, value: vp.name });
    name.addEventListener("input", () => (vp.name = name.value));
    const question = h("textarea", { id: questionId, rows: "2", maxlength: "500", required: true });
    question.value = vp.question;
    question.addEventListener("input", () => (vp.question = question.value));
    const colour = h("input", { id: colourId, type: "color", class: "vp-row__colour", value: (vp.colour || "#0072B2").toLowerCase() });
    colour.addEventListener("input", () => {
      vp.colour = colour.value.toUpperCase();
      row.style.setProperty("--vp", vp.colour);
    });
    const up = smallButton("up", `${strings.move_up}: ${label}`, () => moveViewpoint(index, -1), index === 0);
    up.dataset.move = "up";
    const down = smallButton("down", `${strings.move_down}: ${label}`, () => moveViewpoint(index, 1), index === viewpoints.length - 1);
    down.dataset.move = "down";
    const remove = smallButton("trash", format(strings.remove_named, { name: label }), () => {
      viewpoints.splice(index, 1);
      markDirty(true);
      renderEditors();
      focusAfter(viewpoints.length ? `[data-vp-index="${Math.min(index, viewpoints.length - 1)}"] input` : "#vp-add");
    }, viewpoints.length <= 1, "icon-button--danger");
    const row = h(
      "li",
      { class: "vp-row", "data-vp-index": String(index) },
      h("span", { class: "vp-row__num", "aria-hidden": "true", text: String(n) }),
      h(
        "div",
        { class: "vp-row__fields" },
        h(
          "div",
          { class: "vp-row__line" },
          h("div", { class: "field field--colour" }, h("label", { for: colourId, text: strings.vp_colour }), colour),
          h("div", { class: "field field--grow" }, h("label", { for: nameId, text: strings.vp_name }), name),
          h("div", { class: "vp-row__actions" }, up, down, remove),
        ),
        h("div", { class: "field" }, h("label", { for: questionId, text: strings.vp_question }), question),
      ),
    );
    row.style.setProperty("--vp", vp.colour || "#0072B2");
    return row;
  }

  function kindRow(kind, index) {
    const keyId = `kind-key-${index}`;
    const labelId = `kind-label-${index}`;
    const key = h("input", { id: keyId, maxlength: "30", required: true, value: kind.key, spellcheck: "false", autocapitalize: "off" });
    key.addEventListener("input", () => (kind.key = key.value.trim()));
    const label = h("input", { id: labelId, maxlength: "40", required: true, value: kind.label });
    label.addEventListener("input", () => (kind.label = label.value));
    const remove = smallButton("trash", format(strings.remove_named, { name: kind.label || kind.key || "" }), () => {
      kinds.splice(index, 1);
      markDirty(true);
      renderEditors();
      focusAfter(kinds.length ? `[data-kind-index="${Math.min(index, kinds.length - 1)}"] input` : "#kind-add");
    }, kinds.length <= 1, "icon-button--danger");
    return h(
      "li",
      { class: "kind-row", "data-kind-index": String(index) },
      h("div", { class: "field field--grow" }, h("label", { for: labelId, text: strings.kind_text }), label),
      h(
        "div",
        { class: "field field--key" },
        h("label", { for: keyId }, strings.kind_key, " ", h("span", { class: "field__hint", text: `(${strings.kind_key_hint})` })),
        key,
      ),
      h("div", { class: "kind-row__actions" }, remove),
    );
  }

  function renderEditors() {
    vpEditor.replaceChildren(...viewpoints.map(viewpointRow));
    kindEditor.replaceChildren(...kinds.map(kindRow));
    vpAdd.disabled = viewpoints.length >= MAX_VIEWPOINTS;
    kindAdd.disabled = kinds.length >= MAX_KINDS;
  }

  vpAdd.addEventListener("click", () => {
    const used = new Set(viewpoints.map((v) => (v.colour || "").toUpperCase()));
    const colour = palette.find((c) => !used.has(c.toUpperCase())) || palette[viewpoints.length % palette.length];
    viewpoints.push({ id: null, name: "", question: strings.new_question, colour });
    markDirty(true);
    renderEditors();
    focusAfter(`[data-vp-index="${viewpoints.length - 1}"] input[id^="vp-name"]`);
  });
  kindAdd.addEventListener("click", () => {
    kinds.push({ key: "", label: "" });
    markDirty(true);
    renderEditors();
    focusAfter(`[data-kind-index="${kinds.length - 1}"] input[id^="kind-label"]`);
  });

  // --- save --------------------------------------------------------------------------------------

  function collect(inLobby) {
    const title = fields.title.value.trim();
    if (!title) return { error: strings.title_required, focus: fields.title };
    const max = Math.round(Number(fields.max.value));
    if (!Number.isFinite(max) || max < 20 || max > 2000) return { error: strings.length_range, focus: fields.max };
    const payload = {
      title,
      theme: fields.theme.value.trim(),
      intro: fields.intro.value.trim(),
      anonymous: fields.anonymous.checked,
      hidden_until_share: fields.hidden.checked,
      note_max_length: max,
      assignment: fields.assignment.value,
    };
    if (inLobby) {
      const vps = viewpoints.map((v) => ({
        id: v.id ?? null,
        name: v.name.trim(),
        question: v.question.trim(),
        colour: (v.colour || "#0072B2").toUpperCase(),
      }));
      if (!vps.length || vps.some((v) => !v.name || !v.question)) {
        return { error: strings.need_viewpoint, focus: vpEditor.querySelector("input:invalid, textarea:invalid") };
      }
      const ks = kinds.map((k) => ({ key: k.key.trim(), label: k.label.trim() }));
      if (!ks.length || ks.some((k) => !k.key || !k.label)) {
        return { error: strings.need_kind, focus: kindEditor.querySelector("input:invalid") };
      }
      const bad = ks.find((k) => !KEY_RE.test(k.key));
      if (bad) return { error: format(strings.bad_key, { key: bad.key }) };
      const seen = new Set();
      for (const k of ks) {
        if (seen.has(k.key)) return { error: format(strings.duplicate_key, { key: k.key }) };
        seen.add(k.key);
      }
      payload.viewpoints = vps;
      payload.kinds = ks;
    }
    return { payload };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!state || saving) return;
    const inLobby = state.workshop.phase === "lobby";
    const { payload, error, focus } = collect(inLobby);
    if (error) {
      showMessage(error);
      if (focus) focus.focus();
      return;
    }
    saving = true;
    saveButton.setAttribute("aria-disabled", "true");
    showMessage(strings.saving, "info");
    const ack = await ctx.send(names.WORKSHOP_UPDATE, payload);
    saving = false;
    saveButton.removeAttribute("aria-disabled");
    if (ack && ack.ok === false) {
      showMessage(ack.message || ack.code || "");
      return;
    }
    markDirty(false);
    showMessage(strings.saved, "success");
    if (state) fill();
  });

  // --- render ------------------------------------------------------------------------------------

  function signatureOf(st) {
    const ws = st.workshop || {};
    return JSON.stringify([
      ws.title, ws.theme, ws.intro, ws.anonymous, ws.hidden_until_share, ws.note_max_length, ws.assignment,
      st.kinds, (st.viewpoints || []).map((v) => [v.id, v.name, v.question, v.colour, v.position]),
    ]);
  }
  let filledSignature = null;

  function render(next) {
    state = next;
    const inLobby = state.workshop.phase === "lobby";
    structure.disabled = !inLobby;
    structure.classList.toggle("is-locked", !inLobby);
    structureLock.hidden = inLobby;
    const signature = signatureOf(state);
    if (!dirty && signature !== filledSignature) {
      filledSignature = signature;
      fill();
    }
  }

  function onRejected(name) {
    // The form shows its own refusals; no toast needed.
    return name === names.WORKSHOP_UPDATE;
  }

  markDirty(false);
  return { render, onRejected, isOpen: () => !drawer.hidden };
}
