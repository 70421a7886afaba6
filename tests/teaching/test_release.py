"""Releasing results by hand, marks and feedback apart, and pages that say truthfully when
results appear."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.classes.models import Assignment
from apps.quizzes import services
from tests.teaching.conftest import answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = "::pick:: Pick {=right#Well done. ~wrong#Think again.}\n\n::essay:: Why? {}\n"


@pytest.fixture
def quiz(ingrid, alice):
    quiz = quiz_from_gift(GIFT, slug="held-back", owner=ingrid, review_after="manual")
    make_class(ingrid, students=[alice], quizzes=[quiz])
    return quiz


@pytest.fixture
def attempt(quiz, alice, ingrid):
    attempt = answered(quiz, alice, {"pick": "wrong", "essay": "Because."})
    services.grade_essay(attempt.responses.get(question__title="essay"), ingrid, 1, "Nicely put.")
    return attempt


def review(alice, attempt) -> str:
    return client_for(alice).get(reverse("quizzes:review", args=[attempt.pk])).content.decode()


def release(ingrid, quiz, what: str):
    return client_for(ingrid).post(reverse("teach:quiz_release", args=[quiz.pk]), {"release": what})


def test_nothing_shows_until_released_then_marks_and_feedback_apart(ingrid, alice, quiz, attempt):
    page = review(alice, attempt)
    assert "Attempt submitted" in page and "50%" not in page
    assert "Think again." not in page and "Nicely put." not in page
    assert "Your score will be shown here when your instructor releases it." in page

    assert release(ingrid, quiz, "marks").status_code == 302
    page = review(alice, attempt)
    assert "50%" in page and "Think again." not in page and "Nicely put." not in page

    release(ingrid, quiz, "feedback")
    page = review(alice, attempt)
    assert "Think again." in page and "Nicely put." in page and "✓ Correct" in page

    release(ingrid, quiz, "withhold")
    page = review(alice, attempt)
    assert "50%" not in page and "Think again." not in page


def test_feedback_alone_can_go_first(ingrid, alice, quiz, attempt):
    release(ingrid, quiz, "feedback")
    page = review(alice, attempt)
    assert "Think again." in page and "50%" not in page


def test_the_release_page_says_what_students_see(ingrid, quiz, attempt):
    client = client_for(ingrid)
    url = reverse("teach:quiz_release", args=[quiz.pk])
    page = client.get(url).content.decode()
    assert "only when you release them" in page and page.count("Not shown yet") == 2
    page = client.post(url, {"release": "both"}, follow=True).content.decode()
    assert "Marks and feedback released: students see them now." in page
    assert "Withhold again" in page and "Release marks now" not in page
    assert client.post(url, {"release": "everything"}).status_code == 400


def test_another_instructor_cannot_release(ivan, quiz):
    assert release(ivan, quiz, "both").status_code == 404
    quiz.refresh_from_db()
    assert quiz.marks_released_at is None


@pytest.mark.parametrize(
    "settings, says",
    [
        ({"review_after": "submit"}, "After you submit"),
        ({"review_after": "close"}, "When your instructor releases it"),  # no closing time
        ({"review_after": "close", "closes_at": "SOON"}, "After the quiz closes, on"),
        ({"review_after": "manual"}, "When your instructor releases it"),
        ({"review_answers": False, "review_feedback": False}, "None after the attempt"),
        ({"feedback_mode": "immediate", "review_after": "close"}, "Check each answer as you go"),
    ],
)
def test_the_quiz_page_says_when_feedback_appears(ingrid, alice, settings, says):
    if settings.get("closes_at") == "SOON":
        settings["closes_at"] = timezone.now() + timedelta(days=2)
    quiz = quiz_from_gift(GIFT, slug="timing", owner=ingrid, **settings)
    make_class(ingrid, students=[alice], quizzes=[quiz])
    page = client_for(alice).get(quiz.get_absolute_url()).content.decode()
    assert f"<dt>Feedback</dt><dd>{says}" in page


def test_a_closed_quiz_is_not_called_overdue(ingrid, alice):
    now = timezone.now()
    quiz = quiz_from_gift(GIFT, slug="closed", owner=ingrid, opens_at=now - timedelta(days=3),
                          closes_at=now - timedelta(hours=1))  # fmt: skip
    open_quiz = quiz_from_gift(GIFT, slug="still-open", owner=ingrid)
    make_class(ingrid, students=[alice], quizzes=[quiz, open_quiz])
    Assignment.objects.update(opens_at=now - timedelta(days=2), due_at=now - timedelta(days=1))
    page = client_for(alice).get(reverse("classes:assigned")).content.decode()
    assert "Closed: not submitted" in page and "Overdue: not submitted" in page
    assert page.count("not submitted") == 2
