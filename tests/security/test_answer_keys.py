"""Answer keys and grades never reach the browser before the quiz's rules allow
(extends tests/quizzes/test_no_answer_leak.py): a class-assigned quiz whose review opens
when it closes, a quiz that never shows scores, every page and htmx partial of the
attempt and around it, and the error pages (403, 404, 405, 400) students can provoke."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.classes.models import Assignment, Class, Membership
from apps.quizzes.models import Attempt
from tests.quizzes.conftest import client_for, quiz_from_gift
from tests.quizzes.test_no_answer_leak import (
    HX,
    SECRET_GIFT,
    Recorder,
    secrets_in,
    walk_an_attempt,
)

pytestmark = pytest.mark.django_db

# What only a graded review shows: the score, the kept grade, a verdict per question.
GRADE_MARKERS = ["result-score", "kept-grade", "review-points", "Your grade:", "verdict-"]


def grades_in(response, attempt: Attempt | None = None) -> set[str]:
    body = response.content.decode()
    found = {marker for marker in GRADE_MARKERS if marker in body}
    if attempt is not None and attempt.percent is not None:
        score = f"{attempt.score:g} of {attempt.max_score:g} points"
        found |= {score} if score in body else set()
    return found


class GradeRecorder(Recorder):
    """Scans every response for answer-key sentinels and for grades."""

    attempt = None

    def _scan(self, url, response):
        self.seen.append((url, secrets_in(response) | grades_in(response, self.attempt)))
        return response


def every_page_around(recorder, quiz, attempt):
    """Everything a student can open once the attempt is submitted, with and without htmx."""
    urls = [
        "/", "/quizzes/", f"/quizzes/{quiz.slug}/", f"/quizzes/attempts/{attempt.pk}/review/",
        f"/quizzes/attempts/{attempt.pk}/", f"/quizzes/attempts/{attempt.pk}/summary/",
        "/classes/assigned/", f"/teach/quizzes/{quiz.pk}/preview/",
        f"/teach/quizzes/{quiz.pk}/statistics/", f"/teach/quizzes/{quiz.pk}/export/",
        "/teach/grading/",
    ]  # fmt: skip
    for url in urls:
        recorder.get(url)
        recorder.get(url, **HX)
    recorder.post(f"/quizzes/attempts/{attempt.pk}/submit/")  # again: shows the same
    recorder.post(f"/quizzes/attempts/{attempt.pk}/", {"answer": "late"}, **HX)
    recorder.get(f"/quizzes/attempts/{attempt.pk}/submit/")  # 405
    recorder.post(f"/quizzes/{quiz.slug}/start/")


@pytest.fixture
def klass(alice, ingrid):
    klass = Class.objects.create(name="Seminar", owner=ingrid)
    Membership.objects.create(klass=klass, student=alice)
    return klass


def assign(quiz, klass):
    now = timezone.now()
    Assignment.objects.create(
        klass=klass, quiz=quiz, opens_at=now - timedelta(hours=1), due_at=now + timedelta(days=1)
    )


def test_an_assigned_quiz_reviewed_after_it_closes_shows_nothing_before(alice, bob, ingrid, klass):
    quiz = quiz_from_gift(
        SECRET_GIFT, slug="assigned-secret", owner=ingrid, review_after="close",
        closes_at=timezone.now() + timedelta(days=2), feedback_mode="immediate",
    )  # fmt: skip
    assign(quiz, klass)
    recorder = GradeRecorder(client_for(alice))
    attempt = walk_an_attempt(recorder, quiz)
    recorder.post(f"/quizzes/attempts/{attempt.pk}/submit/", follow=True)
    attempt.refresh_from_db()
    recorder.attempt = attempt
    every_page_around(recorder, quiz, attempt)
    assert len(recorder.seen) > 70
    assert recorder.leaks() == []

    # Bob provokes every error page on alice's attempt: none says anything about it.
    nosy = GradeRecorder(client_for(bob))
    nosy.attempt = attempt
    every_page_around(nosy, quiz, attempt)
    assert nosy.leaks() == []

    # The scan sees grades and keys once the rules allow them (it is not blind).
    quiz.closes_at = timezone.now() - timedelta(minutes=1)
    quiz.save()
    review = client_for(alice).get(f"/quizzes/attempts/{attempt.pk}/review/")
    assert "result-score" in grades_in(review, attempt)
    assert "SENTINEL-GENERAL-SINGLE" in secrets_in(review)


def test_a_quiz_that_hides_scores_never_shows_a_grade(alice):
    quiz = quiz_from_gift(SECRET_GIFT, slug="no-scores", review_score=False)
    recorder = GradeRecorder(client_for(alice))
    attempt = walk_an_attempt(recorder, quiz)
    assert recorder.leaks() == []
    recorder.post(f"/quizzes/attempts/{attempt.pk}/submit/", follow=True)
    attempt.refresh_from_db()
    recorder.attempt = attempt
    recorder.seen.clear()
    every_page_around(recorder, quiz, attempt)
    # Answers and feedback may show (their settings allow it); no score, kept grade or
    # per-question points may.
    allowed = {"verdict-"} | {s for _, found in recorder.seen for s in found if "SENTINEL" in s}
    assert [(url, found - allowed) for url, found in recorder.seen if found - allowed] == []
