from pathlib import Path

import pytest
from django.conf import settings

from apps.cases.models import Case
from apps.core.content_files import ContentError
from apps.lessons.models import Lesson, Theory
from apps.quizzes import services
from apps.quizzes.lint import item_from_gift, quiz_warnings
from apps.quizzes.loading import export_quizzes, load_quizzes, read_gift
from apps.quizzes.models import Attempt, Question, Quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def topics(db):
    """The lesson and case the quizzes below test (a quiz points at the row)."""
    theory = Theory.objects.create(slug="realism", title="Realism", status="published")
    Lesson.objects.create(slug="two-views-of-security", title="Two views", theory=theory)
    Case.objects.create(slug="concert-of-europe", title="The Concert", period="1815–1854")


QUIZZES_YAML = """\
- slug: two-views
  title: Two views of security
  lesson: two-views-of-security
  description: |
    A short check on *realism* and collective security.
  feedback_mode: immediate
  pass_mark: 60
- slug: concert
  title: 'The Concert of Europe: a regime?'
  case: concert-of-europe
  feedback_mode: deferred
  pass_mark: 50
  attempts_allowed: 3
  time_limit: 20
  shuffle_questions: true
"""

TWO_VIEWS_GIFT = """\
// [id:tv-1]
// [tag:realism]
::self-help::Which view says that states must rely on themselves? {
\t=Realism#Yes\\: self-help under anarchy.
\t~Collective security#No\\: it promises help from all.
\t####See [self-help](/lessons/two-views-of-security/\\#self-help).
}

::league::The League of Nations was built on collective security. {TRUE#Look again.#Right.}

::year::In what year did the Crimean War begin? {#
\t=1853
\t=%50%1853:2
}
"""

CONCERT_GIFT = """\
$CATEGORY: concert

::began::The Concert of Europe began in {~1848 =1815#Yes, after Napoleon. ~1919} at Vienna.

::features::Which helped the Concert work? {
\t~%50%Shared expectations
\t~%50%Regular consultation
\t~%-100%A standing army
}

::essay::[markdown]Was the Concert a *security regime*? Argue in a paragraph. {}
"""


def write_content(folder: Path, gifts: dict | None = None, yaml: str = QUIZZES_YAML) -> Path:
    quizzes = folder / "quizzes"
    quizzes.mkdir(parents=True, exist_ok=True)
    (quizzes / "quizzes.yaml").write_text(yaml, encoding="utf-8")
    gifts = gifts or {"two-views": TWO_VIEWS_GIFT, "concert": CONCERT_GIFT}
    for slug, text in gifts.items():
        (quizzes / f"{slug}.gift").write_text(text, encoding="utf-8")
    return folder


def read_all(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((folder / "quizzes").iterdir())}


def test_load_then_export_gives_identical_files(tmp_path):
    source = write_content(tmp_path / "in")
    assert load_quizzes(source) == 2
    export_quizzes(tmp_path / "out")
    assert read_all(tmp_path / "out") == read_all(source)


def test_loading_reads_every_setting(tmp_path):
    load_quizzes(write_content(tmp_path))
    concert = Quiz.objects.get(slug="concert")
    assert concert.case.slug == "concert-of-europe"
    assert concert.attempts_allowed == 3 and concert.time_limit == 20
    assert concert.shuffle_questions
    assert concert.status == "published" and concert.owner is None
    two_views = Quiz.objects.get(slug="two-views")
    assert two_views.feedback_mode == "immediate"
    assert "<em>realism</em>" in two_views.description_html
    assert list(Quiz.objects.values_list("slug", flat=True)) == ["two-views", "concert"]
    self_help = two_views.questions.get(title="self-help")
    assert (self_help.gift_id, self_help.tags) == ("tv-1", ["realism"])
    assert 'href="/lessons/two-views-of-security/#self-help"' in self_help.general_feedback_html
    essay = concert.questions.get(title="essay")
    assert essay.text_format == "markdown" and "<em>security regime</em>" in essay.text_html


def test_loading_twice_changes_nothing(tmp_path):
    content = write_content(tmp_path)
    load_quizzes(content)
    before = list(Question.objects.values_list("pk", "version", "current"))
    load_quizzes(content)
    assert list(Question.objects.values_list("pk", "version", "current")) == before


def test_loading_again_keeps_a_course_quiz_a_curator_archived(tmp_path):
    content = write_content(tmp_path)
    load_quizzes(content)
    services.archive_quiz(Quiz.objects.get(slug="concert"), True)
    load_quizzes(content)
    assert Quiz.objects.get(slug="concert").archived_at is not None


def test_an_edit_to_a_question_in_an_attempt_becomes_a_new_version(tmp_path, alice):
    content = write_content(tmp_path)
    load_quizzes(content)
    quiz = Quiz.objects.get(slug="two-views")
    attempt = services.start_attempt(quiz, alice)
    old = quiz.questions.get(title="league")
    edited = TWO_VIEWS_GIFT.replace("{TRUE#", "{FALSE#")
    write_content(content, {"two-views": edited, "concert": CONCERT_GIFT})
    load_quizzes(content)
    new = quiz.questions.get(title="league", current=True)
    assert new.pk != old.pk and new.version == 2 and new.previous_id == old.pk
    assert Question.objects.filter(pk=old.pk, current=False).exists()
    # The attempt answers the version it started with; other questions were not touched.
    assert attempt.responses.filter(question=old).exists()
    assert quiz.questions.filter(title="self-help").count() == 1
    assert Attempt.objects.get().in_progress


def test_an_edit_to_a_question_no_attempt_has_is_made_in_place(tmp_path):
    content = write_content(tmp_path)
    load_quizzes(content)
    old = Question.objects.get(title="league")
    edited = TWO_VIEWS_GIFT.replace("{TRUE#", "{FALSE#")
    write_content(content, {"two-views": edited, "concert": CONCERT_GIFT})
    load_quizzes(content)
    new = Question.objects.get(title="league")
    assert new.pk == old.pk and new.version == 1
    assert [(c.text, c.fraction) for c in new.choices.all()] == [("true", 0.0), ("false", 1.0)]


def test_moving_and_removing_questions(tmp_path, alice):
    content = write_content(tmp_path)
    load_quizzes(content)
    quiz = Quiz.objects.get(slug="two-views")
    services.start_attempt(quiz, alice)
    kept = quiz.questions.get(title="year")
    blocks = TWO_VIEWS_GIFT.split("\n\n")
    write_content(content, {"two-views": blocks[2], "concert": CONCERT_GIFT})
    load_quizzes(content)
    assert list(quiz.questions.current().values_list("pk", flat=True)) == [kept.pk]
    assert quiz.questions.get(pk=kept.pk).position == 1
    # Retired, not deleted: the open attempt still has them.
    assert quiz.questions.filter(current=False).count() == 2


def test_a_gift_error_names_the_file_and_line_and_loads_nothing(tmp_path):
    broken = CONCERT_GIFT.replace("~1919}", "~1919")
    content = write_content(tmp_path, {"two-views": TWO_VIEWS_GIFT, "concert": broken})
    with pytest.raises(ContentError) as error:
        load_quizzes(content)
    assert error.value.path.endswith("concert.gift")
    assert error.value.line == 3
    assert str(error.value).startswith(f"{content / 'quizzes' / 'concert.gift'}:3: ")
    assert not Quiz.objects.exists()


@pytest.mark.parametrize(
    "yaml, message",
    [
        ("- slug: x\n", "has no 'title'"),
        ("- slug: x\n  title: X\n  feedback_mode: sometimes\n", "feedback_mode must be one of"),
        ("- slug: x\n  title: X\n  pass_mark: 120\n", "pass_mark must be"),
        ("- slug: x\n  title: X\n  colour: red\n", "unknown key 'colour'"),
        ("- slug: nofile\n  title: X\n", "no question file nofile.gift"),
        ("slug: x\n", "expected a list"),
    ],
)
def test_yaml_mistakes_are_named(tmp_path, yaml, message):
    content = write_content(tmp_path, {"x": "::q:: Q {=a ~b}"}, yaml=yaml)
    with pytest.raises(ContentError, match=message) as error:
        load_quizzes(content)
    assert error.value.path.endswith("quizzes.yaml")


def test_instructors_own_quizzes_are_neither_overwritten_nor_exported(tmp_path, ingrid):
    Quiz.objects.create(slug="two-views", title="Ingrid's", owner=ingrid)
    with pytest.raises(ContentError, match="instructor's own quiz"):
        load_quizzes(write_content(tmp_path / "in"))
    Quiz.objects.create(slug="mine", title="Mine", owner=ingrid)
    export_quizzes(tmp_path / "out")
    assert read_all(tmp_path / "out") == {"quizzes.yaml": "[]\n"}


def test_explanations_are_collected_for_the_link_check(tmp_path):
    documents = []
    content = write_content(tmp_path)
    load_quizzes(content, documents)
    path, text, line = documents[0]
    assert path == content / "quizzes" / "two-views.gift"
    assert "/lessons/two-views-of-security/#self-help" in text
    assert line == 3


def test_no_quizzes_folder_loads_nothing(tmp_path):
    assert load_quizzes(tmp_path) == 0


def test_a_quiz_on_an_unknown_lesson_names_the_line(tmp_path):
    folder = tmp_path / "quizzes"
    folder.mkdir()
    (folder / "quizzes.yaml").write_text("- slug: q\n  title: Q\n  lesson: no-such-lesson\n")
    (folder / "q.gift").write_text("::a::Yes? {TRUE}\n")
    with pytest.raises(ContentError, match="unknown lesson 'no-such-lesson'"):
        load_quizzes(tmp_path)
    assert not Quiz.objects.exists()


def test_the_course_bank_passes_the_authoring_lint():
    warnings: list[str] = []
    for path in sorted((settings.BASE_DIR / "content" / "quizzes").glob("*.gift")):
        items = [item_from_gift(q) for q in read_gift(path)]
        warnings += [f"{path.name} {w}" for w in quiz_warnings(items)]
    assert len(list((settings.BASE_DIR / "content" / "quizzes").glob("*.gift"))) == 11
    assert warnings == []
