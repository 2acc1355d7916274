// The live page of a workshop that was deleted (the `workshop:deleted` signal): one clear
// notice instead of the live view. realtime.js has already stopped reconnecting and emptied the
// outbox; the strings come from the page ({workshop_deleted, workshop_deleted_hint}).

/** Replace the page's content with the "this workshop was deleted" notice (once). */
export function showDeleted(strings) {
  if (document.body.classList.contains("is-deleted")) return;
  document.body.classList.add("is-deleted");
  for (const child of document.body.children) {
    if (child.tagName !== "SCRIPT") child.hidden = true;
  }
  const notice = document.createElement("main");
  notice.className = "deleted-notice";
  notice.setAttribute("role", "alert");
  const heading = document.createElement("h1");
  heading.textContent = strings.workshop_deleted || "";
  const hint = document.createElement("p");
  hint.textContent = strings.workshop_deleted_hint || "";
  notice.append(heading, hint);
  document.body.append(notice);
}
