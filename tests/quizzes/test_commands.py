import subprocess
import sys
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.quizzes import services
from apps.quizzes.models import Question, Quiz
from tests.quizzes.conftest import EVERY_KIND, quiz_from_gift

pytestmark = pytest.mark.django_db

TWO = "::one:: Pick A {=A ~B}\n\n::two:: Pick B {~A =B}\n"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_creates_a_draft_quiz_with_the_questions(tmp_path):
    gift = tmp_path / "q.gift"
    gift.write_text(EVERY_KIND, encoding="utf-8")
    out, _ = run("import_gift", str(gift), "--quiz", "new-quiz")
    quiz = Quiz.objects.get(slug="new-quiz")
    assert quiz.status == "draft"
    assert quiz.questions.count() == 8
    assert "Created draft quiz 'new-quiz': 8 questions imported." in out


def test_import_appends_to_an_existing_quiz(tmp_path):
    quiz = quiz_from_gift(TWO, slug="two")
    gift = tmp_path / "more.gift"
    gift.write_text("::three:: Pick C {~A =C}\n", encoding="utf-8")
    run("import_gift", str(gift), "--quiz", "two")
    assert list(quiz.questions.current().values_list("title", "position")) == [
        ("one", 1),
        ("two", 2),
        ("three", 3),
    ]


def test_import_with_replace_keeps_answered_questions_as_old_versions(tmp_path, alice):
    quiz = quiz_from_gift(TWO, slug="two")
    services.start_attempt(quiz, alice)
    gift = tmp_path / "new.gift"
    gift.write_text("::one:: Pick A {=A ~B}\n", encoding="utf-8")
    run("import_gift", str(gift), "--quiz", "two", "--replace")
    assert list(quiz.questions.current().values_list("title", flat=True)) == ["one"]
    assert Question.objects.filter(quiz=quiz, title="two", current=False).exists()


def test_import_reports_the_file_and_line_of_a_syntax_error(tmp_path):
    gift = tmp_path / "bad.gift"
    gift.write_text("::ok:: Fine {=a ~b}\n\n::broken:: Oops {=a ~b\n", encoding="utf-8")
    with pytest.raises(CommandError, match=rf"{gift}:3: "):
        run("import_gift", str(gift), "--quiz", "never")
    assert not Quiz.objects.exists()


def test_import_passes_on_the_parsers_warnings(tmp_path):
    gift = tmp_path / "odd.gift"
    gift.write_text("::odd:: Odd weight {~%37%a ~%63%b}\n", encoding="utf-8")
    _, err = run("import_gift", str(gift), "--quiz", "odd")
    assert "warning" in err


def test_import_of_a_missing_file_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_gift", str(tmp_path / "nope.gift"), "--quiz", "x")


def test_export_writes_gift_that_imports_back_the_same(tmp_path):
    quiz_from_gift(slug="every-kind")
    exported, _ = run("export_gift", "every-kind")
    assert "::single::Which view says" in exported
    path = tmp_path / "every.gift"
    path.write_text(exported, encoding="utf-8")
    run("import_gift", str(path), "--quiz", "copy")
    again, _ = run("export_gift", "copy")
    assert again == exported


def test_export_to_a_file(tmp_path):
    quiz_from_gift(TWO, slug="two")
    _, err = run("export_gift", "two", "--output", str(tmp_path / "two.gift"))
    assert (tmp_path / "two.gift").read_text(encoding="utf-8").startswith("::one::")
    assert "Wrote 2 questions" in err


def test_export_of_an_unknown_quiz_fails_clearly():
    with pytest.raises(CommandError, match="No quiz with the slug 'nope'"):
        run("export_gift", "nope")


SAMPLE = Path(__file__).parent / "samples" / "moodle_every_type.xml"


def test_import_questions_reads_moodle_xml_and_creates_the_quiz(tmp_path):
    out, _ = run("import_questions", str(SAMPLE), "--quiz", "from-moodle")
    quiz = Quiz.objects.get(slug="from-moodle")
    assert quiz.status == "draft"
    assert "11 questions imported from Moodle XML" in out
    first = quiz.questions.current().first()
    assert (first.title, first.points, first.hints, first.penalty) == (
        "Self-help", 2, ["Think of anarchy.", "Who helps a state when nobody governs?"], 0.5
    )  # fmt: skip


def test_import_questions_tells_gift_by_its_content(tmp_path):
    gift = tmp_path / "questions.xml"  # the name does not decide the format
    gift.write_text(TWO, encoding="utf-8")
    out, _ = run("import_questions", str(gift), "--quiz", "two")
    assert "2 questions imported from GIFT" in out


def test_import_questions_saves_nothing_and_names_the_question_and_line_on_error(tmp_path):
    broken = tmp_path / "broken.xml"
    # Too long a category for the model: the questions before it were fine.
    long_name = "$course$/top/" + "x" * 300
    broken.write_text(SAMPLE.read_text().replace("$course$/top/Regimes/Facts", long_name))
    quiz_from_gift(TWO, slug="two")
    expected = rf"Nothing was imported\. {broken}:114: question 'Author': .*at most 255"
    with pytest.raises(CommandError, match=expected):
        run("import_questions", str(broken), "--quiz", "two")
    assert Question.objects.filter(quiz__slug="two").count() == 2
    with pytest.raises(CommandError, match=r"Nothing was imported"):
        run("import_questions", str(broken), "--quiz", "new-one")
    assert not Quiz.objects.filter(slug="new-one").exists()


@pytest.mark.parametrize(
    ("name", "text", "line"),
    [
        ("q.gift", TWO + "\n// nothing is right\n::none:: Pick {~A ~B}\n", 6),
        (
            "q.xml",
            '<?xml version="1.0"?>\n<quiz>\n<question type="multichoice"><name><text>none'
            "</text></name><questiontext><text>Pick</text></questiontext>"
            '<answer fraction="0"><text>a</text></answer>'
            '<answer fraction="-50"><text>b</text></answer></question>\n</quiz>\n',
            3,
        ),
    ],
)
def test_import_questions_refuses_a_question_no_answer_earns_credit_in(tmp_path, name, text, line):
    """The same refusal as the teaching area's import, naming the file and line."""
    quiz_from_gift(TWO, slug="two")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    expected = rf"Nothing was imported\. {path}:{line}: question 'none': no answer earns credit"
    with pytest.raises(CommandError, match=expected) as refused:
        run("import_questions", str(path), "--quiz", "two")
    assert refused.value.returncode == 1  # the shell's exit status
    assert Question.objects.filter(quiz__slug="two").count() == 2
    with pytest.raises(CommandError, match="no answer earns credit"):
        run("import_questions", str(path), "--quiz", "fresh")
    assert not Quiz.objects.filter(slug="fresh").exists()


def test_a_failing_import_exits_with_a_non_zero_status(tmp_path):
    bad = tmp_path / "bad.gift"
    bad.write_text("::x:: Unclosed {=a ~b\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_questions", str(bad), "--quiz", "never"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert f"{bad}:1:" in result.stderr


@pytest.mark.parametrize("fmt", ["gift", "moodlexml"])
def test_export_questions_then_import_questions_gives_the_same_quiz(tmp_path, fmt):
    source = quiz_from_gift(EVERY_KIND, slug="source")
    Question.objects.filter(quiz=source, title="essay").update(points=5)
    path = tmp_path / f"out.{fmt}"
    run("export_questions", "--quiz", "source", "--format", fmt, "--output", str(path))
    run("import_questions", str(path), "--quiz", "copy")
    fields = ("kind", "title", "text", "points", "general_feedback")
    assert list(Quiz.objects.get(slug="copy").questions.current().values_list(*fields)) == list(
        source.questions.current().values_list(*fields)
    )


def test_export_questions_writes_a_canvas_zip_and_reports_what_canvas_changes(tmp_path):
    quiz_from_gift(EVERY_KIND, slug="source")
    path = tmp_path / "canvas.zip"
    _, err = run("export_questions", "--quiz", "source", "--format", "qti12", "--output", str(path))
    assert "imsmanifest.xml" in zipfile.ZipFile(path).namelist()
    assert "not kept: Source, question 4 (short)" in err


def test_export_questions_needs_a_file_for_a_zip_and_a_known_quiz():
    quiz_from_gift(TWO, slug="two")
    with pytest.raises(CommandError, match="give --output FILE"):
        run("export_questions", "--quiz", "two", "--format", "qti12")
    with pytest.raises(CommandError, match="No quiz with the slug 'nope'"):
        run("export_questions", "--quiz", "nope", "--format", "gift")
