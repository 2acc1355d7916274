// The report page: a Print button (shown only where printing works; Ctrl+P does the same).
const button = document.getElementById("report-print");
if (button && typeof window.print === "function") {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
