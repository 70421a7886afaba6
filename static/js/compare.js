// The comparison's address is its state. After Back or Forward (htmx restoring a page
// from its history, or the browser from its back-forward cache) the tickboxes are set
// from the address again, as a browser restores their ticks, not their markup.
(function () {
  "use strict";

  function tickFromAddress() {
    var form = document.getElementById("compare-controls");
    if (!form) return;
    var params = new URLSearchParams(window.location.search);
    ["views", "dims"].forEach(function (name) {
      var named = params.has(name);
      var chosen = params.getAll(name);
      form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
        box.checked = !named || chosen.indexOf(box.value) !== -1;
      });
    });
  }

  document.addEventListener("htmx:historyRestore", tickFromAddress);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) tickFromAddress();
  });
})();
