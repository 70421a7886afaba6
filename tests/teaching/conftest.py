"""Builders for the teaching tests: an instructor's quiz, a class with students, and
attempts answered exactly as a test needs."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.classes import services as class_services
from apps.classes.models import Assignment
from apps.quizzes import services
from tests.quizzes.conftest import client_for, quiz_from_gift  # noqa: F401

HX = {"HTTP_HX_REQUEST": "true"}


def answered(quiz, user, answers: dict, now=None):
    """A submitted attempt: `answers` maps question titles to stored answers (choice
    texts are turned into ids for choice kinds)."""
    now = now or timezone.now()
    attempt = services.start_attempt(quiz, user, now=now)
    questions = {q.title: q for q in quiz.questions.current().prefetch_related("choices")}
    for title, answer in answers.items():
        question = questions[title]
        by_text = {c.text: c.pk for c in question.choice_list}
        if question.kind == "multiple":
            answer = [by_text[text] for text in answer]
        elif question.lists_choices:
            answer = by_text[answer]
        elif question.kind == "matching":
            answer = {str(c.pk): answer[c.text] for c in question.choice_list if c.text}
        services.save_response(attempt, question.pk, answer, now=now)
    return services.submit_attempt(attempt, now=now)


def make_class(owner, name="Seminar A", students=(), quizzes=(), due_in=timedelta(days=7)):
    klass = class_services.create_class(owner, name)
    for student in students:
        class_services.join_class(student, klass)
    now = timezone.now()
    for quiz in quizzes:
        Assignment.objects.create(
            klass=klass, quiz=quiz, opens_at=now - timedelta(days=1), due_at=now + due_in
        )
    return klass


@pytest.fixture
def own_quiz(ingrid):
    return quiz_from_gift(slug="ingrids-quiz", owner=ingrid)


@pytest.fixture
def klass(ingrid, alice, own_quiz):
    return make_class(ingrid, students=[alice], quizzes=[own_quiz])


__all__ = ["HX", "answered", "client_for", "make_class", "quiz_from_gift"]


def import_gift_text(client, url: str, text: str, **extra):
    """Preview GIFT on the import page, then confirm that preview (as the buttons do)."""
    preview = client.post(url, {"text": text}).content.decode()
    key = re.search(r'name="pending" value="([0-9a-f-]+)"', preview).group(1)
    return client.post(url, {"step": "confirm", "pending": key}, **extra)
