"""The student's home at /me/ and its short version on the home page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.cases import services as case_services
from apps.classes.models import Assignment, Class, Membership
from apps.lab.models import SoloGame
from apps.lessons import services
from apps.lessons.models import Theory
from apps.quizzes import services as quiz_services
from tests.cases.conftest import make_case
from tests.lessons.conftest import make_lessons, theory  # noqa: F401 - a fixture
from tests.quizzes.conftest import choice_id, questions_by_title, quiz_from_gift

pytestmark = pytest.mark.django_db
ONE_QUESTION = "::one:: Pick A {=A ~B}\n"


def passed_attempt(quiz, user, answer="A"):
    attempt = quiz_services.start_attempt(quiz, user)
    question = questions_by_title(quiz)["one"]
    quiz_services.save_response(attempt, question.pk, choice_id(question, answer))
    return quiz_services.submit_attempt(attempt)


def test_each_lesson_shows_its_state_and_kept_grade(client, theory, alice):  # noqa: F811
    lessons = make_lessons(theory, 4)
    quiz = quiz_from_gift(ONE_QUESTION, slug="quiz-2", lesson=lessons[2])
    services.record_section(alice, lessons[0], "why-this-matters")
    services.mark_read(alice, lessons[1])
    passed_attempt(quiz, alice)
    services.record_quiz_result(alice, lessons[2], passed=True)
    client.force_login(alice)
    html = client.get("/me/").content.decode()
    states = [html.index(label) for label in ("Reading", "✓ Read", "✓ Quiz passed", "Not started")]
    assert states == sorted(states)
    assert "kept grade 100% (pass mark 50%)" in html
    assert "You have read <strong>2 of 4</strong>" in html


def test_continue_goes_to_the_most_recent_place_left_open(client, theory, alice):  # noqa: F811
    first, second = make_lessons(theory, 2)
    quiz = quiz_from_gift(ONE_QUESTION, slug="quiz-1", lesson=second)
    services.record_section(alice, first, "why-this-matters")
    attempt = quiz_services.start_attempt(quiz, alice)
    client.force_login(alice)
    html = client.get("/me/").content.decode()
    # The attempt was opened after the lesson was last read.
    assert f'<a class="button" href="/quizzes/attempts/{attempt.pk}/">Continue: Quiz 1' in html
    assert f'href="/lessons/{first.slug}/#why-this-matters">{first.title}</a>' in html
    services.record_section(alice, first, "why-this-matters")
    html = client.get("/me/").content.decode()
    assert f'href="/lessons/{first.slug}/#why-this-matters">Continue: {first.title}' in html
    assert "at “Why this matters”" in html


def test_an_unfinished_lab_level_is_a_place_to_continue(client, alice):
    SoloGame.objects.create(student=alice, level="shadow-of-the-future", state={})
    client.force_login(alice)
    html = client.get("/me/").content.decode()
    assert 'href="/lab/play/shadow-of-the-future/">Continue: The shadow of the future' in html


def test_the_next_step_is_the_first_unread_lesson_then_its_quiz(client, theory, alice):  # noqa: F811
    first, second = make_lessons(theory, 2)
    quiz = quiz_from_gift(ONE_QUESTION, slug="quiz-0", lesson=first)
    client.force_login(alice)

    def next_step() -> str:
        html = client.get("/me/").content.decode()
        return html[
            html.index('id="next-title"') : html.index("</section>", html.index('id="next-title"'))
        ]

    assert f'<a href="/lessons/{first.slug}/">Lesson 0: {first.title}' in next_step()
    services.mark_read(alice, first)
    assert f'<a href="{quiz.get_absolute_url()}">Quiz: {quiz.title}' in next_step()
    services.record_quiz_result(alice, first, passed=True)
    assert f'<a href="/lessons/{second.slug}/">Lesson 1: {second.title}' in next_step()
    services.mark_read(alice, second)
    assert "Every lesson read and every quiz passed" in next_step()


def _assign(klass, slug, due):
    quiz = quiz_from_gift(ONE_QUESTION, slug=slug, owner=klass.owner)
    now = timezone.now()
    return Assignment.objects.create(
        klass=klass, quiz=quiz, opens_at=now - timedelta(days=10), due_at=now + due
    )


def test_classes_list_assignments_overdue_first(client, alice, ingrid):
    klass = Class.objects.create(name="Seminar", owner=ingrid)
    Membership.objects.create(klass=klass, student=alice)
    _assign(klass, "soon", timedelta(days=1))
    _assign(klass, "later", timedelta(days=5))
    _assign(klass, "missed", -timedelta(days=2))
    client.force_login(alice)
    html = client.get("/me/").content.decode()
    places = [html.index(title) for title in ("Missed", "Soon", "Later")]
    assert places == sorted(places)
    assert "Overdue: not submitted" in html and 'class="is-overdue"' in html


def test_a_student_sees_only_their_own_progress(client, theory, alice, bob, ingrid):  # noqa: F811
    [lesson] = make_lessons(theory, 1)
    services.record_section(alice, lesson, "why-this-matters")
    klass = Class.objects.create(name="Alice's seminar", owner=ingrid)
    Membership.objects.create(klass=klass, student=alice)
    client.force_login(bob)
    html = client.get("/me/").content.decode()
    assert "Reading" not in html and "Not started" in html
    assert "Alice's seminar" not in html and "Continue: " not in html


def test_the_reviews_slot_says_how_many_cards_are_due(client, alice):
    client.force_login(alice)
    html = client.get("/me/").content.decode()
    assert "Reviews due today" in html and "None due. Come back tomorrow." in html


def test_the_home_page_offers_a_signed_in_student_their_place(client, theory, alice):  # noqa: F811
    [lesson] = make_lessons(theory, 1)
    assert "My course" not in client.get("/").content.decode()
    services.record_section(alice, lesson, "why-this-matters")
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert f'href="/lessons/{lesson.slug}/#why-this-matters">Continue: {lesson.title}' in html
    assert 'href="/me/"' in html


def _progress(student, lessons, classes, ingrid):
    for index, lesson in enumerate(lessons):
        services.record_section(student, lesson, "why-this-matters")
        if index % 2:
            services.mark_read(student, lesson)
        quiz = quiz_from_gift(ONE_QUESTION, slug=f"quiz-{student.pk}-{index}", lesson=lesson)
        passed_attempt(quiz, student)
        if index % 3 == 0:
            quiz_services.start_attempt(quiz, student)
    for number in range(classes):
        klass = Class.objects.create(name=f"Class {student.pk}-{number}", owner=ingrid)
        Membership.objects.create(klass=klass, student=student)
        _assign(klass, f"due-{student.pk}-{number}", timedelta(days=number - 1))


def test_the_query_count_does_not_grow_with_progress(client, theory, alice, bob, ingrid):  # noqa: F811
    lessons = make_lessons(theory, 8)
    _progress(alice, lessons[:1], 1, ingrid)
    _progress(bob, lessons, 4, ingrid)
    counts = {}
    for student in (alice, bob):
        client.force_login(student)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/me/").status_code == 200
        counts[student.username] = len(queries)
    assert counts["alice"] == counts["bob"], counts
    assert counts["bob"] <= 18


def test_case_predictions_and_judgements_are_listed_and_unjudged_ones_continue(client, alice):
    case = make_case()
    realism, regimes = Theory.objects.get(slug="realism"), Theory.objects.get(slug="regimes")
    case_services.save_prediction(alice, case, realism, "Power decides.")
    case_services.judge_prediction(alice, case, realism, "partly")
    case_services.save_prediction(alice, case, regimes, "Rules hold.")
    client.force_login(alice)
    html = client.get("/me/").content.decode()
    listed = html[html.index('id="predictions-title"') :]
    assert "It partly matched" in listed and "Not judged yet" in listed
    assert f'href="{case.get_absolute_url()}?lens=regimes#readings">Continue: {case.title}' in html
    assert "judge your prediction for Security regimes" in html
