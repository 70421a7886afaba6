// Small, dependency-free behaviour layered on htmx. Every page works without it.
(function () {
  "use strict";

  function errorBox() {
    return document.getElementById("htmx-error");
  }

  function showError(message) {
    var box = errorBox();
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  function clearError() {
    var box = errorBox();
    if (box && !box.hidden) box.hidden = true;
  }

  document.documentElement.classList.add("js");

  // A failed htmx request must never fail silently.
  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var messages = {
      400: "That request was not accepted. Please check what you entered.",
      403: "You are not allowed to do that. Are you still signed in?",
      404: "That page could not be found.",
      409: "That was already done, so nothing changed.",
      413: "That was too large to send.",
      429: "Too many requests. Please wait a moment and try again.",
    };
    showError(messages[status] || "Something went wrong on our side (error " + status + "). Please try again.");
  });

  document.addEventListener("htmx:sendError", function () {
    showError("Could not reach the server. Check your connection; we will keep trying.");
  });

  document.addEventListener("htmx:timeout", function () {
    showError("The server took too long to answer. Please try again.");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) clearError();
  });

  // After a swap, move focus to the element the server marked, so keyboard and
  // screen-reader users land where the change happened. Only swapped-in HTML carries
  // the marker, and it is removed once used.
  document.querySelectorAll("[data-focus-after-swap]").forEach(function (element) {
    element.removeAttribute("data-focus-after-swap");
  });
  document.addEventListener("htmx:afterSettle", function () {
    var marked = document.querySelector("[data-focus-after-swap]");
    if (!marked) return;
    marked.removeAttribute("data-focus-after-swap");
    if (!marked.matches("a, button, input, select, textarea, [tabindex]")) {
      marked.setAttribute("tabindex", "-1");
    }
    marked.focus();
  });
})();
