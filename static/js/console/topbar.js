// The console's sticky bar: phase stepper with previous/next, connection status, pending commands.

import { confirmDialog, format, h, icon, plural, setAttr, setText } from "./dom.js";

export function createTopbar(ctx) {
  const { strings, names, config } = ctx;
  const order = Array.isArray(config.phases) && config.phases.length
    ? config.phases
    : ["lobby", "brainstorm", "share", "cluster", "vote", "results", "closed"];
  const labels = config.phase_labels || {};
  const labelOf = (key) => labels[key] || key;

  const root = document.getElementById("console");
  const title = document.getElementById("console-title");
  const steps = [...document.querySelectorAll("#stepper [data-phase]")];
  const prev = document.getElementById("phase-prev");
  const next = document.getElementById("phase-next");
  const nextText = document.getElementById("phase-next-text");
  const conn = document.getElementById("conn");
  const connText = document.getElementById("conn-text");
  const pendingBox = document.getElementById("pending");
  const pendingText = document.getElementById("pending-text");
  const pendingList = document.getElementById("pending-list");

  let phase = root.dataset.phase || order[0];
  let pendingPhase = null;
  let lastTitle = null;

  next.append(icon("right"));

  async function goTo(target) {
    if (!target || !order.includes(target)) return;
    if (target === phase) return;
    if (target === "closed") {
      const ok = await confirmDialog({
        title: strings.close_title,
        message: strings.close_message,
        confirm: strings.close_confirm,
        cancel: strings.cancel,
        danger: true,
      });
      if (!ok) return;
    }
    pendingPhase = target;
    renderSteps();
    ctx.send(names.PHASE_SET, { phase: target });
  }

  for (const step of steps) step.addEventListener("click", () => goTo(step.dataset.phase));
  prev.addEventListener("click", () => goTo(order[order.indexOf(phase) - 1]));
  next.addEventListener("click", () => goTo(order[order.indexOf(phase) + 1]));

  function renderSteps() {
    const index = order.indexOf(phase);
    steps.forEach((step, i) => {
      const key = step.dataset.phase;
      step.classList.toggle("is-done", i < index);
      step.classList.toggle("is-current", i === index);
      step.classList.toggle("is-pending", pendingPhase !== null && key === pendingPhase && key !== phase);
      setAttr(step, "aria-current", i === index ? "step" : null);
      const num = step.querySelector(".stepper__num");
      const done = i < index;
      if (num && num.dataset.done !== String(done)) {
        num.dataset.done = String(done);
        num.replaceChildren(done ? icon("check") : document.createTextNode(String(i + 1)));
      }
    });
    const before = order[index - 1];
    const after = order[index + 1];
    prev.disabled = !before;
    const prevLabel = before ? format(strings.previous_to, { phase: labelOf(before) }) : strings.previous_to;
    setAttr(prev, "aria-label", before ? prevLabel : null);
    setAttr(prev, "title", before ? prevLabel : null);
    next.disabled = !after;
    setText(nextText, after ? format(strings.next_to, { phase: labelOf(after) }) : strings.last_phase);
    next.classList.toggle("is-danger", after === "closed");
  }

  function render(state) {
    const ws = state.workshop || {};
    if (ws.phase && ws.phase !== phase) {
      phase = ws.phase;
      root.dataset.phase = phase;
    }
    if (pendingPhase === phase) pendingPhase = null;
    renderSteps();
    renderAbout(state);
    renderGroupLinks(state);
    if (ws.title && ws.title !== lastTitle) {
      lastTitle = ws.title;
      setText(title, ws.title);
      document.title = `${ws.title} · Denktank`;
    }
  }

  const aboutTheme = document.getElementById("about-theme");
  const aboutIntro = document.getElementById("about-intro");
  const aboutKinds = document.getElementById("about-kinds");
  let aboutSignature = null;

  /** Theme, intro and kinds in "About this session" follow live edits. */
  function renderAbout(state) {
    const ws = state.workshop || {};
    const kinds = (state.kinds || []).map((k) => k.label).join(", ");
    const signature = JSON.stringify([ws.theme, ws.intro, kinds]);
    if (signature === aboutSignature) return;
    aboutSignature = signature;
    setText(aboutTheme, ws.theme || "");
    aboutTheme.hidden = !ws.theme;
    const paragraphs = String(ws.intro || "").split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
    aboutIntro.replaceChildren(...paragraphs.map((p) => h("p", { text: p })));
    setText(aboutKinds, kinds);
  }

  const groupLinks = document.getElementById("group-links");
  let groupSignature = null;

  /** Links to the group screen of each viewpoint (the projector link with ?viewpoint=slug). */
  function renderGroupLinks(state) {
    const vps = (state.viewpoints || []).filter((v) => v.slug);
    const signature = JSON.stringify(vps.map((v) => [v.slug, v.name, v.colour]));
    if (signature === groupSignature || !config.projector_url) return;
    groupSignature = signature;
    groupLinks.replaceChildren(
      ...vps.map((v) => {
        const url = new URL(config.projector_url, window.location.href);
        url.searchParams.set("viewpoint", v.slug);
        const swatch = h("span", { class: "vp-swatch", "aria-hidden": "true" });
        swatch.style.setProperty("--vp", v.colour);
        return h("li", {}, h("a", { href: url.toString(), target: "_blank", rel: "noopener" }, swatch, v.name));
      }),
    );
  }

  const connHint = document.getElementById("conn-hint");
  function setStatus(status) {
    conn.dataset.status = status;
    setText(connText, strings[`status_${status}`] || status);
    const hint = status === "offline" ? strings.status_offline_hint : "";
    setText(connHint, hint ? ` — ${hint}` : "");
    setAttr(conn, "title", hint || null);
  }

  function setPending(pending) {
    const count = pending.length;
    pendingBox.hidden = count === 0;
    if (!count) pendingBox.open = false;
    setText(pendingText, plural(strings, "pending", count));
    pendingList.replaceChildren(
      ...pending.slice(0, 12).map((entry) => h("li", { text: ctx.describe(entry.name, entry.payload) })),
    );
    const phaseOps = pending.filter((entry) => entry.name === names.PHASE_SET);
    pendingPhase = phaseOps.length ? phaseOps[phaseOps.length - 1].payload.phase : null;
    renderSteps();
  }

  function onRejected(name) {
    if (name === names.PHASE_SET) {
      pendingPhase = null;
      renderSteps();
    }
    return false;
  }

  renderSteps();

  return { render, setStatus, setPending, onRejected, get phase() { return phase; } };
}
