"""The gradebook and statistics pages cost the same number of queries however many
students and questions there are: the work is aggregated in the database."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.classes.models import Membership
from apps.quizzes import services
from apps.quizzes.models import Attempt, Misconception, Response
from tests.conftest import make_user
from tests.teaching.conftest import answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

KINDS = [
    "::q{n}:: Pick {{\n=right\n~wrong\n// [misconception:wrong-idea]\n~other\n}}",
    "::q{n}:: Some {{~%50%a ~%50%b ~%-100%c}}",
    "::q{n}:: Type {{=word}}",
    "::q{n}:: Essay {{}}",
]
ANSWERS = {0: "wrong", 1: ["a", "c"], 2: "word", 3: "An answer."}


REAL = 5  # students who answer through the services; the rest are bulk copies


def copies_of(attempt, klass, count: int, tag: str) -> None:
    """`count` more students in the class, each with a copy of `attempt` and its
    responses: bulk inserts, so 200 students take a moment, not half a minute."""
    users = User.objects.bulk_create(
        User(username=f"{tag}-copy-{n}", first_name="Copy", last_name=f"{n:03}")
        for n in range(count)
    )
    Membership.objects.bulk_create(Membership(klass=klass, student=u) for u in users)
    fields = ["quiz_id", "number", "state", "started_at", "submitted_at", "score",
              "max_score", "question_order", "choice_order"]  # fmt: skip
    copies = Attempt.objects.bulk_create(
        Attempt(user=u, **{f: getattr(attempt, f) for f in fields}) for u in users
    )
    answers = list(attempt.responses.all())
    fields = ["question_id", "answer", "saved_at", "fraction", "score", "feedback",
              "graded_by_id", "graded_at", "comment"]  # fmt: skip
    Response.objects.bulk_create(
        Response(attempt=a, **{f: getattr(r, f) for f in fields}) for a in copies for r in answers
    )


def build(ingrid, students: int, questions: int, tag: str):
    Misconception.objects.get_or_create(
        slug="wrong-idea", statement="A wrong idea.", section="/lessons/x/#y"
    )
    gift = "\n\n".join(KINDS[n % len(KINDS)].format(n=n) for n in range(questions))
    quiz = quiz_from_gift(gift, slug=f"quiz-{tag}", owner=ingrid)
    second = quiz_from_gift(gift, slug=f"second-{tag}", owner=ingrid)
    people = [make_user(f"{tag}-{n}") for n in range(min(students, REAL))]
    klass = make_class(ingrid, name=tag, students=people, quizzes=[quiz, second])
    for person in people:
        attempt = answered(
            quiz, person, {f"q{n}": ANSWERS[n % len(KINDS)] for n in range(questions)}
        )
        # Grade the essays so every attempt counts in the statistics.
        for response in attempt.responses.filter(question__kind="essay"):
            services.grade_essay(response, ingrid, 0.5)
    copies_of(attempt, klass, students - len(people), tag)
    return quiz, klass


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def pages(quiz, klass) -> dict[str, str]:
    assignment = klass.assignments.get(quiz=quiz).pk
    return {
        "gradebook": reverse("teach:gradebook", args=[klass.pk]),
        "gradebook sorted": reverse("teach:gradebook", args=[klass.pk]) + "?sort=name&dir=desc",
        "gradebook csv": reverse("teach:gradebook_csv", args=[klass.pk]),
        "assignment grades": reverse("teach:assignment_gradebook", args=[klass.pk, assignment]),
        "assignment csv": reverse("teach:assignment_gradebook_csv", args=[klass.pk, assignment]),
        "statistics": reverse("teach:quiz_statistics", args=[quiz.pk]),
        "statistics per class": reverse("teach:quiz_statistics", args=[quiz.pk])
        + f"?class={klass.pk}",
        "statistics csv": reverse("teach:quiz_statistics_csv", args=[quiz.pk]),
        "grading queue": reverse("teach:grading"),
    }


def measure(ingrid, students, questions, tag) -> dict[str, int]:
    quiz, klass = build(ingrid, students, questions, tag)
    client = client_for(ingrid)
    return {name: count(client, url) for name, url in pages(quiz, klass).items()}


def test_query_counts_do_not_grow_with_students(ingrid):
    few, many = measure(ingrid, REAL, 4, "few"), measure(ingrid, 200, 4, "many")
    assert few == many
    print("\nqueries per page (5 and 200 students):", few)


def test_query_counts_do_not_grow_with_questions(ingrid):
    few, many = measure(ingrid, 3, 3, "short"), measure(ingrid, 3, 15, "long")
    assert few == many
    print("\nqueries per page (3 and 15 questions):", few)


def test_the_dashboard_and_the_quiz_page_stay_flat(ingrid):
    small, _ = build(ingrid, 2, 3, "small")
    large, _ = build(ingrid, 2, 15, "large")
    client = client_for(ingrid)
    client.get(reverse("teach:dashboard"))  # the first request caches the signed-in user
    assert count(client, reverse("teach:dashboard")) == count(client, reverse("teach:dashboard"))
    edit = [count(client, reverse("teach:quiz_edit", args=[q.pk])) for q in (small, large)]
    assert edit[0] == edit[1]
