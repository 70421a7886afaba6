"""Attempts made before this round's quiz migrations keep their answers and grades: the
migrations point quizzes at their lesson or case by key and add per-question shuffling,
and answers stay choice ids (only the page's names for options changed)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("quizzes", "0001_initial"), ("lessons", "0002_searchdocument_moves_to_site")]
AFTER = [
    ("quizzes", "0003_question_shuffle_choices"),
    ("site", "0002_search_documents_know_their_quiz"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_answers_and_grades_made_before_the_migrations_survive_them():
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")
    Theory, Lesson = old.get_model("lessons", "Theory"), old.get_model("lessons", "Lesson")
    Quiz, Question = old.get_model("quizzes", "Quiz"), old.get_model("quizzes", "Question")
    Choice, Attempt = old.get_model("quizzes", "Choice"), old.get_model("quizzes", "Attempt")
    Response = old.get_model("quizzes", "Response")

    student = User.objects.create(username="early")
    theory = Theory.objects.create(slug="realism", title="Realism")
    lesson = Lesson.objects.create(slug="two-views", title="Two views", theory=theory)
    quiz = Quiz.objects.create(slug="early", title="Early", lesson_slug="two-views")
    question = Question.objects.create(quiz=quiz, kind="single", text="Which?")
    right = Choice.objects.create(question=question, text="Realism", fraction=1.0)
    Choice.objects.create(question=question, text="Hope", fraction=0.0)
    attempt = Attempt.objects.create(
        quiz=quiz, user=student, number=1, state="submitted", score=1.0, max_score=1.0,
        submitted_at=timezone.now(), question_order=[question.pk],
    )  # fmt: skip
    Response.objects.create(
        attempt=attempt, question=question, answer=right.pk, fraction=1.0, score=1.0
    )

    new = migrate(AFTER)
    Quiz = new.get_model("quizzes", "Quiz")
    Attempt, Response = new.get_model("quizzes", "Attempt"), new.get_model("quizzes", "Response")
    assert Quiz.objects.get(slug="early").lesson_id == lesson.pk
    kept = Attempt.objects.get(pk=attempt.pk)
    assert (kept.state, kept.score, kept.max_score) == ("submitted", 1.0, 1.0)
    response = Response.objects.get(attempt=kept)
    assert (response.answer, response.fraction, response.score) == (right.pk, 1.0, 1.0)
    assert new.get_model("quizzes", "Question").objects.get(pk=question.pk).shuffle_choices

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_each_question_and_its_earlier_versions_become_one_bank_entry():
    old = migrate([("quizzes", "0014_hand_mark_replaces_rubric")])
    Quiz, Question = old.get_model("quizzes", "Quiz"), old.get_model("quizzes", "Question")
    quiz = Quiz.objects.create(slug="versions", title="Versions")
    first = Question.objects.create(quiz=quiz, text="v1", current=False)
    second = Question.objects.create(quiz=quiz, text="v2", version=2, previous=first, current=False)
    third = Question.objects.create(quiz=quiz, text="v3", version=3, previous=second)
    alone = Question.objects.create(quiz=quiz, text="alone", position=2)
    check = Question.objects.create(quiz=None, text="a check")

    new = migrate([("quizzes", "0015_question_bank_entries")])
    Question = new.get_model("quizzes", "Question")
    entry = dict(Question.objects.values_list("pk", "entry_id"))
    assert entry[first.pk] == entry[second.pk] == entry[third.pk]
    assert len({entry[third.pk], entry[alone.pk], entry[check.pk]}) == 3
    assert new.get_model("quizzes", "QuestionEntry").objects.count() == 3

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
