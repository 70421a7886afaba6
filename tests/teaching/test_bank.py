"""The question bank: an instructor's own and the course questions, filtered by text,
kind, category and tag, and added as copies to the instructor's own quizzes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.quizzes.models import Question
from tests.teaching.conftest import client_for, quiz_from_gift

pytestmark = pytest.mark.django_db

BANK = """\
$CATEGORY: $course$/top/Realism

// [tag:anarchy]
// [points:2]
::self-help:: Under anarchy, states rely on {=self-help ~a world government}

$CATEGORY: $course$/top/Regimes

// [tag:anarchy]
// [tag:norms]
::norms:: Regimes rest on shared {=norms ~armies}

::league:: The League of Nations was built on collective security.{T}
"""
URL = reverse("teach:bank")


@pytest.fixture
def banked(ingrid):
    return quiz_from_gift(BANK, slug="ingrids-bank", owner=ingrid)


@pytest.fixture
def target(ingrid):
    return quiz_from_gift("", slug="ingrids-new", owner=ingrid, status="draft")


def titles(response) -> list[str]:
    return [q.title for q in response.context["page"].object_list]


def test_the_bank_lists_own_and_course_questions_but_no_one_elses(ingrid, ivan, banked):
    quiz_from_gift("::course-q:: Course {=a ~b}\n", slug="course")
    quiz_from_gift("::ivans-q:: Ivan's {=a ~b}\n", slug="ivans", owner=ivan)
    quiz_from_gift("::draft-course:: Hidden {=a ~b}\n", slug="draft-course", status="draft")
    response = client_for(ingrid).get(URL)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["course-q", "league", "norms", "self-help"]
    assert "category $course$/top/Realism" in response.content.decode()


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": "$course$/top/Regimes"}, ["norms", "league"]),
        ({"tag": "anarchy"}, ["self-help", "norms"]),
        ({"tag": "norms", "category": "$course$/top/Regimes"}, ["norms"]),
        ({"kind": "truefalse"}, ["league"]),
        ({"q": "ANARCHY"}, ["self-help"]),
        ({"q": "leag"}, ["league"]),
    ],
)
def test_filters_narrow_the_bank(ingrid, banked, filters, expected):
    assert titles(client_for(ingrid).get(URL, filters)) == expected


def test_an_unknown_filter_value_is_a_form_error_not_a_crash(ingrid, banked):
    response = client_for(ingrid).get(URL, {"tag": "no-such-tag"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert len(titles(response)) == 3


def test_adding_copies_the_question_to_the_end_of_an_own_quiz(ingrid, banked, target):
    original = banked.questions.current().get(title="self-help")
    response = client_for(ingrid).post(
        reverse("teach:bank_add", args=[original.pk]),
        {"quiz": target.pk, "filters": "tag=anarchy"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{URL}?tag=anarchy"
    assert "self-help was added to “Ingrids New”." in response.content.decode()
    (copy,) = target.questions.current()
    assert (copy.title, copy.points, copy.category, copy.tags, copy.position) == (
        "self-help", 2, "$course$/top/Realism", ["anarchy"], 1
    )  # fmt: skip
    assert [c.text for c in copy.choice_list] == ["self-help", "a world government"]
    # The original stays where it was, unchanged.
    assert banked.questions.current().filter(pk=original.pk).exists()


def test_a_course_question_can_be_added_but_not_to_a_course_quiz(ingrid, target):
    course = quiz_from_gift("::course-q:: Course {=a ~b}\n", slug="course")
    question = course.questions.current().get()
    client = client_for(ingrid)
    url = reverse("teach:bank_add", args=[question.pk])
    response = client.post(url, {"quiz": course.pk})
    assert response.status_code == 400
    assert "Add to quiz:" in response.content.decode()
    assert course.questions.current().count() == 1
    client.post(url, {"quiz": target.pk})
    assert target.questions.current().get().title == "course-q"


def test_another_instructors_question_cannot_be_added(ingrid, ivan, target):
    ivans = quiz_from_gift("::ivans-q:: Ivan's {=a ~b}\n", slug="ivans", owner=ivan)
    question = ivans.questions.current().get()
    response = client_for(ingrid).post(
        reverse("teach:bank_add", args=[question.pk]), {"quiz": target.pk}
    )
    assert response.status_code == 404
    assert not target.questions.exists()


def test_a_student_has_no_bank(alice):
    assert client_for(alice).get(URL).status_code == 403


def test_the_bank_takes_the_same_queries_for_few_or_many_questions(ingrid, target):
    client = client_for(ingrid)
    client.get(URL)  # the first request caches the signed-in user; count the ones after
    counts = []
    for copies in (1, 6):
        quiz_from_gift("\n".join([BANK] * copies), slug=f"bank-{copies}", owner=ingrid)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert Question.objects.count() == 3 * 7
