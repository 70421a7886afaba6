"""The checks inside lessons as files: content/lessons/checks/<lesson slug>.gift, each
check placed at the end of the `##` section its explanation links to."""

from pathlib import Path

import pytest
from django.conf import settings

from apps.core.content_files import ContentError
from apps.lessons.models import Lesson, Theory
from apps.quizzes import services
from apps.quizzes.lint import item_from_gift, quiz_warnings
from apps.quizzes.loading import export_checks, load_checks, read_gift
from apps.quizzes.models import CheckAnswer, LessonCheck, Question

pytestmark = pytest.mark.django_db

BODY = """\
## First part {#first}

Text.

### A detail {#detail}

More.

## Second part {#second}

The end.
"""
CHECKS = """\
::C1 A::[markdown]Which is first? {
\t=The first#Right.
\t~The second#No.
\t~The third#No.
\t####See [First part](/lessons/demo/\\#detail).
}

::C2 B::[markdown]Is the second part last? {TRUE####See [Second part](/lessons/demo/\\#second).}
"""


@pytest.fixture
def lesson(db):
    theory = Theory.objects.create(slug="realism", title="Realism", status="published")
    return Lesson.objects.create(slug="demo", title="Demo", theory=theory, body=BODY)


def write_checks(folder: Path, text: str = CHECKS, slug: str = "demo") -> Path:
    (folder / "lessons" / "checks").mkdir(parents=True, exist_ok=True)
    (folder / "lessons" / "checks" / f"{slug}.gift").write_text(text, encoding="utf-8")
    return folder


def test_checks_are_placed_at_the_end_of_the_section_their_explanation_links_to(tmp_path, lesson):
    documents, warnings = [], []
    assert load_checks(write_checks(tmp_path), documents, warnings) == 2
    checks = list(lesson.checks.select_related("question"))
    # A link to a sub-heading places the check at the end of its `##` section.
    assert [(c.position, c.section) for c in checks] == [(1, "first"), (2, "second")]
    assert all(c.question.quiz_id is None for c in checks)
    assert [line for _, _, line in documents] == [1, 8] and warnings == []
    parts = lesson.body_parts()
    assert [p.section for p in parts] == ["first", "second"]
    assert "".join(p.html for p in parts) == lesson.body_html


def test_load_then_export_gives_identical_files(tmp_path, lesson):
    load_checks(write_checks(tmp_path / "in"))
    export_checks(tmp_path / "out")
    exported = (tmp_path / "out" / "lessons" / "checks" / "demo.gift").read_text()
    assert exported == CHECKS


def test_the_course_checks_export_to_the_files_they_came_from(content, tmp_path):
    export_checks(tmp_path)
    folder = Path(settings.BASE_DIR) / "content" / "lessons" / "checks"
    written = sorted(p.name for p in (tmp_path / "lessons" / "checks").iterdir())
    assert written == sorted(p.name for p in folder.glob("*.gift")) and len(written) == 8
    for name in written:
        assert (tmp_path / "lessons" / "checks" / name).read_text() == (folder / name).read_text()


def test_the_course_checks_pass_the_authoring_lint():
    folder = Path(settings.BASE_DIR) / "content" / "lessons" / "checks"
    for path in folder.glob("*.gift"):
        assert quiz_warnings([item_from_gift(q) for q in read_gift(path)]) == [], path.name


def test_an_answered_check_that_changes_becomes_a_new_version(tmp_path, lesson, alice):
    load_checks(write_checks(tmp_path))
    first = LessonCheck.objects.get(lesson=lesson, position=1)
    services.answer_check(first, alice, first.question.choices.get(text="The first").pk)
    old = first.question
    load_checks(write_checks(tmp_path, CHECKS.replace("Which is first?", "Which one is first?")))
    first.refresh_from_db()
    assert first.question_id != old.pk and first.question.previous_id == old.pk
    old.refresh_from_db()
    assert old.current is False  # kept for the answer given to it
    assert CheckAnswer.objects.get(user=alice).question_id == old.pk


def test_an_unanswered_check_is_edited_in_place_and_a_removed_one_goes(tmp_path, lesson):
    load_checks(write_checks(tmp_path))
    second = LessonCheck.objects.get(lesson=lesson, position=2)
    question_id = second.question_id
    only_first = CHECKS.split("\n\n")[0] + "\n"
    load_checks(write_checks(tmp_path, only_first.replace("Which is first?", "First?")))
    assert list(lesson.checks.values_list("position", flat=True)) == [1]
    assert not Question.objects.filter(pk=question_id).exists()
    assert load_checks(write_checks(tmp_path, only_first.replace("Which is first?", "First?"))) == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (CHECKS.replace("/lessons/demo/\\#detail", "/lessons/demo/\\#nowhere"),
         "1: the explanation must link to the section it tests"),
        (CHECKS.replace("/lessons/demo/\\#second", "/lessons/other/\\#second"),
         "8: the explanation must link to the section it tests"),
        ("::E:: Write about it. {####See [First part](/lessons/demo/\\#first).}",
         "1: a check must grade itself on the spot, not be essay"),
        ("::Q:: Broken {=a ~b", "demo.gift:1:"),
    ],
)  # fmt: skip
def test_a_broken_check_names_its_file_and_line_and_loads_nothing(tmp_path, lesson, text, message):
    with pytest.raises(ContentError) as raised:
        load_checks(write_checks(tmp_path, text))
    assert message in str(raised.value)
    assert not LessonCheck.objects.exists()


def test_checks_for_a_lesson_that_does_not_exist_are_refused(tmp_path, lesson):
    with pytest.raises(ContentError, match="no lesson 'missing' for these checks"):
        load_checks(write_checks(tmp_path, slug="missing"))
