"""Keyboard only, no mouse: a student logs in, finds a lesson, marks it complete, opens a
case from it, switches the case's reading, then takes a quiz, checks an answer and
submits. At every Tab stop the focus is visible; after each htmx swap focus lands where
the change happened (or stays put, for an autosave); the live regions announce saved
answers and the outcome of a check."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.course_content import load_course_content
from tests.quizzes.conftest import quiz_from_gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUIZ = """\
::single:: Which view says that states must, in the end, rely on themselves? {
=Realism#Yes: self-help under anarchy.
~Collective security#No: it promises help from all.
}

::truefalse:: The League of Nations was built on collective security.{TRUE#Look again.#Right.}

::short:: Whose chapter asks whether security regimes are possible? {=Lipson#Right.}
"""

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const ring = style.boxShadow && style.boxShadow !== "none";
  const rect = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), type: el.type || "", id: el.id,
    name: (el.getAttribute("aria-label") || el.innerText || el.value || "").trim().slice(0, 80),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : "",
    visible: (outline || ring) && rect.width > 0 && rect.height > 0,
  };
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUS)


def tab_to(page, description: str, wanted, limit: int = 250, key: str = "Tab") -> dict:
    """Press Tab until `wanted(focus)`; every stop on the way must show its focus."""
    for _ in range(limit):
        page.keyboard.press(key)
        state = focused(page)
        if state is None:
            continue
        assert state["visible"], f"focus is not visible on {state} (looking for {description})"
        if wanted(state):
            return state
    raise AssertionError(f"Tab never reached {description}")


def named(text: str):
    return lambda state: text in state["name"] or text == state["label"]


def assert_focus_visible_on(page, description: str):
    state = focused(page)
    assert state is not None and state["visible"], f"{description}: focus is {state}"
    return state


def test_a_student_learns_and_takes_a_quiz_with_the_keyboard_alone(live_server, page, alice):
    load_course_content()
    quiz_from_gift(QUIZ, slug="keyboard-quiz", feedback_mode="immediate")
    page.goto(f"{live_server.url}/accounts/login/?next=/")

    # Log in.
    tab_to(page, "the username field", lambda s: s["label"] == "Username")
    page.keyboard.type("alice")
    page.keyboard.press("Tab")
    assert focused(page)["label"] == "Password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/")

    # The skip link comes first and takes focus to the content.
    page.keyboard.press("Tab")
    assert named("Skip to main content")(assert_focus_visible_on(page, "skip link"))

    # Find a lesson.
    tab_to(page, "the Lessons link", lambda s: s["tag"] == "a" and s["name"] == "Lessons")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/lessons/$"))
    tab_to(page, "the lesson", named("Why collective security failed"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("collective security failed")

    # Tick it (or untick it, if reading to its end already marked it read): the swapped-in
    # button takes focus, the status says so.
    tick = tab_to(
        page, "the tick", lambda s: s["tag"] == "button" and s["name"].startswith("Mark as")
    )
    page.keyboard.press("Enter")
    ticked = tick["name"] == "Mark as read and stay here"
    status = "You have read this lesson" if ticked else "Marked as not read"
    expect(page.locator("#completion [role=status]")).to_contain_text(status)
    other = "Mark as not read" if ticked else "Mark as read and stay here"
    expect(page.get_by_role("button", name=other)).to_be_focused()
    assert_focus_visible_on(page, "after ticking the lesson")

    # Open its case.
    tab_to(page, "the case link", lambda s: s["tag"] == "a" and "Abyssinia" in s["name"]
           and "/cases/" in page.evaluate("document.activeElement.href"))  # fmt: skip
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cases/league-and-abyssinia/"))

    # Switch the reading: focus lands on the new reading's heading.
    tabs = page.locator(".lens-tabs a")
    second = tabs.nth(1).inner_text().strip()
    tab_to(page, "the second lens", lambda s: s["tag"] == "a" and s["name"] == second)
    page.keyboard.press("Enter")
    expect(tabs.nth(1)).to_have_attribute("aria-current", "true")
    expect(page.locator(".reading h3").first).to_be_focused()
    assert_focus_visible_on(page, "after switching the reading")
    tab_to(page, "the prediction", lambda s: s["tag"] == "textarea")
    page.keyboard.type("Each state looks after itself.")
    tab_to(page, "Commit and reveal", named("Commit and reveal"))
    page.keyboard.press("Enter")
    expect(page.locator(".reading .verdict")).to_be_visible()
    expect(page.locator(".reading h3").first).to_be_focused()
    assert_focus_visible_on(page, "after revealing the reading")

    # Take the quiz.
    tab_to(
        page,
        "the Quizzes link",
        lambda s: s["tag"] == "a" and s["name"] == "Quizzes",
        key="Shift+Tab",
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/quizzes/$"))
    tab_to(page, "the quiz", named("Keyboard Quiz"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/quizzes/keyboard-quiz/$"))
    tab_to(page, "Start the quiz", named("Start the quiz"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Question 1 of 3"))).to_be_visible()
    # The heading shows before the deferred scripts have run; a choice made before htmx
    # has wired the form up would not save itself (no person is that quick).
    page.wait_for_load_state()

    status = page.locator("#save-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_attribute("aria-live", "polite")

    # Question 1: arrows choose within the radio group; the choice saves itself.
    tab_to(page, "the first choice", lambda s: s["type"] == "radio")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    expect(page.get_by_label("Realism")).to_be_checked()
    expect(status).to_have_text(re.compile("Saved"))
    assert focused(page)["type"] == "radio"  # an autosave does not move focus

    # Check it: the form is replaced and focus goes to the verdict, which is read out.
    tab_to(page, "Check answer", named("Check answer"))
    page.keyboard.press("Enter")
    expect(page.locator("#feedback-heading")).to_be_focused()
    expect(page.locator("#feedback-heading")).to_contain_text("Correct")
    assert_focus_visible_on(page, "after Check answer")
    tab_to(page, "Next", named("Next"))
    page.keyboard.press("Enter")

    # Question 2: Space picks a radio button.
    expect(page.get_by_role("heading", name=re.compile("Question 2 of 3"))).to_be_visible()
    tab_to(page, "True", lambda s: s["type"] == "radio" and s["label"] == "True")
    page.keyboard.press("Space")
    expect(status).to_have_text(re.compile("Saved"))
    tab_to(page, "Next", named("Next"))
    page.keyboard.press("Enter")

    # Question 3: typing saves after a pause.
    expect(page.get_by_role("heading", name=re.compile("Question 3 of 3"))).to_be_visible()
    tab_to(page, "the answer box", lambda s: s["tag"] == "input" and s["type"] == "text")
    page.keyboard.type("Lipson")
    expect(status).to_have_text(re.compile("Saved"))
    assert focused(page)["tag"] == "input"
    tab_to(page, "Finish attempt", named("Finish attempt"))
    page.keyboard.press("Enter")

    # Submit, and read the result.
    expect(page.get_by_text("You have answered 3 of 3 questions.")).to_be_visible()
    tab_to(page, "Submit all and finish", named("Submit all and finish"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    expect(page.get_by_role("region", name="Result")).to_contain_text("100%")
    tab_to(page, "the first link after the result", lambda s: s["tag"] == "a")
