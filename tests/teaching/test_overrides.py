"""The exceptions page of an assigned quiz: giving one to a student or a group, bad input
explained by field, withdrawing; and where students and the gradebook show them."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.classes import services as class_services
from apps.classes.models import Override
from tests.teaching.conftest import client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = "::pick:: Pick {=right ~wrong}"


@pytest.fixture
def assignment(ingrid, alice, bob):
    quiz = quiz_from_gift(GIFT, slug="strict", owner=ingrid, attempts_allowed=1, time_limit=10)
    return make_class(ingrid, students=[alice, bob], quizzes=[quiz]).assignments.get()


def url(assignment) -> str:
    return reverse("teach:assignment_overrides", args=[assignment.klass_id, assignment.pk])


def later(days: int) -> str:
    return timezone.localtime(timezone.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_an_exception_for_a_group_is_saved_and_listed(ingrid, alice, bob, assignment):
    data = {"students": [alice.pk, bob.pk], "extra_attempts": "2", "time_limit": "25"}
    response = client_for(ingrid).post(url(assignment), data, follow=True)
    page = response.content.decode()
    assert "Saved the exception for alice, bob." in page
    assert page.count("2 more attempts, 25 minutes.") == 2
    assert Override.objects.filter(extra_attempts=2, time_limit=25).count() == 2


@pytest.mark.parametrize(
    "data, error",
    [
        ({"extra_attempts": "1"}, "Students: Choose at least one student."),
        ({"students": ["STUDENT"], "due_at": later(-30)}, "Give a date later than the class"),
        ({"students": ["STUDENT"], "time_limit": "10"}, "Ensure this value is greater than or"),
        ({"students": ["STUDENT"], "extra_attempts": "-1"}, "Ensure this value is greater than"),
        (
            {"students": ["STUDENT"], "due_at": "soon"},
            "Due instead (UTC): Enter a valid date/time.",
        ),
        ({"students": ["STUDENT"]}, "Give at least one exception"),
        ({"students": ["OUTSIDER"], "extra_attempts": "1"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(ingrid, alice, carol, assignment, data, error):
    ids = {"STUDENT": alice.pk, "OUTSIDER": carol.pk}
    data = {k: [ids.get(v, v) for v in val] if isinstance(val, list) else val
            for k, val in data.items()}  # fmt: skip
    response = client_for(ingrid).post(url(assignment), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Override.objects.exists()


def test_fields_the_quiz_does_not_limit_are_not_offered(ingrid, alice):
    quiz = quiz_from_gift(GIFT, slug="open-ended", owner=ingrid)
    klass = make_class(ingrid, name="B", students=[alice], quizzes=[quiz])
    page = client_for(ingrid).get(url(klass.assignments.get())).content.decode()
    assert 'name="due_at"' in page
    assert 'name="extra_attempts"' not in page and 'name="time_limit"' not in page
    assert 'name="closes_at"' not in page


def test_withdrawing_an_exception(ingrid, alice, assignment):
    [override] = class_services.grant_override(assignment, [alice], extra_attempts=1)
    response = client_for(ingrid).post(url(assignment), {"remove": override.pk}, follow=True)
    assert "Withdrew alice&#x27;s exception." in response.content.decode()
    assert not Override.objects.exists()


def test_another_instructor_can_neither_see_nor_withdraw(ivan, alice, assignment):
    [override] = class_services.grant_override(assignment, [alice], extra_attempts=1)
    assert client_for(ivan).get(url(assignment)).status_code == 404
    assert client_for(ivan).post(url(assignment), {"remove": override.pk}).status_code == 404
    other = make_class(ivan, name="Ivan's", students=[alice], quizzes=[assignment.quiz])
    other_url = url(other.assignments.get())
    assert client_for(ivan).post(other_url, {"remove": override.pk}).status_code == 404
    assert Override.objects.count() == 1


def test_the_student_sees_their_own_exception_and_nobody_elses(ingrid, alice, bob, assignment):
    due = timezone.now() + timedelta(days=30)
    class_services.grant_override(assignment, [alice], due_at=due, extra_attempts=1)
    quiz_url = assignment.quiz.get_absolute_url()
    mine = client_for(alice).get(quiz_url).content.decode()
    assert "Your due date" in mine and "(extended)" in mine
    assert "2 allowed (extended for you)" in mine
    theirs = client_for(bob).get(quiz_url).content.decode()
    assert "extended" not in theirs and "1 allowed" in theirs
    assigned = client_for(alice).get(reverse("classes:assigned")).content.decode()
    assert "Extended for you" in assigned
    assert (
        "Extended for you" not in client_for(bob).get(reverse("classes:assigned")).content.decode()
    )


def test_the_gradebook_marks_the_student_and_the_quiz(ingrid, alice, assignment):
    class_services.grant_override(assignment, [alice], time_limit=30)
    page = client_for(ingrid).get(reverse("teach:gradebook", args=[assignment.klass_id]))
    text = page.content.decode()
    assert text.count('<span class="tag tag-exception">Exception</span>') == 1
    assert "Exception: 30 minutes" in text


def test_the_assignment_gradebook_marks_the_exception_and_links_to_it(ingrid, alice, assignment):
    class_services.grant_override(assignment, [alice], time_limit=30)
    args = [assignment.klass_id, assignment.pk]
    text = client_for(ingrid).get(reverse("teach:assignment_gradebook", args=args)).content
    text = text.decode()
    assert text.count("Exception: 30 minutes") == 1
    assert url(assignment) in text


def test_a_later_due_date_is_the_students_own_on_their_home_page(alice, bob, assignment):
    class_services.grant_override(assignment, [alice], due_at=timezone.now() + timedelta(days=9))
    assert "Extended for you" in client_for(alice).get(reverse("site:me")).content.decode()
    assert "Extended for you" not in client_for(bob).get(reverse("site:me")).content.decode()
