"""Misconceptions: wrong answers tagged in GIFT (`// [misconception:slug]` below the
answer) and in the editor, the course's own tags loaded from content/, and the
statistics page counting, per misconception, the students who chose it."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from apps.core.content_files import ContentError, check_links
from apps.quizzes.gift import GiftSyntaxError, parse_gift, write_gift
from apps.quizzes.loading import load_misconceptions, sync_questions
from apps.quizzes.models import Attempt, Choice, Misconception, Question
from apps.site.content import link_targets
from apps.teaching import statistics
from tests.conftest import make_user
from tests.teaching.conftest import answered, client_for, import_gift_text, quiz_from_gift
from tests.teaching.test_authoring import question_data, rows

pytestmark = pytest.mark.django_db

ORGANISATION = "a-regime-is-an-organisation"

TAGGED = """\
::Pick:: What is a regime? {
\t=Shared principles, norms, rules and procedures.
\t~An international organisation with a headquarters.
\t// [misconception:a-regime-is-an-organisation]
\t~A treaty.
}

// [misconception:a-regime-is-an-organisation]
::TF:: A regime is the same thing as an organisation. {FALSE}

::Word:: What kind of thing is a regime? {
\t=set of rules
\t=%0%*organi*ation*
\t// [misconception:a-regime-is-an-organisation]
}

::Year:: When did the Crimean War begin? {#
\t=1853
\t=%0%1914
\t// [misconception:wrong-war]
}
"""


@pytest.fixture
def misconceptions(db):
    Misconception.objects.create(
        slug=ORGANISATION,
        statement="A regime is an international organisation.",
        section="/lessons/what-is-a-regime/#regimes-and-organizations",
    )
    Misconception.objects.create(
        slug="wrong-war", statement="The Crimean War is the First World War.",
        section="/lessons/two-views-of-security/#why-this-matters",
    )  # fmt: skip


def tags(question) -> list[tuple[str, str]]:
    return [(a.text, a.misconception) for a in question.answers if a.misconception]


# -- GIFT -------------------------------------------------------------------------------


def test_a_marker_tags_the_answer_above_it_and_a_true_false_questions_wrong_value():
    pick, tf, word, year = parse_gift(TAGGED).questions
    assert tags(pick) == [("An international organisation with a headquarters.", ORGANISATION)]
    assert tags(tf) == [("true", ORGANISATION)]
    assert tags(word) == [("*organi*ation*", ORGANISATION)]
    assert [(a.value, a.misconception) for a in year.answers] == [(1853, ""), (1914, "wrong-war")]


def test_tags_round_trip_through_the_writer_for_every_kind():
    questions = parse_gift(TAGGED).questions
    missing = parse_gift("::Gap:: A regime is a {=set of rules ~body} in one area.").questions[0]
    missing.answers[1].misconception = ORGANISATION
    questions.append(missing)
    written = write_gift(questions)
    assert "\t~body\n\t// [misconception:a-regime-is-an-organisation]\n} in one area." in written
    assert parse_gift(written).questions == questions
    assert write_gift(parse_gift(written).questions) == written


@pytest.mark.parametrize(
    "text, line, message",
    [
        ("::Q:: Pick {\n=right\n// [misconception:x]\n~wrong\n}", 3, "not a right one"),
        ("// [misconception:x]\n::Q:: Pick {\n=right\n~wrong\n}", 1, "on the line above"),
        ("::Q:: Pick {=right ~wrong ~other\n// [misconception:x]\n}", 2, "a line of its own"),
        ("::Q:: Pick {\n=right\n~wrong\n// [misconception:Not A Slug]\n}", 4, "a slug like"),
        ("::Q:: Explain. {\n// [misconception:x]\n}", 2, "essay question has no answer"),
        ("::Q:: Pick {\n=right\n~wrong\n// [misconception:x] [misconception:y]\n}", 4, "already"),
    ],
)
def test_a_marker_that_tags_nothing_wrong_is_refused_with_its_line(text, line, message):
    with pytest.raises(GiftSyntaxError) as error:
        parse_gift(text)
    assert error.value.line == line and message in error.value.message


def test_tags_round_trip_through_moodle_xml_export_and_import(ingrid, misconceptions):
    """Exported as Moodle XML tags (misconception:N:slug), read back onto the same answers."""
    source = quiz_from_gift(TAGGED, slug="tagged", owner=ingrid)
    target = quiz_from_gift("", slug="target", owner=ingrid)
    client = client_for(ingrid)
    url = reverse("teach:quiz_export", args=[source.pk]) + "?format=moodlexml"
    xml = client.get(url).content.decode()
    assert "<text>misconception:2:a-regime-is-an-organisation</text>" in xml
    import_gift_text(client, reverse("teach:quiz_import", args=[target.pk]), xml)

    def tagged(quiz):
        return list(
            Choice.objects.filter(question__quiz=quiz, misconception__isnull=False)
            .order_by("question__position", "position")
            .values_list("question__title", "position", "misconception")
        )

    assert tagged(target) == tagged(source) != []


def test_an_unknown_misconception_is_refused_naming_the_questions_line(ingrid, misconceptions):
    quiz = quiz_from_gift(TAGGED, slug="tagged", owner=ingrid)
    unknown = parse_gift("\n\n::New:: Pick {\n=a\n~b\n// [misconception:no-such]\n}").questions
    with pytest.raises(ContentError) as error:
        sync_questions(quiz, unknown, "bank.gift")
    assert str(error.value) == "bank.gift:3: unknown misconception 'no-such'"


def test_the_teaching_import_refuses_an_unknown_misconception(ingrid, own_quiz):
    url = reverse("teach:quiz_import", args=[own_quiz.pk])
    text = "::New:: Pick {\n=a\n~b\n// [misconception:no-such]\n}"
    page = client_for(ingrid).post(url, {"text": text}).content.decode()
    assert "unknown misconception" in page and 'name="pending"' not in page


def test_tagging_an_answered_question_keeps_its_version_so_past_answers_count(
    ingrid, alice, misconceptions
):
    quiz = quiz_from_gift("::Pick:: What is a regime? {=Rules ~A body}", slug="q", owner=ingrid)
    answered(quiz, alice, {"Pick": "A body"})
    tagged = parse_gift("::Pick:: What is a regime? {\n=Rules\n~A body\n"
                        f"// [misconception:{ORGANISATION}]\n}}").questions  # fmt: skip
    sync_questions(quiz, tagged)
    question = quiz.questions.get()
    assert (question.version, question.current) == (1, True)
    assert question.choices.get(text="A body").misconception_id == ORGANISATION
    stats = statistics.quiz_statistics(quiz, Attempt.objects.taught_by(ingrid))
    assert [(m.misconception.slug, m.students) for m in stats.misconceptions] == [(ORGANISATION, 1)]


# -- content ----------------------------------------------------------------------------


def test_the_course_bank_tags_its_distractors(content):
    tagged = Choice.objects.filter(question__current=True, question__quiz__owner__isnull=True)
    slugs = set(tagged.exclude(misconception=None).values_list("misconception", flat=True))
    assert {ORGANISATION, "collective-security-is-an-alliance",
            "deterrence-needs-superiority"} <= slugs  # fmt: skip
    assert not tagged.filter(misconception__isnull=False, fraction__gte=1).exists()
    # Every misconception is used, and points at a lesson section that exists.
    assert set(Misconception.objects.values_list("slug", flat=True)) == slugs
    documents = [(Path("m"), f"[s]({m.section})", 1) for m in Misconception.objects.all()]
    check_links(documents, link_targets())


def test_a_misconception_whose_section_does_not_exist_is_refused(content, tmp_path):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    course = (settings.BASE_DIR / "content/quizzes/misconceptions.yaml").read_text()
    broken = course.replace("#regimes-and-organizations", "#no-such-section")
    assert broken != course
    (folder / "misconceptions.yaml").write_text(broken)
    documents: list = []
    load_misconceptions(tmp_path, documents)
    with pytest.raises(ContentError, match="no-such-section"):
        check_links(documents, link_targets())


def test_a_misconception_still_in_use_cannot_be_dropped_from_the_file(content, tmp_path):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "misconceptions.yaml").write_text("[]\n")
    with pytest.raises(ContentError, match="answers are tagged with it"):
        load_misconceptions(tmp_path)


# -- the editor -------------------------------------------------------------------------


def test_the_editor_tags_a_wrong_choice_and_refuses_a_right_one(ingrid, own_quiz, misconceptions):
    url = reverse("teach:question_create", args=[own_quiz.pk]) + "?kind=single"
    client = client_for(ingrid)
    form = client.get(url).content.decode()
    assert 'name="rows-0-misconception"' in form and "A regime is an international" in form
    data = question_data(title="Tagged")
    data.update(rows({"text": "Rules", "fraction": "100", "misconception": ORGANISATION},
                     {"text": "A body", "fraction": "0"}))  # fmt: skip
    page = client.post(url, data).content.decode()
    assert "A right answer reveals no misconception" in page
    assert not own_quiz.questions.filter(title="Tagged").exists()
    data = question_data(title="Tagged")
    data.update(rows({"text": "Rules", "fraction": "100"},
                     {"text": "A body", "fraction": "0", "misconception": ORGANISATION}))  # fmt: skip
    assert client.post(url, data).status_code == 302
    question = own_quiz.questions.get(title="Tagged")
    assert [c.misconception_id for c in question.choice_list] == [None, ORGANISATION]
    edit = reverse("teach:question_edit", args=[own_quiz.pk, question.pk])
    assert f'<option value="{ORGANISATION}" selected>' in client.get(edit).content.decode()


def test_the_editor_tags_a_true_false_questions_wrong_answer(ingrid, own_quiz, misconceptions):
    url = reverse("teach:question_create", args=[own_quiz.pk]) + "?kind=truefalse"
    data = question_data(title="TF", correct="false", misconception=ORGANISATION)
    client_for(ingrid).post(url, data)
    question = own_quiz.questions.get(title="TF")
    assert [(c.text, c.misconception_id) for c in question.choice_list] == [
        ("true", ORGANISATION), ("false", None),
    ]  # fmt: skip


def test_an_unknown_misconception_in_the_editor_is_a_field_error(ingrid, own_quiz, misconceptions):
    url = reverse("teach:question_create", args=[own_quiz.pk]) + "?kind=short"
    data = question_data(title="Typed")
    data.update(rows({"text": "rules", "fraction": "100"},
                     {"text": "body", "fraction": "0", "misconception": "no-such"}))  # fmt: skip
    page = client_for(ingrid).post(url, data).content.decode()
    assert "Select a valid choice" in page
    assert not Question.objects.filter(title="Typed").exists()


# -- statistics -------------------------------------------------------------------------


def test_count_misconceptions_counts_each_student_once():
    counts = statistics.count_misconceptions(
        [
            ("ann", {"m"}, {"m"}),
            ("ann", {"m", "n"}, {"m"}),  # a second question: still one student
            ("ben", {"m"}, set()),
            ("cat", {"n"}, {"n"}),
        ]
    )
    assert counts == {"m": (1, 2), "n": (1, 2)}


ANSWERS = {
    "ann": {"Pick": "An international organisation with a headquarters.", "TF": "true",
            "Word": "an organization", "Year": "1914"},
    "ben": {"Pick": "A treaty.", "TF": "false", "Word": "Set of rules", "Year": "1853"},
    "cat": {"Pick": "Shared principles, norms, rules and procedures.", "TF": "true",
            "Word": "set of rules", "Year": "1853"},
    "dan": {"Pick": "A treaty.", "TF": "false", "Word": "the ORGANISATION", "Year": "1853"},
}  # fmt: skip


@pytest.fixture
def tagged_quiz(ingrid, misconceptions):
    quiz = quiz_from_gift(TAGGED, slug="tagged", owner=ingrid)
    for name, answers in ANSWERS.items():
        answered(quiz, make_user(name), answers)
    return quiz


def test_the_statistics_count_students_per_misconception_and_link_the_lesson(ingrid, tagged_quiz):
    # ann (picked, true, typed), cat (true) and dan (typed) chose the organisation one;
    # ann alone typed 1914.
    client = client_for(ingrid)
    response = client.get(reverse("teach:quiz_statistics", args=[tagged_quiz.pk]))
    found = [(m.misconception.slug, m.students, m.answered, [q.title for q in m.questions])
             for m in response.context["stats"].misconceptions]  # fmt: skip
    assert found == [
        (ORGANISATION, 3, 4, ["Pick", "TF", "Word"]),
        ("wrong-war", 1, 4, ["Year"]),
    ]
    page = response.content.decode()
    assert '<td class="num">3 of 4</td>' in page
    assert '<a href="/lessons/what-is-a-regime/#regimes-and-organizations">' in page
    body = client.get(reverse("teach:quiz_statistics_csv", args=[tagged_quiz.pk])).content
    rows_ = list(csv.reader(io.StringIO(body.decode().removeprefix("\ufeff"))))
    at = rows_.index(["Misconception", "Statement", "Students who chose it",
                      "Students offered it", "Chose it (%)", "Lesson section"])  # fmt: skip
    assert rows_[at + 1] == [ORGANISATION, "A regime is an international organisation.", "3",
                             "4", "75.0", "/lessons/what-is-a-regime/#regimes-and-organizations"]  # fmt: skip
