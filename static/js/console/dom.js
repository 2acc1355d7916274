// Small DOM helpers for the facilitator console. User text only ever goes through textContent.

const SVG_NS = "http://www.w3.org/2000/svg";

// 24×24 stroke icons (drawn for Denktank; currentColor, 2 px).
const ICONS = {
  pencil: ["M4 20h4L19 9l-4-4L4 16z", "M14 6l4 4"],
  eye: ["M2 12s3.6-7 10-7 10 7 10 7-3.6 7-10 7S2 12 2 12z", "M12 9a3 3 0 1 0 0 6 3 3 0 1 0 0-6z"],
  "eye-off": ["M2 12s3.6-7 10-7c2 0 3.8.7 5.2 1.7M22 12s-3.6 7-10 7c-2 0-3.8-.7-5.2-1.7", "M4 4l16 16"],
  trash: ["M4 7h16", "M9 7V4h6v3", "M6 7l1 13h10l1-13", "M10 11v6M14 11v6"],
  play: ["M8 5v14l11-7z"],
  pause: ["M9 5v14", "M15 5v14"],
  plus: ["M12 5v14", "M5 12h14"],
  reset: ["M4 12a8 8 0 1 0 2.4-5.7", "M4 4v5h5"],
  left: ["M15 18l-6-6 6-6"],
  right: ["M9 6l6 6-6 6"],
  check: ["M5 12.5l4.5 4.5L19 7.5"],
  sliders: ["M4 7h9M17 7h3", "M15 5v4", "M4 17h3M11 17h9", "M9 15v4"],
  monitor: ["M3 4h18v12H3z", "M8 20h8", "M12 16v4"],
  external: ["M14 4h6v6", "M20 4l-9 9", "M18 14v6H4V6h6"],
  lock: ["M6 11h12v9H6z", "M8 11V8a4 4 0 0 1 8 0v3"],
  unlock: ["M6 11h12v9H6z", "M8 11V8a4 4 0 0 1 7.6-1.8"],
  x: ["M6 6l12 12", "M18 6L6 18"],
  up: ["M12 19V5", "M6 11l6-6 6 6"],
  down: ["M12 5v14", "M6 13l6 6 6-6"],
  spot: ["M12 3v3", "M5.6 5.6l2.1 2.1", "M18.4 5.6l-2.1 2.1", "M8 12a4 4 0 0 1 8 0v6H8z", "M6 21h12"],
  user: ["M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8z", "M4 21a8 8 0 0 1 16 0"],
  send: ["M4 12l16-8-6 16-3-7z"],
  clock: ["M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z", "M12 7v5l3 2"],
  cloud: ["M7 18h10a4 4 0 0 0 .5-8 6 6 0 0 0-11.4 1.5A3.3 3.3 0 0 0 7 18z"],
  alert: ["M12 4l9 16H3z", "M12 10v4", "M12 17v.5"],
};

/** Create an element: h("button", {class: "x", onclick: fn, text: "Hi"}, child, …). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key === "dataset") Object.assign(el.dataset, value);
    // Through the CSSOM: the CSP refuses style attributes, not style properties set by script.
    else if (key === "style") el.style.cssText = String(value);
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An inline SVG icon, hidden from assistive technology (buttons carry their own text). */
export function icon(name, extraClass = "") {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `icon ${extraClass}`.trim());
  for (const d of ICONS[name] || []) {
    const path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}

/** Put an icon into every element with data-icon="name" (server-rendered buttons). */
export function hydrateIcons(root = document) {
  for (const el of root.querySelectorAll("[data-icon]")) {
    if (el.querySelector(":scope > svg.icon")) continue;
    el.prepend(icon(el.dataset.icon));
  }
}

/** Replace the icon of a button (first svg.icon child). */
export function setIcon(el, name) {
  const old = el.querySelector(":scope > svg.icon");
  const fresh = icon(name);
  if (old) old.replaceWith(fresh);
  else el.prepend(fresh);
}

/** "%(n)s notes" or "{n} notes" → "3 notes". */
export function format(template, values = {}) {
  return String(template ?? "").replace(/%\((\w+)\)[sd]|\{(\w+)\}/g, (match, a, b) => {
    const key = a || b;
    return key in values ? String(values[key]) : match;
  });
}

/** Pick strings[key_one] or strings[key_other] and fill in n. */
export function plural(strings, key, n) {
  const form = n === 1 ? strings[`${key}_one`] : strings[`${key}_other`];
  return format(form, { n });
}

/** Set textContent only when it changed (keeps selection and avoids needless layout). */
export function setText(el, text) {
  const value = String(text ?? "");
  if (el.textContent !== value) el.textContent = value;
}

/** Toggle an attribute: value null/false removes it. */
export function setAttr(el, name, value) {
  if (value === null || value === undefined || value === false) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else {
    const text = value === true ? "" : String(value);
    if (el.getAttribute(name) !== text) el.setAttribute(name, text);
  }
}

/**
 * Keep `container`'s children in the order of `items`, reusing elements by key.
 * create(item) → element; update(element, item) is called for every item.
 */
export function reconcile(container, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of container.children) {
    if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
  }
  const wanted = [];
  for (const item of items) {
    const key = String(keyOf(item));
    let el = existing.get(key);
    if (!el) {
      el = create(item);
      el.dataset.key = key;
    }
    existing.delete(key);
    update(el, item);
    wanted.push(el);
  }
  for (const stale of existing.values()) stale.remove();
  let cursor = container.firstElementChild;
  for (const el of wanted) {
    if (el === cursor) {
      cursor = cursor.nextElementSibling;
    } else {
      container.insertBefore(el, cursor);
    }
  }
}

/** Run fn once per animation frame at most. */
export function coalesce(fn) {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      fn();
    });
  };
}

// --- toasts -----------------------------------------------------------------------------------

/** Show a short message bottom right; errors are announced assertively. */
export function toast(message, kind = "info", timeoutMs = 6000) {
  const region = document.getElementById("console-toasts");
  if (!region) return;
  const item = h(
    "div",
    { class: `toast toast--${kind}`, role: kind === "error" ? "alert" : null },
    icon(kind === "error" ? "alert" : "check"),
    h("span", { class: "toast__text", text: message }),
  );
  region.append(item);
  while (region.children.length > 4) region.firstElementChild.remove();
  setTimeout(() => {
    item.classList.add("toast--leaving");
    setTimeout(() => item.remove(), 300);
  }, timeoutMs);
}

// --- confirm dialog ---------------------------------------------------------------------------

/** A modal confirmation built on <dialog id="console-confirm">; resolves true or false. */
export function confirmDialog({ title, message, confirm, cancel, danger = false }) {
  const dialog = document.getElementById("console-confirm");
  if (!dialog || typeof dialog.showModal !== "function") {
    return Promise.resolve(window.confirm(`${title}\n\n${message}`));
  }
  const titleEl = dialog.querySelector("[data-confirm-title]");
  const messageEl = dialog.querySelector("[data-confirm-message]");
  const okButton = dialog.querySelector("[data-confirm-ok]");
  const cancelButton = dialog.querySelector("[data-confirm-cancel]");
  titleEl.textContent = title;
  messageEl.textContent = message;
  okButton.textContent = confirm;
  if (cancel) cancelButton.textContent = cancel;
  okButton.classList.toggle("button--danger", danger);
  okButton.classList.toggle("button--primary", !danger);
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const finish = (result) => {
      okButton.removeEventListener("click", onOk);
      cancelButton.removeEventListener("click", onCancel);
      dialog.removeEventListener("close", onClose);
      if (dialog.open) dialog.close();
      if (opener && typeof opener.focus === "function" && opener.isConnected) opener.focus();
      resolve(result);
    };
    const onOk = () => finish(true);
    const onCancel = () => finish(false);
    const onClose = () => finish(false);
    okButton.addEventListener("click", onOk);
    cancelButton.addEventListener("click", onCancel);
    dialog.addEventListener("close", onClose);
    dialog.showModal();
    cancelButton.focus();
  });
}
