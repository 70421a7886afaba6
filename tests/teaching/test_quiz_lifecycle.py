"""Copy, delete and archive from the teaching area's buttons: a quiz nobody attempted is
deleted; one with attempts is archived instead (hidden from students and lists, its
grades kept) and can be brought back."""

import re

import pytest
from django.urls import reverse

from apps.quizzes import services as quiz_services
from apps.quizzes.models import Quiz
from apps.teaching import services
from tests.teaching.conftest import answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db


def buttons(page: str) -> list[str]:
    header = page.split('<ul class="teach-links">', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<button[^>]*>([^<]+)</button>", header)


def test_the_editor_and_dashboard_offer_a_copy_button(ingrid, own_quiz):
    client = client_for(ingrid)
    copy_form = f'action="{reverse("teach:quiz_copy", args=[own_quiz.pk])}"'
    assert copy_form in client.get(reverse("teach:dashboard")).content.decode()
    assert copy_form in client.get(reverse("teach:quiz_edit", args=[own_quiz.pk])).content.decode()
    response = client.post(reverse("teach:quiz_copy", args=[own_quiz.pk]))
    copy = Quiz.objects.get(title=f"{own_quiz.title} (copy)")
    assert response.url == reverse("teach:quiz_edit", args=[copy.pk])


def test_a_quiz_nobody_attempted_is_deleted_after_asking(ingrid, own_quiz):
    client = client_for(ingrid)
    edit_url = reverse("teach:quiz_edit", args=[own_quiz.pk])
    assert buttons(client.get(edit_url).content.decode())[-1] == "Delete"
    url = reverse("teach:quiz_delete", args=[own_quiz.pk])
    asked = client.post(url).content.decode()
    assert "its questions and its assignments to classes will be deleted" in asked
    assert Quiz.objects.filter(pk=own_quiz.pk).exists()
    assert client.post(url, {"confirm": "yes"}).url == reverse("teach:dashboard")
    assert not Quiz.objects.filter(pk=own_quiz.pk).exists()


def test_a_quiz_with_attempts_is_archived_not_deleted(ingrid, alice, own_quiz, klass):
    answered(own_quiz, alice, {"single": "Realism"})
    client = client_for(ingrid)
    edit_url = reverse("teach:quiz_edit", args=[own_quiz.pk])
    page = client.get(edit_url).content.decode()
    assert buttons(page)[-1] == "Archive" and "can be archived but not deleted" in page
    refused = client.post(reverse("teach:quiz_delete", args=[own_quiz.pk]), {"confirm": "yes"})
    assert refused.url == edit_url
    assert Quiz.objects.filter(pk=own_quiz.pk).exists()

    student = client_for(alice)
    assert student.get(own_quiz.get_absolute_url()).status_code == 200
    client.post(reverse("teach:quiz_archive", args=[own_quiz.pk]), {"archive": "yes"})
    own_quiz.refresh_from_db()
    assert own_quiz.archived_at is not None
    # Hidden from the student, the quiz list and the assigned list...
    assert student.get(own_quiz.get_absolute_url()).status_code == 404
    assert own_quiz.title not in student.get(reverse("quizzes:list")).content.decode()
    assert own_quiz.title not in student.get(reverse("classes:assigned")).content.decode()
    attempt = own_quiz.attempts.get()
    assert student.get(reverse("quizzes:review", args=[attempt.pk])).status_code == 200
    # ...and from the instructor's lists, but kept in the gradebook.
    dashboard = client.get(reverse("teach:dashboard")).content.decode()
    assert "Archived quizzes (1)" in dashboard
    class_page = client.get(klass.get_absolute_url()).content.decode()
    assert f'<option value="{own_quiz.pk}"' not in class_page
    gradebook = client.get(reverse("teach:gradebook", args=[klass.pk])).content.decode()
    assert own_quiz.title in gradebook

    assert buttons(client.get(edit_url).content.decode())[-1] == "Bring back from the archive"
    client.post(reverse("teach:quiz_archive", args=[own_quiz.pk]), {"archive": "no"})
    assert student.get(own_quiz.get_absolute_url()).status_code == 200


def test_a_course_quiz_is_neither_deleted_nor_archived_here(carol):
    course = quiz_from_gift(slug="course-quiz")
    client = client_for(carol)
    assert client.post(reverse("teach:quiz_delete", args=[course.pk])).status_code == 404
    assert client.post(reverse("teach:quiz_archive", args=[course.pk])).status_code == 404
    assert buttons(client.get(reverse("teach:quiz_edit", args=[course.pk])).content.decode()) == [
        "Copy this quiz"
    ]


def test_deleting_refuses_when_an_attempt_slipped_in(ingrid, alice, own_quiz, monkeypatch):
    answered(own_quiz, alice, {"single": "Realism"})
    with pytest.raises(services.QuizInUse):
        services.delete_quiz(own_quiz)
    # Even past the check, the database keeps the attempt's quiz.
    monkeypatch.setattr(type(own_quiz.attempts), "exists", lambda self: False)
    assert not own_quiz.attempts.exists()
    with pytest.raises(services.QuizInUse):
        services.delete_quiz(own_quiz)
    assert Quiz.objects.filter(pk=own_quiz.pk).exists()


def test_an_archived_quiz_cannot_be_assigned(ingrid, own_quiz):
    quiz_services.archive_quiz(own_quiz, True)
    klass = make_class(ingrid, "Later")
    response = client_for(ingrid).post(
        reverse("teach:assignment_create", args=[klass.pk]),
        {"quiz": own_quiz.pk, "opens_at": "2030-01-01T09:00", "due_at": "2030-01-08T09:00"},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not klass.assignments.exists()
