"""The question bank: an instructor's own and the course questions, each once, with the
quizzes that use it and its versions; filtered by text, kind, category and tag; added to
the instructor's own quizzes, linked (their own questions) or copied (the course's)."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.quizzes.models import Question
from apps.teaching import services
from tests.teaching.conftest import answered, client_for, quiz_from_gift
from tests.teaching.test_authoring import question_data, rows

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
    return [entry.question.title for entry in response.context["page"].object_list]


def add(client, question, quiz, **extra):
    return client.post(reverse("teach:bank_add", args=[question.pk]), {"quiz": quiz.pk}, **extra)


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


def test_adding_an_own_question_links_it_at_the_end_of_another_own_quiz(ingrid, banked, target):
    original = banked.questions.current().get(title="self-help")
    response = client_for(ingrid).post(
        reverse("teach:bank_add", args=[original.pk]),
        {"quiz": target.pk, "filters": "tag=anarchy"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{URL}?tag=anarchy"
    assert "self-help is now in “Ingrids New” too: the same question" in response.content.decode()
    (linked,) = target.questions.current()
    assert (linked.title, linked.points, linked.category, linked.tags, linked.position) == (
        "self-help", 2, "$course$/top/Realism", ["anarchy"], 1
    )  # fmt: skip
    assert [c.text for c in linked.choice_list] == ["self-help", "a world government"]
    assert linked.entry_id == original.entry_id and linked.pk != original.pk
    # Listed once, used in both quizzes.
    (entry,) = [e for e in response.context["page"].object_list if e.question.title == "self-help"]
    assert [(use.quiz.title, use.points) for use in entry.uses] == [
        ("Ingrids Bank", 2), ("Ingrids New", 2)
    ]  # fmt: skip
    assert entry.targets == []
    assert "Every quiz of yours has this question." in response.content.decode()


def test_a_quiz_that_has_the_question_already_is_refused(ingrid, banked, target):
    question = banked.questions.current().get(title="norms")
    client = client_for(ingrid)
    add(client, question, target)
    response = add(client, question, target)
    assert response.status_code == 400
    assert "“Ingrids New” already has this question." in response.content.decode()
    assert target.questions.current().count() == 1


def test_a_course_question_can_be_added_but_not_to_a_course_quiz(ingrid, target):
    course = quiz_from_gift("::course-q:: Course {=a ~b}\n", slug="course")
    question = course.questions.current().get()
    client = client_for(ingrid)
    url = reverse("teach:bank_add", args=[question.pk])
    response = client.post(url, {"quiz": course.pk})
    assert response.status_code == 400
    assert "Add to quiz:" in response.content.decode()
    assert course.questions.current().count() == 1
    response = client.post(url, {"quiz": target.pk}, follow=True)
    assert "A copy of course-q was added to “Ingrids New”." in response.content.decode()
    copy = target.questions.current().get()
    assert copy.title == "course-q" and copy.entry_id != question.entry_id


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


def test_the_version_history_says_which_quiz_asks_each_version_and_keeps_which(
    ingrid, alice, banked, target
):
    question = banked.questions.current().get(title="self-help")
    client = client_for(ingrid)
    add(client, question, target)
    answered(banked, alice, {"self-help": "self-help"})
    edit = reverse("teach:question_edit", args=[banked.pk, question.pk])
    data = question_data(title="self-help", text="States under anarchy rely on", points="2")
    data.update(
        rows(
            {"text": "self-help", "fraction": "100"},
            {"text": "a world government", "fraction": "0"},
        )
    )
    client.post(edit, data)

    page = client.get(URL, {"q": "self-help"})
    (entry,) = page.context["page"].object_list
    assert [(v.number, v.current_in, v.kept_in, v.answers) for v in entry.versions] == [
        (2, ["Ingrids Bank", "Ingrids New"], [], 0),
        (1, [], ["Ingrids Bank"], 1),
    ]
    assert entry.versions[1].excerpt.startswith("Under anarchy")
    html = page.content.decode()
    assert "Version history" in html and "kept for the attempts in Ingrids Bank" in html


def test_the_bank_takes_the_same_queries_for_few_or_many_questions(ingrid, alice, target):
    client = client_for(ingrid)
    client.get(URL)  # the first request caches the signed-in user; count the ones after
    counts = []
    for copies in (1, 6):
        quiz = quiz_from_gift("\n".join([BANK] * copies), slug=f"bank-{copies}", owner=ingrid)
        for question in quiz.questions.current():
            add(client, question, target)  # linked: each bank question in two quizzes
        answered(quiz, alice, {})
        for question in quiz.questions.current():  # answered, so the edit is a version
            data = question_data(title=question.title, text=question.text + " (v2)")
            if question.kind == "truefalse":
                data["correct"] = "true"
            else:
                data.update(rows({"text": "x", "fraction": "100"}, {"text": "y", "fraction": "0"}))
            client.post(reverse("teach:question_edit", args=[quiz.pk, question.pk]), data)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # 3 and 18 bank questions, each in two quizzes, each in two versions in one of them.
    assert Question.objects.filter(version=2).count() == 2 * 3 * 7


# -- editing a question that several quizzes use ------------------------------------------


@pytest.fixture
def shared(ingrid, banked, target):
    """self-help, in the bank quiz and linked into the new one."""
    services.add_from_bank(banked.questions.current().get(title="self-help"), target)
    return banked.questions.current().get(title="self-help")


def edit_data(text: str, **extra) -> dict:
    data = question_data(title="self-help", text=text, points="2", **extra)
    data.update(rows({"text": "self-help", "fraction": "100"}, {"text": "other", "fraction": "0"}))
    return data


def test_the_quiz_page_and_the_editor_say_where_else_the_question_is(ingrid, banked, shared):
    client = client_for(ingrid)
    page = client.get(reverse("teach:quiz_edit", args=[banked.pk])).content.decode()
    assert page.count("also in 1 other quiz<") == 1
    edit = reverse("teach:question_edit", args=[banked.pk, shared.pk])
    editor = client.get(edit).content.decode()
    assert re.search(
        r'id="shared-notice">The same question is in <a href="[^"]+">Ingrids New</a>', editor
    )
    assert 'name="this_quiz_only"' in editor
    alone = banked.questions.current().get(title="norms")
    editor = client.get(reverse("teach:question_edit", args=[banked.pk, alone.pk])).content.decode()
    assert "shared-notice" not in editor and 'name="this_quiz_only"' not in editor


def test_saving_in_one_quiz_changes_the_other_too(ingrid, banked, target, shared):
    edit = reverse("teach:question_edit", args=[target.pk, target.questions.current().get().pk])
    response = client_for(ingrid).post(edit, edit_data("Reworded"), follow=True)
    assert "Its wording is now the same in “Ingrids Bank”." in response.content.decode()
    assert banked.questions.current().get(title="self-help").text == "Reworded"
    assert [c.text for c in target.questions.current().get().choice_list] == ["self-help", "other"]


def test_saving_in_this_quiz_only_leaves_the_other_as_it_was(ingrid, banked, target, shared):
    edit = reverse("teach:question_edit", args=[target.pk, target.questions.current().get().pk])
    data = edit_data("Only in the new quiz", this_quiz_only="on")
    response = client_for(ingrid).post(edit, data, follow=True)
    assert "It is now this quiz's own question" in unescape(response.content.decode())
    assert target.questions.current().get().text == "Only in the new quiz"
    assert banked.questions.current().get(title="self-help").text.startswith("Under anarchy")
    assert not shared.in_other_quizzes().exists()
