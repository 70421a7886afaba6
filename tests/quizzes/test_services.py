import contextlib
import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from apps.quizzes import grades, services
from apps.quizzes.models import GRACE, Attempt, Choice, Question, Response
from tests.quizzes.conftest import choice_id, questions_by_title, quiz_from_gift

TWO_QUESTIONS = """\
::one:: Pick A {=A ~B ~C}

::two:: Pick B {~A =B ~C}
"""

pytestmark = pytest.mark.django_db


def answer(attempt, title, value, **kwargs):
    question = attempt.quiz.questions.get(title=title, current=True)
    return services.save_response(attempt, question.pk, value, **kwargs)


def pick(attempt, title, text, **kwargs):
    question = questions_by_title(attempt.quiz)[title]
    return answer(attempt, title, choice_id(question, text), **kwargs)


def test_starting_twice_returns_the_open_attempt(alice, quiz):
    first = services.start_attempt(quiz, alice)
    assert services.start_attempt(quiz, alice) == first
    assert Attempt.objects.count() == 1


def test_a_start_creates_one_response_per_question(alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    assert attempt.responses.count() == 8
    assert sorted(attempt.question_order) == sorted(quiz.questions.values_list("pk", flat=True))
    assert attempt.max_score == 8


def test_the_database_refuses_a_second_open_attempt(alice, quiz):
    services.start_attempt(quiz, alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attempt.objects.create(quiz=quiz, user=alice, number=2)


def test_submitted_attempts_do_not_block_a_new_one(alice, quiz):
    first = services.submit_attempt(services.start_attempt(quiz, alice))
    second = services.start_attempt(quiz, alice)
    assert second != first
    assert second.number == 2


def test_a_lost_race_returns_the_winners_attempt(alice, quiz, monkeypatch):
    winner = Attempt.objects.create(quiz=quiz, user=alice, number=1)
    # The check before the insert missed the winner, as it would in a concurrent request.
    real_filter = Attempt.objects.filter
    calls = []

    def first_lookup_misses(*args, **kwargs):
        queryset = real_filter(*args, **kwargs)
        calls.append(1)
        return queryset.exclude(pk=winner.pk) if len(calls) == 1 else queryset

    monkeypatch.setattr(Attempt.objects, "filter", first_lookup_misses)
    assert services.start_attempt(quiz, alice) == winner


def test_a_closed_quiz_refuses_to_start(alice, quiz):
    now = timezone.now()
    quiz.closes_at = now - timedelta(minutes=1)
    quiz.opens_at = now - timedelta(days=1)
    quiz.save()
    with pytest.raises(services.QuizNotOpen):
        services.start_attempt(quiz, alice)


def test_a_quiz_not_yet_open_refuses_to_start(alice, quiz):
    quiz.opens_at = timezone.now() + timedelta(hours=1)
    quiz.save()
    with pytest.raises(services.QuizNotOpen):
        services.start_attempt(quiz, alice)


def test_a_quiz_without_questions_refuses_to_start(alice):
    empty = quiz_from_gift("", slug="empty")
    with pytest.raises(services.QuizNotOpen):
        services.start_attempt(empty, alice)


def test_attempts_allowed_is_enforced_and_voided_attempts_do_not_count(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS, attempts_allowed=1)
    first = services.submit_attempt(services.start_attempt(quiz, alice))
    with pytest.raises(services.NoAttemptsLeft):
        services.start_attempt(quiz, alice)
    Attempt.objects.filter(pk=first.pk).update(state=Attempt.State.ABANDONED)
    assert services.start_attempt(quiz, alice).number == 2


def test_saving_is_last_write_wins(alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    pick(attempt, "single", "Collective security")
    pick(attempt, "single", "Realism")
    response = attempt.responses.get(question__title="single")
    assert response.answer == choice_id(response.question, "Realism")
    assert response.saved_at is not None


def test_saving_a_question_not_in_the_attempt_fails(alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    other = quiz_from_gift(TWO_QUESTIONS, slug="other").questions.first()
    with pytest.raises(Response.DoesNotExist):
        services.save_response(attempt, other.pk, 1)


def test_answers_cannot_change_after_submission(alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    pick(attempt, "single", "Realism")
    services.submit_attempt(attempt)
    with pytest.raises(services.AttemptClosed):
        pick(attempt, "single", "Collective security")
    response = attempt.responses.get(question__title="single")
    assert response.answer == choice_id(response.question, "Realism")


def test_submitting_grades_every_question_in_one_pass(alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    qs = questions_by_title(quiz)
    pick(attempt, "single", "Realism")
    answer(attempt, "multiple", [choice_id(qs["multiple"], "Shared norms")])
    pick(attempt, "truefalse", "true")
    answer(attempt, "short", "  lipson ")
    answer(attempt, "numerical", "1853")
    matching = qs["matching"]
    answer(attempt, "matching", {str(c.pk): c.match_text for c in matching.choice_list})
    pick(attempt, "missingword", "1848")
    answer(attempt, "essay", "Regimes are rules; organisations are bodies.")
    attempt = services.submit_attempt(attempt)
    scores = dict(attempt.responses.values_list("question__title", "score"))
    assert scores == {
        "single": 1, "multiple": 0.5, "truefalse": 1, "short": 1, "numerical": 1,
        "matching": 1, "missingword": 0, "essay": None,
    }  # fmt: skip
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.score == 5.5
    assert attempt.max_score == 8
    assert attempt.percent == pytest.approx(68.75)
    assert attempt.passed


def test_a_second_submit_returns_the_attempt_without_grading_again(alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    pick(attempt, "single", "Realism")
    first = services.submit_attempt(attempt)
    # Tamper with the stored grade: a regrade would overwrite it.
    Attempt.objects.filter(pk=attempt.pk).update(score=0.25)
    again = services.submit_attempt(attempt, now=timezone.now() + timedelta(minutes=5))
    assert again.score == 0.25
    assert again.submitted_at == first.submitted_at


def test_a_submission_within_the_grace_is_on_time(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS, time_limit=10)
    start = timezone.now()
    attempt = services.start_attempt(quiz, alice, now=start)
    assert attempt.deadline == start + timedelta(minutes=10)
    late_but_within_grace = attempt.deadline + GRACE - timedelta(seconds=1)
    pick(attempt, "one", "A", now=late_but_within_grace)
    attempt = services.submit_attempt(attempt, now=late_but_within_grace)
    assert not attempt.timed_out
    assert attempt.submitted_at == late_but_within_grace
    assert attempt.score == 1


def test_a_save_after_the_grace_is_refused_and_closes_the_attempt_at_the_deadline(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS, time_limit=10)
    attempt = services.start_attempt(quiz, alice)
    pick(attempt, "one", "A")
    too_late = attempt.deadline + GRACE + timedelta(seconds=1)
    with pytest.raises(services.AttemptClosed) as refused:
        pick(attempt, "two", "B", now=too_late)
    closed = refused.value.attempt
    assert closed.timed_out
    assert closed.state == Attempt.State.SUBMITTED
    assert closed.submitted_at == attempt.deadline
    assert closed.score == 1  # what was saved in time counts; the late answer does not
    assert attempt.responses.get(question__title="two").answer is None


def test_a_late_submit_closes_the_attempt_at_the_deadline(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS, time_limit=5)
    attempt = services.start_attempt(quiz, alice)
    attempt = services.submit_attempt(attempt, now=attempt.deadline + timedelta(hours=1))
    assert attempt.timed_out
    assert attempt.submitted_at == attempt.deadline


def test_the_quiz_closing_cuts_the_time_limit_short(alice):
    now = timezone.now()
    quiz = quiz_from_gift(TWO_QUESTIONS, time_limit=60, closes_at=now + timedelta(minutes=20))
    assert services.start_attempt(quiz, alice, now=now).deadline == quiz.closes_at


def test_starting_again_after_an_overdue_attempt_closes_it_first(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS, time_limit=5)
    first = services.start_attempt(quiz, alice)
    second = services.start_attempt(quiz, alice, now=first.deadline + timedelta(hours=1))
    first.refresh_from_db()
    assert first.timed_out and first.state == Attempt.State.SUBMITTED
    assert second.number == 2


def test_checking_in_immediate_mode_grades_and_locks_the_answer(alice):
    quiz = quiz_from_gift(feedback_mode="immediate")
    attempt = services.start_attempt(quiz, alice)
    response = pick(attempt, "single", "Collective security", check=True)
    assert response.checked_at is not None
    assert response.fraction == 0
    assert "it promises help from all" in response.feedback
    with pytest.raises(services.AnswerLocked):
        pick(attempt, "single", "Realism")


def test_checking_needs_an_answer_and_an_immediate_quiz(alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    with pytest.raises(services.QuizError):
        pick(attempt, "single", "Realism", check=True)
    immediate = quiz_from_gift(slug="immediate", feedback_mode="immediate")
    attempt = services.start_attempt(immediate, alice)
    with pytest.raises(services.QuizError):
        answer(attempt, "single", None, check=True)
    with pytest.raises(services.QuizError):
        answer(attempt, "essay", "Some text", check=True)


def test_shuffled_orders_are_stored_and_stable_within_an_attempt(alice):
    text = "\n\n".join(f"::q{i}:: Pick {{=A ~B ~C ~D ~E ~F}}" for i in range(12))
    quiz = quiz_from_gift(text, shuffle_questions=True, shuffle_choices=True)
    attempt = services.start_attempt(quiz, alice)
    authored = list(quiz.questions.current().values_list("pk", flat=True))
    assert sorted(attempt.question_order) == sorted(authored)
    again = Attempt.objects.get(pk=attempt.pk)
    question = Question.objects.get(pk=attempt.question_order[0])
    order = [c.pk for c in again.ordered_choices(question)]
    assert order == attempt.choice_order[str(question.pk)]
    assert sorted(order) == sorted(c.pk for c in question.choice_list)
    shuffled = any(
        attempt.choice_order[str(q)] != sorted(attempt.choice_order[str(q)])
        for q in attempt.question_order
    )
    assert attempt.question_order != authored or shuffled


def test_kept_grade_follows_the_grade_method(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS)
    for picks in (["A", "B"], ["A", "C"], ["C", "C"]):  # 100%, 50%, 0%
        attempt = services.start_attempt(quiz, alice)
        pick(attempt, "one", picks[0])
        pick(attempt, "two", picks[1])
        services.submit_attempt(attempt)
    assert grades.kept_grade(alice, quiz) == 100
    quiz.grade_method = quiz.GradeMethod.LAST
    assert grades.kept_grade(alice, quiz) == 0
    quiz.grade_method = quiz.GradeMethod.AVERAGE
    assert grades.kept_grade(alice, quiz) == 50


def test_kept_grade_ignores_other_students_and_open_attempts(alice, bob):
    quiz = quiz_from_gift(TWO_QUESTIONS)
    services.start_attempt(quiz, alice)
    assert grades.kept_grade(alice, quiz) is None
    services.submit_attempt(services.start_attempt(quiz, bob))
    assert grades.kept_grade(alice, quiz) is None


def test_an_essay_grade_updates_the_attempt_score(alice, ingrid, quiz):
    attempt = services.start_attempt(quiz, alice)
    answer(attempt, "essay", "A regime is a set of rules, not a building.")
    services.submit_attempt(attempt)
    essay = attempt.responses.get(question__title="essay")
    assert essay.needs_grading
    services.grade_essay(essay, ingrid, 0.5, "Good start; give an example.")
    attempt.refresh_from_db()
    essay.refresh_from_db()
    assert attempt.score == 0.5
    assert essay.comment == "Good start; give an example."
    assert essay.graded_by == ingrid
    assert not essay.needs_grading


def test_an_essay_is_not_graded_before_submission(alice, ingrid, quiz):
    attempt = services.start_attempt(quiz, alice)
    essay = attempt.responses.get(question__title="essay")
    with pytest.raises(services.QuizError):
        services.grade_essay(essay, ingrid, 1)


def test_editing_a_question_in_use_creates_a_version_and_old_attempts_keep_theirs(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS)
    attempt = services.start_attempt(quiz, alice)
    pick(attempt, "one", "A")
    old = quiz.questions.get(title="one")
    edited = Question.objects.get(pk=old.pk)
    edited.text = "Pick C"
    new = services.save_question(
        edited, [Choice(text="A", fraction=0), Choice(text="C", fraction=1)]
    )
    assert new.pk != old.pk
    assert new.version == 2 and new.previous_id == old.pk
    old.refresh_from_db()
    assert not old.current and old.text == "Pick A"
    assert [c.text for c in old.choices.all()] == ["A", "B", "C"]
    attempt = services.submit_attempt(attempt)
    assert attempt.responses.get(question=old).score == 1
    assert list(quiz.questions.current().values_list("title", "version")) == [
        ("one", 2),
        ("two", 1),
    ]


def test_editing_a_question_no_attempt_has_changes_it_in_place(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS)
    question = quiz.questions.get(title="one")
    question.text = "Pick A, please"
    saved = services.save_question(question)
    assert saved.pk == question.pk and saved.version == 1
    assert Question.objects.filter(quiz=quiz).count() == 2
    assert [c.text for c in saved.choices.all()] == ["A", "B", "C"]


def test_retiring_keeps_a_question_that_attempts_use(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS)
    services.start_attempt(quiz, alice)
    one, two = quiz.questions.all()
    services.retire_question(one)
    assert Question.objects.filter(pk=one.pk, current=False).exists()
    fresh = quiz_from_gift(TWO_QUESTIONS, slug="fresh")
    services.retire_question(fresh.questions.first())
    assert fresh.questions.count() == 1


def _in_threads(count, work):
    """Run `work` in `count` threads at once, each on its own connection."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_open_one_attempt(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS)
    results, errors = _in_threads(6, lambda: services.start_attempt(quiz, alice).pk)
    assert errors == []
    assert len(set(results)) == 1
    assert Attempt.objects.filter(quiz=quiz, user=alice).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_grade_once(alice, monkeypatch):
    quiz = quiz_from_gift(TWO_QUESTIONS)
    attempt = services.start_attempt(quiz, alice)
    pick(attempt, "one", "A")
    closes = []
    real_close = services._close
    monkeypatch.setattr(services, "_close", lambda *a: (closes.append(1), real_close(*a)))
    results, errors = _in_threads(6, lambda: services.submit_attempt(attempt).submitted_at)
    assert errors == []
    assert len(closes) == 1
    assert len(set(results)) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_save_racing_a_submit_never_changes_a_graded_answer(alice):
    quiz = quiz_from_gift(TWO_QUESTIONS)
    attempt = services.start_attempt(quiz, alice)
    one = quiz.questions.get(title="one")
    a, c = choice_id(one, "A"), choice_id(one, "C")

    turns = iter(range(100))

    def save_or_submit():
        if next(turns) % 2:
            return services.submit_attempt(attempt).pk
        with contextlib.suppress(services.AttemptClosed):
            services.save_response(attempt, one.pk, c)
        return None

    services.save_response(attempt, one.pk, a)
    _, errors = _in_threads(8, save_or_submit)
    assert errors == []
    response = attempt.responses.get(question=one)
    # Whatever won, the stored score is the grade of the stored answer.
    assert response.score == (1 if response.answer == a else 0)


def test_a_shown_question_is_cached_and_any_save_of_it_or_its_choices_drops_the_copy(
    quiz, django_assert_num_queries
):
    question = quiz.questions.filter(kind=Question.Kind.SINGLE).first()
    services.question_with_choices(question.pk)
    with django_assert_num_queries(0):
        cached = services.question_with_choices(question.pk)
        pks = [c.pk for c in cached.choice_list]
    assert pks == [c.pk for c in question.choice_list]
    choice = question.choice_list[0]
    choice.text = "A, reworded"
    choice.save()
    assert services.question_with_choices(question.pk).choice_list[0].text == "A, reworded"
    question.text = "Pick the first"
    question.save()
    assert services.question_with_choices(question.pk).text == "Pick the first"
    question.choices.all().delete()
    assert services.question_with_choices(question.pk).choice_list == []
