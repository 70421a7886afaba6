"""A student takes quizzes in Chromium: immediate and deferred feedback, a reload in the
middle, a failed save that is retried, submitting, and the review."""

import re

import pytest
from playwright.sync_api import expect

from apps.quizzes.models import Attempt
from tests.conftest import PASSWORD
from tests.quizzes.conftest import quiz_from_gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUIZ = """\
::tf:: The League of Nations was built on collective security.{TRUE
#Look again.#Right: an attack on one was an attack on all.
####See [the League](/lessons/why-collective-security-failed/#league).
}

::single:: Which view says that states must rely on themselves? {
=Realism#Yes: self-help under anarchy.
~Collective security#No: it promises help from all.
####See [self-help](/lessons/two-views-of-security/#self-help).
}

::short:: Whose chapter asks whether security regimes are possible? {
=Lipson#Right.
=%50%Charles#Half.
}

::multiple:: Which are features of a security regime? {
~%50%Shared norms
~%50%Reciprocity
~%-100%A world government
}

::matching:: Match each view with its core idea. {
=Realism -> Self-help
=Collective security -> All against any aggressor
=Security regimes -> Shared rules
}
"""


def log_in(page, live_server, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def saved(page):
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved"))


def test_immediate_feedback_checks_each_answer_and_keeps_them_across_a_reload(
    live_server, page, console_errors, alice
):
    quiz_from_gift(QUIZ, slug="two-views", feedback_mode="immediate")
    log_in(page, live_server, "/quizzes/two-views/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_load_state()  # htmx must be listening before the first answer changes
    expect(page.get_by_role("heading", name="Question 1 of 5")).to_be_visible()

    page.get_by_label("False").check()
    saved(page)
    page.get_by_role("button", name="Check answer").click()
    feedback = page.locator(".feedback")
    expect(feedback).to_contain_text("Incorrect")
    expect(feedback).to_contain_text("Look again.")
    expect(feedback.get_by_role("link", name="the League")).to_have_attribute(
        "href", "/lessons/why-collective-security-failed/#league"
    )
    expect(page.get_by_label("True")).to_be_disabled()
    expect(page.get_by_role("button", name="Check answer")).to_have_count(0)

    page.get_by_role("button", name="Next →").click()
    page.get_by_label("Realism").check()
    saved(page)
    page.get_by_role("button", name="Next →").click()
    page.get_by_label("Your answer").press_sequentially("Lipson")
    saved(page)

    page.reload()
    expect(page.get_by_label("Your answer")).to_have_value("Lipson")
    page.get_by_role("button", name="Question 2, answered").click()
    expect(page.get_by_label("Realism")).to_be_checked()
    expect(page.locator(".feedback")).to_have_count(0)  # saved, but not checked
    page.get_by_role("button", name="Question 1, checked").click()
    expect(page.locator(".feedback")).to_contain_text("Look again.")

    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_text("You have answered 3 of 5 questions.")).to_be_visible()
    page.get_by_role("button", name="Submit all and finish").click()
    expect(page.get_by_role("heading", name="Your result")).to_be_visible()
    expect(page.locator(".result-score")).to_contain_text("40%")
    expect(page.locator(".result-card")).to_contain_text("Not passed")
    first = page.locator(".review-list > li").first
    expect(first).to_contain_text("Look again.")
    expect(first.get_by_role("link", name="the League")).to_be_visible()

    page.get_by_role("link", name="All your attempts").click()
    expect(page.locator(".kept-grade")).to_contain_text("40%")
    assert console_errors == []


def test_deferred_feedback_shows_nothing_until_submitted_then_reviews(
    live_server, page, console_errors, alice
):
    quiz_from_gift(QUIZ, slug="deferred", pass_mark=60)
    log_in(page, live_server, "/quizzes/deferred/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_load_state()  # htmx must be listening before the first answer changes

    page.get_by_label("True").check()
    saved(page)
    expect(page.get_by_role("button", name="Check answer")).to_have_count(0)
    page.get_by_role("button", name="Question 4, not answered").click()
    page.get_by_label("Shared norms").check()
    page.get_by_label("Reciprocity").check()
    saved(page)
    page.get_by_role("button", name="Next →").click()
    page.get_by_label("Realism").select_option("Self-help")
    page.get_by_label("Collective security").select_option("All against any aggressor")
    saved(page)

    page.reload()  # mid-attempt: nothing is lost
    expect(page.get_by_label("Realism")).to_have_value("Self-help")
    expect(page.get_by_label("Collective security")).to_have_value("All against any aggressor")
    page.get_by_role("button", name="Question 4, answered").click()
    expect(page.get_by_label("Shared norms")).to_be_checked()
    expect(page.get_by_label("Reciprocity")).to_be_checked()
    expect(page.locator("main")).not_to_contain_text("Right: an attack")

    page.get_by_role("button", name="Finish attempt…").click()
    expect(page.get_by_text("You have answered 3 of 5 questions.")).to_be_visible()
    page.get_by_role("button", name="Submit all and finish").click()

    # 1 (true/false) + 1 (both halves) + 2/3 (matching) of 5 points.
    expect(page.locator(".result-score")).to_contain_text("53%")
    expect(page.locator(".result-card")).to_contain_text("Not passed")
    review = page.locator(".review-list > li")
    expect(review.nth(0)).to_contain_text("Right: an attack on one was an attack on all.")
    expect(review.nth(2)).to_contain_text("Not answered.")
    expect(review.nth(2)).to_contain_text("Lipson")  # the accepted answer
    expect(review.nth(4).get_by_role("cell", name="Shared rules").last).to_be_visible()
    expect(review.nth(1).get_by_role("link", name="self-help")).to_have_attribute(
        "href", "/lessons/two-views-of-security/#self-help"
    )
    assert Attempt.objects.get().state == "submitted"

    # Back from the result never shows the stale "Check before you submit" again: the
    # page is not kept (no-store, and reloaded if a browser kept it anyway), and the
    # summary of a submitted attempt sends the student on to its result.
    page.go_back()
    expect(page.locator(".result-score")).to_contain_text("53%")
    expect(page.get_by_role("heading", name="Check before you submit")).to_have_count(0)
    assert console_errors == []


def test_a_failed_save_is_shown_and_retried(live_server, page, alice):
    quiz_from_gift(QUIZ, slug="flaky")
    log_in(page, live_server, "/quizzes/flaky/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_load_state()  # htmx must be listening before the first answer changes
    attempt_url = page.url.split("?")[0]

    failures = []

    def fail_once(route):
        if not failures:
            failures.append(route.request.url)
            route.abort("connectionfailed")
        else:
            route.continue_()

    page.route(re.compile(re.escape(attempt_url) + r"\?q=1$"), fail_once)
    page.get_by_label("True").check()
    expect(page.locator("#save-status")).to_contain_text("Not saved yet — retrying")
    expect(page.locator("#htmx-error")).to_be_visible()
    saved(page)
    expect(page.locator("#htmx-error")).to_be_hidden()
    assert len(failures) == 1
    page.reload()
    expect(page.get_by_label("True")).to_be_checked()


def test_the_question_list_follows_autosaves_without_a_reload(
    live_server, page, console_errors, alice
):
    quiz_from_gift(QUIZ, slug="question-list", feedback_mode="immediate")
    log_in(page, live_server, "/quizzes/question-list/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_load_state()  # htmx must be listening before the first answer changes
    questions = page.get_by_role("navigation", name="Questions")
    expect(questions.get_by_role("button", name="Question 1, not answered")).to_be_visible()

    page.get_by_label("False").check()
    saved(page)
    first = questions.get_by_role("button", name="Question 1, answered")
    expect(first).to_be_visible()
    expect(first).to_contain_text("✓")  # said in text, not by colour alone
    page.get_by_role("button", name="Check answer").click()
    expect(page.locator(".feedback")).to_contain_text("Incorrect")
    expect(questions.get_by_role("button", name="Question 1, checked")).to_be_visible()

    questions.get_by_role("button", name="Question 3, not answered").click()
    answer = page.get_by_label("Your answer")
    answer.press_sequentially("Lipson")
    saved(page)
    third = questions.get_by_role("button", name="Question 3, answered")
    expect(third).to_contain_text("✓")
    answer.fill("")  # cleared: no longer answered
    expect(questions.get_by_role("button", name="Question 3, not answered")).to_be_visible()
    expect(questions.get_by_role("button", name="Question 3, not answered")).not_to_contain_text(
        "✓"
    )
    expect(questions.get_by_role("button", name="Question 2, not answered")).to_be_visible()

    page.reload()  # the full page agrees
    expect(questions.get_by_role("button", name="Question 1, checked")).to_contain_text("✓")
    expect(questions.get_by_role("button", name="Question 3, not answered")).to_be_visible()
    assert console_errors == []
