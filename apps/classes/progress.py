"""Where each student stands on each assigned quiz: a quiz's attempt summary
(quizzes.grades) read against the assignment's dates."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import OuterRef, Subquery

from apps.classes.models import Assignment, Override
from apps.core.publishing import Status as Publication
from apps.quizzes.grades import EMPTY, Summary, summaries
from apps.quizzes.models import scores_shown


class Status(StrEnum):
    NOT_OPEN = "not-open"
    TO_DO = "to-do"
    IN_PROGRESS = "in-progress"
    SUBMITTED = "submitted"
    LATE = "late"
    MISSING = "missing"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.NOT_OPEN: "Not open yet",
    Status.TO_DO: "To do",
    Status.IN_PROGRESS: "In progress",
    Status.SUBMITTED: "Submitted",
    Status.LATE: "Submitted late",
    Status.MISSING: "Overdue: not submitted",
    Status.CLOSED: "Closed: not submitted",
}


def status_of(
    assignment: Assignment, summary: Summary, now, override: Override | None = None
) -> Status:
    """Where one student stands, against their own due date (`override` may extend it)."""
    if summary.submitted:
        late = assignment.is_late(summary.first_submitted_at, override)
        return Status.LATE if late else Status.SUBMITTED
    if summary.in_progress:
        return Status.IN_PROGRESS
    if not assignment.is_open(now):
        return Status.NOT_OPEN
    closes = assignment.closes_for(override)
    if closes is not None and now >= closes:
        return Status.CLOSED  # too late to start: not merely overdue
    return Status.MISSING if now > assignment.due_for(override) else Status.TO_DO


@dataclass
class AssignedQuiz:
    assignment: Assignment
    status: Status
    grade: float | None
    available: bool
    due_at: datetime  # the student's own: later than the class's when extended
    extended: bool

    @property
    def is_overdue(self) -> bool:
        return self.status == Status.MISSING


def assigned_quizzes(user, now) -> list[AssignedQuiz]:
    """Every quiz the student's classes assign, soonest due first, with where they stand
    (archived quizzes left out); the same queries for any number of classes and
    assignments."""
    own = Override.objects.filter(assignment=OuterRef("pk"), student=user)
    assignments = list(
        Assignment.objects.for_student(user)
        .filter(quiz__archived_at__isnull=True)
        .annotate(own_due_at=Subquery(own.values("due_at")[:1]))
        .select_related("klass", "klass__owner", "quiz")
        .order_by("due_at", "pk")
    )
    found = summaries([user.pk], {a.quiz_id for a in assignments})
    shown = scores_shown([a.quiz for a in assignments], user, now)
    items = []
    for assignment in assignments:
        quiz = assignment.quiz
        summary: Summary = found.get((user.pk, quiz.pk), EMPTY)
        # Only an exception's due date bears on where the student stands; it came along
        # with the assignment, so the page's queries stay the same.
        override = Override(due_at=assignment.own_due_at) if assignment.own_due_at else None
        due = assignment.due_for(override)
        items.append(
            AssignedQuiz(
                assignment=assignment,
                status=status_of(assignment, summary, now, override),
                grade=summary.kept_grade(quiz) if quiz.pk in shown else None,
                available=quiz.status == Publication.PUBLISHED,
                due_at=due,
                extended=due != assignment.due_at,
            )
        )
    return items
