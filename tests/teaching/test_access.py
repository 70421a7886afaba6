"""Every teaching URL against every persona: anonymous visitors are sent to log in,
students are refused, another instructor gets a 404 for what is not theirs (so nothing
reveals it exists), and the owner and a curator get the page."""

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, reverse

from apps.classes import services as class_services
from apps.classes.models import Teacher
from apps.core.roles import Role
from apps.teaching import invitations
from apps.teaching import urls as teaching_urls
from tests.conftest import PASSWORD, make_user
from tests.teaching.conftest import answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

# name: (method, POST data, what the owner gets, whether it names an object)
MATRIX = {
    "dashboard": ("get", None, 200, False),
    "quiz_create": ("get", None, 200, False),
    "quiz_edit": ("get", None, 200, True),
    "quiz_settings": ("get", None, 200, True),
    "quiz_copy": ("post", {}, 302, True),
    "quiz_delete": ("post", {"confirm": "yes"}, 302, True),
    "quiz_archive": ("post", {}, 302, True),
    "quiz_preview": ("get", None, 200, True),
    "quiz_import": ("get", None, 200, True),
    "quiz_export": ("get", None, 200, True),
    "quiz_statistics": ("get", None, 200, True),
    "quiz_statistics_csv": ("get", None, 200, True),
    "quiz_regrade": ("get", None, 200, True),
    "quiz_release": ("post", {"release": "marks"}, 302, True),
    "question_create": ("get", None, 200, True),
    "question_edit": ("get", None, 200, True),
    "question_duplicate": ("post", {}, 302, True),
    "question_move": ("post", {"direction": "down"}, 302, True),
    "question_delete": ("post", {"confirm": "yes"}, 302, True),
    "rubric_edit": ("get", None, 200, True),
    "class_create": ("get", None, 200, False),
    "class_detail": ("get", None, 200, True),
    "class_code": ("post", {}, 302, True),
    "class_rename": ("post", {"name": "Renamed"}, 302, True),
    "class_archive": ("post", {"archive": "yes", "confirm": "yes"}, 302, True),
    "member_remove": ("post", {"confirm": "yes"}, 302, True),
    "assignment_create": ("post", {}, 200, True),  # empty form: shown again with errors
    "assignment_edit": ("get", None, 200, True),
    "assignment_delete": ("post", {"confirm": "yes"}, 302, True),
    "assignment_overrides": ("get", None, 200, True),
    "gradebook": ("get", None, 200, True),
    "gradebook_csv": ("get", None, 200, True),
    "assignment_gradebook": ("get", None, 200, True),
    "assignment_gradebook_csv": ("get", None, 200, True),
    "grading": ("get", None, 200, False),
    "attempt_detail": ("get", None, 200, True),
    "grade_essay": ("get", None, 200, True),
    "bank": ("get", None, 200, False),
    "bank_add": ("post", {}, 400, True),  # no quiz chosen: the bank again, with the error
    "teacher_add": ("post", {}, 200, True),  # empty form: shown again with its error
    "teacher_remove": ("post", {"confirm": "yes"}, 302, True),
    "invitation_withdraw": ("post", {"confirm": "yes"}, 302, True),
}
# Curators' and the superuser's alone: instructors are refused like students.
CURATING = {"invitations": ("get", None, 200, False)}
# Open to anyone holding the link (tests/teaching/test_invitations.py).
OPEN = {"invitation_accept"}
PERSONAS = ["anonymous", "alice", "ivan", "ingrid", "carol", "root"]


def test_the_matrix_covers_every_teaching_url():
    names = {p.name for p in teaching_urls.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(MATRIX) | set(CURATING) | OPEN


@pytest.fixture
def world(ingrid, alice, bob):
    return build_world(ingrid, alice, bob)


def build_world(ingrid, alice, bob) -> dict:
    """Ingrid's quiz, class (alice in it, the quiz assigned) and alice's essay answer."""
    quiz = quiz_from_gift(slug="ingrids", owner=ingrid)
    klass = make_class(ingrid, students=[alice], quizzes=[quiz])
    attempt = answered(quiz, alice, {"essay": "Regimes are rules, not actors."})
    question = quiz.questions.current().first()
    essay = quiz.questions.current().get(kind="essay")
    teacher, _ = class_services.add_teacher(klass, bob, Teacher.Role.ASSISTANT)
    invitation, _ = invitations.invite(ingrid, "helper@example.com", klass, "assistant")
    return {
        "essay_id": essay.pk,
        "teacher_id": teacher.pk,
        "invitation_id": invitation.pk,
        "quiz_id": quiz.pk,
        "question_id": question.pk,
        "class_id": klass.pk,
        "membership_id": klass.memberships.get().pk,
        "assignment_id": klass.assignments.get().pk,
        "response_id": attempt.responses.get(question__kind="essay").pk,
        "attempt_id": attempt.pk,
    }


def url_for(name: str, world: dict) -> str:
    pattern = next(p for p in teaching_urls.urlpatterns if p.name == name)
    kwargs = {key: world[key] for key in pattern.pattern.converters}
    if name == "rubric_edit":
        kwargs["question_id"] = world["essay_id"]
    url = reverse(f"teach:{name}", kwargs=kwargs)
    return url + "?kind=single" if name == "question_create" else url


def expected(persona: str, name: str) -> int:
    _, _, owner_status, names_object = MATRIX.get(name) or CURATING[name]
    if persona == "anonymous":
        return 302
    if persona == "alice" or (name in CURATING and persona in ("ivan", "ingrid")):
        return 403
    if persona == "ivan":
        return 404 if names_object else 200
    return owner_status


@pytest.fixture(scope="class")
def matrix_world(django_db_setup, django_db_blocker):
    """The personas (as the shared fixtures make them) and the world, built once for the
    matrix's tests inside a transaction rolled back after the last of them: each test's
    own writes roll back to it (pytest-django nests a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        users = {
            "ingrid": make_user("ingrid", Role.INSTRUCTOR),
            "alice": make_user("alice"),
            "bob": make_user("bob"),
            "ivan": make_user("ivan", Role.INSTRUCTOR),
            "carol": make_user("carol", Role.CURATOR),
            "root": User.objects.create_superuser("root", "root@example.com", PASSWORD),
        }
        yield users, build_world(users["ingrid"], users["alice"], users["bob"])
        transaction.set_rollback(True)


class TestTheMatrix:
    """One world for every teaching URL (its tests use no other users, so none clash)."""

    @pytest.mark.parametrize("name", sorted(MATRIX | CURATING))
    def test_each_persona_gets_exactly_its_status(self, matrix_world, name):
        users, world = matrix_world
        method, data, _, _ = MATRIX.get(name) or CURATING[name]
        url = url_for(name, world)
        clients = {
            persona: Client() if persona == "anonymous" else client_for(users[persona])
            for persona in PERSONAS
        }
        got = {}
        for persona, browser in clients.items():
            # Each persona meets the same world: what one request changes is rolled back.
            with transaction.atomic():
                response = getattr(browser, method)(url, data)
                transaction.set_rollback(True)
            got[persona] = response.status_code
            if persona == "anonymous":
                assert response.url.startswith("/accounts/login/?next=")
        assert got == {persona: expected(persona, name) for persona in PERSONAS}, url


def test_htmx_requests_from_signed_out_browsers_get_403_not_the_login_page(world):
    response = Client().post(
        url_for("question_move", world), {"direction": "up"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403


def test_instructors_use_course_quizzes_but_cannot_edit_them(ivan):
    course = quiz_from_gift(slug="course-quiz")
    client = client_for(ivan)
    for name in ("quiz_preview", "quiz_export", "quiz_statistics", "quiz_statistics_csv"):
        assert client.get(reverse(f"teach:{name}", args=[course.pk])).status_code == 200, name
    for name in ("quiz_edit", "quiz_settings", "quiz_import"):
        assert client.get(reverse(f"teach:{name}", args=[course.pk])).status_code == 404, name
    assert client.post(reverse("teach:quiz_copy", args=[course.pk])).status_code == 302


def test_a_course_draft_is_not_shown_to_instructors(ivan):
    draft = quiz_from_gift(slug="course-draft", status="draft")
    assert client_for(ivan).get(reverse("teach:quiz_preview", args=[draft.pk])).status_code == 404


def test_an_instructor_cannot_grade_an_essay_on_another_instructors_quiz(world, ivan):
    url = reverse("teach:grade_essay", args=[world["response_id"]])
    response = client_for(ivan).post(url, {f"r{world['response_id']}-score": "1"})
    assert response.status_code == 404


def test_an_instructor_grades_class_students_on_a_course_quiz_but_not_others(ingrid, alice, bob):
    course = quiz_from_gift(slug="course-quiz")
    make_class(ingrid, students=[alice], quizzes=[course])
    mine = answered(course, alice, {"essay": "Mine to grade."})
    other = answered(course, bob, {"essay": "Not in the class."})
    client = client_for(ingrid)
    for attempt, status in ((mine, 200), (other, 404)):
        response_id = attempt.responses.get(question__kind="essay").pk
        assert client.get(reverse("teach:grade_essay", args=[response_id])).status_code == status
