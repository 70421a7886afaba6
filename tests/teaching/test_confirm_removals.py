"""Removals in the teaching area ask first without JavaScript too: a plain form post
gets a page saying what will happen, and only its "Yes" (confirm=yes) acts; htmx has
asked already with hx-confirm, so it acts at once. One URL and one view per removal."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from apps.classes import services as class_services
from apps.classes.models import Teacher
from tests.conftest import make_user
from tests.teaching.conftest import HX, answered, client_for

pytestmark = pytest.mark.django_db


def question_removal(klass, quiz):
    question = quiz.questions.current().get(title="single")
    url = reverse("teach:question_delete", args=[quiz.pk, question.pk])
    remaining = lambda: quiz.questions.current().filter(pk=question.pk).exists()  # noqa: E731
    cancel = f"{reverse('teach:quiz_edit', args=[quiz.pk])}#question-{question.pk}"
    return url, remaining, "Remove question 1?", cancel


def member_removal(klass, quiz):
    membership = klass.memberships.get()
    url = reverse("teach:member_remove", args=[klass.pk, membership.pk])
    remaining = klass.memberships.filter(pk=membership.pk).exists
    return url, remaining, "Remove alice?", f"{klass.get_absolute_url()}#roster"


def unassignment(klass, quiz):
    assignment = klass.assignments.get()
    url = reverse("teach:assignment_delete", args=[klass.pk, assignment.pk])
    remaining = klass.assignments.filter(pk=assignment.pk).exists
    return url, remaining, "Unassign “Ingrids Quiz”?", f"{klass.get_absolute_url()}#assignments"


def teacher_removal(klass, quiz):
    teacher, _ = class_services.add_teacher(klass, make_user("tara"), Teacher.Role.ASSISTANT)
    url = reverse("teach:teacher_remove", args=[klass.pk, teacher.pk])
    remaining = klass.teachers.filter(pk=teacher.pk).exists
    return url, remaining, "Remove tara?", f"{klass.get_absolute_url()}#teachers"


REMOVALS = {
    "teach:question_delete": question_removal,
    "teach:member_remove": member_removal,
    "teach:assignment_delete": unassignment,
    "teach:teacher_remove": teacher_removal,
}


@pytest.fixture(params=sorted(REMOVALS))
def removal(request, klass, own_quiz):
    return REMOVALS[request.param](klass, own_quiz)


def test_every_hx_confirm_in_the_teaching_area_has_a_confirmation_step():
    templates = Path(settings.BASE_DIR, "templates")
    confirmed = set()
    for folder in ("teach", "classes"):
        for template in (templates / folder).glob("*.html"):
            for form in re.findall(r"<form[^>]*hx-confirm[^>]*>", template.read_text()):
                confirmed.update(re.findall(r"\{% url '([\w:]+)'", form))
    assert confirmed == set(REMOVALS)


def test_without_javascript_a_removal_asks_first_and_changes_nothing(ingrid, removal):
    url, remaining, heading, cancel = removal
    response = client_for(ingrid).post(url)
    page = response.content.decode()
    assert response.status_code == 200
    assert heading in page
    assert f'<form method="post" action="{url}">' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert re.search(r'<button type="submit" name="confirm" value="yes"[^>]*>Yes, ', page)
    assert f'href="{cancel}' in page and ">Cancel</a>" in page
    assert remaining()


def test_answering_yes_on_the_confirmation_page_removes(ingrid, removal):
    url, remaining, _, _ = removal
    response = client_for(ingrid).post(url, {"confirm": "yes"})
    assert response.status_code == 302
    assert not remaining()


def test_htmx_removes_at_once_because_hx_confirm_asked_already(ingrid, removal):
    url, remaining, _, _ = removal
    response = client_for(ingrid).post(url, **HX)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert not remaining()


def test_anything_but_yes_is_not_a_confirmation(ingrid, removal):
    url, remaining, heading, _ = removal
    page = client_for(ingrid).post(url, {"confirm": "on"}).content.decode()
    assert heading in page
    assert remaining()


def test_the_roster_and_assignment_confirmations_say_what_happens(ingrid, klass):
    client = client_for(ingrid)
    membership = klass.memberships.get()
    page = client.post(reverse("teach:member_remove", args=[klass.pk, membership.pk])).content
    assert b"alice will be taken off the roster of Seminar A" in page
    assert b"Their attempts are kept" in page
    assignment = klass.assignments.get()
    page = client.post(reverse("teach:assignment_delete", args=[klass.pk, assignment.pk]))
    assert "will no longer be assigned to Seminar A" in page.content.decode()


def test_a_question_confirmation_says_whether_attempts_keep_it(ingrid, alice, own_quiz):
    client = client_for(ingrid)
    question = own_quiz.questions.get(title="single")
    url = reverse("teach:question_delete", args=[own_quiz.pk, question.pk])
    assert b"so it is deleted for good" in client.post(url).content
    answered(own_quiz, alice, {"single": "Realism"})
    assert b"Attempts that include it keep it" in client.post(url).content
