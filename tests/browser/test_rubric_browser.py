"""Grading an essay by rubric in Chromium: the instructor picks a level per criterion
and sees the computed points; the student then reads the rubric in their review. axe
checks the pages this work added in the states the crawl cannot reach (a rubric to
grade with, a graded rubric, typed answers and misconceptions in the statistics)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.quizzes import services
from apps.quizzes.models import Misconception, RubricCriterion, RubricLevel
from tests.browser.test_axe import axe_source, violations_on  # noqa: F401
from tests.browser.test_teaching_browser import log_in
from tests.teaching.conftest import answered, make_class, quiz_from_gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GIFT = """\
::Pick:: What is a regime? {
=Shared rules in one issue area.
~An international organisation.
// [misconception:a-regime-is-an-organisation]
}

::Word:: Which body did Wilson design? {=League of Nations}

::Essay:: Why is a regime not an organisation? {}
"""


def test_an_instructor_grades_an_essay_by_rubric_and_the_student_reads_it(
    live_server,
    page,
    console_errors,
    axe_source,  # noqa: F811
    ingrid,
    alice,
):
    Misconception.objects.create(
        slug="a-regime-is-an-organisation",
        statement="A regime is an international organisation.",
        section="/lessons/what-is-a-regime/#regimes-and-organizations",
    )
    quiz = quiz_from_gift(GIFT, slug="rubric-quiz", owner=ingrid)
    essay = quiz.questions.get(title="Essay")
    essay.points = 3
    essay.save()
    levels = [("Missing", "0"), ("Partial", "2"), ("Clear", "4")]
    services.save_rubric(essay, [
        (RubricCriterion(title="Argument"), [RubricLevel(title=t, points=Decimal(p))
                                             for t, p in levels]),
        (RubricCriterion(title="Evidence"), [RubricLevel(title="None", points=0),
                                             RubricLevel(title="Strong", points=2)]),
    ])  # fmt: skip
    klass = make_class(ingrid, students=[alice], quizzes=[quiz])
    attempt = answered(quiz, alice, {"Pick": "An international organisation.",
                                     "Word": "league", "Essay": "Rules are not actors."})  # fmt: skip
    answer = attempt.responses.get(question=essay)

    log_in(page, live_server, "ingrid")
    page.goto(f"{live_server.url}/teach/grading/{answer.pk}/")
    assert violations_on(page, axe_source) == []
    page.get_by_role("group", name="Argument").get_by_label("Partial (2 pts)").check()
    page.get_by_role("group", name="Evidence").get_by_label("Strong (2 pts)").check()
    page.get_by_label("Comment").fill("Name the norms.")
    page.get_by_role("button", name="Save grade").click()
    # (2 + 2) of 6 rubric points, of the question's 3: 2.
    expect(page.get_by_role("status")).to_contain_text("Graded 2 / 3")

    for path in (
        f"/teach/quizzes/{quiz.pk}/questions/{essay.pk}/rubric/",
        f"/teach/quizzes/{quiz.pk}/statistics/",
        f"/teach/classes/{klass.pk}/gradebook/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert violations_on(page, axe_source) == [], path
    expect(page.locator(".gradebook")).to_contain_text("Class average")

    page.context.clear_cookies()
    log_in(page, live_server, "alice")
    page.goto(f"{live_server.url}/quizzes/attempts/{attempt.pk}/review/")
    rubric = page.get_by_role("table", name="Rubric")
    expect(rubric).to_contain_text("Partial")
    expect(rubric).to_contain_text("2 of 4")
    expect(page.get_by_text("Name the norms.")).to_be_visible()
    assert violations_on(page, axe_source) == []
    assert console_errors == []
