// Drag and drop on the clustering board, with SortableJS (vendored; pointer and touch events).
//
// - A note dropped between others in a cluster is placed there (notes:move, fractional
//   position); dropped on an unclustered note it starts a new cluster with both
//   (cluster:create); on the "new cluster" zone it starts a cluster of its own; on a lane it goes
//   back to the unclustered notes. Selected notes travel together.
// - A cluster dropped on the middle of another merges into it, after a confirmation
//   (cluster:merge); dropped on another's edge it is put before or after it (clusters:reorder).
// Lanes and cluster lists do not shuffle while dragging (sort: false), so what is under the
// pointer stays put and "drop onto" is easy to hit; an insertion bar shows where a cluster goes.

import Sortable from "../../vendor/sortablejs/sortable.esm.js";
import { canShare, placeMoves, unclusterMoves, withColumnOrder } from "./cluster-model.js";

const COMMON = {
  animation: 160,
  easing: "cubic-bezier(.2, .7, .3, 1)",
  forceFallback: true, // the same pointer code for mouse, pen and touch
  // Touch events rather than pointer events: a touch drag can then stop the page from panning
  // (with pointer events Chrome cancels the drag as soon as it starts to scroll).
  supportPointer: false,
  fallbackOnBody: true,
  fallbackTolerance: 4,
  delay: 160,
  delayOnTouchOnly: true,
  touchStartThreshold: 6,
  emptyInsertThreshold: 24,
  scroll: true,
  bubbleScroll: true,
  scrollSensitivity: 70,
  scrollSpeed: 16,
  ghostClass: "is-placeholder",
  chosenClass: "is-chosen",
  fallbackClass: "is-flying",
};

export function createDnd(api) {
  const { strings, ctx } = api;
  const instances = new Map(); // list element → Sortable
  let drag = null; // {kind, item, ids, vp, column}
  let target = null; // element to drop onto (note to combine with, cluster to merge into)
  const pointer = { x: 0, y: 0 };
  api.lastDragEnd = 0;

  // --- pointer tracking and the "drop onto" target ------------------------------------------------

  function track(event) {
    const p = event.touches ? event.touches[0] : event;
    if (!p) return;
    pointer.x = p.clientX;
    pointer.y = p.clientY;
    updateTarget();
  }

  function inMiddle(el) {
    const r = el.getBoundingClientRect();
    const inY = pointer.y > r.top + r.height * 0.2 && pointer.y < r.bottom - r.height * 0.2;
    return inY && pointer.x >= r.left && pointer.x <= r.right;
  }

  /** Where a dragged cluster would go: {el, mode: "merge" | "before" | "after"} or null. */
  function clusterSpot(hit) {
    const li = hit && hit.closest(".clusters > .cluster");
    if (!li || li === drag.item || li.parentElement !== drag.item.parentElement) return null;
    const r = li.getBoundingClientRect();
    const columns = getComputedStyle(li.parentElement).gridTemplateColumns.split(" ").filter(Boolean).length;
    const t = columns > 1 ? (pointer.x - r.left) / r.width : (pointer.y - r.top) / Math.min(r.height, 240);
    if (t < 0.22) return { el: li, mode: "before" };
    if (columns > 1 ? t > 0.78 : pointer.y > r.bottom - Math.min(r.height, 240) * 0.22) return { el: li, mode: "after" };
    return { el: li, mode: "merge" };
  }

  function updateTarget() {
    if (!drag) return;
    const hit = document.elementFromPoint(pointer.x, pointer.y);
    let next = null;
    if (drag.kind === "note") {
      const li = hit && hit.closest(".lane__notes > .cnote");
      if (li && li !== drag.item && !drag.ids.includes(li.dataset.key) && inMiddle(li)) {
        if (canShare(api.board, [li.dataset.key, ...drag.ids])) next = { el: li, mode: "merge" };
      }
    } else {
      next = clusterSpot(hit);
    }
    if (next?.el !== target?.el || next?.mode !== target?.mode) {
      if (target) target.el.classList.remove("is-drop-target", "is-insert-before", "is-insert-after");
      target = next;
      if (target) target.el.classList.add(target.mode === "merge" ? "is-drop-target" : `is-insert-${target.mode}`);
      api.root.classList.toggle("has-drop-target", !!target);
    }
  }

  function startTracking() {
    document.addEventListener("pointermove", track, { passive: true });
    document.addEventListener("touchmove", track, { passive: true });
    document.addEventListener("mousemove", track, { passive: true });
  }

  function stopTracking() {
    document.removeEventListener("pointermove", track);
    document.removeEventListener("touchmove", track);
    document.removeEventListener("mousemove", track);
    if (target) target.el.classList.remove("is-drop-target", "is-insert-before", "is-insert-after");
    api.root.classList.remove("has-drop-target", "is-dragging-note", "is-dragging-cluster");
    for (const el of api.root.querySelectorAll(".is-carried")) el.classList.remove("is-carried");
    const dropped = target;
    target = null;
    return dropped;
  }

  // --- notes ---------------------------------------------------------------------------------------

  function groupName(list) {
    if (api.board.scope !== "viewpoint") return "notes";
    let vp = list.dataset.lane || list.dataset.new;
    if (!vp && list.dataset.cluster) vp = api.board.clusters.find((g) => g.cluster.id === list.dataset.cluster)?.viewpointId;
    return `notes-${vp}`;
  }

  function notesSortable(list) {
    const isLane = list.dataset.lane !== undefined;
    const isNew = list.dataset.new !== undefined;
    return Sortable.create(list, {
      ...COMMON,
      group: {
        name: groupName(list),
        pull: true,
        // A note only goes back to its own viewpoint's lane.
        put: (to, _from, dragEl) => !to.el.dataset.lane || to.el.dataset.lane === dragEl.dataset.vp,
      },
      draggable: ".cnote",
      sort: !isNew && !isLane,
      invertSwap: isLane,
      invertedSwapThreshold: 0.4,
      disabled: api.readOnly,
      onChoose(evt) {
        const id = evt.item.dataset.key;
        if (api.selection.has(id) && api.selection.size > 1) evt.item.dataset.count = String(api.selection.size);
      },
      onUnchoose(evt) {
        delete evt.item.dataset.count;
      },
      onStart(evt) {
        const id = evt.item.dataset.key;
        const ids = api.selection.has(id) ? api.selectedOr(null) : [id];
        drag = { kind: "note", item: evt.item, ids };
        api.setDragging(true);
        api.root.classList.add("is-dragging-note");
        for (const other of ids) {
          if (other === id) continue;
          const el = api.root.querySelector(`.cnote[data-key="${CSS.escape(other)}"]`);
          if (el) el.classList.add("is-carried");
        }
        startTracking();
      },
      onEnd(evt) {
        const d = drag;
        drag = null;
        const onto = stopTracking();
        api.lastDragEnd = Date.now();
        try {
          if (d) dropNotes(d, evt, onto);
        } finally {
          api.setDragging(false);
          ctx.rerender();
        }
      },
    });
  }

  function dropNotes(d, evt, onto) {
    const board = api.ops.board();
    const ids = d.ids.filter((id) => board.noteById.has(id));
    if (!ids.length) return;
    if (onto) {
      const withNote = onto.el.dataset.key;
      api.ops.create({ noteIds: [withNote, ...ids.filter((id) => id !== withNote)] });
      api.selection.clear();
      return;
    }
    const to = evt.to;
    if (to.dataset.new !== undefined) {
      if (!canShare(board, ids)) {
        ctx.announce(strings.cl_one_viewpoint);
        return;
      }
      api.ops.create({ noteIds: ids });
      api.selection.clear();
      return;
    }
    if (evt.from === to && evt.oldIndex === evt.newIndex) return; // dropped where it was
    const moving = new Set(ids);
    let index = 0;
    for (const el of to.children) {
      if (el === evt.item) break;
      if (el.classList.contains("cnote") && !moving.has(el.dataset.key)) index++;
    }
    let moves;
    if (to.dataset.lane !== undefined) {
      const vp = Number(to.dataset.lane);
      const own = ids.filter((id) => board.noteById.get(id).viewpoint_id === vp);
      const others = ids.filter((id) => board.noteById.get(id).viewpoint_id !== vp);
      moves = [...placeMoves(board, { lane: vp }, own, index), ...unclusterMoves(board, others)];
    } else {
      const clusterId = to.dataset.cluster;
      const group = board.clusters.find((g) => g.cluster.id === clusterId);
      if (!group) return;
      const fitting = board.scope === "viewpoint" ? ids.filter((id) => canShare(board, [id], group)) : ids;
      moves = placeMoves(board, { cluster: clusterId }, fitting, index);
    }
    if (api.ops.move(moves)) api.selection.clear();
  }

  // --- clusters --------------------------------------------------------------------------------------

  function clustersSortable(list) {
    return Sortable.create(list, {
      ...COMMON,
      group: { name: `clusters-${list.dataset.column}`, pull: false, put: false },
      draggable: ".cluster",
      handle: ".cluster__head",
      filter: ".cluster__menu, .cluster__input",
      preventOnFilter: false,
      sort: false,
      disabled: api.readOnly,
      onStart(evt) {
        drag = { kind: "cluster", item: evt.item, ids: [evt.item.dataset.key] };
        api.setDragging(true);
        api.root.classList.add("is-dragging-cluster");
        startTracking();
      },
      onEnd(evt) {
        const d = drag;
        drag = null;
        const onto = stopTracking();
        api.lastDragEnd = Date.now();
        try {
          if (!d) return;
          if (!onto) return;
          const source = d.ids[0];
          const other = onto.el.dataset.key;
          if (onto.mode === "merge") {
            api.confirmMerge(other, source);
            return;
          }
          const ids = [...list.children].filter((el) => el.classList.contains("cluster")).map((el) => el.dataset.key);
          const without = ids.filter((id) => id !== source);
          without.splice(without.indexOf(other) + (onto.mode === "after" ? 1 : 0), 0, source);
          api.ops.reorder(withColumnOrder(api.ops.board(), without));
        } finally {
          api.setDragging(false);
          ctx.rerender();
        }
      },
    });
  }

  /** Give every list on the board its Sortable; drop those of lists that are gone. */
  function sync(root) {
    for (const [el, sortable] of instances) {
      if (!el.isConnected) {
        sortable.destroy();
        instances.delete(el);
      } else if (sortable.option("disabled") !== api.readOnly) {
        sortable.option("disabled", api.readOnly);
      }
    }
    for (const list of root.querySelectorAll("ol.cnotes")) {
      if (!instances.has(list)) instances.set(list, notesSortable(list));
    }
    for (const list of root.querySelectorAll("ol.clusters")) {
      if (!instances.has(list)) instances.set(list, clustersSortable(list));
    }
  }

  return { sync, get dragging() { return drag !== null; } };
}
