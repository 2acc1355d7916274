// The keyboard path (and click selection) of the clustering board.
//
// Notes form one roving tab stop: arrows move focus (Up/Down through the notes, Left/Right to
// the neighbouring list, Home/End within a list), Space selects (Shift extends), M or Enter
// opens "Move to…", Esc clears the selection. On a cluster's title: Enter renames, Delete
// dissolves (after a confirmation), Alt+arrows reorder, Shift+F10 opens its actions.
// Ctrl/Cmd+Z undoes the last operation. Results are announced in the aria-live region.

import { plural } from "./dom.js";
import { boardOrder } from "./cluster-model.js";
import { menuOpen } from "./menu.js";

export function createKeys(api) {
  const { root, strings, ctx } = api;
  let active = null; // the note id that holds tabindex=0
  let focused = null; // what had focus before a render: {note} or {cluster}

  const noteEl = (id) => (id ? root.querySelector(`.cnote[data-key="${CSS.escape(id)}"]`) : null);
  const lists = () => [...root.querySelectorAll("ol.cnotes:not(.cluster-new__list)")].filter((l) => l.querySelector(".cnote"));
  const notesOf = (list) => [...list.children].filter((el) => el.classList.contains("cnote"));
  const allNotes = () => [...root.querySelectorAll("ol.cnotes:not(.cluster-new__list) > .cnote")];

  function focusNote(id) {
    const el = noteEl(id);
    if (!el) return;
    setActive(id);
    el.focus({ preventScroll: false });
    el.scrollIntoView({ block: "nearest" });
  }

  function setActive(id) {
    if (active === id) return;
    const old = noteEl(active);
    if (old) old.tabIndex = -1;
    active = id;
    const el = noteEl(id);
    if (el) el.tabIndex = 0;
  }

  function announceSelection() {
    const n = api.selection.size;
    ctx.announce(n ? plural(strings, "cl_selected", n) : strings.cl_selection_cleared);
  }

  function toggle(id) {
    if (api.selection.has(id)) api.selection.delete(id);
    else api.selection.add(id);
    api.anchor = id;
    ctx.rerender();
    announceSelection();
  }

  function selectRange(toId) {
    const order = boardOrder(api.board);
    const from = order.indexOf(api.anchor ?? toId);
    const to = order.indexOf(toId);
    if (from < 0 || to < 0) return toggle(toId);
    const [a, b] = from < to ? [from, to] : [to, from];
    for (const id of order.slice(a, b + 1)) api.selection.add(id);
    ctx.rerender();
    announceSelection();
  }

  // --- clicks ---------------------------------------------------------------------------------------

  root.addEventListener("click", (event) => {
    const li = event.target.closest(".cnote");
    if (!li || !root.contains(li) || li.closest(".cluster-new")) return;
    if (Date.now() - api.lastDragEnd < 250 || api.readOnly) return;
    const id = li.dataset.key;
    setActive(id);
    li.focus({ preventScroll: true });
    if (event.shiftKey && api.anchor) selectRange(id);
    else toggle(id);
  });

  // --- keys -----------------------------------------------------------------------------------------

  function onNoteKey(event, li) {
    const id = li.dataset.key;
    const key = event.key;
    const list = li.parentElement;
    const siblings = notesOf(list);
    const at = siblings.indexOf(li);
    const all = allNotes();
    const moveFocus = (el) => {
      if (!el) return;
      event.preventDefault();
      if (event.shiftKey) {
        api.selection.add(id);
        api.selection.add(el.dataset.key);
        api.anchor = api.anchor ?? id;
        ctx.rerender();
        announceSelection();
      }
      focusNote(el.dataset.key);
    };
    if (key === "ArrowDown") moveFocus(all[all.indexOf(li) + 1]);
    else if (key === "ArrowUp") moveFocus(all[all.indexOf(li) - 1]);
    else if (key === "ArrowRight" || key === "ArrowLeft") {
      const ls = lists();
      const next = ls[ls.indexOf(list) + (key === "ArrowRight" ? 1 : -1)];
      if (next) {
        const notes = notesOf(next);
        moveFocus(notes[Math.min(at, notes.length - 1)]);
      } else event.preventDefault();
    } else if (key === "Home") moveFocus(siblings[0]);
    else if (key === "End") moveFocus(siblings[siblings.length - 1]);
    else if (key === " " || key === "Spacebar") {
      event.preventDefault();
      if (api.readOnly) return;
      if (event.shiftKey && api.anchor) selectRange(id);
      else toggle(id);
    } else if ((key === "m" || key === "M" || key === "Enter") && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      api.openMoveMenu(li, api.selectedOr(id), () => noteEl(id));
    } else if ((key === "a" || key === "A") && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      for (const el of siblings) api.selection.add(el.dataset.key);
      ctx.rerender();
      announceSelection();
    } else if (key === "Escape" && api.selection.size) {
      event.preventDefault();
      api.selection.clear();
      ctx.rerender();
      announceSelection();
    }
  }

  function onClusterKey(event, button) {
    const li = button.closest(".cluster");
    const id = li.dataset.key;
    if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      api.confirmDissolve(id);
    } else if (event.altKey && (event.key === "ArrowUp" || event.key === "ArrowLeft")) {
      event.preventDefault();
      api.moveCluster(id, -1);
    } else if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowRight")) {
      event.preventDefault();
      api.moveCluster(id, 1);
    } else if (event.key === "ArrowDown") {
      const first = li.querySelector(".cnote");
      if (first) {
        event.preventDefault();
        focusNote(first.dataset.key);
      }
    } else if (event.key === "ContextMenu" || (event.shiftKey && event.key === "F10")) {
      event.preventDefault();
      api.openClusterMenu(id, li.querySelector(".cluster__menu"));
    }
  }

  root.addEventListener("keydown", (event) => {
    if (menuOpen()) return;
    const li = event.target.closest(".cnote");
    if (li && root.contains(li)) return onNoteKey(event, li);
    const name = event.target.closest(".cluster__name");
    if (name) return onClusterKey(event, name);
    return undefined;
  });

  root.addEventListener("focusin", (event) => {
    const li = event.target.closest(".cnote");
    if (li && !li.closest(".cluster-new")) setActive(li.dataset.key);
  });

  // Ctrl/Cmd+Z: undo, while the board is shown and no text field has focus.
  document.addEventListener("keydown", (event) => {
    if (root.hidden || menuOpen()) return;
    if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
    if (event.key !== "z" && event.key !== "Z") return;
    const t = event.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    if (document.querySelector("dialog[open]")) return;
    event.preventDefault();
    if (!api.readOnly) api.ops.undo();
  });

  // --- render hooks -----------------------------------------------------------------------------------

  function beforeRender() {
    const el = document.activeElement;
    focused = null;
    if (!el || !root.contains(el)) return;
    if (el.classList.contains("cnote")) focused = { note: el.dataset.key };
    else if (el.classList.contains("cluster__name")) focused = { cluster: el.closest(".cluster")?.dataset.key };
  }

  function afterRender(board) {
    const order = boardOrder(board);
    if (!active || !board.noteById.has(active)) active = order[0] || null;
    for (const el of allNotes()) {
      const want = el.dataset.key === active ? 0 : -1;
      if (el.tabIndex !== want) el.tabIndex = want;
    }
    // Moving an element in the DOM drops its focus: give it back.
    if (focused && (document.activeElement === document.body || !document.activeElement)) {
      const el = focused.note
        ? noteEl(focused.note)
        : root.querySelector(`.cluster[data-key="${CSS.escape(focused.cluster || "")}"] .cluster__name`);
      if (el) el.focus({ preventScroll: true });
    }
    focused = null;
  }

  return { beforeRender, afterRender, focusNote };
}
