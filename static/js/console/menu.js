// A small popup menu (role="menu") for the clustering board: "Move to…", "Merge into…" and the
// cluster actions. Keyboard: arrows, Home/End, type to jump (or to filter long lists), Enter or
// Space to choose, Esc or Tab to close; focus returns to where it came from.

import { h } from "./dom.js";
import { cicon } from "./cluster-icons.js";

let current = null; // {el, close}

/**
 * Open a menu next to `anchor`. items: [{label, hint?, colour?, icon?, action, disabled?,
 * separator?: true}]. Options: {label, filterLabel, restoreFocus (element or function)}.
 */
export function openMenu(anchor, items, options = {}) {
  closeMenu(false);
  const host = document.getElementById("console") || document.body;
  const list = h("div", { class: "cmenu__items" });
  const el = h("div", { class: "cmenu", role: "menu", "aria-label": options.label || null, tabindex: "-1" });
  const buttons = [];
  let filter = null;

  if (options.title) el.append(h("p", { class: "cmenu__title", "aria-hidden": "true", text: options.title }));
  const choosable = items.filter((item) => !item.separator);
  if (choosable.length > 9) {
    filter = h("input", {
      type: "search",
      class: "cmenu__filter",
      placeholder: options.filterLabel || "",
      "aria-label": options.filterLabel || "",
    });
    el.append(filter);
    filter.addEventListener("input", () => {
      const q = filter.value.trim().toLocaleLowerCase();
      for (const b of buttons) b.hidden = q !== "" && !b.dataset.search.includes(q);
    });
  }
  el.append(list);

  for (const item of items) {
    if (item.separator) {
      list.append(h("div", { class: "cmenu__sep", role: "separator" }));
      continue;
    }
    const button = h(
      "button",
      {
        type: "button",
        role: "menuitem",
        class: `cmenu__item${item.danger ? " cmenu__item--danger" : ""}${item.current ? " is-current" : ""}`,
        tabindex: "-1",
        "aria-disabled": item.disabled ? "true" : null,
      },
      item.colour
        ? h("span", { class: "vp-swatch", "aria-hidden": "true", style: `--vp: ${item.colour}` })
        : item.icon
          ? cicon(item.icon)
          : h("span", { class: "cmenu__blank", "aria-hidden": "true" }),
      h("span", { class: "cmenu__label", text: item.label }),
      item.hint ? h("span", { class: "cmenu__hint", text: item.hint }) : null,
    );
    button.dataset.search = `${item.label} ${item.hint || ""}`.toLocaleLowerCase();
    button.addEventListener("click", () => {
      if (item.disabled) return;
      closeMenu(true);
      item.action();
    });
    buttons.push(button);
    list.append(button);
  }

  const visible = () => buttons.filter((b) => !b.hidden);
  const focusAt = (i) => {
    const all = visible();
    if (!all.length) return;
    all[(i + all.length) % all.length].focus();
  };

  el.addEventListener("keydown", (event) => {
    const all = visible();
    const at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown") {
      event.preventDefault();
      focusAt(at + 1);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (at <= 0 && filter) filter.focus();
      else focusAt(at - 1);
    } else if (event.key === "Home" && document.activeElement !== filter) {
      event.preventDefault();
      focusAt(0);
    } else if (event.key === "End" && document.activeElement !== filter) {
      event.preventDefault();
      focusAt(-1);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      closeMenu(true);
    } else if (event.key === "Tab") {
      event.preventDefault();
      closeMenu(true);
    } else if (event.key === "Enter" && document.activeElement === filter) {
      event.preventDefault();
      const first = all.find((b) => b.getAttribute("aria-disabled") !== "true");
      if (first) first.click();
    } else if (!filter && event.key.length === 1 && /\S/.test(event.key) && !event.ctrlKey && !event.metaKey) {
      const key = event.key.toLocaleLowerCase();
      const start = at + 1;
      for (let i = 0; i < all.length; i++) {
        const b = all[(start + i) % all.length];
        if (b.dataset.search.startsWith(key)) {
          b.focus();
          break;
        }
      }
    }
    event.stopPropagation(); // the board's shortcuts do not apply inside the menu
  });

  host.append(el);
  place(el, anchor);
  const restore = options.restoreFocus || anchor;
  const onPointer = (event) => {
    if (!el.contains(event.target)) closeMenu(false);
  };
  // The board scrolls and reflows while notes arrive live: the menu follows its anchor rather
  // than closing under the facilitator's hands, and closes once the anchor is gone or out of view.
  let frame = 0;
  const onScroll = (event) => {
    if (el.contains(event.target) || frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (current?.el !== el) return;
      if (anchor.isConnected && inView(anchor)) place(el, anchor);
      else closeMenu(false);
    });
  };
  document.addEventListener("pointerdown", onPointer, true);
  window.addEventListener("resize", onScroll);
  document.addEventListener("scroll", onScroll, true);
  current = {
    el,
    close(focus) {
      document.removeEventListener("pointerdown", onPointer, true);
      window.removeEventListener("resize", onScroll);
      document.removeEventListener("scroll", onScroll, true);
      if (frame) cancelAnimationFrame(frame);
      el.remove();
      if (options.onClose) options.onClose();
      if (focus) {
        const target = typeof restore === "function" ? restore() : restore;
        if (target && target.isConnected) target.focus({ preventScroll: true });
      }
    },
  };
  if (filter) filter.focus();
  else {
    const firstEnabled = buttons.findIndex((b) => b.getAttribute("aria-disabled") !== "true");
    focusAt(Math.max(0, firstEnabled));
  }
  return el;
}

export function closeMenu(focus = false) {
  if (!current) return;
  const menu = current;
  current = null;
  menu.close(focus);
}

export function menuOpen() {
  return current !== null;
}

function inView(anchor) {
  const rect = anchor.getBoundingClientRect();
  return rect.bottom > 0 && rect.top < window.innerHeight && rect.right > 0 && rect.left < window.innerWidth;
}

function place(el, anchor) {
  const rect = anchor.getBoundingClientRect();
  el.style.position = "fixed";
  el.style.visibility = "hidden";
  el.style.left = "0px";
  el.style.top = "0px";
  const width = el.offsetWidth;
  const height = el.offsetHeight;
  const margin = 8;
  let left = Math.min(rect.left, window.innerWidth - width - margin);
  left = Math.max(margin, left);
  let top = rect.bottom + 4;
  if (top + height > window.innerHeight - margin && rect.top - height - 4 > margin) top = rect.top - height - 4;
  top = Math.max(margin, Math.min(top, window.innerHeight - height - margin));
  el.style.left = `${Math.round(left)}px`;
  el.style.top = `${Math.round(top)}px`;
  el.style.visibility = "";
}
