"""Course quizzes as files: content/quizzes/quizzes.yaml and one <slug>.gift per quiz.

misconceptions.yaml (optional) lists the misconceptions that wrong answers are tagged
with, each with the lesson section that addresses it:

    - slug: a-regime-is-an-organisation
      statement: A regime is an international organisation with a headquarters.
      section: /lessons/what-is-a-regime/#regimes-and-organizations

quizzes.yaml is a list of entries, in course order:

    - slug: two-views-of-security
      title: Two views of security
      lesson: two-views-of-security      # or  case: concert-of-europe
      description: A short check on ...  # Markdown, optional
      feedback_mode: immediate           # or deferred
      pass_mark: 60                      # percent

and, only when they differ from the defaults: status, attempts_allowed, grade_method,
time_limit, shuffle_questions, shuffle_choices, review_after, review_score,
review_answers, review_feedback. What `export_quizzes` writes is the canonical form, so
loading canonical files and exporting them gives the same bytes. Quizzes with an owner
(instructors' own) are not content and are neither loaded nor exported.

The checks inside lessons are content/lessons/checks/<lesson slug>.gift, in the lesson's
order; each appears at the end of the `##` section its explanation first links to
(`load_checks`, `export_checks`).
"""

import re
from pathlib import Path

from django.db import transaction
from django.db.models import Prefetch

from apps.cases.models import Case
from apps.core.content_files import (
    ContentError,
    find_each,
    line_of_key,
    read_yaml,
    write_text,
    write_yaml,
)
from apps.core.publishing import Status
from apps.lessons.models import Lesson
from apps.quizzes.gift import GiftAnswer, GiftQuestion, GiftSyntaxError, parse_gift, write_gift
from apps.quizzes.kinds import spec_of
from apps.quizzes.lint import item_from_gift, quiz_warnings
from apps.quizzes.models import Choice, LessonCheck, Misconception, Question, Quiz, TextFormat
from apps.quizzes.services import retire_question, save_question

REQUIRED = ("slug", "title")
WRITTEN = ("slug", "title", "lesson", "case", "description", "feedback_mode", "pass_mark")
OPTIONAL = {
    "status": Status.PUBLISHED.value,
    "attempts_allowed": 0,
    "grade_method": Quiz.GradeMethod.HIGHEST.value,
    "time_limit": None,
    "shuffle_questions": False,
    "shuffle_choices": True,
    "review_after": Quiz.ReviewAfter.SUBMIT.value,
    "review_score": True,
    "review_answers": True,
    "review_feedback": True,
}
CHOICES = {
    "feedback_mode": Quiz.FeedbackMode.values,
    "status": Status.values,
    "grade_method": Quiz.GradeMethod.values,
    "review_after": Quiz.ReviewAfter.values,
}


def quizzes_dir(content_dir: Path) -> Path:
    return content_dir / "quizzes"


@transaction.atomic
def load_quizzes(
    content_dir: Path, documents: list | None = None, warnings: list | None = None
) -> int:
    """Upsert the course quizzes by slug and return how many the YAML lists.

    Idempotent: a question whose content is unchanged is left alone; a changed one is
    edited in place, or saved as a new version when an attempt already includes it;
    attempts are never touched. Raises ContentError naming the file and line. Appends
    (path, explanation, line) to `documents`, when given, for the site-wide link check,
    and what the authoring lint says of each quiz to `warnings`.
    """
    load_misconceptions(content_dir, documents)
    path = quizzes_dir(content_dir) / "quizzes.yaml"
    if not path.exists():
        return 0
    entries = _entries(path)
    for order, (entry, line) in enumerate(entries):
        quiz = _upsert_quiz(path, line, entry, order)
        gift_path = quizzes_dir(content_dir) / f"{quiz.slug}.gift"
        if not gift_path.exists():
            raise ContentError(path, line, f"no question file {gift_path.name} beside it")
        questions = read_gift(gift_path)
        sync_questions(quiz, questions, gift_path)
        if documents is not None:
            documents.extend((gift_path, q.general_feedback, q.line) for q in questions)
        if warnings is not None:
            items = [item_from_gift(q) for q in questions]
            warnings.extend(f"{gift_path.name} {w}" for w in quiz_warnings(items))
    return len(entries)


def _entries(path: Path) -> list[tuple[dict, int]]:
    data = read_yaml(path) or []
    if not isinstance(data, list):
        raise ContentError(path, 1, "expected a list of quizzes")
    text = path.read_text(encoding="utf-8")
    entries = []
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise ContentError(path, 1, f"quiz {index} is not a mapping of keys to values")
        line = _line_of_slug(text, entry.get("slug"))
        for key in REQUIRED:
            if not entry.get(key):
                raise ContentError(path, line, f"quiz {index} has no '{key}'")
        unknown = sorted(set(entry) - set(WRITTEN) - set(OPTIONAL))
        if unknown:
            raise ContentError(path, line, f"unknown key '{unknown[0]}'")
        for key, allowed in CHOICES.items():
            if key in entry and entry[key] not in allowed:
                raise ContentError(path, line, f"{key} must be one of {', '.join(allowed)}")
        pass_mark = entry.get("pass_mark", 50)
        if not isinstance(pass_mark, int) or not 0 <= pass_mark <= 100:
            raise ContentError(path, line, "pass_mark must be a whole percentage, 0 to 100")
        entries.append((entry, line))
    return entries


MISCONCEPTION_KEYS = ("slug", "statement", "section")


def load_misconceptions(content_dir: Path, documents: list | None = None) -> None:
    """Upsert misconceptions.yaml by slug; one no longer listed is deleted (refused while
    an answer is still tagged with it). Each section link joins `documents` for the
    site-wide link check."""
    path = quizzes_dir(content_dir) / "misconceptions.yaml"
    if not path.exists():
        return
    data = read_yaml(path) or []
    if not isinstance(data, list):
        raise ContentError(path, 1, "expected a list of misconceptions")
    text = path.read_text(encoding="utf-8")
    listed = []
    for index, entry in enumerate(data, start=1):
        if not isinstance(entry, dict):
            raise ContentError(path, 1, f"misconception {index} is not a mapping")
        line = _line_of_slug(text, entry.get("slug"))
        for key in MISCONCEPTION_KEYS:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise ContentError(path, line, f"misconception {index} has no '{key}'")
        unknown = sorted(set(entry) - set(MISCONCEPTION_KEYS))
        if unknown:
            raise ContentError(path, line, f"unknown key '{unknown[0]}'")
        if not entry["section"].startswith("/lessons/") or "#" not in entry["section"]:
            raise ContentError(path, line, "section must be a lesson section: /lessons/slug/#id")
        Misconception.objects.update_or_create(
            slug=entry["slug"],
            defaults={"statement": entry["statement"].strip(), "section": entry["section"]},
        )
        listed.append(entry["slug"])
        if documents is not None:
            documents.append((path, f"[section]({entry['section']})", line))
    gone = Misconception.objects.exclude(slug__in=listed)
    in_use = gone.filter(choices__isnull=False).values_list("slug", flat=True).first()
    if in_use:
        raise ContentError(
            path, 1, f"'{in_use}' is no longer listed but answers are tagged with it"
        )
    gone.delete()


def export_misconceptions(content_dir: Path) -> None:
    rows = Misconception.objects.values_list(*MISCONCEPTION_KEYS)
    entries = [dict(zip(MISCONCEPTION_KEYS, row, strict=True)) for row in rows]
    if entries:
        write_yaml(quizzes_dir(content_dir) / "misconceptions.yaml", entries)


def _line_of_slug(text: str, slug) -> int:
    marker = f"slug: {slug}"
    at = text.find(marker)
    return text.count("\n", 0, at) + 1 if at >= 0 else line_of_key(text, "slug")


def _topic(model, path: Path, line: int, slug: str | None):
    return find_each(model, path, line, "slug", [slug])[0] if slug else None


def _upsert_quiz(path: Path, line: int, entry: dict, order: int) -> Quiz:
    quiz = Quiz.objects.filter(slug=entry["slug"]).first()
    if quiz is not None and quiz.owner_id is not None:
        raise ContentError(path, line, f"'{quiz.slug}' is already an instructor's own quiz")
    quiz = quiz or Quiz(slug=entry["slug"])
    quiz.order = order
    quiz.title = entry["title"]
    quiz.description = entry.get("description") or ""
    quiz.lesson = _topic(Lesson, path, line, entry.get("lesson"))
    quiz.case = _topic(Case, path, line, entry.get("case"))
    quiz.feedback_mode = entry.get("feedback_mode", Quiz.FeedbackMode.DEFERRED)
    quiz.pass_mark = entry.get("pass_mark", 50)
    for key, default in OPTIONAL.items():
        setattr(quiz, key, entry.get(key, default))
    quiz.save()
    return quiz


def read_gift(path: Path) -> list[GiftQuestion]:
    try:
        return parse_gift(path.read_text(encoding="utf-8")).questions
    except GiftSyntaxError as exc:
        raise ContentError(path, exc.line, exc.message) from exc


def question_from_gift(gift: GiftQuestion, quiz: Quiz, position: int) -> tuple[Question, list]:
    """An unsaved question and its choices; ValueError for what the model cannot hold,
    and for a question that no answer earns credit in (every import and load refuses it
    through here)."""
    if gift.format not in TextFormat.values:
        raise ValueError(f"unknown text format '{gift.format}'")
    for answer in gift.answers:
        if not -1 <= answer.fraction <= 1:
            raise ValueError(f"a weight of {answer.fraction:.0%} is outside -100%..100%")
    # Matching pairs carry no credit of their own: the pairs are the key.
    if gift.answers and not spec_of(gift.kind).pairs and max(a.fraction for a in gift.answers) <= 0:
        raise ValueError(
            "no answer earns credit; give the right one full credit (= in GIFT, "
            "fraction 100 in Moodle XML)"
        )
    tagged = {a.misconception for a in gift.answers if a.misconception}
    if tagged:
        known = set(Misconception.objects.filter(slug__in=tagged).values_list("slug", flat=True))
        for slug in sorted(tagged - known):
            raise ValueError(f"unknown misconception '{slug}'")
    question = Question(
        quiz=quiz,
        position=position,
        kind=gift.kind,
        title=gift.title,
        text=gift.text,
        text_format=gift.format,
        general_feedback=gift.general_feedback,
        category=gift.category,
        gift_id=gift.id,
        tags=list(gift.tags),
        points=gift.points,
        hints=list(gift.hints),
        penalty=gift.penalty,
    )
    choices = [
        Choice(
            text=a.text,
            fraction=a.fraction,
            feedback=a.feedback,
            match_text=a.match,
            value=a.value,
            tolerance=a.tolerance,
            low=a.low,
            high=a.high,
            misconception_id=a.misconception or None,
        )
        for a in gift.answers
    ]
    return question, choices


def question_to_gift(question: Question) -> GiftQuestion:
    return GiftQuestion(
        kind=question.kind,
        text=question.text,
        title=question.title,
        format=question.text_format,
        answers=[
            GiftAnswer(
                text=c.text,
                fraction=c.fraction,
                feedback=c.feedback,
                match=c.match_text,
                value=c.value,
                tolerance=c.tolerance,
                low=c.low,
                high=c.high,
                misconception=c.misconception_id or "",
            )
            for c in question.choice_list
        ],
        general_feedback=question.general_feedback,
        category=question.category,
        id=question.gift_id,
        tags=list(question.tags),
        points=question.points,
        hints=list(question.hints),
        penalty=question.penalty,
    )


def sync_questions(quiz: Quiz, wanted: list[GiftQuestion], path: Path | str = "") -> int:
    """Make the quiz's current questions equal `wanted`, in order; return how many rows
    were added, changed or retired.

    Unchanged questions are kept wherever they moved. The changed ones are paired in order
    with the current questions left over, so an edit becomes that question's next version
    (or an in-place change while no attempt has it); extra old ones are retired.
    """
    current = list(quiz.questions.current().prefetch_related("choices"))
    as_gift = [question_to_gift(q) for q in current]
    kept: dict[int, Question] = {}
    for index, gift in enumerate(wanted):
        for old_index, old_gift in enumerate(as_gift):
            if old_gift is not None and old_gift == gift:
                kept[index] = current[old_index]
                as_gift[old_index] = None
                break
    leftover = [q for q, g in zip(current, as_gift, strict=True) if g is not None]
    changed = 0
    for index, gift in enumerate(wanted):
        position = index + 1
        if index in kept:
            if kept[index].position != position:
                Question.objects.filter(pk=kept[index].pk).update(position=position)
            continue
        try:
            question, choices = question_from_gift(gift, quiz, position)
        except ValueError as exc:
            raise ContentError(path, gift.line, str(exc)) from exc
        if leftover:
            old = leftover.pop(0)
            question.pk, question.version, question.previous_id = (
                old.pk,
                old.version,
                old.previous_id,
            )
        save_question(question, choices)
        changed += 1
    for old in leftover:
        retire_question(old)
        changed += 1
    return changed


def export_quizzes(content_dir: Path) -> None:
    """Write the course quizzes to quizzes.yaml and one .gift file each (canonical form)."""
    folder = quizzes_dir(content_dir)
    export_misconceptions(content_dir)
    quizzes = (
        Quiz.objects.for_course()
        .select_related("lesson", "case")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.current().prefetch_related("choices"),
                to_attr="current_questions",
            )
        )
    )
    entries = []
    for quiz in quizzes:
        entries.append(quiz_entry(quiz))
        path = folder / f"{quiz.slug}.gift"
        try:
            text = write_gift(question_to_gift(q) for q in quiz.current_questions)
        except ValueError as exc:
            raise ContentError(path, 0, str(exc)) from exc
        folder.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
    write_yaml(folder / "quizzes.yaml", entries)


def quiz_entry(quiz: Quiz) -> dict:
    """The quiz's YAML entry: the usual keys, then the settings that differ from defaults."""
    entry = {"slug": quiz.slug, "title": quiz.title}
    for key, value in (
        ("lesson", quiz.lesson and quiz.lesson.slug),
        ("case", quiz.case and quiz.case.slug),
        ("description", quiz.description),
    ):
        if value:
            entry[key] = value
    entry["feedback_mode"] = quiz.feedback_mode
    entry["pass_mark"] = quiz.pass_mark
    for key, default in OPTIONAL.items():
        value = getattr(quiz, key)
        if value != default:
            entry[key] = value
    return entry


def checks_dir(content_dir: Path) -> Path:
    return content_dir / "lessons" / "checks"


def check_section(lesson: Lesson, gift: GiftQuestion) -> str | None:
    """The `##` section a check ends: the one holding the first heading of `lesson` that
    its explanation links to (a link to the section it tests), or None without one."""
    own = re.compile(rf"\]\({re.escape(lesson.get_absolute_url())}#([\w-]+)\)")
    for anchor in own.findall(gift.general_feedback):
        section = lesson.section_of(anchor)
        if section:
            return section
    return None


@transaction.atomic
def load_checks(
    content_dir: Path, documents: list | None = None, warnings: list | None = None
) -> int:
    """Make each lesson's checks equal its file's questions, in order, and return how many
    checks there are. A lesson without a file has none. Unchanged checks are kept; an
    edited one is changed in place, or saved as a new version once a student has answered
    it. Raises ContentError naming the file and line; appends the explanations to
    `documents` for the link check and what the authoring lint says to `warnings`.
    """
    folder = checks_dir(content_dir)
    files = {path.stem: path for path in sorted(folder.glob("*.gift"))} if folder.exists() else {}
    lessons = {lesson.slug: lesson for lesson in Lesson.objects.all()}
    for slug, path in files.items():
        if slug not in lessons:
            raise ContentError(path, 1, f"no lesson '{slug}' for these checks")
    total = 0
    for slug, lesson in lessons.items():
        wanted = read_gift(files[slug]) if slug in files else []
        placed = [(gift, _placed(lesson, gift, files.get(slug))) for gift in wanted]
        _sync_checks(lesson, placed, files.get(slug, ""))
        total += len(placed)
        if documents is not None:
            documents.extend((files[slug], g.general_feedback, g.line) for g in wanted)
        if warnings is not None and wanted:
            items = [item_from_gift(g) for g in wanted]
            warnings.extend(f"checks/{slug}.gift {w}" for w in quiz_warnings(items))
    return total


def _placed(lesson: Lesson, gift: GiftQuestion, path) -> str:
    try:
        spec = spec_of(gift.kind)
    except ValueError as exc:
        raise ContentError(path, gift.line, str(exc)) from exc
    if not spec.grades_itself:
        raise ContentError(
            path, gift.line, f"a check must grade itself on the spot, not be {spec.label.lower()}"
        )
    section = check_section(lesson, gift)
    if section is None:
        raise ContentError(
            path,
            gift.line,
            "the explanation must link to the section it tests, "
            f"[…]({lesson.get_absolute_url()}#section-id), a heading of this lesson",
        )
    return section


def _sync_checks(lesson: Lesson, placed: list[tuple[GiftQuestion, str]], path) -> None:
    checks = {
        check.position: check
        for check in lesson.checks.select_related("question").prefetch_related("question__choices")
    }
    for position, (gift, section) in enumerate(placed, start=1):
        check = checks.pop(position, None)
        if check is not None and question_to_gift(check.question) == gift:
            if check.section != section:
                LessonCheck.objects.filter(pk=check.pk).update(section=section)
            continue
        try:
            question, choices = question_from_gift(gift, None, position)
        except ValueError as exc:
            raise ContentError(path, gift.line, str(exc)) from exc
        if check is not None:
            old = check.question
            question.pk, question.version, question.previous_id = (
                old.pk,
                old.version,
                old.previous_id,
            )
        question = save_question(question, choices)
        if check is None:
            LessonCheck.objects.create(
                lesson=lesson, position=position, section=section, question=question
            )
        else:
            check.question, check.section = question, section
            check.save(update_fields=["question", "section"])
    for check in checks.values():
        question = check.question
        answered = question.is_in_use()
        check.delete()
        if answered:
            Question.objects.filter(pk=question.pk).update(current=False)
        else:
            question.delete()


def export_checks(content_dir: Path) -> None:
    """Write each lesson's checks to checks/<lesson slug>.gift (canonical form)."""
    folder = checks_dir(content_dir)
    checks = LessonCheck.objects.select_related("lesson", "question").prefetch_related(
        "question__choices"
    )
    by_lesson: dict[str, list[Question]] = {}
    for check in checks:
        by_lesson.setdefault(check.lesson.slug, []).append(check.question)
    for slug, questions in by_lesson.items():
        path = folder / f"{slug}.gift"
        try:
            text = write_gift(question_to_gift(q) for q in questions)
        except ValueError as exc:
            raise ContentError(path, 0, str(exc)) from exc
        folder.mkdir(parents=True, exist_ok=True)
        write_text(path, text)
