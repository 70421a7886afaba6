"""Co-instructors and teaching assistants: a co-instructor runs the class as its owner
does; a teaching assistant (who may be a plain student account) grades its essays and
reads its gradebook and statistics, and reaches nothing else: no quiz or class to edit,
nothing of another class."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from apps.classes import services as class_services
from apps.classes.models import Class, Teacher
from apps.quizzes import services
from apps.quizzes.models import Attempt, RubricCriterion, RubricLevel
from apps.teaching.models import Invitation
from tests.conftest import make_user
from tests.teaching.conftest import HX, answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db
CO = Teacher.Role.CO_INSTRUCTOR
TA = Teacher.Role.ASSISTANT


@pytest.fixture
def two_classes(ingrid, alice, bob):
    """ingrid's quiz assigned to two of her classes: alice in A, bob in B, each with an
    essay answer waiting."""
    quiz = quiz_from_gift(slug="ingrids", owner=ingrid)
    a = make_class(ingrid, "Seminar A", students=[alice], quizzes=[quiz])
    b = make_class(ingrid, "Seminar B", students=[bob], quizzes=[quiz])
    essays = {
        name: answered(quiz, student, {"essay": f"Essay by {name}."}).responses.get(
            question__kind="essay"
        )
        for name, student in (("alice", alice), ("bob", bob))
    }
    return quiz, a, b, essays


def add(client, klass, person, role=TA, **extra):
    url = reverse("teach:teacher_add", args=[klass.pk])
    return client.post(url, {"person": person, "role": role}, **extra)


def test_an_owner_adds_a_teaching_assistant_by_username(ingrid, two_classes):
    _, a, _, _ = two_classes
    tara = make_user("tara")
    client = client_for(ingrid)
    response = add(client, a, "TARA")
    assert response["Location"] == a.get_absolute_url()
    assert a.teachers.get().user == tara
    page = client.get(a.get_absolute_url()).content.decode()
    assert "Added tara teaching assistant of Seminar A." in page
    assert "Teaching assistant" in page


def test_with_htmx_the_teachers_section_comes_back_with_its_status(ingrid, ivan, two_classes):
    _, a, _, _ = two_classes
    response = add(client_for(ingrid), a, "ivan@example.com", CO, **HX)
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="teachers"')
    assert "Added ivan co-instructor of Seminar A." in page
    assert a.teachers.get(user=ivan).role == CO


def test_a_co_instructor_must_be_an_instructor(ingrid, alice, bob, two_classes):
    _, a, _, _ = two_classes
    response = add(client_for(ingrid), a, "bob", CO)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Username or email address: bob is not an instructor." in page
    assert not a.teachers.exists()


@pytest.mark.parametrize(
    ("person", "error"),
    [
        ("ingrid", "ingrid owns Seminar A already."),
        ("alice", "alice is a student in Seminar A."),
        ("nobody", "No account has the username “nobody”."),
        ("not@an@address", "“not@an@address” is not a valid email address."),
        ("", "Type the username or email address of the person to add."),
    ],
)
def test_who_cannot_be_added_is_named_with_the_reason(ingrid, two_classes, person, error):
    _, a, _, _ = two_classes
    response = add(client_for(ingrid), a, person)
    assert error in response.content.decode()
    assert not a.teachers.exists() and not Invitation.objects.exists()


def test_an_address_used_by_several_accounts_asks_for_the_username(ingrid, two_classes):
    _, a, _, _ = two_classes
    for username in ("twin1", "twin2"):
        User.objects.create_user(username, "twin@example.org", "pw-not-used-here")
    response = add(client_for(ingrid), a, "twin@example.org")
    assert "Several accounts use twin@example.org" in response.content.decode()


def test_an_unknown_address_is_invited_to_the_class(ingrid, two_classes, settings):
    settings.MAILERS = {}
    _, a, _, _ = two_classes
    client = client_for(ingrid)
    add(client, a, "New.TA@example.org")
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.klass, invitation.class_role) == (
        "new.ta@example.org",
        a,
        TA,
    )
    page = client.get(a.get_absolute_url()).content.decode()
    assert 'id="new-invitation-link"' in page
    assert "new.ta@example.org" in page and "invited" in page


def test_a_teaching_assistant_grades_and_reads_but_edits_nothing(ingrid, two_classes):
    quiz, a, b, essays = two_classes
    tara = make_user("tara")
    class_services.add_teacher(a, tara, TA)
    client = client_for(tara)

    dashboard = client.get(reverse("teach:dashboard")).content.decode()
    assert "Seminar A" in dashboard and "Seminar B" not in dashboard
    assert "New quiz" not in dashboard
    assert client.get(reverse("teach:gradebook", args=[a.pk])).status_code == 200
    assert client.get(reverse("teach:gradebook_csv", args=[a.pk])).status_code == 200
    stats = reverse("teach:quiz_statistics", args=[quiz.pk])
    assert client.get(stats, {"class": a.pk}).status_code == 200
    queue = client.get(reverse("teach:grading")).content.decode()
    assert "Essay by alice." in queue and "Essay by bob." not in queue
    grade = reverse("teach:grade_essay", args=[essays["alice"].pk])
    prefix = f"r{essays['alice'].pk}"
    response = client.post(grade, {f"{prefix}-score": "1", f"{prefix}-comment": "Good."})
    assert response.status_code == 302
    essays["alice"].refresh_from_db()
    assert essays["alice"].comment == "Good."
    review = reverse("quizzes:review", args=[essays["alice"].attempt_id])
    assert client.get(review).status_code == 200

    # Nothing of the other class, not even its existence.
    assert client.get(reverse("teach:gradebook", args=[b.pk])).status_code == 404
    assert client.get(stats, {"class": b.pk}).status_code == 404
    assert client.get(reverse("teach:grade_essay", args=[essays["bob"].pk])).status_code == 404
    assert client.get(reverse("quizzes:review", args=[essays["bob"].attempt_id])).status_code == 404
    # No editing: the class page and its forms, the quiz and its settings.
    assert client.get(a.get_absolute_url()).status_code == 403
    assert client.post(reverse("teach:class_code", args=[a.pk])).status_code == 403
    for name in ("quiz_edit", "quiz_settings", "quiz_preview"):
        assert client.get(reverse(f"teach:{name}", args=[quiz.pk])).status_code == 403, name
    assert client.get(reverse("teach:quiz_create")).status_code == 403


def test_a_teaching_assistant_reads_each_assignment_and_grades_by_rubric(ingrid, two_classes):
    quiz, a, b, essays = two_classes
    tara = make_user("tara")
    class_services.add_teacher(a, tara, TA)
    client = client_for(tara)
    essay = essays["alice"].question
    services.save_rubric(essay, [(RubricCriterion(title="Argument"), [
        RubricLevel(title="Missing", points=Decimal(0)),
        RubricLevel(title="Clear", points=Decimal(2)),
    ])])  # fmt: skip

    gradebook = client.get(reverse("teach:gradebook", args=[a.pk])).content.decode()
    assert f'href="{a.get_absolute_url()}"' not in gradebook  # the class page is not hers
    own, other = a.assignments.get(), b.assignments.get()
    page = client.get(reverse("teach:assignment_gradebook", args=[a.pk, own.pk]))
    assert page.status_code == 200
    assert f'href="{a.get_absolute_url()}"' not in page.content.decode()
    csv = client.get(reverse("teach:assignment_gradebook_csv", args=[a.pk, own.pk]))
    assert csv.status_code == 200 and "alice" in csv.content.decode("utf-8-sig")
    stats_csv = reverse("teach:quiz_statistics_csv", args=[quiz.pk])
    assert client.get(stats_csv, {"class": a.pk}).status_code == 200
    criterion = essay.criteria.get()
    grade = reverse("teach:grade_essay", args=[essays["alice"].pk])
    prefix = f"r{essays['alice'].pk}"
    level = criterion.levels.get(title="Clear")
    response = client.post(grade, {f"{prefix}-c{criterion.pk}": level.pk})
    assert response.status_code == 302
    essays["alice"].refresh_from_db()
    assert essays["alice"].fraction == 1

    # Nothing of the other class; and a rubric is edited, so not by her.
    for name in ("assignment_gradebook", "assignment_gradebook_csv"):
        assert client.get(reverse(f"teach:{name}", args=[b.pk, other.pk])).status_code == 404
        assert client.get(reverse(f"teach:{name}", args=[a.pk, other.pk])).status_code == 404
    assert client.get(stats_csv, {"class": b.pk}).status_code == 404
    rubric = reverse("teach:rubric_edit", args=[quiz.pk, essay.pk])
    assert client.get(rubric).status_code == 403
    assert client.post(rubric, {}).status_code == 403


def test_a_teaching_assistant_who_is_an_instructor_still_cannot_run_the_class(
    ingrid, ivan, two_classes
):
    quiz, a, _, _ = two_classes
    class_services.add_teacher(a, ivan, TA)
    client = client_for(ivan)
    assert client.get(reverse("teach:gradebook", args=[a.pk])).status_code == 200
    assert client.get(a.get_absolute_url()).status_code == 404
    assert client.get(reverse("teach:quiz_edit", args=[quiz.pk])).status_code == 404


def test_a_co_instructor_runs_the_class_as_its_owner(ingrid, ivan, two_classes):
    quiz, a, b, essays = two_classes
    class_services.add_teacher(a, ivan, CO)
    client = client_for(ivan)
    assert client.get(a.get_absolute_url()).status_code == 200
    response = client.post(reverse("teach:class_code", args=[a.pk]), {"code_expires_at": ""})
    assert response.status_code == 302
    assert client.get(reverse("teach:gradebook", args=[a.pk])).status_code == 200
    assert Attempt.objects.taught_by(ivan).get() == essays["alice"].attempt
    assert client.get(reverse("teach:gradebook", args=[b.pk])).status_code == 404
    # The class is shared, the owner's quiz is not.
    assert client.get(reverse("teach:quiz_edit", args=[quiz.pk])).status_code == 404
    assert list(Class.objects.taught_by(ivan)) == [a]


def test_removing_a_teacher_takes_their_access_away(ingrid, two_classes):
    _, a, _, _ = two_classes
    tara = make_user("tara")
    teacher, _ = class_services.add_teacher(a, tara, TA)
    url = reverse("teach:teacher_remove", args=[a.pk, teacher.pk])
    assert client_for(ingrid).post(url, {"confirm": "yes"}).status_code == 302
    assert client_for(tara).get(reverse("teach:gradebook", args=[a.pk])).status_code == 403


def test_adding_again_changes_the_role(ingrid, ivan, two_classes):
    _, a, _, _ = two_classes
    class_services.add_teacher(a, ivan, TA)
    teacher, created = class_services.add_teacher(a, ivan, CO)
    assert not created and teacher.role == CO and a.teachers.count() == 1


def test_the_teachers_dashboard_counts_queries_independently_of_classes(
    ingrid, django_assert_max_num_queries
):
    tara = make_user("tara")
    for n in range(6):
        class_services.add_teacher(make_class(ingrid, f"Class {n}"), tara, TA)
    client = client_for(tara)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("teach:dashboard")).status_code == 200
