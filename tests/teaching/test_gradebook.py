"""The gradebook: kept grade per student and assigned quiz, late and missing work,
sorting by any column without JavaScript, and a CSV a spreadsheet opens safely."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.classes.models import Assignment
from apps.core.spreadsheet import neutralise
from apps.quizzes import services
from apps.teaching import gradebook
from tests.conftest import make_user
from tests.teaching.conftest import answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = "::a:: One {=right ~wrong}\n\n::b:: Two {=right ~wrong}\n"
RIGHT, HALF, NONE = {"a": "right", "b": "right"}, {"a": "right", "b": "wrong"}, {"a": "wrong"}


@pytest.fixture
def setup(ingrid, alice, bob):
    """Two quizzes in alice and bob's class; `late` was due an hour ago."""
    carla = make_user("carla", first_name="Carla", last_name="Zapata")
    on_time = quiz_from_gift(GIFT, slug="on-time", owner=ingrid, grade_method="last")
    late = quiz_from_gift(GIFT, slug="concert", owner=ingrid, grade_method="average")
    klass = make_class(ingrid, students=[alice, bob, carla], quizzes=[on_time])
    now = timezone.now()
    Assignment.objects.create(
        klass=klass, quiz=late, opens_at=now - timedelta(days=2), due_at=now - timedelta(hours=1)
    )
    answered(on_time, alice, RIGHT)
    answered(on_time, alice, HALF)  # last attempt counts: 50
    answered(on_time, bob, RIGHT)
    answered(late, alice, RIGHT, now=now - timedelta(hours=2))  # on time
    answered(late, alice, NONE)  # average of 100 and 0
    answered(late, bob, HALF)  # after the due date
    services.start_attempt(on_time, carla)
    return {"klass": klass, "on_time": on_time, "late": late, "carla": carla}


def cells(book):
    return {
        row.student.username: [(c.grade, c.status.value) for c in row.cells] for row in book.rows
    }


def test_each_cell_keeps_the_grade_its_quiz_keeps_and_says_where_the_student_stands(setup):
    book = gradebook.build(setup["klass"], timezone.now())
    assert [a.quiz.slug for a in book.assignments] == ["concert", "on-time"]
    assert cells(book) == {
        "alice": [(50.0, "submitted"), (50.0, "submitted")],
        "bob": [(50.0, "late"), (100.0, "submitted")],
        "carla": [(None, "missing"), (None, "in-progress")],
    }


def test_the_page_marks_late_work_and_sorts_by_any_column(ingrid, setup):
    client = client_for(ingrid)
    url = reverse("teach:gradebook", args=[setup["klass"].pk])
    page = client.get(url).content.decode()
    assert '<span class="flag flag-late">Late</span>' in page
    assert "Overdue: not submitted" in page and "In progress" in page
    on_time = setup["klass"].assignments.get(quiz=setup["on_time"])
    desc = client.get(url, {"sort": f"q{on_time.pk}", "dir": "desc"})
    assert [r.student.username for r in desc.context["book"].rows] == ["bob", "alice", "carla"]
    asc = client.get(url, {"sort": f"q{on_time.pk}", "dir": "asc"})
    assert [r.student.username for r in asc.context["book"].rows] == ["alice", "bob", "carla"]
    assert 'aria-sort="ascending"' in asc.content.decode()
    by_name = client.get(url, {"sort": "name", "dir": "desc"}).context["book"].rows
    assert [r.name for r in by_name] == ["Carla Zapata", "bob", "alice"]
    # An unknown column falls back to names, in order.
    assert client.get(url, {"sort": "q999999"}).context["book"].rows[0].name == "alice"


def test_the_csv_opens_in_a_spreadsheet_as_utf8_text_without_formulas(ingrid, setup):
    carla = setup["carla"]
    carla.first_name, carla.last_name = '=HYPERLINK("http://x")', "Ærø"
    carla.save()
    setup["on_time"].title = "+Crimea, 1853–56"
    setup["on_time"].save()
    response = client_for(ingrid).get(reverse("teach:gradebook_csv", args=[setup["klass"].pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="gradebook-')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == ["Username", "Name", "Concert (%)", "'+Crimea, 1853–56 (%)", "Submitted late"]
    assert rows[1:] == [  # by name: "=" sorts before letters
        ["carla", '\'=HYPERLINK("http://x") Ærø', "", "", ""],
        ["alice", "alice", "50.0", "50.0", ""],
        ["bob", "bob", "50.0", "100.0", "Concert"],
    ]


@pytest.mark.parametrize(
    "text, safe",
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Amara", "Amara"),
        ("", ""),
    ],
)
def test_neutralise(text, safe):
    assert neutralise(text) == safe


def test_an_empty_class_explains_what_to_do(ingrid):
    klass = make_class(ingrid)
    page = client_for(ingrid).get(reverse("teach:gradebook", args=[klass.pk])).content.decode()
    assert "No students have joined yet." in page


def test_a_timed_attempt_left_open_is_graded_at_its_deadline(ingrid, alice):
    """The student saved an answer and walked away: the gradebook, not the student,
    closes the attempt at its deadline and counts what was saved."""
    quiz = quiz_from_gift(GIFT, slug="timed", owner=ingrid, time_limit=10)
    klass = make_class(ingrid, students=[alice], quizzes=[quiz])
    started = timezone.now() - timedelta(hours=1)
    attempt = services.start_attempt(quiz, alice, now=started)
    first = quiz.questions.get(title="a")
    right = first.choices.get(text="right").pk
    services.save_response(attempt, first.pk, right, started + timedelta(minutes=2))
    book = gradebook.build(klass, timezone.now())
    assert cells(book)["alice"] == [(50.0, "submitted")]
    attempt.refresh_from_db()
    assert attempt.state == "submitted" and attempt.timed_out
    assert attempt.submitted_at == attempt.deadline == started + timedelta(minutes=10)
