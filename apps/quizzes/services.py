"""Writes that span quizzes, questions, attempts and responses, each in one transaction.

Attempts are serialised on their own row: every write to an attempt or its responses first
takes `SELECT ... FOR UPDATE` on the attempt, then checks its state. So a double click, a
replayed POST or a second tab finds the work done instead of doing it twice, and no answer
changes after the attempt has been graded.
"""

import copy
import random
from contextlib import contextmanager

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone

from apps.core.dates import when
from apps.quizzes.kinds import grade_response
from apps.quizzes.models import (
    AUTHORED_CHOICE_FIELDS,
    GRACE,
    SHARED_QUESTION_FIELDS,
    Attempt,
    CheckAnswer,
    Choice,
    LessonCheck,
    MarkOverride,
    Question,
    QuestionEntry,
    Quiz,
    Regrade,
    RegradedAttempt,
    RegradedMark,
    Response,
    RubricCriterion,
    RubricLevel,
    RubricMark,
    SelfAssessment,
    authored,
    rubric_fraction,
)
from apps.quizzes.regrading import plan_regrade, translate_choice_order
from apps.quizzes.signals import attempt_graded, questions_answered, release_changed


class QuizError(Exception):
    """A quiz rule refused the action; the message is written for the student."""


class QuizNotOpen(QuizError):
    pass


class NoAttemptsLeft(QuizError):
    pass


class AttemptClosed(QuizError):
    """The attempt is submitted, or its time ran out (it has been closed at the deadline)."""

    def __init__(self, attempt: Attempt):
        self.attempt = attempt
        if attempt.timed_out:
            message = (
                "Time is up: the attempt was closed at its deadline with the answers saved by then."
            )
        else:
            message = "This attempt has been submitted, so its answers can no longer change."
        super().__init__(message)


class AnswerLocked(QuizError):
    pass


QUESTION_CACHE_SECONDS = 3600


def _question_key(question_id: int) -> str:
    return f"question:{question_id}"


def question_with_choices(question_id: int) -> Question:
    """One question version with its choices, as an attempt shows and checks it (see
    questions_with_choices)."""
    return questions_with_choices([question_id])[0]


def questions_with_choices(question_ids: list[int]) -> list[Question]:
    """Those question versions with their choices, in the order given: from the cache in
    one round trip, and any not there in one query (then cached).

    A version that attempts use never changes (an edit makes a new version), and every
    save or delete of a question or choice drops the copy, so it is read from the cache.
    Bulk updates change only `position`, `current` and `entry`, which nothing reads from
    these copies: whoever needs the order or the current versions asks the database.
    """
    keys = {question_id: _question_key(question_id) for question_id in question_ids}
    cached = cache.get_many(list(keys.values()))
    found = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [pk for pk in question_ids if pk not in found]
    if missing:
        read = Question.objects.prefetch_related("choices").filter(pk__in=missing)
        fresh = {question.pk: question for question in read}
        for question in fresh.values():
            question.choice_list  # noqa: B018 - evaluated so that the cached copy holds it
        cache.set_many({keys[pk]: q for pk, q in fresh.items()}, QUESTION_CACHE_SECONDS)
        found.update(fresh)
    if len(found) < len(keys):
        raise Question.DoesNotExist(f"No question {set(keys) - set(found)}")
    return [found[pk] for pk in question_ids]


def forget_question(sender, instance, **kwargs) -> None:
    """Drop the cached copy of a saved or deleted question (or its choice's question)."""
    cache.delete(_question_key(instance.question_id if sender is Choice else instance.pk))


def draw_choice_order(quiz: Quiz, question: Question, rng: random.Random) -> list[int] | None:
    """The order one attempt lists a question's options (or matching rows) in, or None
    when its kind lists none. Drawn at random unless the quiz or the question fixes it."""
    if not question.spec.shuffled:
        return None
    ids = [choice.pk for choice in question.choice_list]
    if quiz.shuffle_choices and question.shuffle_choices:
        rng.shuffle(ids)
    return ids


def start_attempt(quiz: Quiz, user, now=None) -> Attempt:
    """Open a new attempt, or return the student's attempt that is still open.

    The partial unique constraint (one open attempt per student and quiz) decides races:
    when a concurrent request wins, its attempt is returned. Raises QuizNotOpen or
    NoAttemptsLeft when the quiz's rules refuse a new attempt; a quiz assigned to the
    student's class opens for them at the assignment's opening time, and an exception
    their class gives them (more attempts, a later close, more time) applies.
    """
    now = now or timezone.now()
    # The student's attempts at this quiz, read once (none, as an exam starts).
    mine = list(Attempt.objects.filter(quiz=quiz, user=user))
    existing = next((a for a in mine if a.state == Attempt.State.IN_PROGRESS), None)
    if existing is not None and close_if_overdue(existing, now).in_progress:
        return existing
    rules = quiz.rules_for(user)
    if not rules.is_open(now):
        raise QuizNotOpen("This quiz is not open for attempts at the moment.")
    if rules.class_opens_at is not None and now < rules.class_opens_at:
        raise QuizNotOpen(f"This quiz opens for your class on {when(rules.class_opens_at)}.")
    if rules.attempts_allowed and sum(a.counted for a in mine) >= rules.attempts_allowed:
        raise NoAttemptsLeft("You have used all the attempts this quiz allows.")
    # The current versions, in order, from the database; each with its choices from the
    # cache (an exam's first minute starts every student on the same ones).
    questions = questions_with_choices(list(quiz.questions.current().values_list("pk", flat=True)))
    if not questions:
        raise QuizNotOpen("This quiz has no questions yet.")

    rng = random.Random()
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    choice_order = {}
    for question in questions:
        order = draw_choice_order(quiz, question, rng)
        if order is not None:
            choice_order[str(question.pk)] = order
    number = max((a.number for a in mine), default=0) + 1
    try:
        with transaction.atomic():
            attempt = Attempt.objects.create(
                quiz=quiz,
                user=user,
                number=number,
                started_at=now,
                deadline=rules.deadline_for(now),
                max_score=sum(q.max_points for q in questions),
                question_order=[q.pk for q in questions],
                choice_order=choice_order,
            )
            Response.objects.bulk_create(Response(attempt=attempt, question=q) for q in questions)
    except IntegrityError:
        # A double click or a second tab opened it first; that attempt is the one.
        return Attempt.objects.get(quiz=quiz, user=user, state=Attempt.State.IN_PROGRESS)
    return attempt


def _lock(attempt: Attempt) -> Attempt:
    """The attempt read afresh, its row locked until the transaction ends. Its quiz is the
    copy the caller holds, if any, else read when first asked for: the lock is on the
    attempt alone, and joining the quiz's thirty columns would cost a third of it."""
    locked = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if Attempt.quiz.is_cached(attempt):
        locked.quiz = attempt.quiz
    return locked


@contextmanager
def answering(attempt_id: int, user_id: int, now, with_quiz: bool = False):
    """The attempt `user_id` answers, read and locked in one query for the length of the
    block (one transaction), and closed at its deadline first if that and the grace have
    passed; with its quiz when asked (only the attempt's row is locked). `store_response`
    writes within it. An answer's save thus reads the attempt once, instead of reading it
    to find the question and then again to lock it. Attempt.DoesNotExist for anyone
    else's attempt."""
    with transaction.atomic():
        attempts = Attempt.objects.select_for_update(of=("self",))
        if with_quiz:
            attempts = attempts.select_related("quiz")
        attempt = attempts.get(pk=attempt_id, user_id=user_id)
        if attempt.in_progress and attempt.is_overdue(now):
            _close(attempt, now)
        yield attempt


def store_response(attempt: Attempt, question_id: int, answer, now, check=False) -> Response | None:
    """Store `answer` as the response to one question of an attempt held by `answering`
    (last write wins).

    With `check` in an immediate-feedback quiz the answer is also graded and locked, and
    the checked response, with its feedback, is returned (a plain save returns None).
    Raises AttemptClosed once the attempt is submitted or closed at its deadline,
    AnswerLocked for a checked answer, Response.DoesNotExist for a question not in it.
    """
    if not attempt.in_progress:
        raise AttemptClosed(attempt)
    return _store_answer(attempt, question_id, answer, now, check)


def save_response(
    attempt: Attempt, question_id: int, answer, now=None, check=False
) -> Response | None:
    """`store_response` for an attempt in hand: it is read afresh and locked first (the
    copy of its quiz the caller holds kept), and a closing at the deadline is kept even
    though the answer is then refused."""
    now = now or timezone.now()
    with answering(attempt.pk, attempt.user_id, now) as locked:
        if Attempt.quiz.is_cached(attempt):
            locked.quiz = attempt.quiz
        if locked.in_progress:
            return store_response(locked, question_id, answer, now, check)
    raise AttemptClosed(locked)


def _store_answer(attempt: Attempt, question_id: int, answer, now, check: bool):
    """The write itself, inside the attempt's lock; an unchecked answer in one UPDATE."""
    already_checked = AnswerLocked("This answer has been checked and can no longer change.")
    responses = attempt.responses.filter(question_id=question_id)
    if not check:
        if responses.filter(checked_at__isnull=True).update(answer=answer, saved_at=now):
            return None
        responses.get()  # Response.DoesNotExist when the question is not in the attempt
        raise already_checked
    response = responses.select_related("question").get()
    if response.checked_at is not None:
        raise already_checked
    response.answer = answer
    response.saved_at = now
    _check(attempt, response, now)
    fields = ["answer", "saved_at", "checked_at", "fraction", "score", "feedback"]
    response.save(update_fields=fields)
    return response


def _check(attempt: Attempt, response: Response, now) -> None:
    if attempt.quiz.feedback_mode != attempt.quiz.FeedbackMode.IMMEDIATE:
        raise QuizError("This quiz gives feedback after you submit.")
    if not response.question.grades_itself:
        raise QuizError("This question is graded by your instructor after you submit.")
    if not response.is_answered:
        raise QuizError("Answer the question before checking it.")
    _grade(response)
    response.checked_at = now


def _grade(response: Response) -> None:
    question = response.question
    fraction, feedback = grade_response(question, response.answer)
    response.fraction = fraction
    response.score = None if fraction is None else round(fraction * question.max_points, 4)
    response.feedback = feedback


def submit_attempt(attempt: Attempt, now=None) -> Attempt:
    """Grade and close the attempt, exactly once.

    A second call (double click, replayed POST, another tab) returns the attempt as it was
    submitted, without grading again. After the deadline and its grace the submission is
    refused: the attempt is closed at the deadline, with the answers saved by then.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(attempt)
        if locked.in_progress:
            _close(locked, now)
    return locked


def archive_quiz(quiz: Quiz, archived: bool, now=None) -> Quiz:
    """Hide the quiz from students and lists (archived) or bring it back; attempts,
    grades and assignments are kept either way. The teaching area archives an
    instructor's quiz, the admin any quiz (course quizzes too)."""
    quiz.archived_at = (now or timezone.now()) if archived else None
    quiz.save(update_fields=["archived_at"])
    return quiz


def close_if_overdue(attempt: Attempt, now=None) -> Attempt:
    """The attempt, closed at its deadline first if that and the grace have passed (a
    student who walked away is graded on what was saved)."""
    now = now or timezone.now()
    if attempt.in_progress and attempt.is_overdue(now):
        return submit_attempt(attempt, now)
    return attempt


def close_overdue_attempts(attempts, now=None) -> int:
    """Close, at their deadlines, the attempts among `attempts` whose time (and grace) ran
    out while nobody was on the page, so gradebooks and statistics count them as graded.
    One query when none is overdue. Returns how many were closed."""
    now = now or timezone.now()
    overdue = attempts.filter(
        state=Attempt.State.IN_PROGRESS, deadline__isnull=False, deadline__lt=now - GRACE
    )
    closed = 0
    for attempt in overdue.select_related("quiz"):
        closed += not close_if_overdue(attempt, now).in_progress
    return closed


def _close(attempt: Attempt, now) -> None:
    """Grade every response in one pass and mark the attempt submitted."""
    # In the order they were written; Response's default order would join the attempt
    # and its quiz only to sort one attempt's rows by them.
    responses = list(
        attempt.responses.select_related("question")
        .prefetch_related("question__choices")
        .order_by("pk")
    )
    for response in responses:
        _grade(response)
    Response.objects.bulk_update(responses, ["fraction", "score", "feedback"])
    attempt.timed_out = attempt.is_overdue(now)
    attempt.submitted_at = attempt.deadline if attempt.timed_out else now
    attempt.state = Attempt.State.SUBMITTED
    attempt.score = round(sum(r.score or 0 for r in responses), 4)
    attempt.save(update_fields=["state", "submitted_at", "timed_out", "score"])
    transaction.on_commit(lambda: attempt_graded.send(sender=Attempt, attempt=attempt))
    transaction.on_commit(lambda: _announce_answers(attempt, responses))


def _announce_answers(attempt: Attempt, responses: list[Response]) -> None:
    """Tell listeners (spaced review) how the answers graded on the spot went, in one
    message for the attempt (spaced review then records them in one transaction)."""
    answers = [
        (response.question, response.fraction >= 1)
        for response in responses
        if response.fraction is not None and response.question.is_scored
    ]
    questions_answered.send(
        sender=Response,
        user=attempt.user,
        answers=answers,
        answered_at=attempt.submitted_at,
        source="quiz",
    )


def grade_essay(response: Response, grader, fraction: float, comment: str = "", now=None):
    """Record an instructor's grade and comment for one essay answer; the attempt's score
    is summed again. A typed grade replaces any levels a rubric picked before: they no
    longer produce the mark."""
    return _record_essay_grade(response, grader, fraction, comment, now, levels=[])


def grade_essay_with_rubric(response: Response, grader, levels: list, comment: str = "", now=None):
    """Grade an essay answer by its rubric: one level per criterion, in the rubric's
    order; the points follow from the levels (rubric_fraction), never typed."""
    criteria = list(response.question.criteria.prefetch_related("levels"))
    if [level.criterion_id for level in levels] != [c.pk for c in criteria]:
        raise ValueError("pick one level for each criterion of the rubric")
    fraction = rubric_fraction(criteria, levels)
    return _record_essay_grade(response, grader, fraction, comment, now, levels=levels)


def _record_essay_grade(response: Response, grader, fraction, comment, now, levels):
    if not 0 <= fraction <= 1:
        raise ValueError("an essay's grade is a fraction between 0 and 1")
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(response.attempt)
        if attempt.state != Attempt.State.SUBMITTED:
            raise QuizError("Only submitted attempts are graded.")
        _replace_rubric_marks(response, levels)
        response.fraction = fraction
        response.score = round(fraction * response.question.max_points, 4)
        response.comment = comment
        response.graded_by = grader
        response.graded_at = now
        response.save(update_fields=["fraction", "score", "comment", "graded_by", "graded_at"])
        attempt.score = attempt.responses.aggregate(total=Sum("score"))["total"] or 0
        attempt.save(update_fields=["score"])
        transaction.on_commit(lambda: attempt_graded.send(sender=Attempt, attempt=attempt))
    return response


def _replace_rubric_marks(response: Response, levels: list) -> str:
    """Put `levels` in place of the rubric levels picked for the answer (none: the mark
    no longer comes from the rubric). Returns the levels replaced, in words."""
    old = RubricMark.objects.filter(response=response).select_related("criterion", "level")
    replaced = "; ".join(f"{mark.criterion.title}: {mark.level.title}" for mark in old)
    old.delete()
    RubricMark.objects.bulk_create(
        RubricMark(response=response, criterion_id=level.criterion_id, level=level)
        for level in levels
    )
    response.__dict__.pop("rubric", None)
    return replaced


class RubricLocked(QuizError):
    """The rubric has graded answers: changing it would change what their marks mean."""


@transaction.atomic
def save_rubric(question: Question, criteria: list[tuple[RubricCriterion, list[RubricLevel]]]):
    """Replace an essay question's rubric with `criteria` (each with its levels), in
    order; an empty list removes it. Refused once an answer has been graded with it."""
    if RubricMark.objects.filter(criterion__question=question).exists():
        raise RubricLocked("Answers have been graded with this rubric, so it can no longer change.")
    question.criteria.all().delete()
    _add_criteria(question, criteria)


def _add_criteria(question: Question, criteria) -> None:
    for position, (criterion, levels) in enumerate(criteria):
        criterion.pk, criterion.question, criterion.position = None, question, position
        criterion.save()
        for index, level in enumerate(levels):
            level.pk, level.criterion, level.position = None, criterion, index
        RubricLevel.objects.bulk_create(levels)


def _copy_rubric(previous: Question, question: Question) -> None:
    """A new version of an essay keeps its rubric (as a copy: marks given under the old
    one keep pointing at it)."""
    criteria = [(c, list(c.levels.all())) for c in previous.criteria.prefetch_related("levels")]
    _add_criteria(question, criteria)


@transaction.atomic
def save_question(
    question: Question, choices: list[Choice] | None = None, *, version: int | None = None
) -> Question:
    """Save a new or edited question, replacing its choices with `choices` when given; with
    `version`, the row takes that version number (edit_question numbers a bank question's
    rows alike).

    A question that some attempt already includes is frozen: the edit is saved as a new
    version (the old row stops being current and keeps its choices, so old attempts still
    grade as they were answered). `question` becomes that new row, with a copy of the
    old one's rubric. This saves one row: an edit that should reach every quiz using the
    question goes through edit_question.
    """
    replaced = None
    if question.pk is not None and question.entry_id is None:
        # A row rebuilt from a file (loading) stays in its bank entry.
        question.entry_id = Question.objects.values_list("entry_id", flat=True).get(pk=question.pk)
    if question.pk is not None and question.is_in_use():
        previous = Question.objects.prefetch_related("choices").get(pk=question.pk)
        if choices is not None and authored(previous, previous.choice_list) == authored(
            question, choices
        ):
            return retag(previous, choices, question.position)
        Question.objects.filter(pk=previous.pk).update(current=False)
        if choices is None:
            choices = list(previous.choices.all())
        question.pk = None
        question._state.adding = True
        question.previous = previous
        question.version = version or previous.version + 1
        question.current = True
        replaced = previous
    else:
        question.version = version or question.version
        if question.pk is not None and choices is not None:
            question.choices.all().delete()
    question.save()
    if replaced is not None:
        _copy_rubric(replaced, question)
    question.__dict__.pop("choice_list", None)
    if choices is not None:
        for position, choice in enumerate(choices):
            choice.pk = None
            choice.question = question
            choice.position = position
            choice.text_html, choice.feedback_html = choice.rendered(question.text_format)
        Choice.objects.bulk_create(choices)
    return question


def retag(stored: Question, choices: list[Choice], position: int | None = None) -> Question:
    """Copy the misconception tags of `choices` onto the stored question's, in order (and
    its position, when given): a tag changes nothing a student sees, so it never makes a
    new version, and answers already given count toward it."""
    for old, new in zip(stored.choice_list, choices, strict=True):
        old.misconception_id = new.misconception_id
    Choice.objects.bulk_update(stored.choice_list, ["misconception"])
    if position is not None and position != stored.position:
        stored.position = position
        Question.objects.filter(pk=stored.pk).update(position=position)
    return stored


def _next_position(quiz: Quiz) -> int:
    return (quiz.questions.current().aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def add_question(quiz: Quiz, question: Question, choices: list[Choice]) -> Question:
    """Append a new question to the quiz."""
    question.quiz = quiz
    question.position = _next_position(quiz)
    return save_question(question, choices)


def cloned_choices(choices: list[Choice]) -> list[Choice]:
    """Unsaved copies of answers: what an author wrote of each, and its misconception."""
    return [
        Choice(
            misconception_id=c.misconception_id,
            **{n: getattr(c, n) for n in AUTHORED_CHOICE_FIELDS},
        )
        for c in choices
    ]


def _holding(row: Question, source: Question) -> Question:
    """`row` with `source`'s wording (everything the quizzes of a bank question share)."""
    for name in SHARED_QUESTION_FIELDS:
        setattr(row, name, copy.copy(getattr(source, name)))
    return row


def _lock_entry(entry_id: int) -> QuestionEntry:
    """Edits of one bank question, and links to it, take its row lock in turn."""
    return QuestionEntry.objects.select_for_update().get(pk=entry_id)


def _version_number(entry: QuestionEntry, rows: list[Question]) -> int:
    """The version number the edited `rows` of one bank question take: a new one when an
    answer was given to some row holding a number they hold (its attempts keep that
    version), else the highest they hold. So a number names one wording everywhere."""
    numbers = {row.version for row in rows}
    answered = Question.objects.filter(entry=entry, version__in=numbers).filter(
        Q(responses__isnull=False) | Q(check_answers__isnull=False)
    )
    return entry.next_version() if answered.exists() else max(numbers)


@transaction.atomic
def edit_question(
    question: Question, choices: list[Choice] | None = None, *, this_quiz_only: bool = False
) -> Question:
    """Save an edit of a question (its answers unchanged when `choices` is None) in every
    quiz that uses it, or, with `this_quiz_only`, in its own quiz alone, which from then on
    holds it as a question of its own (a new bank entry).

    Each quiz's row becomes a new version where attempts have it, else changes in place;
    all take one version number. Points are each quiz's own, so a change of points alone
    touches this quiz only. Saving without changing anything keeps the version, so
    statistics are not split for nothing; a misconception tag changed alone is copied onto
    the stored answers (it changes nothing a student sees). Returns this quiz's row.
    """
    entry = _lock_entry(question.entry_id)
    stored = Question.objects.prefetch_related("choices").get(pk=question.pk)
    if choices is None:
        choices = cloned_choices(stored.choice_list)
    others = list(stored.in_other_quizzes().prefetch_related("choices"))
    if this_quiz_only and others:
        entry = QuestionEntry.objects.create()
        Question.objects.filter(pk=stored.pk).update(entry=entry)
        stored.entry = question.entry = entry
        others = []
    edits = []
    if authored(stored, stored.choice_list) != authored(question, choices):
        edits.append((question, choices))
    else:
        retag(stored, choices)
    wording = authored(question, choices, SHARED_QUESTION_FIELDS)
    for other in others:
        if authored(other, other.choice_list, SHARED_QUESTION_FIELDS) == wording:
            retag(other, choices)
        else:
            edits.append((_holding(other, question), cloned_choices(choices)))
    if not edits:
        return stored
    number = _version_number(entry, [row for row, _ in edits])
    saved = [save_question(row, row_choices, version=number) for row, row_choices in edits]
    return saved[0] if edits[0][0] is question else stored


class AlreadyInQuiz(QuizError):
    pass


@transaction.atomic
def copy_question(
    question: Question, quiz: Quiz, position: int | None = None, title: str | None = None
) -> Question:
    """A question of its own (a new bank entry) in `quiz`, with `question`'s wording,
    points and answers, at `position` (else the end); `title` renames it."""
    row = _holding(Question(quiz=quiz, points=question.points), question)
    row.position = position if position is not None else _next_position(quiz)
    if title is not None:
        row.title = title
    return save_question(row, cloned_choices(question.choice_list))


@transaction.atomic
def link_question(question: Question, quiz: Quiz) -> Question:
    """Put the bank question `question` at the end of `quiz`, linked: the same entry and
    version number, its points, answers and rubric; an edit in any quiz that uses it then
    reaches all of them. Raises AlreadyInQuiz when `quiz` uses it already, QuizError
    when it may not be linked there (Question.can_link_into)."""
    if not question.can_link_into(quiz):
        raise QuizError("Only quizzes of one instructor share a question; add a copy instead.")
    entry = _lock_entry(question.entry_id)
    if quiz.questions.current().filter(entry=entry).exists():
        raise AlreadyInQuiz(f"“{quiz.title}” already has this question.")
    # As it stands now (under the lock): an edit may have made a newer version meanwhile.
    source = (
        entry.questions.current()
        .filter(quiz_id=question.quiz_id)
        .prefetch_related("choices")
        .first()
    )
    if source is None:
        raise QuizError("This question has been removed from its quiz meanwhile.")
    row = _holding(Question(quiz=quiz, entry=entry, points=source.points), source)
    row.position = _next_position(quiz)
    saved = save_question(row, cloned_choices(source.choice_list), version=source.version)
    _copy_rubric(source, saved)
    return saved


def retire_question(question: Question) -> None:
    """Take a question out of the quiz: deleted if no attempt has it, else kept but no
    longer current."""
    if question.is_in_use():
        Question.objects.filter(pk=question.pk).update(current=False)
    else:
        question.delete()


def answer_check(lesson_check: LessonCheck, user, answer, now=None) -> CheckAnswer:
    """Grade an answer to a check inside a lesson. A signed-in student's answer replaces
    their last one and, once committed, is announced on `questions_answered` (source
    "check"); an anonymous reader gets the same verdict and nothing is stored."""
    now = now or timezone.now()
    question = lesson_check.question
    grade = grade_response(question, answer)
    result = CheckAnswer(
        lesson_check=lesson_check,
        question=question,
        answer=answer,
        fraction=grade.fraction or 0.0,
        feedback=grade.feedback,
        answered_at=now,
    )
    if not user.is_authenticated:
        return result
    with transaction.atomic():
        result, _ = CheckAnswer.objects.update_or_create(
            lesson_check=lesson_check,
            user=user,
            defaults={
                "question": question,
                "answer": answer,
                "fraction": result.fraction,
                "feedback": result.feedback,
                "answered_at": now,
            },
        )
        transaction.on_commit(
            lambda: questions_answered.send(
                sender=LessonCheck,
                user=user,
                answers=[(question, result.fraction >= 1)],
                answered_at=now,
                source="check",
            )
        )
    return result


def self_assess(response: Response, met: list[int], criteria: int, now=None) -> SelfAssessment:
    """Record a student's own marking of their essay answer (`met`: the indexes of the
    guide's criteria they judge met), replacing an earlier one. Refused once an instructor
    has graded the answer; it never touches the score, so nothing that counts changes."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(response.attempt)
        response = Response.objects.select_related("question").get(pk=response.pk)
        if attempt.state != Attempt.State.SUBMITTED:
            raise QuizError("Submit the attempt first, then assess your answer.")
        if response.fraction is not None:
            raise QuizError("Your instructor has graded this answer; their grade stands.")
        if any(not 0 <= index < criteria for index in met):
            raise QuizError("That is not one of the guide's criteria.")
        assessment, _ = SelfAssessment.objects.update_or_create(
            response=response,
            defaults={"met": sorted(set(met)), "criteria": criteria, "assessed_at": now},
        )
    return assessment


class NothingToRegrade(QuizError):
    pass


def regrade(quiz: Quiz, question_ids, by, now=None) -> Regrade:
    """Regrade the quiz's submitted attempts to the current versions of the chosen
    questions, all in one transaction, and log it: each answer moves to the corrected
    version and is graded there, each attempt's total is summed again, and every changed
    attempt is announced with `attempt_graded` (so LMS grades follow). Marks a person gave
    stay as they are. Raises NothingToRegrade when none of the questions can be regraded."""
    now = now or timezone.now()
    with transaction.atomic():
        found = plan_regrade(quiz, question_ids)
        locked = Attempt.objects.select_for_update(of=("self",)).filter(
            pk__in=[change.attempt.pk for change in found.attempts]
        )
        # Planned again under the locks: an essay graded meanwhile is not overwritten.
        plan = plan_regrade(
            quiz, question_ids, attempt_ids=list(locked.values_list("pk", flat=True))
        )
        if not plan.chosen:
            raise NothingToRegrade("None of these questions has an earlier version to regrade.")
        log = Regrade.objects.create(
            quiz=quiz, regraded_by=by, regraded_at=now, attempts_checked=len(plan.attempts)
        )
        log.questions.set(plan.chosen)
        responses, attempts, rows, marks = [], [], [], []
        for change in plan.attempts:
            attempt = change.attempt
            if change.changed:
                rows.append(
                    RegradedAttempt(
                        regrade=log,
                        attempt=attempt,
                        old_score=change.old_score,
                        new_score=change.new_score,
                        old_max_score=change.old_max_score,
                        new_max_score=change.new_max_score,
                    )
                )
                marks.append(change.changed_marks)
            for mark in change.marks:
                old, new = mark.old_question, mark.new_question
                attempt.question_order = [
                    new.pk if pk == old.pk else pk for pk in attempt.question_order
                ]
                order = attempt.choice_order.pop(str(old.pk), None)
                if order is not None:
                    attempt.choice_order[str(new.pk)] = translate_choice_order(old, new, order)
                response = mark.response
                response.question = new
                response.answer = mark.new_answer
                response.fraction = mark.new_fraction
                response.score = mark.new_score
                response.feedback = mark.new_feedback
                responses.append(response)
            attempt.score = change.new_score
            attempt.max_score = change.new_max_score
            attempts.append(attempt)
        Response.objects.bulk_update(
            responses, ["question", "answer", "fraction", "score", "feedback"]
        )
        Attempt.objects.bulk_update(
            attempts, ["score", "max_score", "question_order", "choice_order"]
        )
        RegradedAttempt.objects.bulk_create(rows)
        RegradedMark.objects.bulk_create(
            RegradedMark(
                regraded_attempt=row,
                old_question=mark.old_question,
                new_question=mark.new_question,
                old_score=mark.old_score,
                new_score=mark.new_score,
            )
            for row, changed_marks in zip(rows, marks, strict=True)
            for mark in changed_marks
        )
        for row in rows:
            transaction.on_commit(
                lambda attempt=row.attempt: attempt_graded.send(sender=Attempt, attempt=attempt)
            )
    return log


def follow_rules(quiz: Quiz, users) -> int:
    """Move the deadline of each open attempt the `users` have at the quiz to what their
    rules now say (an exception granted or withdrawn mid-attempt), under the attempt's
    lock. Returns how many changed."""
    changed = 0
    with transaction.atomic():
        open_attempts = Attempt.objects.select_for_update(of=("self",)).filter(
            quiz=quiz, user__in=users, state=Attempt.State.IN_PROGRESS
        )
        for attempt in open_attempts.select_related("user"):
            deadline = quiz.rules_for(attempt.user).deadline_for(attempt.started_at)
            if deadline != attempt.deadline:
                attempt.deadline = deadline
                attempt.save(update_fields=["deadline"])
                changed += 1
    return changed


# A quiz's settings that decide when its students may see their marks (scores_visible).
MARK_SETTINGS = frozenset({"review_after", "review_score", "closes_at"})


def save_quiz_settings(quiz: Quiz, changed) -> Quiz:
    """Save an edit of the quiz's settings, `changed` naming the fields it changed. A
    change to when students may see their marks is announced (release_changed) as a
    release by hand is, so LMS grades follow: marks hidden now are withheld there again,
    and marks shown now are sent."""
    with transaction.atomic():
        quiz.save()
        if MARK_SETTINGS & set(changed):
            transaction.on_commit(lambda: release_changed.send(sender=Quiz, quiz=quiz))
    return quiz


def release_results(quiz: Quiz, *, marks: bool = False, feedback: bool = False, now=None):
    """Show students their marks, or the correct answers and feedback, or both, from now
    on, whatever the review rule says. A release already made keeps its time. Announced
    (release_changed) when something new is released, so LMS grades follow."""
    now = now or timezone.now()
    before = (quiz.marks_released_at, quiz.feedback_released_at)
    if marks and quiz.marks_released_at is None:
        quiz.marks_released_at = now
    if feedback and quiz.feedback_released_at is None:
        quiz.feedback_released_at = now
    _save_releases(quiz, changed=before != (quiz.marks_released_at, quiz.feedback_released_at))
    return quiz


def withhold_results(quiz: Quiz) -> Quiz:
    """Undo the releases by hand: the review rule alone decides again (announced, as a
    release is)."""
    changed = (quiz.marks_released_at, quiz.feedback_released_at) != (None, None)
    quiz.marks_released_at = quiz.feedback_released_at = None
    _save_releases(quiz, changed=changed)
    return quiz


def _save_releases(quiz: Quiz, changed: bool) -> None:
    with transaction.atomic():
        quiz.save(update_fields=["marks_released_at", "feedback_released_at"])
        if changed:
            transaction.on_commit(lambda: release_changed.send(sender=Quiz, quiz=quiz))


def override_mark(response: Response, by, score: float, reason: str, now=None) -> MarkOverride:
    """Set one answer's mark by hand, with a reason, logged: the attempt's total is summed
    again and announced (so LMS grades follow), and no regrade replaces the mark later.
    Rubric levels picked for the answer are cleared (they no longer produce the mark) and
    the log names them."""
    question = response.question
    if not question.is_scored or not 0 <= score <= question.max_points:
        raise ValueError("a mark is between 0 and the question's points")
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(response.attempt)
        if attempt.state != Attempt.State.SUBMITTED:
            raise QuizError("Only submitted attempts are marked.")
        response.refresh_from_db(fields=["score"])
        log = MarkOverride.objects.create(
            response=response,
            changed_by=by,
            changed_at=now,
            old_score=response.score,
            new_score=score,
            reason=reason,
            replaced_rubric=_replace_rubric_marks(response, []),
        )
        response.fraction = score / question.max_points if question.max_points else 0.0
        response.score = score
        response.graded_by = by
        response.graded_at = now
        response.save(update_fields=["fraction", "score", "graded_by", "graded_at"])
        attempt.score = attempt.responses.aggregate(total=Sum("score"))["total"] or 0
        attempt.save(update_fields=["score"])
        transaction.on_commit(lambda: attempt_graded.send(sender=Attempt, attempt=attempt))
    return log


def comment_on_answer(response: Response, comment: str) -> Response:
    """The instructor's comment on one answer (empty removes it); the student reads it in
    their review once feedback is shown to them."""
    with transaction.atomic():
        _lock(response.attempt)
        response.comment = comment
        response.save(update_fields=["comment"])
    return response
