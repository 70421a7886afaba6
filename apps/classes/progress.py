"""Where each student stands on each assigned quiz: a quiz's attempt summary
(quizzes.grades) read against the assignment's dates."""

from enum import StrEnum

from apps.classes.models import Assignment
from apps.quizzes.grades import Summary


class Status(StrEnum):
    NOT_OPEN = "not-open"
    TO_DO = "to-do"
    IN_PROGRESS = "in-progress"
    SUBMITTED = "submitted"
    LATE = "late"
    MISSING = "missing"

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
}


def status_of(assignment: Assignment, summary: Summary, now) -> Status:
    if summary.submitted:
        return Status.LATE if assignment.is_late(summary.first_submitted_at) else Status.SUBMITTED
    if summary.in_progress:
        return Status.IN_PROGRESS
    if not assignment.is_open(now):
        return Status.NOT_OPEN
    return Status.MISSING if now > assignment.due_at else Status.TO_DO
