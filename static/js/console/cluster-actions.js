// Actions of the clustering board, shared by the selection bar, the menus, the keyboard path
// and drag and drop: move notes, new cluster, merge, dissolve, reorder, rename.

import { confirmDialog, format, h, plural } from "./dom.js";
import { boardOrder, canShare, placeMoves, unclusterMoves } from "./cluster-model.js";
import { openMenu } from "./menu.js";

export function createActions(api, renderer) {
  const { ctx, strings, ops } = api;
  const main = document.getElementById("cboard-main");

  api.selectedOr = (id) => (id && !api.selection.has(id) ? [id] : boardOrder(api.board).filter((x) => api.selection.has(x)));

  api.moveTo = (target, ids) => {
    const board = ops.board();
    if (!ids.length) return;
    if (target === "new") {
      if (!canShare(board, ids)) {
        ctx.announce(strings.cl_one_viewpoint);
        return;
      }
      ops.create({ noteIds: ids });
    } else if (target === "unclustered") {
      ops.move(unclusterMoves(board, ids));
    } else {
      const group = board.clusters.find((g) => g.cluster.id === target);
      if (!group) return;
      const fitting = board.scope === "viewpoint" ? ids.filter((id) => board.noteById.get(id)?.viewpoint_id === group.viewpointId) : ids;
      if (!fitting.length) {
        ctx.announce(strings.cl_one_viewpoint);
        return;
      }
      ops.move(placeMoves(board, { cluster: target }, fitting, group.notes.length));
    }
    api.selection.clear();
  };

  api.openMoveMenu = (anchor, ids, restoreFocus) => {
    const board = ops.board();
    if (!ids.length || api.readOnly) return;
    const vps = renderer.vpById();
    const places = new Set(ids.map((id) => board.noteById.get(id)?.cluster_id || null));
    const here = places.size === 1 ? [...places][0] : undefined;
    const items = [
      { label: strings.cl_new_cluster, icon: "plus", action: () => api.moveTo("new", ids), disabled: !canShare(board, ids) },
      { separator: true },
      ...board.clusters
        .filter((g) => board.scope !== "viewpoint" || canShare(board, ids, g))
        .map((g) => ({
          label: ops.titleOf(g.cluster),
          hint: board.scope === "viewpoint" ? vps.get(g.viewpointId)?.name : plural(strings, "notes", g.notes.length),
          colour: g.viewpointIds.length === 1 ? vps.get(g.viewpointIds[0])?.colour : null,
          icon: "layers",
          current: here === g.cluster.id,
          disabled: here === g.cluster.id,
          action: () => api.moveTo(g.cluster.id, ids),
        })),
      { separator: true },
      { label: strings.cl_unclustered, icon: "split", disabled: here === null, current: here === null, action: () => api.moveTo("unclustered", ids) },
    ];
    openMenu(anchor, items, {
      label: plural(strings, "cl_move_n", ids.length),
      title: plural(strings, "cl_move_n", ids.length),
      filterLabel: strings.cl_filter,
      restoreFocus: restoreFocus || anchor,
    });
  };

  api.confirmMerge = async (targetId, sourceId) => {
    const board = ops.board();
    const target = board.clusterById.get(targetId);
    const source = board.clusters.find((g) => g.cluster.id === sourceId);
    if (!target || !source) return false;
    const ok = await confirmDialog({
      title: format(strings.cl_merge_title, { source: ops.titleOf(source.cluster), target: ops.titleOf(target) }),
      message: plural(strings, "cl_merge_message", source.notes.length),
      confirm: strings.cl_merge,
      cancel: strings.cancel,
    });
    if (ok) ops.merge(targetId, sourceId);
    ctx.rerender();
    return ok;
  };

  api.confirmDissolve = async (clusterId) => {
    const board = ops.board();
    const group = board.clusters.find((g) => g.cluster.id === clusterId);
    if (!group || api.readOnly) return;
    const ok = await confirmDialog({
      title: format(strings.cl_dissolve_title, { title: ops.titleOf(group.cluster) }),
      message: plural(strings, "cl_dissolve_message", group.notes.length),
      confirm: strings.cl_dissolve,
      cancel: strings.cancel,
      danger: true,
    });
    if (ok) ops.dissolve(clusterId);
  };

  api.moveCluster = (clusterId, delta) => {
    const board = ops.board();
    const group = board.clusters.find((g) => g.cluster.id === clusterId);
    if (!group) return;
    const peers = board.clusters.filter((g) => board.scope !== "viewpoint" || g.viewpointId === group.viewpointId);
    const at = peers.indexOf(group);
    const to = at + delta;
    if (to < 0 || to >= peers.length) return;
    const ids = peers.map((g) => g.cluster.id);
    ids.splice(at, 1);
    ids.splice(to, 0, clusterId);
    const all = board.clusters.map((g) => g.cluster.id);
    const set = new Set(ids);
    const queue = [...ids];
    ops.reorder(all.map((id) => (set.has(id) ? queue.shift() : id)), {
      label: format(strings.cl_did_move_cluster, { title: ops.titleOf(group.cluster), n: to + 1 }),
    });
  };

  api.openClusterMenu = (clusterId, anchor) => {
    const board = ops.board();
    const group = board.clusters.find((g) => g.cluster.id === clusterId);
    if (!group || api.readOnly) return;
    const others = board.clusters.filter((g) => g !== group && (board.scope !== "viewpoint" || g.viewpointId === group.viewpointId));
    const peers = board.clusters.filter((g) => board.scope !== "viewpoint" || g.viewpointId === group.viewpointId);
    const at = peers.indexOf(group);
    openMenu(
      anchor,
      [
        { label: strings.cl_rename, icon: "pencil", hint: "Enter", action: () => api.startRename(clusterId) },
        {
          label: strings.cl_merge_into,
          icon: "merge",
          disabled: !others.length,
          action: () =>
            openMenu(
              anchor,
              others.map((g) => ({ label: ops.titleOf(g.cluster), icon: "layers", hint: plural(strings, "notes", g.notes.length), action: () => api.confirmMerge(g.cluster.id, clusterId) })),
              { label: strings.cl_merge_into, title: format(strings.cl_merge_pick, { title: ops.titleOf(group.cluster) }), filterLabel: strings.cl_filter, restoreFocus: anchor },
            ),
        },
        { label: strings.cl_move_earlier, icon: "up", hint: "Alt+↑", disabled: at <= 0, action: () => api.moveCluster(clusterId, -1) },
        { label: strings.cl_move_later, icon: "down", hint: "Alt+↓", disabled: at >= peers.length - 1, action: () => api.moveCluster(clusterId, 1) },
        { label: strings.cl_select_all, icon: "check", disabled: !group.notes.length, action: () => { for (const n of group.notes) api.selection.add(n.id); ctx.rerender(); } },
        { separator: true },
        { label: strings.cl_dissolve, icon: "split", hint: "Delete", danger: true, action: () => api.confirmDissolve(clusterId) },
      ],
      { label: format(strings.cl_actions, { title: ops.titleOf(group.cluster) }), restoreFocus: anchor },
    );
  };

  api.startRename = (clusterId) => {
    if (api.readOnly) return;
    const li = main.querySelector(`.cluster[data-key="${CSS.escape(clusterId)}"]`);
    const cluster = ops.board().clusterById.get(clusterId);
    if (!li || !cluster) return;
    const button = li.querySelector(".cluster__name");
    const heading = li.querySelector(".cluster__heading");
    api.renaming = clusterId;
    li.classList.add("is-renaming");
    const input = h("input", {
      type: "text",
      class: "cluster__input",
      maxlength: "120",
      "aria-label": strings.cl_name_input,
      placeholder: strings.cl_untitled,
    });
    input.value = cluster.title || "";
    let done = false;
    const finish = (save) => {
      if (done) return;
      done = true;
      if (save) ops.rename(clusterId, input.value);
      api.renaming = null;
      li.classList.remove("is-renaming");
      input.replaceWith(button);
      ctx.rerender();
      requestAnimationFrame(() => {
        const fresh = main.querySelector(`.cluster[data-key="${CSS.escape(clusterId)}"] .cluster__name`);
        if (fresh && document.activeElement === document.body) fresh.focus({ preventScroll: true });
      });
    };
    input.addEventListener("keydown", (event) => {
      event.stopPropagation();
      if (event.key === "Enter") {
        event.preventDefault();
        finish(true);
        button.focus({ preventScroll: true });
      } else if (event.key === "Escape") {
        event.preventDefault();
        finish(false);
        button.focus({ preventScroll: true });
      }
    });
    input.addEventListener("blur", () => finish(true));
    button.replaceWith(input);
    heading.append(input);
    input.focus();
    input.select();
  };

}
