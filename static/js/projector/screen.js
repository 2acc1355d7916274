// The projector's timer and screen niceties (moved out of projector.js, unchanged in behaviour).
//
// Timer: mm:ss in the strip; paused, last minute and time up are said in words, not only colour.
// Niceties: hide the mouse pointer when idle, keep the screen awake, double-click for full screen
// (no visible control), and Esc leaves "present here" back to the console.

import { S, setHidden, setText } from "./util.js";

const LAST_MINUTE_MS = 60000;

export function formatMs(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h ? `${h}:` : ""}${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

/** Keep the strip's timer current (every 250 ms); returns the render function for redraws. */
export function startTimer(root, els, getRt) {
  function renderTimer() {
    const timer = getRt() && getRt().state && getRt().state.timer;
    const state = (timer && timer.state) || "idle";
    let ms = null;
    if (state === "running" && typeof timer.ends_at_ms === "number") ms = timer.ends_at_ms - getRt().serverNow();
    else if (state === "paused" && typeof timer.remaining_ms === "number") ms = timer.remaining_ms;
    const visible = ms !== null;
    setHidden(els.timer, !visible);
    root.classList.toggle("has-timer", visible);
    if (!visible) return;
    let look = state;
    let label = "";
    if (state === "paused") label = S.paused;
    else if (ms <= 0) {
      look = "over";
      label = S.times_up;
    } else if (ms <= LAST_MINUTE_MS) {
      look = "last-minute";
      label = S.last_minute;
    }
    if (els.timer.dataset.state !== look) els.timer.dataset.state = look;
    setText(els.timerTime, formatMs(ms));
    setText(els.timerLabel, label);
    setHidden(els.timerLabel, !label);
    els.timerTime.setAttribute("aria-label", `${label || S.remaining} ${formatMs(ms)}`);
  }
  window.setInterval(renderTimer, 250);
  return renderTimer;
}

export function startScreenNiceties(root) {
  let idleTimer = null;
  function wakePointer() {
    root.classList.remove("is-idle");
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(() => root.classList.add("is-idle"), 3000);
  }
  document.addEventListener("mousemove", wakePointer, { passive: true });
  wakePointer();

  // "Present here" from the console (mirrored display): Esc goes back to the console.
  if (new URLSearchParams(window.location.search).get("present") === "1") {
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !document.fullscreenElement) window.history.back();
    });
  }

  document.addEventListener("dblclick", () => {
    if (document.fullscreenElement) document.exitFullscreen?.().catch(() => {});
    else document.documentElement.requestFullscreen?.().catch(() => {});
  });

  let wakeLock = null;
  async function keepAwake() {
    if (document.visibilityState !== "visible" || wakeLock || !("wakeLock" in navigator)) return;
    try {
      wakeLock = await navigator.wakeLock.request("screen");
      wakeLock.addEventListener("release", () => {
        wakeLock = null;
      });
    } catch (_) {
      wakeLock = null; // not a secure context, or refused: the OS settings decide
    }
  }
  document.addEventListener("visibilitychange", keepAwake);
  keepAwake();
}
