from io import StringIO

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
