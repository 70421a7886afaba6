// The OIDC login inside an LMS frame: when the browser keeps a third-party cookie, go on
// at once; when it does not, say so and leave the "new window" link (CSP: no inline script).
(function () {
  "use strict";
  var box = document.getElementById("lti-cookie-check");
  if (!box) return;
  var secure = window.location.protocol === "https:";
  var attributes = "; path=/" + (secure ? "; SameSite=None; Secure; Partitioned" : "");
  document.cookie = "lti_cookie_check=1" + attributes;
  var kept = document.cookie.indexOf("lti_cookie_check=1") !== -1;
  document.cookie = "lti_cookie_check=; Max-Age=0" + attributes;
  if (kept) {
    window.location.replace(box.dataset.continueUrl);
    return;
  }
  document.getElementById("lti-cookie-checking").hidden = true;
  document.getElementById("lti-cookie-blocked").hidden = false;
  document.getElementById("lti-continue").hidden = true;
})();
