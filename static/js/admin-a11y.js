// Repairs in Django's own admin markup that axe (WCAG 2.1 AA) would otherwise report.
(function () {
  "use strict";

  // The filter_horizontal widget (SelectFilter2.js) draws its search icon as a <span>
  // with an aria-label, which a plain span may not carry; as an image it may.
  function nameIcons(root) {
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
  }

  new MutationObserver(function () { nameIcons(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", function () { nameIcons(document); });
})();
