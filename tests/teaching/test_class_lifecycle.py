"""Renaming a class, and archiving one whose course has ended: its code stops working,
its students no longer see its assignments, it leaves the instructor's list, and its
gradebook stays."""

import pytest
from django.urls import reverse

from apps.classes import services as class_services
from apps.classes.models import Class
from tests.teaching.conftest import HX, client_for, make_class

pytestmark = pytest.mark.django_db


def test_renaming_a_class(ingrid, klass):
    client = client_for(ingrid)
    url = reverse("teach:class_rename", args=[klass.pk])
    assert client.post(url, {"name": "  Seminar on regimes  "}).url == klass.get_absolute_url()
    assert Class.objects.get(pk=klass.pk).name == "Seminar on regimes"
    swapped = client.post(url, {"name": "Week 2 seminar"}, **HX).content.decode()
    assert swapped.lstrip().startswith('<div id="class-name">')
    assert "Renamed “Seminar on regimes” to “Week 2 seminar”." in swapped
    assert "<h1>Week 2 seminar</h1>" in swapped


def test_an_empty_or_long_name_is_refused_and_names_the_field(ingrid, klass):
    client = client_for(ingrid)
    url = reverse("teach:class_rename", args=[klass.pk])
    for bad in ("", "x" * 121):
        page = client.post(url, {"name": bad}).content.decode()
        assert "New name" in page and 'aria-invalid="true"' in page
        assert "<h1>Seminar A</h1>" in page
    assert Class.objects.get(pk=klass.pk).name == "Seminar A"


def test_an_archived_class_keeps_its_gradebook_and_nothing_else(ingrid, alice, bob, klass):
    teacher = client_for(ingrid)
    url = reverse("teach:class_archive", args=[klass.pk])
    asked = teacher.post(url, {"archive": "yes"}).content.decode()
    assert "its join code will stop working" in asked
    assert Class.objects.get(pk=klass.pk).archived_at is None
    teacher.post(url, {"archive": "yes", "confirm": "yes"})
    klass.refresh_from_db()
    assert klass.archived_at is not None

    dashboard = teacher.get(reverse("teach:dashboard")).content.decode()
    assert "Archived classes (1)" in dashboard
    assert 'class="card-list"' not in dashboard  # no active class left
    assert teacher.get(reverse("teach:gradebook", args=[klass.pk])).status_code == 200
    assert "This class is archived" in teacher.get(klass.get_absolute_url()).content.decode()

    student = client_for(alice)
    assigned = student.get(reverse("classes:assigned")).content.decode()
    assert "Ingrids Quiz" not in assigned
    newcomer = client_for(bob)
    joined = newcomer.post(reverse("classes:join_code", args=[klass.join_code]))
    assert joined.status_code == 404
    assert not klass.memberships.filter(student=bob).exists()

    teacher.post(url, {"archive": "no"})
    assert "Ingrids Quiz" in student.get(reverse("classes:assigned")).content.decode()
    assert newcomer.post(reverse("classes:join_code", args=[klass.join_code])).status_code == 302


def test_an_archived_classs_quizzes_are_not_reachable_by_url_for_its_students(
    ingrid, alice, klass, own_quiz
):
    student = client_for(alice)
    detail, start = own_quiz.get_absolute_url(), reverse("quizzes:start", args=[own_quiz.slug])
    assert student.get(detail).status_code == 200
    class_services.archive_class(klass, True)
    assert student.get(detail).status_code == 404
    assert student.post(start).status_code == 404
    assert not own_quiz.attempts.exists()
    assert own_quiz.title not in student.get(reverse("quizzes:list")).content.decode()
    # Its rules no longer come from the archived class either.
    assert own_quiz.rules_for(alice).class_opens_at is None
    class_services.archive_class(klass, False)
    assert student.get(detail).status_code == 200


def test_a_student_in_another_live_class_with_the_quiz_still_reaches_it(
    ingrid, alice, klass, own_quiz
):
    make_class(ingrid, name="Seminar B", students=[alice], quizzes=[own_quiz])
    class_services.archive_class(klass, True)
    assert client_for(alice).get(own_quiz.get_absolute_url()).status_code == 200


def test_an_archived_class_leaves_its_students_lists_of_their_classes(ingrid, alice, klass):
    make_class(ingrid, name="Seminar B", students=[alice])
    student = client_for(alice)
    pages = [reverse("site:me"), reverse("classes:assigned")]

    def classes_named(url: str) -> str:
        page = student.get(url).content.decode()
        return page.split("Your classes", 1)[1].split("Join another class", 1)[0]

    assert all("Seminar A" in classes_named(url) for url in pages)
    class_services.archive_class(klass, True)
    for url in pages:
        named = classes_named(url)
        assert "Seminar B" in named and "Seminar A" not in named
