"""The gradebook and statistics pages cost the same number of queries however many
students and questions there are: the work is aggregated in the database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.quizzes import services
from tests.conftest import make_user
from tests.teaching.conftest import answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

KINDS = [
    "::q{n}:: Pick {{=right ~wrong ~other}}",
    "::q{n}:: Some {{~%50%a ~%50%b ~%-100%c}}",
    "::q{n}:: Type {{=word}}",
    "::q{n}:: Essay {{}}",
]
ANSWERS = {0: "right", 1: ["a", "c"], 2: "word", 3: "An answer."}


def build(ingrid, students: int, questions: int, tag: str):
    gift = "\n\n".join(KINDS[n % len(KINDS)].format(n=n) for n in range(questions))
    quiz = quiz_from_gift(gift, slug=f"quiz-{tag}", owner=ingrid)
    second = quiz_from_gift(gift, slug=f"second-{tag}", owner=ingrid)
    people = [make_user(f"{tag}-{n}") for n in range(students)]
    klass = make_class(ingrid, name=tag, students=people, quizzes=[quiz, second])
    for person in people:
        attempt = answered(
            quiz, person, {f"q{n}": ANSWERS[n % len(KINDS)] for n in range(questions)}
        )
        # Grade the essays so every attempt counts in the statistics.
        for response in attempt.responses.filter(question__kind="essay"):
            services.grade_essay(response, ingrid, 0.5)
    return quiz, klass


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def pages(quiz, klass) -> dict[str, str]:
    return {
        "gradebook": reverse("teach:gradebook", args=[klass.pk]),
        "gradebook sorted": reverse("teach:gradebook", args=[klass.pk]) + "?sort=name&dir=desc",
        "gradebook csv": reverse("teach:gradebook_csv", args=[klass.pk]),
        "statistics": reverse("teach:quiz_statistics", args=[quiz.pk]),
        "statistics per class": reverse("teach:quiz_statistics", args=[quiz.pk])
        + f"?class={klass.pk}",
        "grading queue": reverse("teach:grading"),
    }


def measure(ingrid, students, questions, tag) -> dict[str, int]:
    quiz, klass = build(ingrid, students, questions, tag)
    client = client_for(ingrid)
    return {name: count(client, url) for name, url in pages(quiz, klass).items()}


def test_query_counts_do_not_grow_with_students(ingrid):
    few, many = measure(ingrid, 3, 4, "few"), measure(ingrid, 30, 4, "many")
    assert few == many
    print("\nqueries per page (3 and 30 students):", few)


def test_query_counts_do_not_grow_with_questions(ingrid):
    few, many = measure(ingrid, 3, 3, "short"), measure(ingrid, 3, 15, "long")
    assert few == many
    print("\nqueries per page (3 and 15 questions):", few)


def test_the_dashboard_and_the_quiz_page_stay_flat(ingrid):
    small, _ = build(ingrid, 2, 3, "small")
    large, _ = build(ingrid, 2, 15, "large")
    client = client_for(ingrid)
    assert count(client, reverse("teach:dashboard")) == count(client, reverse("teach:dashboard"))
    edit = [count(client, reverse("teach:quiz_edit", args=[q.pk])) for q in (small, large)]
    assert edit[0] == edit[1]
