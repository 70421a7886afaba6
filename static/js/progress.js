// Keeps a signed-in student's place in a lesson: reports the section being read (once
// the reader has settled on it) and the end of the lesson when it comes into view.
// Without this script the "I've read this" button at the end does the same.
// It is loaded before htmx (from the page's head), so it starts once every deferred
// script has run.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var article = document.querySelector("[data-progress-url]");
  if (!article || !window.htmx || !("IntersectionObserver" in window)) return;
  var url = article.getAttribute("data-progress-url");
  var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  var headings = Array.prototype.slice.call(article.querySelectorAll(".prose-body h2[id]"));
  var end = document.getElementById("completion");
  var SETTLE_MS = 1500;
  var reported = "";
  var timer = null;

  function post(values, target) {
    return htmx.ajax("POST", url, {
      values: values,
      headers: headers,
      target: target || article,
      swap: target ? "outerHTML" : "none",
    });
  }

  // The section being read: the last heading above the upper third of the window.
  function currentSection() {
    var line = window.innerHeight / 3;
    var current = "";
    headings.forEach(function (heading) {
      if (heading.getBoundingClientRect().top < line) current = heading.id;
    });
    return current;
  }

  function reportSoon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      var section = currentSection();
      if (section && section !== reported) {
        reported = section;
        post({ section: section });
      }
    }, SETTLE_MS);
  }

  var sections = new IntersectionObserver(reportSoon);
  headings.forEach(function (heading) { sections.observe(heading); });

  // The end counts once it has stayed in view for a moment. The progress section is
  // swapped for its "read" version only while the reader is not using it: a keyboard
  // user's focus is never pulled out from under them.
  var endTimer = null;
  if (end && end.querySelector(".read-on")) {
    var ending = new IntersectionObserver(function (entries) {
      window.clearTimeout(endTimer);
      if (!entries.some(function (entry) { return entry.isIntersecting; })) return;
      endTimer = window.setTimeout(function () {
        ending.disconnect();
        var current = document.getElementById("completion");
        if (!current || !current.querySelector(".read-on")) return;
        var inUse = current.contains(document.activeElement);
        post({ read: "1" }, inUse ? null : "#completion");
      }, SETTLE_MS);
    });
    ending.observe(end);
  }
});
