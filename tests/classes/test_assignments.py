"""Assigning quizzes: who sees them, when they open, what counts as late, and who may
see the attempts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.classes.models import Assignment
from apps.quizzes import services
from apps.quizzes.models import Attempt, Quiz
from tests.teaching.conftest import HX, answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db


def assign(klass, quiz, opens, due):
    now = timezone.now()
    return Assignment.objects.create(klass=klass, quiz=quiz, opens_at=now + opens, due_at=now + due)


def test_an_instructors_quiz_reaches_only_the_students_of_classes_it_is_assigned_to(
    ingrid, alice, bob
):
    quiz = quiz_from_gift(slug="ingrids", owner=ingrid)
    make_class(ingrid, students=[alice], quizzes=[quiz])
    assert quiz in Quiz.objects.visible_to(alice)
    assert quiz not in Quiz.objects.visible_to(bob)
    assert client_for(bob).get("/quizzes/ingrids/").status_code == 404
    assert "Ingrids" in client_for(alice).get("/quizzes/").content.decode()


def test_a_draft_stays_hidden_even_when_assigned(ingrid, alice):
    quiz = quiz_from_gift(slug="draft", owner=ingrid, status="draft")
    make_class(ingrid, students=[alice], quizzes=[quiz])
    assert quiz not in Quiz.objects.visible_to(alice)


def test_the_assigned_page_lists_due_dates_and_where_the_student_stands(ingrid, alice):
    klass = make_class(ingrid, students=[alice])
    quizzes = {
        name: quiz_from_gift("::q:: Pick {=a ~b}", slug=name, owner=ingrid)
        for name in ("future", "todo", "begun", "done", "late", "missed")
    }
    day = timedelta(days=1)
    assign(klass, quizzes["future"], day, 2 * day)
    assign(klass, quizzes["todo"], -day, day)
    assign(klass, quizzes["begun"], -day, day)
    assign(klass, quizzes["done"], -day, day)
    assign(klass, quizzes["late"], -2 * day, -day)
    assign(klass, quizzes["missed"], -2 * day, -day)
    services.start_attempt(quizzes["begun"], alice)
    answered(quizzes["done"], alice, {"q": "a"})
    answered(quizzes["late"], alice, {"q": "b"})
    response = client_for(alice).get(reverse("classes:assigned"))
    statuses = {i.assignment.quiz.slug: i.status.label for i in response.context["items"]}
    assert statuses == {
        "future": "Not open yet",
        "todo": "To do",
        "begun": "In progress",
        "done": "Submitted",
        "late": "Submitted late",
        "missed": "Overdue: not submitted",
    }
    page = response.content.decode()
    assert "Seminar A" in page and "100%" in page and "Submitted late" in page


def test_a_quiz_opens_for_the_class_at_the_assignments_opening(ingrid, alice):
    quiz = quiz_from_gift(slug="soon", owner=ingrid)
    klass = make_class(ingrid, students=[alice])
    assign(klass, quiz, timedelta(hours=2), timedelta(days=2))
    response = client_for(alice).post("/quizzes/soon/start/", follow=True)
    assert "This quiz opens for your class on" in response.content.decode()
    assert not Attempt.objects.exists()


def test_an_unassigned_course_quiz_is_open_to_everyone_as_before(alice):
    quiz_from_gift(slug="course")
    assert client_for(alice).post("/quizzes/course/start/").status_code == 302
    assert Attempt.objects.filter(user=alice).exists()


def test_work_handed_in_after_the_due_date_is_marked_late_in_the_review(ingrid, alice):
    quiz = quiz_from_gift("::q:: Pick {=a ~b}", slug="overdue", owner=ingrid)
    klass = make_class(ingrid, students=[alice])
    assign(klass, quiz, -timedelta(days=2), -timedelta(days=1))
    attempt = answered(quiz, alice, {"q": "a"})
    page = client_for(alice).get(f"/quizzes/attempts/{attempt.pk}/review/").content.decode()
    assert "Submitted late" in page


def test_instructors_see_their_class_students_attempts_on_assigned_quizzes_only(
    ingrid, ivan, alice, bob
):
    course, other = quiz_from_gift(slug="course"), quiz_from_gift(slug="other")
    klass = make_class(ingrid, students=[alice], quizzes=[course])
    mine = answered(course, alice, {"single": "Realism"})
    unassigned = answered(other, alice, {"single": "Realism"})
    stranger = answered(course, bob, {"single": "Realism"})
    assert set(Attempt.objects.taught_by(ingrid)) == {mine}
    assert not Attempt.objects.taught_by(ivan).exists()
    assert client_for(ingrid).get(f"/quizzes/attempts/{mine.pk}/review/").status_code == 200
    for attempt in (unassigned, stranger):
        assert client_for(ingrid).get(f"/quizzes/attempts/{attempt.pk}/review/").status_code == 404
    klass.memberships.get(student=alice).delete()
    assert not Attempt.objects.taught_by(ingrid).exists()


def test_assigning_with_htmx_and_its_checks(ingrid, alice):
    quiz = quiz_from_gift(slug="ingrids", owner=ingrid)
    klass = make_class(ingrid, students=[alice])
    url = reverse("teach:assignment_create", args=[klass.pk])
    client = client_for(ingrid)
    bad = {"quiz": quiz.pk, "opens_at": "2030-01-02T10:00", "due_at": "2030-01-01T10:00"}
    page = client.post(url, bad, **HX).content.decode()
    assert page.strip().startswith('<section id="assignments"')
    assert "The due date must come after the opening time." in page
    good = {**bad, "due_at": "2030-01-09T10:00"}
    page = client.post(url, good, **HX).content.decode()
    assert "Assigned “Ingrids”, due 9 Jan 2030, 10:00 UTC." in page
    again = client.post(url, good, **HX).content.decode()
    assert "already assigned" in again
    assert klass.assignments.count() == 1


def test_an_instructor_cannot_assign_another_instructors_quiz(ingrid, ivan):
    theirs = quiz_from_gift(slug="ivans", owner=ivan)
    klass = make_class(ingrid)
    data = {"quiz": theirs.pk, "opens_at": "2030-01-01T10:00", "due_at": "2030-01-09T10:00"}
    page = client_for(ingrid).post(reverse("teach:assignment_create", args=[klass.pk]), data)
    assert "Select a valid choice" in page.content.decode()
    assert not klass.assignments.exists()


def test_changing_the_dates_and_unassigning(ingrid, alice):
    quiz = quiz_from_gift(slug="ingrids", owner=ingrid)
    klass = make_class(ingrid, students=[alice], quizzes=[quiz])
    assignment = klass.assignments.get()
    client = client_for(ingrid)
    edit = reverse("teach:assignment_edit", args=[klass.pk, assignment.pk])
    client.post(edit, {"opens_at": "2030-01-01T10:00", "due_at": "2030-02-01T10:00"})
    assignment.refresh_from_db()
    assert assignment.due_at.month == 2
    unassign = reverse("teach:assignment_delete", args=[klass.pk, assignment.pk])
    client.post(unassign, {"confirm": "yes"})
    assert not klass.assignments.exists()
