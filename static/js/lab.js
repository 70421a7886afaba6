// Regime lab: live slider values, a spoken summary after each update, and tables that
// stay open across updates. The lab works fully without this file.
(function () {
  "use strict";

  // Mirrors forms.slider_text on the server.
  function sliderText(kind, value) {
    var plural = value === 1 ? "" : "s";
    switch (kind) {
      case "decimal": return value.toFixed(2);
      case "percent": return Math.round(value * 100) + "%";
      case "whole-percent": return value + "%";
      case "points": return value + " point" + plural;
      case "meetings": return value + " meeting" + plural;
      default: return String(value);
    }
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=range][data-kind]")) return;
    var output = document.querySelector('output[for="' + input.id + '"]');
    var value = parseFloat(input.value);
    if (output && !isNaN(value)) output.textContent = sliderText(input.dataset.kind, value);
  });

  var openTables = [];

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target.id !== "results") return;
    openTables = Array.prototype.map.call(
      event.detail.target.querySelectorAll("details[open] table[id]"),
      function (table) { return table.id; }
    );
  });

  document.addEventListener("htmx:afterSettle", function () {
    var results = document.getElementById("results");
    if (!results) return;
    openTables.forEach(function (id) {
      var table = document.getElementById(id);
      var details = table && table.closest("details");
      if (details) details.open = true;
    });
    // Errors now show inside #results; ones printed beside the fields came with the
    // page and may no longer apply.
    var live = 'form[hx-target="#results"] ';
    document.querySelectorAll(live + ".errorlist").forEach(function (list) {
      list.remove();
    });
    document.querySelectorAll(live + "[aria-invalid]").forEach(function (field) {
      field.removeAttribute("aria-invalid");
    });
    var status = document.getElementById("lab-status");
    if (status) {
      var errors = results.querySelector(".lab-errors");
      status.textContent = errors ? "" : results.dataset.summary || "";
    }
  });
})();
