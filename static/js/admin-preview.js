// Live Markdown preview in the admin: renders through the same sanitizer the site uses.
(function () {
  "use strict";
  var FIELDS = ["body", "definition", "misconception", "how_security", "exemplar", "weakness",
    "detail", "explains", "misses"];

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function attach(textarea) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button markdown-preview-button";
    button.textContent = "Preview Markdown";
    var output = document.createElement("div");
    output.className = "admin-preview";
    output.setAttribute("aria-live", "polite");
    output.hidden = true;
    textarea.insertAdjacentElement("afterend", output);
    textarea.insertAdjacentElement("afterend", button);
    button.addEventListener("click", function () {
      var data = new FormData();
      data.append("text", textarea.value);
      fetch("/admin/markdown-preview/", {
        method: "POST",
        body: data,
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) throw new Error("status " + response.status);
          return response.text();
        })
        .then(function (html) {
          output.innerHTML = html;
          output.hidden = false;
        })
        .catch(function (error) {
          output.textContent = "Preview failed (" + error.message + "). Your text is unchanged.";
          output.hidden = false;
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    FIELDS.forEach(function (name) {
      document.querySelectorAll("textarea[name$='" + name + "']").forEach(attach);
    });
  });
})();
