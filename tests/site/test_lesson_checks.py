"""Checks inside the lessons: placed at the end of the section each tests, answered inline
with htmx or with a plain form post, ungraded, the last answer kept for a signed-in
student and announced to spaced review; anonymous readers answer too, nothing kept."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.lessons.models import Lesson
from apps.quizzes.models import CheckAnswer, LessonCheck
from apps.quizzes.presentation import names_for_check
from apps.quizzes.signals import questions_answered
from tests.quizzes.conftest import client_for

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def announced():
    """What questions_answered carried, in order."""
    sent = []

    def receive(sender, **kwargs):
        sent.append(kwargs)

    questions_answered.connect(receive, dispatch_uid="test-announced")
    yield sent
    questions_answered.disconnect(dispatch_uid="test-announced")


def lesson_and_check(slug="two-views-of-security", number=1):
    check = LessonCheck.objects.select_related("lesson", "question").get(
        lesson__slug=slug, position=number
    )
    return check.lesson, check


def check_url(check) -> str:
    return reverse("site:lesson-check", args=[check.lesson.slug, check.position])


def answer_for(user, check, right: bool) -> dict:
    """The posted form for a single-choice or true/false check: the right option or a
    wrong one, under the opaque name this reader's page gives it."""
    names = names_for_check(user, check)
    choice = next(c for c in check.question.choices.all() if (c.fraction >= 1) == right)
    return {"answer": names.name(choice.pk)}


def check_html(html: str, anchor: str) -> str:
    found = re.search(rf'<section class="lesson-check" id="{anchor}".*?</section>', html, re.S)
    assert found, f"no check #{anchor} in the page"
    return found.group(0)


def test_every_lesson_has_two_to_four_checks_each_after_the_section_it_tests(content):
    client = Client()
    for lesson in Lesson.objects.published():
        checks = list(lesson.checks.select_related("question"))
        assert 2 <= len(checks) <= 4, lesson.slug
        html = client.get(lesson.get_absolute_url()).content.decode()
        headings = [m.start() for m in re.finditer(r"<h2 id=", html)]
        for check in checks:
            # The explanation links back to a heading of this very lesson.
            assert f'href="{lesson.get_absolute_url()}#' in check.question.general_feedback_html
            at = html.index(f'id="{check.anchor}"')
            section = html.index(f'<h2 id="{check.section}"')
            later = [h for h in headings if h > section]
            assert section < at < (later[0] if later else len(html)), check
            assert f'href="#{check.section}"' in check_html(html, check.anchor)


def test_a_student_answers_with_htmx_and_gets_the_verdict_and_explanation(
    content, alice, announced, django_capture_on_commit_callbacks
):
    lesson, check = lesson_and_check()
    client = client_for(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check_url(check), answer_for(alice, check, right=False), **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<section class="lesson-check" id="{check.anchor}"')
    assert "verdict-incorrect" in body and "Try again" in body
    assert check.question.general_feedback_html in body
    kept = CheckAnswer.objects.get(user=alice, lesson_check=check)
    assert (kept.fraction, kept.question_id) == (0.0, check.question_id)
    assert len(announced) == 1
    [(question, correct)] = announced[0]["answers"]
    assert announced[0]["source"] == "check" and correct is False
    assert question.pk == check.question_id and announced[0]["user"] == alice

    with django_capture_on_commit_callbacks(execute=True):
        client.post(check_url(check), answer_for(alice, check, right=True), **HX)
    kept.refresh_from_db()
    assert kept.fraction == 1.0  # the last answer replaces the first, one row per check
    assert CheckAnswer.objects.filter(user=alice).count() == 1
    assert [a["answers"][0][1] for a in announced] == [False, True]


def test_a_plain_post_returns_to_the_check_and_the_lesson_shows_the_last_answer(
    content, alice, bob
):
    lesson, check = lesson_and_check("what-is-a-regime", 3)
    response = client_for(alice).post(check_url(check), answer_for(alice, check, right=True))
    assert response.status_code == 302
    assert response["Location"] == f"{lesson.get_absolute_url()}#{check.anchor}"
    page = client_for(alice).get(lesson.get_absolute_url()).content.decode()
    assert "verdict-correct" in check_html(page, check.anchor)
    # Bob's page, and anyone else's, knows nothing of alice's answer.
    other = client_for(bob).get(lesson.get_absolute_url()).content.decode()
    assert "verdict-" not in other and "Check answer" in check_html(other, check.anchor)


def test_try_again_asks_the_check_afresh_with_and_without_javascript(content, alice):
    lesson, check = lesson_and_check()
    client = client_for(alice)
    client.post(check_url(check), answer_for(alice, check, right=True))
    again = client.get(f"{lesson.get_absolute_url()}?again={check.position}")
    fresh = check_html(again.content.decode(), check.anchor)
    assert "verdict-" not in fresh and "Check answer" in fresh
    partial = client.get(check_url(check), **HX).content.decode()
    assert "verdict-" not in partial and "Check answer" in partial
    assert client.get(check_url(check))["Location"].endswith(f"?again=1#{check.anchor}")
    # Asking afresh forgets nothing: the last answer is still there on the next visit.
    assert CheckAnswer.objects.filter(user=alice, lesson_check=check).exists()


def test_an_anonymous_reader_answers_too_and_nothing_is_kept(
    content, announced, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import AnonymousUser

    lesson, check = lesson_and_check()
    client = Client()
    client.get(lesson.get_absolute_url())  # the CSRF cookie, as a browser would have it
    answer = answer_for(AnonymousUser(), check, right=True)
    with django_capture_on_commit_callbacks(execute=True):
        partial = client.post(check_url(check), answer, **HX).content.decode()
        page = client.post(check_url(check), answer)
    assert "verdict-correct" in partial
    # Without JavaScript the lesson itself comes back, the check answered in place.
    assert page.status_code == 200
    assert "verdict-correct" in check_html(page.content.decode(), check.anchor)
    assert f'action="{check_url(check)}#{check.anchor}"' in page.content.decode()
    assert not CheckAnswer.objects.exists()
    assert announced == []


@pytest.mark.parametrize("posted", [{}, {"answer": ""}, {"answer": "not-a-name"}])
def test_an_empty_or_unknown_answer_gets_a_message_and_nothing_is_kept(content, alice, posted):
    lesson, check = lesson_and_check()
    client = client_for(alice)
    partial = client.post(check_url(check), posted, **HX)
    assert partial.status_code == 200
    assert 'class="check-error" role="alert"' in partial.content.decode()
    page = client.post(check_url(check), posted)
    assert page.status_code == 200
    assert 'role="alert"' in check_html(page.content.decode(), check.anchor)
    assert not CheckAnswer.objects.exists()


def test_a_missing_check_or_hidden_lesson_is_not_found(content, alice):
    lesson, check = lesson_and_check()
    client = client_for(alice)
    assert client.post(reverse("site:lesson-check", args=[lesson.slug, 99]), {}).status_code == 404
    Lesson.objects.filter(pk=lesson.pk).update(status="draft")
    assert client.post(check_url(check), answer_for(alice, check, True)).status_code == 404
    assert not CheckAnswer.objects.exists()


def test_each_kind_of_check_grades_as_the_quiz_engine_does(content, alice):
    """A typed answer, a number and a matching question, answered inline."""
    client = client_for(alice)
    _, short = lesson_and_check("how-regimes-work", 1)
    body = client.post(check_url(short), {"answer": " Shadow of the  Future "}, **HX)
    assert "verdict-correct" in body.content.decode()
    _, number = lesson_and_check("cooperation-under-anarchy", 2)
    assert (
        "verdict-incorrect"
        in client.post(check_url(number), {"answer": "3"}, **HX).content.decode()
    )
    _, matching = lesson_and_check("what-is-a-regime", 2)
    names = names_for_check(alice, matching)
    pairs = {f"match-{names.name(c.pk)}": c.match_text for c in matching.question.choices.all()}
    first = next(iter(pairs))
    pairs[first] = ""  # one of four left out: partly right
    body = client.post(check_url(matching), pairs, **HX).content.decode()
    assert "verdict-partly-correct" in body and "3 of 4 pairs" in body


def test_the_lesson_page_costs_the_same_queries_however_many_checks_are_answered(content, alice):
    lesson = Lesson.objects.get(slug="two-views-of-security")
    client = client_for(alice)
    client.get(lesson.get_absolute_url())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(lesson.get_absolute_url()).status_code == 200
        return len(captured)

    none_answered = queries()
    for check in lesson.checks.all():
        client.post(check_url(check), answer_for(alice, check, right=True))
    assert queries() == none_answered <= 14
