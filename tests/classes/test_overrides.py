"""Per-student exceptions (overrides): more attempts, a later close, more time and a later
due date, each enforced by the attempt rules for that student alone."""

from datetime import timedelta

import pytest
from django.template.defaultfilters import date
from django.urls import reverse
from django.utils import timezone

from apps.classes import services as class_services
from apps.classes.models import Override
from apps.quizzes import services
from apps.teaching import gradebook
from tests.teaching.conftest import answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = "::pick:: Pick {=right ~wrong}"


@pytest.fixture
def quiz(ingrid):
    return quiz_from_gift(GIFT, slug="strict", owner=ingrid, attempts_allowed=1, time_limit=10)


@pytest.fixture
def assignment(ingrid, alice, bob, quiz):
    return make_class(ingrid, students=[alice, bob], quizzes=[quiz]).assignments.get()


def test_extra_attempts_are_for_the_student_given_them(quiz, assignment, alice, bob, ingrid):
    answered(quiz, alice, {"pick": "wrong"})
    answered(quiz, bob, {"pick": "wrong"})
    class_services.grant_override(assignment, [alice], extra_attempts=1, by=ingrid)
    assert services.start_attempt(quiz, alice).number == 2
    with pytest.raises(services.NoAttemptsLeft):
        services.start_attempt(quiz, bob)


def test_a_later_close_lets_the_student_start_and_ends_their_attempt_then(
    quiz, assignment, alice, bob
):
    now = timezone.now()
    quiz.closes_at, quiz.time_limit = now - timedelta(hours=1), None
    quiz.opens_at = now - timedelta(days=2)
    quiz.save()
    later = now + timedelta(days=1)
    class_services.grant_override(assignment, [alice], closes_at=later)
    assert services.start_attempt(quiz, alice, now=now).deadline == later
    with pytest.raises(services.QuizNotOpen):
        services.start_attempt(quiz, bob, now=now)


def test_more_time_applies_to_new_attempts_and_to_one_already_open(quiz, assignment, alice, bob):
    now = timezone.now()
    bobs = services.start_attempt(quiz, bob, now=now)
    open_attempt = services.start_attempt(quiz, alice, now=now)
    assert open_attempt.deadline == now + timedelta(minutes=10)
    [override] = class_services.grant_override(assignment, [alice], time_limit=30)
    open_attempt.refresh_from_db()
    assert open_attempt.deadline == now + timedelta(minutes=30)
    bobs.refresh_from_db()
    assert bobs.deadline == now + timedelta(minutes=10)
    class_services.withdraw_override(override)
    open_attempt.refresh_from_db()
    assert open_attempt.deadline == now + timedelta(minutes=10)


def test_a_later_due_date_keeps_a_submission_on_time(quiz, assignment, alice, bob, ingrid):
    now = timezone.now()
    assignment.opens_at, assignment.due_at = now - timedelta(days=3), now - timedelta(days=1)
    assignment.save()
    class_services.grant_override(assignment, [alice], due_at=now + timedelta(days=1))
    answered(quiz, alice, {"pick": "right"})
    answered(quiz, bob, {"pick": "right"})
    rules = quiz.rules_for(alice)
    assert rules.due_at == now + timedelta(days=1) and rules.extended == {"due"}
    assert quiz.rules_for(bob).extended == frozenset()
    book = gradebook.build(assignment.klass, now)
    status = {row.student.username: row.cells[0].status for row in book.rows}
    assert status == {"alice": "submitted", "bob": "late"}


def test_an_exception_never_shortens_the_class_rules(quiz, assignment, alice):
    class_services.grant_override(assignment, [alice], time_limit=5, extra_attempts=0)
    rules = quiz.rules_for(alice)
    assert (rules.time_limit, rules.attempts_allowed, rules.extended) == (10, 1, frozenset())


def test_saving_again_replaces_the_exception_and_groups_get_one_each(quiz, assignment, alice, bob):
    class_services.grant_override(assignment, [alice], extra_attempts=2, time_limit=20)
    class_services.grant_override(assignment, [alice, bob], extra_attempts=1)
    found = {o.student.username: (o.extra_attempts, o.time_limit) for o in Override.objects.all()}
    assert found == {"alice": (1, None), "bob": (1, None)}


# -- the review "after the quiz closes", per student (as Moodle applies it) ------------


@pytest.fixture
def closed_with_an_extension(quiz, assignment, alice, bob, ingrid):
    """The quiz closed an hour ago; both students submitted before that, and alice has a
    later close (and one more attempt), so she may still be working on it."""
    now = timezone.now()
    quiz.opens_at, quiz.closes_at, quiz.time_limit = (
        now - timedelta(days=2),
        now - timedelta(hours=1),
        None,
    )
    quiz.review_after = quiz.ReviewAfter.CLOSE
    quiz.save()
    for student in (alice, bob):
        answered(quiz, student, {"pick": "right"}, now=now - timedelta(hours=2))
    [override] = class_services.grant_override(
        assignment, [alice], closes_at=now + timedelta(days=1), extra_attempts=1, by=ingrid
    )
    return override


def review_page(user, quiz) -> str:
    attempt = quiz.attempts.get(user=user, number=1)
    return client_for(user).get(reverse("quizzes:review", args=[attempt.pk])).content.decode()


def test_the_review_opens_for_an_extended_student_at_their_own_close(
    quiz, alice, closed_with_an_extension
):
    own_close = closed_with_an_extension.closes_at
    page = review_page(alice, quiz)
    assert "✓ Correct" not in page and "Your result" not in page
    assert f"once the quiz closes, on {date(own_close, 'j M Y, H:i T')}" in page
    detail = client_for(alice).get(quiz.get_absolute_url()).content.decode()
    assert "Grade kept" not in detail
    assert f"Scores are shown after the quiz closes on {date(own_close, 'j M Y')}" in detail
    assert "100%" not in client_for(alice).get(reverse("quizzes:list")).content.decode()
    assert "100%" not in client_for(alice).get(reverse("classes:assigned")).content.decode()
    # She is still working on it.
    assert services.start_attempt(quiz, alice).number == 2
    # Her own close passes: her review opens.
    Override.objects.filter(pk=closed_with_an_extension.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    page = review_page(alice, quiz)
    assert "✓ Correct" in page and "Your result" in page


def test_other_students_review_opens_at_the_quizs_own_close(quiz, bob, closed_with_an_extension):
    page = review_page(bob, quiz)
    assert "✓ Correct" in page and "Your result" in page
    detail = client_for(bob).get(quiz.get_absolute_url()).content.decode()
    assert "Grade kept" in detail
    assert "100%" in client_for(bob).get(reverse("classes:assigned")).content.decode()
