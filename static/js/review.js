// Keyboard shortcuts for a review session: Space shows the answer, 1–4 rate the card.
// Without this file the same happens by opening "Show answer" and pressing a button.
(() => {
  const card = document.querySelector("[data-review-card]");
  if (!card) return;
  const answer = card.querySelector("details.review-answer");
  const typing = "input, textarea, select, [contenteditable]";
  const native = `${typing}, button, a, summary`;
  let sent = false;
  card.querySelector("[data-focus-on-load]")?.focus();

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target instanceof Element ? event.target : document.body;
    if (event.key === " " && !answer.open && !target.closest(native)) {
      event.preventDefault();
      answer.open = true;
      answer.querySelector("#card-back")?.focus();
      return;
    }
    if (!answer.open || sent || !/^[1-4]$/.test(event.key) || target.closest(typing)) return;
    const button = answer.querySelector(`button[name="rating"][value="${event.key}"]`);
    if (!button) return;
    event.preventDefault();
    sent = true; // one rating per card: a key held down sends one form
    button.form.requestSubmit(button);
  });
})();
