"""Preview: the student's own take page, paged the same way, with nothing saved."""

import re

import pytest
from django.urls import reverse

from apps.quizzes import services
from apps.quizzes.models import Attempt, Response
from apps.quizzes.presentation import names_for_preview
from tests.quizzes.conftest import choice_id, questions_by_title
from tests.teaching.conftest import HX, client_for, quiz_from_gift

pytestmark = pytest.mark.django_db


def question_block(page: str) -> str:
    """The question as the student sees it: from its heading to the answer buttons."""
    start = page.index('<h1 class="question-heading">')
    return page[start : page.index('<div class="answer-actions">', start)]


def same_but_names(html: str) -> str:
    return re.sub(r"\b[0-9a-f]{16}\b", "NAME", html)


def preview_url(quiz, slot=1):
    return reverse("teach:quiz_preview", args=[quiz.pk]) + f"?q={slot}"


@pytest.mark.parametrize("slot", range(1, 9))
def test_each_question_looks_exactly_as_on_the_take_page(ingrid, alice, own_quiz, slot):
    attempt = services.start_attempt(own_quiz, alice)
    take = client_for(alice).get(f"/quizzes/attempts/{attempt.pk}/?q={slot}").content.decode()
    preview = client_for(ingrid).get(preview_url(own_quiz, slot)).content.decode()
    # Option names are drawn per attempt (or preview); everything else is the same.
    assert same_but_names(question_block(preview)) == same_but_names(question_block(take))
    assert "Preview: this is the page students see." in preview


def test_previewing_saves_nothing_and_creates_no_attempt(ingrid, own_quiz):
    client = client_for(ingrid)
    qs = questions_by_title(own_quiz)
    client.get(preview_url(own_quiz))
    realism = names_for_preview(ingrid, own_quiz).name(choice_id(qs["single"], "Realism"))
    client.post(preview_url(own_quiz), {"answer": realism, "go": "2"})
    client.post(preview_url(own_quiz), {"answer": realism, "action": "check"})
    assert not Attempt.objects.exists() and not Response.objects.exists()


def test_the_preview_form_does_not_autosave(ingrid, own_quiz):
    page = client_for(ingrid).get(preview_url(own_quiz)).content.decode()
    form = re.search(r'<form id="answer-form"[^>]*>', page).group(0)
    assert "data-autosave" not in form and "hx-post" not in form


def test_check_answer_shows_the_feedback_even_in_a_deferred_quiz(ingrid, own_quiz):
    qs = questions_by_title(own_quiz)
    wrong = names_for_preview(ingrid, own_quiz).name(choice_id(qs["single"], "Collective security"))
    data = {"answer": wrong, "action": "check"}
    response = client_for(ingrid).post(preview_url(own_quiz), data, **HX)
    page = response.content.decode()
    assert page.strip().startswith('<form id="answer-form"')
    assert "Incorrect" in page and "No: it promises help from all." in page
    assert "See <a" in page  # the explanation, with its link to the lesson


def test_checking_without_an_answer_says_so(ingrid, own_quiz):
    page = client_for(ingrid).post(preview_url(own_quiz), {"action": "check"}).content.decode()
    assert "Answer the question before checking it." in page


def test_the_pager_moves_between_questions_and_finishing_returns_to_the_editor(ingrid, own_quiz):
    client = client_for(ingrid)
    assert client.post(preview_url(own_quiz, 3), {"go": "4"}).url == preview_url(own_quiz, 4)
    finish = client.post(preview_url(own_quiz, 8), {"go": "summary"}, follow=True)
    assert finish.redirect_chain[-1][0] == reverse("teach:quiz_edit", args=[own_quiz.pk])
    points = sum(q.max_points for q in own_quiz.questions.current())
    assert points == 8  # eight kinds, a point each; the essay counts too
    assert (
        f"End of the preview: 8 questions worth {points} points in total. Nothing was saved."
        in finish.content.decode()
    )
    assert "Question 8 <span" in client.get(preview_url(own_quiz, 99)).content.decode()


def test_an_instructor_previews_a_course_quiz_and_finishes_on_the_dashboard(ivan):
    course = quiz_from_gift(slug="course")
    client = client_for(ivan)
    assert client.get(preview_url(course)).status_code == 200
    assert client.post(preview_url(course), {"go": "summary"}).url == reverse("teach:dashboard")


def test_a_quiz_without_questions_has_nothing_to_preview(ingrid):
    empty = quiz_from_gift("", slug="empty", owner=ingrid)
    response = client_for(ingrid).get(preview_url(empty), follow=True)
    assert "no questions to preview" in response.content.decode()
