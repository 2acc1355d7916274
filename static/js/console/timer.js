// The timer in the console bar: server-authoritative end time, corrected with rt.serverNow().

import { format, setAttr, setIcon, setText } from "./dom.js";

const MIN_MINUTES = 1;
const MAX_MINUTES = 180;

/** 83_000 → "01:23"; an hour or more → "1:02:03". */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mm = String(minutes).padStart(2, "0");
  const ss = String(seconds).padStart(2, "0");
  return hours ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function createTimer(ctx) {
  const { strings, names, data } = ctx;
  const durations = data.durations || {};
  const root = document.getElementById("timer");
  const time = document.getElementById("timer-time");
  const stateText = document.getElementById("timer-state");
  const fill = document.getElementById("timer-fill");
  const minutesWrap = document.getElementById("timer-minutes-wrap");
  const minutes = document.getElementById("timer-minutes");
  const toggle = document.getElementById("timer-toggle");
  const toggleText = document.getElementById("timer-toggle-text");
  const add = document.getElementById("timer-add");
  const reset = document.getElementById("timer-reset");

  let timer = null;
  let phase = null;
  let touched = false;
  let lastMode = null;

  const planMinutes = (key) => durations[key] || 5;

  function chosenMinutes() {
    const value = Math.round(Number(minutes.value));
    if (!Number.isFinite(value) || value < MIN_MINUTES) return MIN_MINUTES;
    return Math.min(MAX_MINUTES, value);
  }

  function remaining() {
    if (!timer) return null;
    if (timer.state === "running") return Math.max(0, (timer.ends_at_ms || 0) - ctx.rt.serverNow());
    if (timer.state === "paused") return Math.max(0, timer.remaining_ms || 0);
    return null;
  }

  /** idle | running | paused | done */
  function mode() {
    if (!timer || !timer.state || timer.state === "idle") return "idle";
    if (timer.state === "running" && remaining() <= 0) return "done";
    return timer.state;
  }

  toggle.addEventListener("click", () => {
    const current = mode();
    if (current === "running") {
      ctx.send(names.TIMER_PAUSE, {});
    } else if (current === "paused") {
      ctx.send(names.TIMER_START, {});
    } else {
      if (current === "done") ctx.send(names.TIMER_RESET, {});
      ctx.send(names.TIMER_START, { duration_s: chosenMinutes() * 60 });
    }
  });
  add.addEventListener("click", () => ctx.send(names.TIMER_ADD, { seconds: 60 }));
  reset.addEventListener("click", () => ctx.send(names.TIMER_RESET, {}));
  minutes.addEventListener("input", () => {
    touched = true;
    tick();
  });
  minutes.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      event.preventDefault();
      toggle.click();
    }
  });

  function tick() {
    const current = mode();
    const left = remaining();
    if (current === "idle") {
      setText(time, clock(chosenMinutes() * 60000));
    } else {
      setText(time, clock(left));
    }
    const duration = timer && timer.duration_ms ? timer.duration_ms : null;
    const fraction = current === "idle" ? 1 : duration ? Math.max(0, Math.min(1, left / duration)) : 0;
    fill.style.transform = `scaleX(${fraction})`;
    root.classList.toggle("is-warning", current === "running" && left < 60000);
    if (current !== lastMode) {
      lastMode = current;
      root.dataset.state = current;
      setText(stateText, strings[`timer_${current}`] || current);
      const labels = { idle: strings.start, running: strings.pause, paused: strings.resume, done: strings.restart };
      setText(toggleText, labels[current]);
      setIcon(toggle, current === "running" ? "pause" : current === "done" ? "reset" : "play");
      minutesWrap.hidden = !(current === "idle" || current === "done");
      add.disabled = current === "idle";
      reset.disabled = current === "idle";
    }
    if (current === "running" || current === "paused") {
      const total = duration ? Math.round(duration / 60000) : null;
      setAttr(stateText, "title", total ? format(strings.timer_of, { n: total }) : null);
    }
  }

  function render(state) {
    timer = state.timer || null;
    const nowPhase = state.workshop && state.workshop.phase;
    if (nowPhase && nowPhase !== phase) {
      phase = nowPhase;
      if (!touched || document.activeElement !== minutes) {
        minutes.value = String(planMinutes(phase));
        touched = false;
      }
    }
    lastMode = null; // refresh labels (a new timer fact can keep the same mode)
    tick();
  }

  setInterval(tick, 250);
  return { render };
}
