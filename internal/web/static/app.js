// Small enhancements; every page works without them.
// A form being sent shows that it is busy and cannot be sent twice.
document.addEventListener("submit", function (e) {
  var form = e.target;
  if (form.dataset.busy) { e.preventDefault(); return; }
  form.dataset.busy = "1";
  var b = e.submitter || form.querySelector("button[type=submit], button:not([type])");
  if (b) {
    b.setAttribute("aria-busy", "true");
    // Keep the button's name/value in the request: disable it after the event.
    setTimeout(function () { b.disabled = true; }, 0);
  }
  // Let the form be sent again if the browser comes back to this page.
  window.addEventListener("pageshow", function () { delete form.dataset.busy; if (b) { b.disabled = false; b.removeAttribute("aria-busy"); } }, { once: true });
});

// A button with data-print prints the page (no inline handlers: the
// Content-Security-Policy allows scripts from /static only).
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) { window.print(); }
});
