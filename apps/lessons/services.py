"""Writes to a student's lesson progress. Each takes the row's lock (creating it first if
need be), so a section report racing the end-of-lesson report never undoes it: states only
move forward here, except when the student unticks a lesson or a quiz grade falls below
the pass mark."""

from django.db import transaction
from django.utils import timezone

from apps.lessons.models import Lesson, LessonProgress

State = LessonProgress.State


def _locked_progress(user, lesson: Lesson) -> LessonProgress:
    progress, _ = LessonProgress.objects.select_for_update().get_or_create(user=user, lesson=lesson)
    return progress


def record_section(user, lesson: Lesson, section: str) -> LessonProgress:
    """The student reached `section` (an anchor of the lesson's contents): Continue goes
    back there. A lesson not started becomes one being read."""
    with transaction.atomic():
        progress = _locked_progress(user, lesson)
        progress.section = section
        progress.save(update_fields=["section", "updated_at"])
    return progress


def mark_read(user, lesson: Lesson) -> LessonProgress:
    """The student reached the end of the lesson, or ticked it."""
    with transaction.atomic():
        progress = _locked_progress(user, lesson)
        if progress.state == State.READING:
            progress.state = State.READ
            progress.read_at = timezone.now()
        progress.save(update_fields=["state", "read_at", "updated_at"])
    return progress


def mark_unread(user, lesson: Lesson) -> None:
    """The student unticked the lesson: it is being read again, from where they were."""
    with transaction.atomic():
        progress = LessonProgress.objects.select_for_update().filter(user=user, lesson=lesson)
        progress.update(state=State.READING, read_at=None, updated_at=timezone.now())


def record_quiz_result(user, lesson: Lesson, passed: bool) -> None:
    """The kept grade of the lesson's quiz now passes, or no longer does (a quiz that keeps
    the last attempt can fall back below its pass mark)."""
    with transaction.atomic():
        if passed:
            progress = _locked_progress(user, lesson)
            if progress.read_at is None:
                progress.read_at = timezone.now()
            progress.state = State.QUIZ_PASSED
            progress.save(update_fields=["state", "read_at", "updated_at"])
        else:
            LessonProgress.objects.filter(user=user, lesson=lesson, state=State.QUIZ_PASSED).update(
                state=State.READ, updated_at=timezone.now()
            )
