import pytest
from django.urls import reverse

from apps.quizzes import services
from apps.quizzes.models import Question
from apps.quizzes.signals import release_changed
from tests.quizzes.conftest import client_for, quiz_from_gift
from tests.security.forms import form_data

pytestmark = pytest.mark.django_db

TWO = "::one:: Pick A {=A ~B}\n\n::two:: Pick B {~A =B}\n"


def question_form(question, **changes):
    """The admin change form's POST data for `question` and its choices."""
    choices = list(question.choices.all())
    data = {
        "quiz": question.quiz_id,
        "position": question.position,
        "kind": question.kind,
        "title": question.title,
        "text": question.text,
        "text_format": question.text_format,
        "general_feedback": question.general_feedback,
        "points": question.points,
        "category": question.category,
        "gift_id": question.gift_id,
        "tags": "[]",
        "choices-TOTAL_FORMS": len(choices),
        "choices-INITIAL_FORMS": len(choices),
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
    }
    for index, choice in enumerate(choices):
        prefix = f"choices-{index}-"
        data |= {
            prefix + "id": choice.pk,
            prefix + "question": question.pk,
            prefix + "position": choice.position,
            prefix + "text": choice.text,
            prefix + "fraction": choice.fraction,
            prefix + "feedback": choice.feedback,
            prefix + "match_text": choice.match_text,
            prefix + "tolerance": choice.tolerance,
        }
    return data | changes


def test_curators_manage_quizzes_in_the_admin_and_students_cannot(alice, carol):
    quiz = quiz_from_gift(TWO, slug="two")
    curator = client_for(carol)
    assert curator.get("/admin/quizzes/quiz/").status_code == 200
    page = curator.get(f"/admin/quizzes/quiz/{quiz.pk}/change/")
    assert page.status_code == 200
    assert "Pick A" in page.content.decode()  # the question inline
    question = quiz.questions.first()
    assert curator.get(f"/admin/quizzes/question/{question.pk}/change/").status_code == 200
    assert client_for(alice).get("/admin/quizzes/quiz/").status_code == 302


def test_editing_an_answered_question_in_the_admin_saves_a_new_version(alice, carol):
    quiz = quiz_from_gift(TWO, slug="two")
    services.start_attempt(quiz, alice)
    question = quiz.questions.get(title="one")
    response = client_for(carol).post(
        f"/admin/quizzes/question/{question.pk}/change/",
        question_form(question, text="Pick A, the first letter", **{"choices-1-fraction": 0.5}),
        follow=True,
    )
    assert "saved as version 2" in response.content.decode()
    new = quiz.questions.get(title="one", current=True)
    assert new.version == 2 and new.text == "Pick A, the first letter"
    assert [c.fraction for c in new.choices.all()] == [1.0, 0.5]
    question.refresh_from_db()
    assert not question.current and question.text == "Pick A"
    assert [c.fraction for c in question.choices.all()] == [1.0, 0.0]


def test_editing_an_unanswered_question_in_the_admin_changes_it(carol):
    quiz = quiz_from_gift(TWO, slug="two")
    question = quiz.questions.get(title="one")
    client_for(carol).post(
        f"/admin/quizzes/question/{question.pk}/change/",
        question_form(question, text="Pick the letter A"),
    )
    question.refresh_from_db()
    assert question.text == "Pick the letter A" and question.version == 1
    assert question.choices.count() == 2


def test_old_versions_are_read_only_and_deleting_in_use_retires(alice, carol):
    quiz = quiz_from_gift(TWO, slug="two")
    services.start_attempt(quiz, alice)
    question = quiz.questions.get(title="two")
    curator = client_for(carol)
    curator.post(f"/admin/quizzes/question/{question.pk}/delete/", {"post": "yes"})
    question.refresh_from_db()
    assert not question.current
    assert Question.objects.filter(pk=question.pk).exists()
    page = curator.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()
    assert "Save and continue editing" not in page


def test_the_attempt_admin_voids_an_attempt(alice, carol):
    quiz = quiz_from_gift(TWO, slug="two", attempts_allowed=1)
    attempt = services.submit_attempt(services.start_attempt(quiz, alice))
    client_for(carol).post(
        "/admin/quizzes/attempt/", {"action": "void", "_selected_action": [attempt.pk]}
    )
    attempt.refresh_from_db()
    assert attempt.state == "abandoned"
    assert services.start_attempt(quiz, alice).number == 2


def test_an_admin_edit_of_a_linked_question_reaches_every_quiz_that_uses_it(ingrid, carol):
    first = quiz_from_gift(TWO, slug="first", owner=ingrid)
    second = quiz_from_gift("", slug="second", owner=ingrid)
    question = first.questions.get(title="one")
    services.link_question(question, second)
    client_for(carol).post(
        f"/admin/quizzes/question/{question.pk}/change/",
        question_form(question, text="Pick A, in both"),
    )
    assert second.questions.current().get().text == "Pick A, in both"


def test_curators_archive_a_course_quiz_and_bring_it_back_in_the_admin(alice, carol):
    quiz = quiz_from_gift(TWO, slug="two")
    student, curator = client_for(alice), client_for(carol)
    changelist = reverse("admin:quizzes_quiz_changelist")

    def act(action: str) -> str:
        return curator.post(
            changelist, {"action": action, "_selected_action": [quiz.pk]}, follow=True
        ).content.decode()

    assert "Archive: students no longer see" in curator.get(changelist).content.decode()
    assert "Archived 1 quiz" in act("archive")
    quiz.refresh_from_db()
    archived_at = quiz.archived_at
    assert archived_at is not None
    assert student.get(quiz.get_absolute_url()).status_code == 404
    # Archiving again keeps the first date; the change form shows it.
    assert "Archived 0 quizzes" in act("archive")
    quiz.refresh_from_db()
    assert quiz.archived_at == archived_at
    change = curator.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk])).content.decode()
    assert "Archived at" in change

    assert "Brought back 1 quiz" in act("bring_back")
    quiz.refresh_from_db()
    assert quiz.archived_at is None
    assert student.get(quiz.get_absolute_url()).status_code == 200


def test_a_review_setting_changed_in_the_admin_is_announced_for_lms_grades(
    carol, django_capture_on_commit_callbacks
):
    """As in the teaching area: a change to when students see their marks is announced
    (release_changed), so LMS grades follow; another change is not."""
    quiz = quiz_from_gift(TWO, slug="two")
    announced = []

    def receiver(sender, quiz, **kwargs):
        announced.append(quiz.pk)

    release_changed.connect(receiver)
    curator = client_for(carol)
    url = f"/admin/quizzes/quiz/{quiz.pk}/change/"
    try:
        for change, expected in (({}, []), ({"review_after": "manual"}, [quiz.pk])):
            shown = form_data(curator.get(url).content.decode(), "quiz_form")
            with django_capture_on_commit_callbacks(execute=True):  # sent once committed
                response = curator.post(url, shown | change)
            assert response.status_code == 302
            assert announced == expected
    finally:
        release_changed.disconnect(receiver)
    quiz.refresh_from_db()
    assert quiz.review_after == "manual"
