// Taking a quiz: retry failed autosaves, count down the time limit, submit only once.
// Every form works without this file; it only makes failures visible and recoverable.
(function () {
  "use strict";

  var RETRY_FIRST_MS = 1000;
  var RETRY_MAX_MS = 30000;
  var failures = 0;
  var retryTimer = null;
  var unsaved = false;

  function isAutosave(event) {
    var elt = event.detail && event.detail.elt;
    return elt && elt.matches && elt.matches("form[data-autosave]");
  }

  function setStatus(text, failed) {
    var status = document.getElementById("save-status");
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", failed);
  }

  function scheduleRetry(form) {
    failures += 1;
    var delay = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * Math.pow(2, failures - 1));
    setStatus("Not saved yet — retrying in " + Math.round(delay / 1000) + " s…", true);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(function () {
      // The form may have been replaced (after Check); retry on the one in the page.
      var current = document.getElementById(form.id) || form;
      current.dispatchEvent(new CustomEvent("quiz:retry"));
    }, delay);
  }

  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("form[data-autosave]")) unsaved = true;
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (isAutosave(event)) setStatus("Saving…", false);
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!isAutosave(event)) return;
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (event.detail.successful) {
      failures = 0;
      unsaved = false;
      return;
    }
    // Other 4xx answers are refusals that sending again would not change; app.js has
    // already said what went wrong.
    if (status === 0 || status === 429 || status >= 500) {
      scheduleRetry(event.detail.elt);
    } else if (status === 403) {
      // Signed out (or the session expired): the answer stays unsaved until they sign in.
      setStatus("Not saved: are you still signed in?", true);
    } else {
      unsaved = false;
    }
  });

  document.addEventListener("htmx:timeout", function (event) {
    if (isAutosave(event)) scheduleRetry(event.detail.elt);
  });

  document.addEventListener("submit", function (event) {
    unsaved = false;
    var form = event.target;
    if (!form.hasAttribute("data-submit-once")) return;
    if (form.dataset.submitted) {
      event.preventDefault();
      return;
    }
    form.dataset.submitted = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
    });
  });

  window.addEventListener("beforeunload", function (event) {
    if (unsaved || failures > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // The countdown. The server enforces the deadline; this only shows it and, at zero,
  // submits so the student lands on the result instead of a refused save.
  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function formatSeconds(total) {
    var hours = Math.floor(total / 3600);
    var minutes = Math.floor((total % 3600) / 60);
    var seconds = total % 60;
    return (hours ? hours + ":" + pad(minutes) : minutes) + ":" + pad(seconds);
  }

  function startTimer(timer) {
    var value = timer.querySelector(".timer-value");
    var announcement = document.getElementById("timer-announcement");
    var endsAt = Date.now() + parseInt(timer.dataset.secondsLeft, 10) * 1000;
    var announced = {};

    function tick() {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      value.textContent = formatSeconds(left);
      timer.classList.toggle("is-urgent", left <= 60);
      [300, 60].forEach(function (mark) {
        if (left <= mark && left > 0 && !announced[mark] && announcement) {
          announced[mark] = true;
          announcement.textContent = mark / 60 + (mark === 60 ? " minute" : " minutes") + " left.";
        }
      });
      if (left > 0) return;
      clearInterval(interval);
      value.textContent = "0:00";
      if (announcement) announcement.textContent = "Time is up. Submitting your saved answers.";
      var form = document.getElementById("timeout-submit");
      // A moment for the last autosave to land (the server allows a short grace).
      if (form) setTimeout(function () { unsaved = false; form.submit(); }, 1500);
    }

    var interval = setInterval(tick, 1000);
    tick();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var timer = document.querySelector(".timer[data-seconds-left]");
    if (timer) startTimer(timer);
  });

  // An attempt's page must not come back from the back-forward cache (a browser may keep
  // even a no-store page): the attempt may have been submitted since. Loaded afresh, the
  // server shows where the attempt is now, its result once submitted.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
})();
