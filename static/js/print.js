// Print buttons: <button data-print>. Loaded from our own host (Content-Security-Policy).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});

// On paper nothing can be opened: a page's closed disclosures (the figures' tables) print open.
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details:not([open])").forEach(function (details) {
    details.open = true;
    details.dataset.openedForPrint = "yes";
  });
});
window.addEventListener("afterprint", function () {
  document.querySelectorAll("details[data-opened-for-print]").forEach(function (details) {
    details.open = false;
    delete details.dataset.openedForPrint;
  });
});
