"""Authoring writes: new and copied quizzes, questions added, duplicated, moved and
removed, GIFT imported. Each runs in one transaction, so nothing is ever half-saved.

Edits to a question's content go through quizzes.services (edit_question, which reaches
every quiz using a bank question, and save_question), which turn an edit of a question
some attempt already includes into a new version.
"""

from django.db import transaction
from django.db.models import Max, ProtectedError
from django.utils import timezone
from django.utils.text import slugify

from apps.core.publishing import Status
from apps.quizzes.formats import parse_questions
from apps.quizzes.gift import GiftQuestion, GiftResult, GiftSyntaxError
from apps.quizzes.lint import item_from_gift, quiz_warnings
from apps.quizzes.loading import question_from_gift
from apps.quizzes.models import Question, Quiz
from apps.quizzes.services import (
    copy_question,
    link_question,
    retire_question,
    save_question,
)
from apps.teaching.forms import MAX_ROWS
from apps.teaching.models import PENDING_IMPORT_LIFETIME, PendingImport

# One import holds at most this many questions (a whole course bank is about 140); a
# larger file is split, so no request parses and saves for minutes.
MAX_IMPORT_QUESTIONS = 500

# Settings a copy takes over from its original (the rest are identity and ownership).
COPIED_SETTINGS = [
    "description",
    "lesson",
    "case",
    "attempts_allowed",
    "grade_method",
    "time_limit",
    "shuffle_questions",
    "shuffle_choices",
    "feedback_mode",
    "pass_mark",
    "review_after",
    "review_score",
    "review_answers",
    "review_feedback",
]


def unique_slug(title: str) -> str:
    """A slug for a new quiz from its title, numbered when the plain one is taken."""
    base = (slugify(title) or "quiz")[:40].strip("-") or "quiz"
    taken = set(Quiz.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def create_quiz(quiz: Quiz, owner) -> Quiz:
    """Save a new quiz (from the settings form) as `owner`'s own."""
    quiz.owner = owner
    quiz.slug = unique_slug(quiz.title)
    quiz.save()
    return quiz


@transaction.atomic
def copy_quiz(quiz: Quiz, owner) -> Quiz:
    """A draft copy of the quiz and its current questions, owned by `owner` (attempts,
    versions and assignments stay with the original)."""
    copy = Quiz(title=f"{quiz.title} (copy)", owner=owner, status=Status.DRAFT)
    for name in COPIED_SETTINGS:
        setattr(copy, name, getattr(quiz, name))
    copy.slug = unique_slug(copy.title)
    copy.save()
    questions = quiz.questions.current().prefetch_related("choices")
    for position, question in enumerate(questions, start=1):
        copy_question(question, copy, position)
    return copy


class QuizInUse(Exception):
    """The quiz has attempts, so it is archived rather than deleted."""


def delete_quiz(quiz: Quiz) -> None:
    """Delete a quiz nobody has attempted, with its questions and assignments. Attempts
    protect their quiz in the database, so one begun meanwhile refuses the deletion
    (QuizInUse) instead of losing a grade."""
    try:
        with transaction.atomic():
            if quiz.attempts.exists():
                raise QuizInUse
            quiz.delete()
    except ProtectedError as exc:
        raise QuizInUse from exc


def _current(quiz: Quiz) -> list[Question]:
    return list(quiz.questions.current().select_for_update())


def _renumber(questions: list[Question]) -> None:
    """Positions 1..n in list order, writing only the ones that change. Position is not
    content, so it changes in place even on a question in use."""
    changed = []
    for position, question in enumerate(questions, start=1):
        if question.position != position:
            question.position = position
            changed.append(question)
    Question.objects.bulk_update(changed, ["position"])


@transaction.atomic
def duplicate_question(question: Question) -> Question:
    """A copy of the question right after it, named as a copy."""
    questions = _current(question.quiz)
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    title = f"{question.title} (copy)" if question.title else ""
    copy = copy_question(question, question.quiz, 0, title)
    questions.insert(index + 1, copy)
    _renumber(questions)
    return copy


@transaction.atomic
def move_question(question: Question, step: int) -> bool:
    """Move the question `step` places (−1 up, +1 down); False at either end."""
    questions = _current(question.quiz)
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = index + step
    if not 0 <= target < len(questions):
        return False
    questions.insert(target, questions.pop(index))
    _renumber(questions)
    return True


@transaction.atomic
def remove_question(question: Question) -> None:
    """Take the question out of the quiz (kept as an old version if attempts have it)."""
    retire_question(question)
    _renumber(_current(question.quiz))


def check_questions(text: str) -> GiftResult:
    """Parse GIFT or Moodle XML (told by the content) and check every question fits the
    model, raising GiftSyntaxError ("line N: ...") for the first problem; nothing is
    saved."""
    result = parse_questions(text)
    if len(result.questions) > MAX_IMPORT_QUESTIONS:
        raise GiftSyntaxError(
            1,
            f"{len(result.questions)} questions; one import takes at most "
            f"{MAX_IMPORT_QUESTIONS}. Split the file and import the parts one after another",
        )
    for gift in result.questions:
        for name, value, field in (
            ("name", gift.title, "title"),
            ("category", gift.category, "category"),
            ("id", gift.id, "gift_id"),
        ):
            limit = Question._meta.get_field(field).max_length
            if len(value) > limit:
                raise GiftSyntaxError(
                    gift.line, f"the question's {name} has {len(value)} characters; at most {limit}"
                )
        if len(gift.answers) > MAX_ROWS:
            # The editor could not save it again.
            raise GiftSyntaxError(
                gift.line,
                f"{len(gift.answers)} answers; a question can have at most {MAX_ROWS}",
            )
        try:
            question_from_gift(gift, Quiz(), 0)
        except ValueError as exc:
            raise GiftSyntaxError(gift.line, str(exc)) from exc
    if not result.questions:
        raise GiftSyntaxError(1, "no questions found")
    result.warnings.extend(quiz_warnings([item_from_gift(gift) for gift in result.questions]))
    return result


def hold_import(owner, quiz: Quiz, text: str, now=None) -> PendingImport:
    """Keep a previewed question file until it is confirmed; the owner's expired ones
    go."""
    now = now or timezone.now()
    PendingImport.objects.filter(
        owner=owner, created_at__lte=now - PENDING_IMPORT_LIFETIME
    ).delete()
    return PendingImport.objects.create(owner=owner, quiz=quiz, text=text, created_at=now)


@transaction.atomic
def confirm_import(pending: PendingImport) -> list[Question]:
    """Add the held questions to the quiz, all or none (checked again: the quiz may have
    changed since the preview), and forget the held text."""
    created = import_gift(pending.quiz, check_questions(pending.text).questions)
    pending.delete()
    return created


@transaction.atomic
def import_gift(quiz: Quiz, questions: list[GiftQuestion]) -> list[Question]:
    """Append the questions to the quiz, all or none."""
    last = quiz.questions.current().aggregate(last=Max("position"))["last"] or 0
    return [
        save_question(*question_from_gift(gift, quiz, last + offset))
        for offset, gift in enumerate(questions, start=1)
    ]


def add_from_bank(question: Question, quiz: Quiz) -> tuple[Question, bool]:
    """Put a bank question at the end of `quiz` and say whether it is linked: between an
    instructor's own quizzes it is the same question (an edit in one reaches the other;
    AlreadyInQuiz when `quiz` has it), otherwise (a course question) a copy of its own."""
    if question.can_link_into(quiz):
        return link_question(question, quiz), True
    return copy_question(question, quiz), False
