// "Similar note already posted: … — add your +1 instead?" while typing in the composer.
//
// 400 ms after the typing stops (at least 12 characters), the phone asks the server (`note:similar`,
// read-only) for notes it may read that look alike, and offers the best one under the textarea:
// "+1" endorses it instead (and clears the composer), "Post mine anyway" dismisses it for this
// draft. One hint at a time; it never blocks posting; its box is a polite live region.

const MIN_CHARS = 12;
const DELAY_MS = 400;
const QUOTE_MAX = 140;

const fmtParts = (text) => String(text).split("%(text)s");

/**
 * textarea: the composer's; box: the (always present) live region under it; T: strings;
 * request(text) → Promise<ack|null>; enabled() → may we hint now; skip(noteId) → true for notes
 * that cannot take this phone's +1 (its own, already endorsed); onEndorse(match) sends the +1.
 */
export function createSimilarHint({ textarea, box, T, request, enabled, skip, onEndorse }) {
  let timer = null;
  let asked = 0; // id of the latest request; older answers are ignored
  let shown = null; // the match on screen
  const dismissed = new Set(); // note ids dismissed for this draft

  box.setAttribute("role", "status");
  box.setAttribute("aria-live", "polite");

  function hide() {
    if (!shown && !box.childElementCount) return;
    shown = null;
    box.replaceChildren();
    box.classList.remove("similar--shown");
  }

  function show(match) {
    if (shown && shown.note_id === match.note_id) return;
    shown = match;
    const chars = Array.from(match.text); // characters, so an emoji is never cut in half
    const text = chars.length > QUOTE_MAX ? `${chars.slice(0, QUOTE_MAX - 1).join("").trimEnd()}…` : match.text;
    const [before, after = ""] = fmtParts(T.similar);
    const message = document.createElement("p");
    message.className = "similar__text";
    const quote = document.createElement("span");
    quote.className = "similar__quote";
    quote.textContent = text;
    message.append(before, quote, after);
    const actions = document.createElement("div");
    actions.className = "similar__actions";
    const plus = document.createElement("button");
    plus.type = "button";
    plus.className = "similar__plus";
    plus.textContent = T.similar_plus;
    plus.addEventListener("click", () => {
      const chosen = shown;
      hide();
      if (chosen) onEndorse(chosen);
    });
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "similar__dismiss";
    dismiss.textContent = T.similar_dismiss;
    dismiss.addEventListener("click", () => {
      dismissCurrent();
      textarea.focus();
    });
    actions.append(plus, dismiss);
    box.replaceChildren(message, actions);
    box.classList.add("similar--shown");
  }

  function dismissCurrent() {
    if (!shown) return false;
    dismissed.add(shown.note_id);
    hide();
    return true;
  }

  async function ask(text) {
    const id = ++asked;
    let ack = null;
    try {
      ack = await request(text);
    } catch (_) {
      ack = null;
    }
    if (id !== asked || textarea.value.trim() !== text || !enabled()) return;
    const matches = ack && ack.ok && Array.isArray(ack.matches) ? ack.matches : [];
    const best = matches.find((m) => m && m.note_id && typeof m.text === "string" && !dismissed.has(m.note_id) && !skip(m.note_id));
    if (best) show(best);
    else hide();
  }

  /** Call on every input event of the textarea. */
  function onInput() {
    window.clearTimeout(timer);
    const text = textarea.value.trim();
    if (!enabled() || text.length < MIN_CHARS) {
      asked += 1;
      hide();
      if (!text) dismissed.clear();
      return;
    }
    timer = window.setTimeout(() => ask(text), DELAY_MS);
  }

  /** A new draft (after posting or a +1): forget the dismissals. */
  function reset() {
    window.clearTimeout(timer);
    asked += 1;
    dismissed.clear();
    hide();
  }

  textarea.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && shown) {
      event.preventDefault();
      dismissCurrent();
    }
  });

  return {
    onInput,
    reset,
    hide,
    get shown() {
      return shown;
    },
  };
}
