"""Reading progress: the section reached, the end reached, the manual tick, and the
lesson's quiz passed."""

import pytest

from apps.lessons import services
from apps.lessons.models import LessonProgress
from apps.quizzes import services as quiz_services
from tests.lessons.conftest import make_lessons
from tests.quizzes.conftest import choice_id, questions_by_title, quiz_from_gift

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
State = LessonProgress.State
ONE_QUESTION = "::one:: Pick A {=A ~B}\n"


def progress_of(user, lesson) -> LessonProgress:
    return LessonProgress.objects.get(user=user, lesson=lesson)


def test_a_section_reported_by_the_script_is_kept_for_continue(client, theory, alice):
    [lesson] = make_lessons(theory, 1)
    client.force_login(alice)
    url = f"/lessons/{lesson.slug}/progress/"
    response = client.post(url, {"section": "why-this-matters"}, **HTMX)
    assert response.status_code == 204
    progress = progress_of(alice, lesson)
    assert progress.state == State.READING
    assert progress.resume_url() == f"/lessons/{lesson.slug}/#why-this-matters"


def test_a_section_not_in_the_lesson_is_refused_with_the_field_named(client, theory, alice):
    [lesson] = make_lessons(theory, 1)
    client.force_login(alice)
    response = client.post(f"/lessons/{lesson.slug}/progress/", {"section": "nowhere"}, **HTMX)
    assert response.status_code == 400
    assert "section" in response.content.decode()
    assert not LessonProgress.objects.exists()


def test_reaching_the_end_with_the_script_marks_it_read_and_swaps_the_progress(
    client, theory, alice
):
    [lesson] = make_lessons(theory, 1)
    client.force_login(alice)
    response = client.post(f"/lessons/{lesson.slug}/progress/", {"read": "1"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="completion"')
    assert "You have read this lesson" in html
    assert progress_of(alice, lesson).state == State.READ


def test_the_read_button_without_javascript_marks_it_read_and_goes_to_the_next(
    client, theory, alice
):
    first, second = make_lessons(theory, 2)
    client.force_login(alice)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "I've read this — next: Lesson 1" in page
    response = client.post(f"/lessons/{first.slug}/progress/", {"read": "1"})
    assert response.status_code == 302 and response.url == second.get_absolute_url()
    assert progress_of(alice, first).read_at is not None
    last = client.post(f"/lessons/{second.slug}/progress/", {"read": "1"})
    assert last.url == "/lessons/"


def test_a_later_section_report_never_undoes_reading_to_the_end(client, theory, alice):
    [lesson] = make_lessons(theory, 1)
    client.force_login(alice)
    client.post(f"/lessons/{lesson.slug}/progress/", {"read": "1"}, **HTMX)
    client.post(f"/lessons/{lesson.slug}/progress/", {"section": "why-this-matters"}, **HTMX)
    assert progress_of(alice, lesson).state == State.READ


def test_the_lesson_page_carries_the_script_only_for_signed_in_students(client, theory, alice):
    [lesson] = make_lessons(theory, 1)
    assert "progress.js" not in client.get(lesson.get_absolute_url()).content.decode()
    client.force_login(alice)
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert "js/progress" in html and f'data-progress-url="/lessons/{lesson.slug}/progress/"' in html


def test_the_lesson_list_shows_reading_and_read(client, theory, alice):
    first, second, _ = make_lessons(theory, 3)
    services.record_section(alice, first, "why-this-matters")
    services.mark_read(alice, second)
    client.force_login(alice)
    html = client.get("/lessons/").content.decode()
    assert f'href="/lessons/{first.slug}/#why-this-matters">Reading: continue' in html
    assert "✓ Read" in html and "1 of 3" in html


def submit(quiz, user, answer: str, capture):
    attempt = quiz_services.start_attempt(quiz, user)
    question = questions_by_title(quiz)["one"]
    quiz_services.save_response(attempt, question.pk, choice_id(question, answer))
    with capture(execute=True):
        quiz_services.submit_attempt(attempt)


def test_passing_the_lessons_quiz_marks_it_done_even_unread(
    theory, alice, django_capture_on_commit_callbacks
):
    [lesson] = make_lessons(theory, 1)
    quiz = quiz_from_gift(ONE_QUESTION, slug="lesson-quiz", lesson=lesson, pass_mark=60)
    submit(quiz, alice, "B", django_capture_on_commit_callbacks)
    assert not LessonProgress.objects.filter(state=State.QUIZ_PASSED).exists()
    submit(quiz, alice, "A", django_capture_on_commit_callbacks)
    progress = progress_of(alice, lesson)
    assert progress.state == State.QUIZ_PASSED and progress.read_at is not None


def test_a_quiz_keeping_the_last_attempt_can_take_the_pass_back(
    theory, alice, django_capture_on_commit_callbacks
):
    [lesson] = make_lessons(theory, 1)
    quiz = quiz_from_gift(ONE_QUESTION, slug="lesson-quiz", lesson=lesson, grade_method="last")
    submit(quiz, alice, "A", django_capture_on_commit_callbacks)
    assert progress_of(alice, lesson).state == State.QUIZ_PASSED
    submit(quiz, alice, "B", django_capture_on_commit_callbacks)
    assert progress_of(alice, lesson).state == State.READ


def test_an_instructors_own_quiz_on_the_lesson_does_not_count(
    theory, alice, ingrid, django_capture_on_commit_callbacks
):
    [lesson] = make_lessons(theory, 1)
    quiz = quiz_from_gift(ONE_QUESTION, slug="own", lesson=lesson, owner=ingrid)
    submit(quiz, alice, "A", django_capture_on_commit_callbacks)
    assert not LessonProgress.objects.exists()
