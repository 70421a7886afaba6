"""An archived course quiz leaves every list that offers quizzes to students (the
lesson page, /me/, the case page, the teaching area's course quizzes, the LTI picker):
`Quiz.objects.published()` leaves archived quizzes out."""

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.lessons import services
from apps.lti import catalogue
from apps.quizzes.models import Quiz
from tests.cases.conftest import make_case
from tests.lessons.conftest import make_lessons, theory  # noqa: F401 - a fixture
from tests.quizzes.conftest import client_for, quiz_from_gift
from tests.site.test_student_home import ONE_QUESTION, passed_attempt

pytestmark = pytest.mark.django_db


def archive(quiz: Quiz) -> None:
    quiz.archived_at = timezone.now()
    quiz.save(update_fields=["archived_at"])


def test_the_lesson_page_no_longer_links_an_archived_quiz(client, theory, alice):  # noqa: F811
    [lesson] = make_lessons(theory, 1)
    quiz = quiz_from_gift(ONE_QUESTION, slug="lesson-quiz", lesson=lesson)
    link = f'href="{quiz.get_absolute_url()}"'
    assert link in client.get(lesson.get_absolute_url()).content.decode()
    archive(quiz)
    for reader in (client, client_for(alice)):
        page = reader.get(lesson.get_absolute_url()).content.decode()
        assert link not in page and "The quiz for this lesson is not published yet." in page


def test_me_no_longer_offers_an_archived_quiz(client, theory, alice):  # noqa: F811
    [lesson] = make_lessons(theory, 1)
    quiz = quiz_from_gift(ONE_QUESTION, slug="lesson-quiz", lesson=lesson, pass_mark=100)
    services.mark_read(alice, lesson)
    passed_attempt(quiz, alice, answer="B")  # not passed: the quiz is the next step
    client.force_login(alice)
    page = client.get(reverse("site:me")).content.decode()
    assert quiz.title in page and "kept grade 0%" in page
    archive(quiz)
    page = client.get(reverse("site:me")).content.decode()
    assert quiz.title not in page and "No quiz yet" in page
    home = client.get(reverse("site:home")).content.decode()
    assert quiz.title not in home


def test_the_case_page_no_longer_offers_an_archived_quiz(client):
    case = make_case()
    quiz = quiz_from_gift(ONE_QUESTION, slug="case-quiz", case=case)
    assert f"Take the quiz on {case.title}" in client.get(case.get_absolute_url()).content.decode()
    archive(quiz)
    page = client.get(case.get_absolute_url()).content.decode()
    assert quiz.get_absolute_url() not in page and f"Take the quiz on {case.title}" not in page


def test_instructors_and_the_lti_picker_no_longer_list_an_archived_course_quiz(ingrid):
    quiz = quiz_from_gift(ONE_QUESTION, slug="course-quiz")
    dashboard = reverse("teach:dashboard")
    assert quiz.title in client_for(ingrid).get(dashboard).content.decode()
    assert catalogue.resolve("quiz:course-quiz") is not None
    archive(quiz)
    assert quiz.title not in client_for(ingrid).get(dashboard).content.decode()
    assert "quiz:course-quiz" not in [f"{item.kind}:{item.key}" for item in catalogue.items()]
    assert catalogue.resolve("quiz:course-quiz") is None


def test_an_archived_course_quiz_is_still_exported():
    quiz = quiz_from_gift(ONE_QUESTION, slug="course-quiz")
    archive(quiz)
    assert list(Quiz.objects.for_course()) == [quiz]
    assert not Quiz.objects.published().exists()
