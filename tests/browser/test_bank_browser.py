"""The question bank in Chromium: an instructor adds one of their questions to two more
quizzes, edits it once, and finds the new version in both; a student who answered it
before the edit still reviews the wording they answered. The bank and the editor meet
WCAG 2.1 AA in light and dark mode."""

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from apps.quizzes.models import Attempt
from tests.browser.test_axe import assert_no_violations, axe_source  # noqa: F401 - the fixture
from tests.teaching.conftest import answered, make_class, quiz_from_gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OLD = "Under anarchy, states rely on"
NEW = "With no government above them, states rely on"


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])  # fmt: skip
    return context


def test_one_question_in_two_quizzes_edited_once(
    live_server,
    browser,
    axe_source,  # noqa: F811 - the fixture imported above
    console_errors,
    ingrid,
    alice,
):
    quiz_from_gift(f"::self-help:: {OLD} {{=self-help ~a world government}}\n", slug="week-1",
                   owner=ingrid)  # fmt: skip
    week_2 = quiz_from_gift("", slug="week-2", owner=ingrid)
    week_3 = quiz_from_gift("", slug="week-3", owner=ingrid)
    make_class(ingrid, students=[alice], quizzes=[week_2])
    teacher = signed_in(browser, live_server, ingrid)
    page = teacher.new_page()

    page.goto(reverse("teach:bank"))
    entry = page.get_by_role("listitem").filter(has_text="self-help").first
    for quiz in ("Week 2", "Week 3"):
        entry.get_by_label("Add to quiz").select_option(quiz)
        entry.get_by_role("button", name="Add").click()
        expect(page.get_by_text(f"self-help is now in “{quiz}” too")).to_be_visible()
    expect(entry).to_contain_text("Used in: Week 1 (1 point), Week 2 (1 point), Week 3 (1 point)")
    assert_no_violations(page, axe_source)

    # Alice answers the question in week 2 before it is edited.
    attempt = answered(week_2, alice, {"self-help": "self-help"})

    page.goto(reverse("teach:quiz_edit", args=[week_3.pk]))
    page.get_by_role("link", name="Edit question 1").click()
    expect(page.locator("#shared-notice")).to_contain_text("The same question is in Week 1, Week 2")
    page.get_by_label("Question text").fill(NEW)
    assert_no_violations(page, axe_source)
    page.get_by_role("button", name="Save question").click()
    expect(page.locator("#question-status")).to_contain_text(
        "Saved question 1 as version 2: submitted attempts keep their marks until you regrade "
        "them. Its wording is now the same in “Week 1”, “Week 2”."
    )

    for quiz in (week_2, week_3):
        page.goto(reverse("teach:quiz_edit", args=[quiz.pk]))
        row = page.locator("#question-list li").first
        expect(row).to_contain_text(NEW)
        expect(row).to_contain_text("version 2")
        expect(row).to_contain_text("also in 2 other quizzes")

    page.goto(reverse("teach:bank"))
    entry = page.get_by_role("listitem").filter(has_text="self-help").first
    entry.get_by_text("Version history").click()
    expect(entry).to_contain_text("Version 2, asked now in Week 1, Week 2, Week 3")
    expect(entry).to_contain_text("Version 1, kept for the attempts in Week 2 · 1 answer")
    assert_no_violations(page, axe_source)
    teacher.close()

    student = signed_in(browser, live_server, alice)
    review = student.new_page()
    review.goto(reverse("quizzes:review", args=[attempt.pk]))
    expect(review.get_by_text(OLD)).to_be_visible()
    expect(review.get_by_text(NEW)).to_have_count(0)
    assert Attempt.objects.get(pk=attempt.pk).score == 1.0
    student.close()
    assert console_errors == []
