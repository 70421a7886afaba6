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
    rows = read_csv(body)
    assert rows[0] == [
        "Username", "First name", "Last name",
        "Concert (points of 2)", "Concert (%)",
        "'+Crimea, 1853–56 (points of 2)", "'+Crimea, 1853–56 (%)",
        "Total points", "Total possible", "Total (%)", "Submitted late",
        "Provisional: essays to grade",
    ]  # fmt: skip
    assert rows[1:] == [  # by last name, then username for those without one
        ["alice", "", "", "1.0", "50.0", "1.0", "50.0", "2.0", "4", "50.0", "", ""],
        ["bob", "", "", "1.0", "50.0", "2.0", "100.0", "3.0", "4", "75.0", "Concert", ""],
        ["carla", '\'=HYPERLINK("http://x")', "Ærø", "", "", "", "", "", "", "", "", ""],
        ["Class average", "", "", "1.0", "50.0", "1.5", "75.0", "2.5", "", "62.5", "", ""],
    ]


def read_csv(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))


def test_points_totals_and_class_averages_leave_out_empty_grades(setup):
    book = gradebook.build(setup["klass"], timezone.now())
    assert [c.out_of for c in book.columns] == [2, 2]
    rows = {r.student.username: r for r in book.rows}
    assert [c.points for c in rows["bob"].cells] == [1.0, 2.0]
    assert (rows["bob"].total_points, rows["bob"].total_possible) == (3.0, 4)
    assert rows["bob"].total_percent == 75.0
    assert rows["carla"].total_percent is None and rows["carla"].total_points is None
    averages = [(c.average.percent, c.average.points, c.average.count) for c in book.columns]
    assert averages == [(50.0, 1.0, 2), (75.0, 1.5, 2)]
    assert book.total_average == gradebook.Average(62.5, 2.5, 2)


def test_the_page_shows_points_totals_averages_and_sorts_by_total(ingrid, setup):
    client = client_for(ingrid)
    url = reverse("teach:gradebook", args=[setup["klass"].pk])
    page = client.get(url).content.decode()
    assert "of 2 pts" in page
    assert '3.0 of 4</span> <span class="grade-percent">75.0%' in page
    assert "Class average" in page and "62.5%" in page
    rows = client.get(url, {"sort": "total", "dir": "desc"}).context["book"].rows
    assert [r.student.username for r in rows] == ["bob", "alice", "carla"]


@pytest.fixture
def essay_book(ingrid, alice, bob):
    """An essay quiz: alice's answer waits for a grade, bob's is graded."""
    quiz = quiz_from_gift("::a:: Pick {=right ~wrong}\n\n::e:: Explain. {}\n", slug="essay",
                          owner=ingrid)  # fmt: skip
    klass = make_class(ingrid, students=[alice, bob], quizzes=[quiz])
    answered(quiz, alice, {"a": "right", "e": "Mine."})
    graded = answered(quiz, bob, {"a": "wrong", "e": "His."})
    services.grade_essay(graded.responses.get(question__kind="essay"), ingrid, 1.0)
    return klass, klass.assignments.get()


def test_a_grade_with_an_essay_to_grade_is_provisional_on_screen_and_in_csv(ingrid, essay_book):
    klass, assignment = essay_book
    book = gradebook.build(klass, timezone.now())
    provisional = {r.student.username: (r.cells[0].provisional, r.provisional) for r in book.rows}
    assert provisional == {"alice": (True, True), "bob": (False, False)}
    client = client_for(ingrid)
    page = client.get(reverse("teach:gradebook", args=[klass.pk])).content.decode()
    assert "Some grades are provisional" in page and "1 to grade" in page
    rows = read_csv(client.get(reverse("teach:gradebook_csv", args=[klass.pk])).content.decode())
    assert [r[-1] for r in rows[1:3]] == ["Essay", ""]
    one = client.get(reverse("teach:assignment_gradebook_csv", args=[klass.pk, assignment.pk]))
    assert [r[-1] for r in read_csv(one.content.decode())[1:3]] == ["1", ""]


def test_students_are_named_first_and_last_with_username_and_sorted_by_last_name(ingrid, alice,
                                                                                  bob):  # fmt: skip
    zoe = make_user("zoe", first_name="Zoe", last_name="Abara")
    only_first = make_user("mono", first_name="Mononym")
    quiz = quiz_from_gift(GIFT, slug="names", owner=ingrid)
    klass = make_class(ingrid, students=[alice, bob, zoe, only_first], quizzes=[quiz])
    response = client_for(ingrid).get(reverse("teach:gradebook", args=[klass.pk]))
    rows = response.context["book"].rows
    assert [(r.name, r.student.username) for r in rows] == [
        ("Zoe Abara", "zoe"), ("alice", "alice"), ("bob", "bob"), ("Mononym", "mono"),
    ]  # fmt: skip
    page = response.content.decode()
    assert 'Zoe Abara <span class="meta">zoe</span>' in page
    assert "alice <span" not in page  # no name: the username once, not twice


def test_one_assignment_has_its_own_page_and_csv(ingrid, setup):
    klass = setup["klass"]
    assignment = klass.assignments.get(quiz=setup["late"])
    client = client_for(ingrid)
    url = reverse("teach:assignment_gradebook", args=[klass.pk, assignment.pk])
    response = client.get(url, {"sort": f"q{assignment.pk}", "dir": "desc"})
    page = response.content.decode()
    assert [len(r.cells) for r in response.context["book"].rows] == [1, 1, 1]
    assert "Overdue: not submitted" in page and "Submitted late" in page
    assert "1.0 of 2</span>" in page and "<dd>2 of 3</dd>" in page
    csv_url = reverse("teach:assignment_gradebook_csv", args=[klass.pk, assignment.pk])
    response = client.get(csv_url)
    assert response["Content-Disposition"] == (
        f'attachment; filename="gradebook-{klass.pk}-concert.csv"'
    )
    rows = read_csv(response.content.decode())
    assert rows[0][:7] == ["Username", "First name", "Last name", "Status",
                           "Attempts submitted", "Points (of 2)", "Grade (%)"]  # fmt: skip
    by_user = {r[0]: r for r in rows[1:]}
    assert by_user["alice"][3:7] == ["Submitted", "2", "1.0", "50.0"]
    assert by_user["bob"][3:7] + [by_user["bob"][8]] == ["Submitted late", "1", "1.0", "50.0",
                                                         "yes"]  # fmt: skip
    assert by_user["carla"][3:7] == ["Overdue: not submitted", "0", "", ""]
    assert by_user["Class average"][5:7] == ["1.0", "50.0"]


def test_another_classs_assignment_is_not_found(ingrid, setup):
    other = make_class(ingrid, name="Other", quizzes=[setup["on_time"]])
    assignment = other.assignments.get()
    url = reverse("teach:assignment_gradebook", args=[setup["klass"].pk, assignment.pk])
    assert client_for(ingrid).get(url).status_code == 404


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
