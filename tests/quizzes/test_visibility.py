"""Who may see a quiz is written twice: as a filter (`Quiz.objects.visible_to`, for lists)
and for one quiz already read (`Quiz.is_visible_to`, for the intro and the exam start).
Over every combination of the states that decide it, both give the same answer to every
kind of visitor."""

import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from apps.classes.models import Assignment, Class, Membership
from apps.core.publishing import Status
from apps.quizzes.models import Quiz

pytestmark = pytest.mark.django_db

STATUSES = [Status.DRAFT, Status.PUBLISHED]
ARCHIVED = [False, True]
OWNERS = [None, "ingrid", "ivan"]
# To which of alice's classes (a live one, an archived one) or bob's the quiz is assigned.
ASSIGNED = [(), ("alice's class",), ("alice's old class",), ("bob's class",)]


@pytest.fixture
def every_kind_of_quiz(alice, bob, ingrid, ivan):
    now = timezone.now()
    people = {"ingrid": ingrid, "ivan": ivan}
    classes = {
        "alice's class": Class.objects.create(name="A", owner=ingrid),
        "alice's old class": Class.objects.create(name="B", owner=ingrid, archived_at=now),
        "bob's class": Class.objects.create(name="C", owner=ivan),
    }
    Membership.objects.create(klass=classes["alice's class"], student=alice)
    Membership.objects.create(klass=classes["alice's old class"], student=alice)
    Membership.objects.create(klass=classes["bob's class"], student=bob)
    states = list(itertools.product(STATUSES, ARCHIVED, OWNERS, ASSIGNED))
    for n, (status, archived, owner, assigned) in enumerate(states):
        quiz = Quiz.objects.create(
            slug=f"quiz-{n}",
            title=f"Quiz {n}",
            status=status,
            archived_at=now if archived else None,
            owner=people.get(owner),
        )
        for name in assigned:
            Assignment.objects.create(
                klass=classes[name], quiz=quiz, due_at=now + timedelta(days=7)
            )
    return len(states)


def test_the_filter_and_the_one_quiz_check_agree_for_everyone(
    every_kind_of_quiz, alice, bob, ingrid, ivan, carol, root
):
    quizzes = list(Quiz.objects.all())
    assert len(quizzes) == every_kind_of_quiz == 48
    seen_by = {}
    for name, user in {
        "anonymous": AnonymousUser(),
        "alice": alice,
        "bob": bob,
        "ingrid": ingrid,
        "ivan": ivan,
        "carol": carol,
        "root": root,
    }.items():
        listed = set(Quiz.objects.visible_to(user).values_list("pk", flat=True))
        checked = {quiz.pk for quiz in quizzes if quiz.is_visible_to(user)}
        assert checked == listed, name
        seen_by[name] = len(listed)
    # Both forms are about something: each visitor sees a different share of the quizzes.
    # Anonymous: the published course quizzes not archived (4 kinds of assignment);
    # alice also those of ingrid's and ivan's assigned to her live class; ingrid her own
    # not archived (published or not) and the course's; curators all.
    assert seen_by == {
        "anonymous": 4,
        "alice": 6,
        "bob": 6,
        "ingrid": 12,
        "ivan": 12,
        "carol": 48,
        "root": 48,
    }
