"""What the tool keeps beside django-lti's records (registrations, deployments, LMS users,
contexts, keys): which local class a course became, each person's role in it, the links
that pass grades back, the score sends waiting or done, and the nonces already used."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from lti_tool.models import LtiContext, LtiUser


class UsedNonce(models.Model):
    """A launch's nonce, kept until its id_token has expired, so a replay is refused."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "nonce"], name="nonce_used_once_per_issuer")
        ]

    def __str__(self):
        return self.nonce


class Course(models.Model):
    """An LMS course (an LTI context) and the local class it became on its first launch."""

    context = models.OneToOneField(LtiContext, on_delete=models.CASCADE, related_name="course")
    klass = models.OneToOneField(
        "classes.Class", on_delete=models.CASCADE, related_name="lti_course"
    )
    roster_synced_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return str(self.klass)


class CourseRoleQuerySet(models.QuerySet):
    def staff(self):
        return self.filter(role__in=[CourseRole.Role.INSTRUCTOR, CourseRole.Role.TA])


class CourseRole(models.Model):
    """A person's role in one LMS course, from the launch or the roster. Teaching roles
    grant nothing outside this course: no site-wide group is ever given."""

    class Role(models.TextChoices):
        STUDENT = "student", "Student"
        TA = "ta", "Teaching assistant"
        INSTRUCTOR = "instructor", "Instructor"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_course_roles"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.STUDENT)

    objects = CourseRoleQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="one_role_per_course")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}) in {self.course}"


class GradedLink(models.Model):
    """A quiz placed in a course with a line item: its grades go back to the platform."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="graded_links")
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="lti_links")
    resource_link_id = models.CharField(max_length=255)
    lineitem_url = models.URLField(max_length=500)
    score_maximum = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["course", "resource_link_id"], name="one_graded_link_per_resource_link"
            )
        ]

    def __str__(self):
        return f"{self.quiz} → {self.lineitem_url}"


class ScoreSendQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(state=ScoreSend.State.WAITING, next_try_at__lte=now)


class ScoreSend(models.Model):
    """One score to post to a line item. Rows are never deleted: a failed send waits for
    its next try; a sent one stays as the record of what the platform was told."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be sent"
        SENT = "sent", "Sent"
        SUPERSEDED = "superseded", "Replaced by a newer score before it was sent"

    link = models.ForeignKey(GradedLink, on_delete=models.CASCADE, related_name="score_sends")
    lti_user = models.ForeignKey(LtiUser, on_delete=models.CASCADE, related_name="score_sends")
    # Empty: held back while the student may not see their mark (sent without a value).
    score_given = models.FloatField(null=True, blank=True)
    score_maximum = models.FloatField()
    activity_progress = models.CharField(max_length=20, default="Completed")
    grading_progress = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=12, choices=State.choices, default=State.WAITING)
    tries = models.PositiveIntegerField(default=0)
    next_try_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ScoreSendQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        given = "held" if self.held else f"{self.score_given}/{self.score_maximum}"
        return f"{given} for {self.lti_user} ({self.state})"

    @property
    def held(self) -> bool:
        """Sent without a score: the work is in, but its mark is not shown yet."""
        return self.score_given is None

    def same_score_as(self, other: "ScoreSend") -> bool:
        return (self.score_given, self.score_maximum, self.grading_progress) == (
            other.score_given,
            other.score_maximum,
            other.grading_progress,
        )
