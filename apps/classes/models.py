"""Classes: an instructor's group of students, who join with a code, and the quizzes
assigned to the group with an opening time and a due date."""

import secrets
from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from apps.core.dates import when
from apps.core.roles import Action, may

# No 0/O, 1/I/L, 5/S or 2/Z: a code read aloud or copied from a projector survives.
CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """A code as typed (any case, spaces or dashes between groups) in its stored form."""
    return "".join(ch for ch in typed.upper() if ch.isalnum())


class ClassQuerySet(models.QuerySet):
    def taught_by(self, user):
        """The classes `user` may run (rename, roster, assignments, staff): curators all,
        instructors those they own or co-teach, others none."""
        if may(user, Action.CURATE):
            return self
        if may(user, Action.TEACH):
            co_taught = Teacher.objects.filter(user=user, role=Teacher.Role.CO_INSTRUCTOR)
            return self.filter(Q(owner=user) | Q(pk__in=co_taught.values("klass")))
        return self.none()

    def for_student(self, user):
        """The classes `user` belongs to as a student, archived classes aside (their
        quizzes are no longer offered, so the student's lists leave them out)."""
        return self.filter(memberships__student=user, archived_at__isnull=True)

    def graded_by(self, user):
        """The classes whose gradebook, statistics and essays `user` may see: those they
        run and those they assist as a teaching assistant (who need not be an instructor)."""
        if not user.is_authenticated:
            return self.none()
        if may(user, Action.CURATE):
            return self
        assisted = Teacher.objects.filter(user=user).values("klass")
        return self.filter(Q(pk__in=self.taught_by(user).values("pk")) | Q(pk__in=assisted))


class Class(models.Model):
    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="classes_taught"
    )
    join_code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_join_code)
    code_expires_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty: the code works until you replace it."
    )
    created = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set: the code no longer works and students no longer see its quizzes; "
        "its gradebook stays.",
    )

    objects = ClassQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        verbose_name_plural = "classes"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("teach:class_detail", args=[self.pk])

    def join_path(self) -> str:
        return reverse("classes:join_code", args=[self.join_code])

    def code_is_valid(self, now) -> bool:
        return self.code_expires_at is None or now < self.code_expires_at


class Membership(models.Model):
    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="memberships")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="class_memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["klass", "student__username"]
        constraints = [
            models.UniqueConstraint(fields=["klass", "student"], name="one_membership_per_class")
        ]

    def __str__(self):
        return f"{self.student} in {self.klass}"


class Teacher(models.Model):
    """Someone besides the owner who teaches a class: a co-instructor runs it with the
    owner's rights; a teaching assistant grades it and reads its gradebook and statistics,
    but changes neither the class nor its quizzes."""

    class Role(models.TextChoices):
        CO_INSTRUCTOR = "co_instructor", "Co-instructor"
        ASSISTANT = "assistant", "Teaching assistant"

    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="teachers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="classes_assisted"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["klass", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["klass", "user"], name="one_teacher_role_per_class")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) in {self.klass}"


class AssignmentQuerySet(models.QuerySet):
    def for_student(self, user):
        """The assignments of every class `user` belongs to, archived classes aside."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(klass__memberships__student=user, klass__archived_at__isnull=True)


class Assignment(models.Model):
    klass = models.ForeignKey(Class, on_delete=models.CASCADE, related_name="assignments")
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="assignments")
    opens_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["klass", "quiz"], name="quiz_assigned_once_per_class"),
            models.CheckConstraint(
                condition=Q(opens_at__lt=models.F("due_at")), name="assignment_opens_before_due"
            ),
        ]

    def __str__(self):
        return f"{self.quiz} for {self.klass}"

    def is_open(self, now) -> bool:
        return self.opens_at <= now

    def due_for(self, override: "Override | None") -> datetime:
        """The due date for one student: a later one their override gives, or the class's."""
        if override is not None and override.due_at and override.due_at > self.due_at:
            return override.due_at
        return self.due_at

    def closes_for(self, override: "Override | None") -> datetime | None:
        """When the quiz closes for one student: a later time their override gives, or the
        quiz's own closing time (None: it never closes)."""
        closes = self.quiz.closes_at
        if closes and override is not None and override.closes_at and override.closes_at > closes:
            return override.closes_at
        return closes

    def is_late(self, first_submitted_at, override: "Override | None" = None) -> bool:
        """Late: the student's first submission came after their due date."""
        return first_submitted_at is not None and first_submitted_at > self.due_for(override)


class Override(models.Model):
    """An exception to an assignment for one student: more attempts, a later due date, a
    later closing time, a longer time limit. Each field left empty keeps the rule as it is;
    the quiz's own rules read them through `Quiz.rules_for`."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="overrides")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_overrides"
    )
    extra_attempts = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    time_limit = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Minutes, instead of the quiz's."
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assignment", "student__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="one_override_per_student"
            )
        ]

    def __str__(self):
        return f"{self.assignment} for {self.student}: {self.summary()}"

    def summary(self) -> str:
        """What the exception gives, in words for the instructor's list."""
        parts = []
        if self.extra_attempts:
            plural = "s" if self.extra_attempts != 1 else ""
            parts.append(f"{self.extra_attempts} more attempt{plural}")
        if self.due_at:
            parts.append(f"due {when(self.due_at)}")
        if self.closes_at:
            parts.append(f"closes {when(self.closes_at)}")
        if self.time_limit:
            parts.append(f"{self.time_limit} minutes")
        return ", ".join(parts)
