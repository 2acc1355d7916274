// The sidebar's room panel: lock/unlock joining, counts per viewpoint, participants and moving them.

import { format, h, icon, plural, reconcile, setAttr, setText } from "./dom.js";

const FILTER_FROM = 8; // show the search box from this many participants
const MOVE_SETTLE_MS = 700;

export function createPeople(ctx) {
  const { strings, names } = ctx;
  const lockSwitch = document.getElementById("joining-switch");
  const lockTitle = document.getElementById("joining-title");
  const lockHint = document.getElementById("joining-hint");
  const counts = document.getElementById("counts");
  const total = document.getElementById("people-total");
  const list = document.getElementById("people-list");
  const empty = document.getElementById("people-empty");
  const filterWrap = document.getElementById("people-filter-wrap");
  const filter = document.getElementById("people-filter");

  const emptyText = empty.textContent;
  const refs = new WeakMap();
  let state = null;
  let viewpointsSignature = "";
  let coloursSignature = "";

  lockSwitch.addEventListener("click", () => {
    if (!state) return;
    ctx.send(names.JOINING_SET, { locked: !state.workshop.joining_locked });
  });
  filter.addEventListener("input", () => state && render(state));

  const nameOf = (p) => p.display_name || format(strings.participant_anon, { id: p.id });

  // --- counts ---------------------------------------------------------------------------------

  function countRows() {
    const rows = (state.viewpoints || []).map((v) => ({
      key: v.id,
      name: v.name,
      colour: v.colour,
      count: v.participant_count || 0,
    }));
    rows.push({ key: "none", name: strings.unassigned, colour: null, count: state.unassigned_count || 0 });
    return rows;
  }

  function createCount(row) {
    const li = h(
      "li",
      { class: row.colour ? "counts__row" : "counts__row counts__row--none" },
      h("span", { class: "vp-swatch", "aria-hidden": "true" }),
      h("span", { class: "counts__name" }),
      h("span", { class: "counts__n" }),
      h("span", { class: "counts__bar", "aria-hidden": "true" }, h("span", { class: "counts__fill" })),
    );
    return li;
  }

  function updateCount(li, row, max) {
    if (row.colour) li.style.setProperty("--vp", row.colour);
    setText(li.querySelector(".counts__name"), row.name);
    setText(li.querySelector(".counts__n"), String(row.count));
    li.querySelector(".counts__fill").style.transform = `scaleX(${max ? row.count / max : 0})`;
    li.classList.toggle("is-zero", row.count === 0);
  }

  // --- participants ----------------------------------------------------------------------------

  function viewpointOptions(select, current) {
    const options = (state.viewpoints || []).map((v) => h("option", { value: String(v.id), text: v.name }));
    if (current === null || current === undefined) {
      options.unshift(h("option", { value: "", text: strings.unassigned, disabled: true }));
    }
    select.replaceChildren(...options);
  }

  function createPerson(p) {
    const avatar = h("span", { class: "person__avatar", "aria-hidden": "true" });
    const name = h("span", { class: "person__name" });
    const selectId = `move-${p.id}`;
    const label = h("label", { class: "visually-hidden", for: selectId });
    const select = h("select", { id: selectId, class: "person__select" });
    // Arrow keys on a closed <select> fire "change" for every step: wait until the choice settles.
    let timer = null;
    const commit = () => {
      clearTimeout(timer);
      timer = null;
      const target = Number(select.value);
      const person = (state.participants || []).find((x) => x.id === p.id);
      if (!target || !person || person.viewpoint_id === target) return;
      ctx.send(names.PARTICIPANT_MOVE, { participant_id: p.id, viewpoint_id: target });
    };
    select.addEventListener("change", () => {
      clearTimeout(timer);
      timer = setTimeout(commit, MOVE_SETTLE_MS);
    });
    select.addEventListener("blur", () => timer && commit());
    // Erasure on request: everything this person wrote goes, for good (docs/privacy.md).
    const erase = h("button", { type: "button", class: "icon-button icon-button--danger person__erase" }, icon("trash"));
    erase.addEventListener("click", () => {
      const person = (state.participants || []).find((x) => x.id === p.id) || p;
      const display = nameOf(person);
      if (!window.confirm(format(strings.remove_notes_confirm, { name: display }))) return;
      ctx.send(names.PARTICIPANT_NOTES_REMOVE, { participant_id: p.id });
    });
    const li = h("li", { class: "person" }, avatar, name, label, select, erase);
    refs.set(li, { avatar, name, label, select, erase, viewpoint: undefined, signature: "" });
    return li;
  }

  function updatePerson(li, p) {
    const r = refs.get(li);
    // Up to 500 rows: skip the ones whose data did not change.
    const full = JSON.stringify([p.display_name, p.viewpoint_id, viewpointsSignature, coloursSignature]);
    if (r.full === full && document.activeElement !== r.select) return;
    r.full = full;
    const display = nameOf(p);
    setText(r.name, display);
    li.classList.toggle("is-anonymous", !p.display_name);
    r.avatar.replaceChildren(p.display_name ? document.createTextNode(initials(p.display_name)) : icon("user"));
    setText(r.label, format(strings.move_label, { name: display }));
    const eraseLabel = format(strings.remove_notes, { name: display });
    setAttr(r.erase, "aria-label", eraseLabel);
    setAttr(r.erase, "title", eraseLabel);
    const vp = (state.viewpoints || []).find((v) => v.id === p.viewpoint_id);
    if (vp) li.style.setProperty("--vp", vp.colour);
    else li.style.removeProperty("--vp");
    li.classList.toggle("is-unassigned", !vp);
    const signature = `${viewpointsSignature}|${p.viewpoint_id ?? ""}`;
    if (r.signature !== signature && document.activeElement !== r.select) {
      r.signature = signature;
      viewpointOptions(r.select, vp ? vp.id : null);
      r.select.value = vp ? String(vp.id) : "";
    } else if (document.activeElement !== r.select) {
      r.select.value = vp ? String(vp.id) : "";
    }
  }

  function initials(name) {
    // Characters, not UTF-16 units: half an emoji or 𝔇 would show as "\uFFFD".
    const parts = name.trim().split(/\s+/).filter(Boolean).map((part) => Array.from(part));
    const letters = parts.length > 1 ? parts[0][0] + parts[parts.length - 1][0] : (parts[0] || ["?"]).slice(0, 2).join("");
    return letters.toUpperCase();
  }

  // --- render ----------------------------------------------------------------------------------

  function render(next) {
    state = next;
    const locked = !!state.workshop.joining_locked;
    setAttr(lockSwitch, "aria-checked", String(!locked));
    lockSwitch.classList.toggle("is-locked", locked);
    setText(lockTitle, locked ? strings.joining_locked : strings.joining_open);
    setText(lockHint, locked ? strings.joining_locked_hint : strings.joining_open_hint);

    viewpointsSignature = JSON.stringify((state.viewpoints || []).map((v) => [v.id, v.name]));
    coloursSignature = (state.viewpoints || []).map((v) => v.colour).join();
    const rows = countRows();
    const max = Math.max(0, ...rows.map((r) => r.count));
    reconcile(counts, rows, (r) => r.key, createCount, (li, row) => updateCount(li, row, max));

    const people = (state.participants || []).slice().sort((a, b) => (b.created_at_ms || 0) - (a.created_at_ms || 0));
    const sum = rows.reduce((acc, r) => acc + r.count, 0);
    setText(total, String(Math.max(sum, people.length)));
    filterWrap.hidden = people.length < FILTER_FROM;
    const needle = filterWrap.hidden ? "" : filter.value.trim().toLowerCase();
    const shown = needle ? people.filter((p) => nameOf(p).toLowerCase().includes(needle)) : people;
    reconcile(list, shown, (p) => p.id, createPerson, updatePerson);
    empty.hidden = shown.length > 0;
    setText(empty, people.length ? strings.no_match : emptyText);
  }

  return { render };
}
