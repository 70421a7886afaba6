"""Showing a question, saving an answer and submitting cost the same number of queries
for 5 questions as for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.quizzes import services
from apps.quizzes.models import Attempt
from apps.quizzes.presentation import names_for_attempt
from tests.quizzes.conftest import client_for, quiz_from_gift

# An exam's first two requests for a student with no attempt yet (BEGIN and COMMIT, or a
# savepoint and its release, count as queries): the intro reads the quiz, the student's
# rules, their attempts and the question count; the start reads the quiz, their attempts,
# their rules and the current questions' ids (their choices come from the cache), and
# writes the attempt and its responses.
QUERIES_INTRO = 4
QUERIES_START = 8
# The first start of a quiz reads its questions with their choices into the cache.
QUERIES_FIRST_START = 10

QUERIES_SAVE = 4

HX = {"HTTP_HX_REQUEST": "true"}
KINDS = [
    "::q{n}:: Pick one {{=A ~B ~C}}",
    "::q{n}:: Pick some {{~%50%A ~%50%B ~%-100%C}}",
    "::q{n}:: Type it {{=word =%50%other}}",
    "::q{n}:: A year {{#1815:2}}",
    "::q{n}:: Match {{=a -> 1 =b -> 2 =c -> 3}}",
]

pytestmark = pytest.mark.django_db


def gift_with(count: int) -> str:
    return "\n\n".join(KINDS[n % len(KINDS)].format(n=n) for n in range(count))


def measure(user, count: int) -> dict[str, int]:
    quiz = quiz_from_gift(gift_with(count), slug=f"size-{count}", shuffle_choices=True)
    client = client_for(user)
    take = client.post(f"/quizzes/{quiz.slug}/start/").url
    attempt = Attempt.objects.get(quiz=quiz)
    first = quiz.questions.get(pk=attempt.question_order[0]).choices.first()
    first_choice = names_for_attempt(attempt).name(first.pk)
    for question_id in attempt.question_order[1:]:
        services.save_response(attempt, question_id, "word")
    requests = {
        "show a question": lambda: client.get(f"{take}?q=1"),
        "autosave": lambda: client.post(f"{take}?q=1", {"answer": first_choice}, **HX),
        "save and go on": lambda: client.post(f"{take}?q=1", {"answer": first_choice, "go": 2}),
        "summary": lambda: client.get(f"{take}summary/"),
        "submit": lambda: client.post(f"{take}submit/"),
        "review": lambda: client.get(f"{take}review/"),
    }
    counts = {}
    for name, request in requests.items():
        with CaptureQueriesContext(connection) as queries:
            response = request()
        assert response.status_code in (200, 302), name
        counts[name] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_number_of_questions(alice, bob):
    small, large = measure(alice, 5), measure(bob, 50)
    assert small == large
    print("\nqueries per request (5 and 50 questions):", small)


@pytest.mark.parametrize("count", [5, 50])
def test_taking_a_question_saving_and_submitting_stay_within_budget(
    alice, count, django_assert_max_num_queries
):
    quiz = quiz_from_gift(gift_with(count), slug=f"budget-{count}")
    client = client_for(alice)
    take = client.post(f"/quizzes/{quiz.slug}/start/").url
    # BEGIN and COMMIT count as queries here. A question is cached once it has been shown.
    with django_assert_max_num_queries(6):
        client.get(f"{take}?q=3")
    # The save reads the attempt once, locked (BEGIN, the locked read, the UPDATE, COMMIT).
    with django_assert_max_num_queries(QUERIES_SAVE):
        saved = client.post(f"{take}?q=3", {"answer": "word"}, **HX)  # a short answer
    assert "Saved" in saved.content.decode()
    with django_assert_max_num_queries(9):
        client.post(f"{take}submit/")


def test_an_exam_start_reads_no_grade_and_the_attempts_once(
    alice, bob, django_assert_max_num_queries
):
    """As 300 students open an exam at once: the intro of a student with no attempt skips
    the kept grade's queries, and the start reads the student's attempts once and the
    questions from the cache (the first student to start read them into it)."""
    quiz = quiz_from_gift(gift_with(5), slug="exam-start")
    first = client_for(bob)
    first.get("/")  # the session and the user are cached by the first request
    with django_assert_max_num_queries(QUERIES_FIRST_START):
        assert first.post(f"/quizzes/{quiz.slug}/start/").status_code == 302
    client = client_for(alice)
    client.get("/")  # the session and the user are cached by the first request
    with django_assert_max_num_queries(QUERIES_INTRO):
        assert client.get(f"/quizzes/{quiz.slug}/").status_code == 200
    with django_assert_max_num_queries(QUERIES_START):
        assert client.post(f"/quizzes/{quiz.slug}/start/").status_code == 302
    # Back to the intro in the middle of that first attempt: still no grade to read.
    with django_assert_max_num_queries(QUERIES_INTRO):
        assert "Continue" in client.get(f"/quizzes/{quiz.slug}/").content.decode()
