"""How a student's attempts at a quiz add up: the kept grade and where they stand, from
aggregate queries.

`summaries()` groups attempts by (student, quiz) in the database, so a gradebook, a
student's assignments and the quiz list cost the same number of queries for 3 students
as for 300; `Summary.kept_grade` is the one place that says which figure a quiz keeps.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)

from apps.lessons.services import record_quiz_result
from apps.quizzes.kinds import SPECS
from apps.quizzes.models import Attempt, Question, Quiz, Response
from apps.quizzes.services import close_overdue_attempts

SUBMITTED = Q(state=Attempt.State.SUBMITTED)


def percent_expression():
    """An attempt's score as a percentage, as Attempt.percent computes it."""
    return Case(
        When(max_score=0, then=Value(0.0)),
        default=F("score") * 100.0 / F("max_score"),
        output_field=FloatField(),
    )


@dataclass(frozen=True)
class Summary:
    """One student's attempts at one quiz."""

    submitted: int = 0
    in_progress: bool = False
    best: float | None = None
    mean: float | None = None
    last: float | None = None
    first_submitted_at: datetime | None = None
    last_attempt_id: int | None = None
    awaiting_grading: int = 0

    def kept_grade(self, quiz: Quiz) -> float | None:
        """The percentage kept by the quiz's grade method: highest, last or average."""
        if not self.submitted:
            return None
        if quiz.grade_method == Quiz.GradeMethod.LAST:
            return self.last
        if quiz.grade_method == Quiz.GradeMethod.AVERAGE:
            return self.mean
        return self.best


EMPTY = Summary()


def summaries(user_ids, quiz_ids) -> dict[tuple[int, int], Summary]:
    """{(user id, quiz id): Summary} for every pair with an attempt; three queries (a
    timed attempt left open past its deadline is closed first, and counted as graded)."""
    attempts = Attempt.objects.filter(user_id__in=user_ids, quiz_id__in=quiz_ids).exclude(
        state=Attempt.State.ABANDONED
    )
    close_overdue_attempts(attempts)
    last = (
        Attempt.objects.filter(SUBMITTED, user=OuterRef("user"), quiz=OuterRef("quiz"))
        .order_by("-submitted_at", "-number")
        .annotate(percent=percent_expression())
        .values("percent")[:1]
    )
    rows = attempts.values("user", "quiz").annotate(
        submitted=Count("pk", filter=SUBMITTED),
        open=Count("pk", filter=Q(state=Attempt.State.IN_PROGRESS)),
        best=Max(percent_expression(), filter=SUBMITTED),
        mean=Avg(percent_expression(), filter=SUBMITTED),
        last=Subquery(last, output_field=FloatField()),
        first=Min("submitted_at", filter=SUBMITTED),
        last_id=Max("pk", filter=SUBMITTED),
    )
    waiting = (
        Response.objects.filter(
            attempt__in=attempts.filter(SUBMITTED),
            question__kind=Question.Kind.ESSAY,
            fraction__isnull=True,
        )
        .values("attempt__user", "attempt__quiz")
        .annotate(count=Count("pk"))
    )
    awaiting = {(r["attempt__user"], r["attempt__quiz"]): r["count"] for r in waiting}
    return {
        (r["user"], r["quiz"]): Summary(
            submitted=r["submitted"],
            in_progress=r["open"] > 0,
            best=r["best"],
            mean=r["mean"],
            last=r["last"] if r["submitted"] else None,
            first_submitted_at=r["first"],
            last_attempt_id=r["last_id"],
            awaiting_grading=awaiting.get((r["user"], r["quiz"]), 0),
        )
        for r in rows
    }


def kept_grades(user, quizzes) -> dict[int, float]:
    """{quiz id: the percentage kept by each quiz's grade method} for one student, over
    their submitted attempts; quizzes without one are left out. The same queries for any
    number of quizzes."""
    if not user.is_authenticated:
        return {}
    found = summaries([user.pk], [quiz.pk for quiz in quizzes])
    kept = {
        quiz.pk: found[user.pk, quiz.pk].kept_grade(quiz)
        for quiz in quizzes
        if (user.pk, quiz.pk) in found
    }
    return {pk: grade for pk, grade in kept.items() if grade is not None}


def kept_grade(user, quiz: Quiz) -> float | None:
    """The student's grade for the quiz: highest, last or average attempt percentage."""
    return kept_grades(user, [quiz]).get(quiz.pk)


def quiz_points(quiz_ids) -> dict[int, int]:
    """{quiz id: the points its current questions are worth}, in one query; a quiz
    without scored questions is worth 0."""
    scored = [spec.value for spec in SPECS if spec.scored]
    rows = (
        Question.objects.current()
        .filter(quiz_id__in=quiz_ids, kind__in=scored)
        .order_by()
        .values("quiz")
        .annotate(points=Sum("points"))
    )
    found = {r["quiz"]: r["points"] for r in rows}
    return {pk: found.get(pk, 0) for pk in quiz_ids}


def record_lesson_result(sender, attempt: Attempt, **kwargs) -> None:
    """Receiver of attempt_graded: a lesson counts as done while the kept grade of its
    course quiz reaches the quiz's pass mark (a later grade can also take that back)."""
    quiz = attempt.quiz
    if quiz.lesson_id is None or quiz.owner_id is not None:
        return
    grade = kept_grade(attempt.user, quiz)
    passed = grade is not None and grade >= quiz.pass_mark
    record_quiz_result(attempt.user, quiz.lesson, passed)
