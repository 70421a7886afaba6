import hashlib
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.classes.models import Class, Teacher
from apps.quizzes.models import Quiz

# How long a previewed import waits for its confirmation.
PENDING_IMPORT_LIFETIME = timedelta(hours=1)


class PendingImportQuerySet(models.QuerySet):
    def confirmable_by(self, user, quiz: Quiz, now=None):
        """The imports `user` previewed for `quiz` that may still be confirmed."""
        now = now or timezone.now()
        return self.filter(owner=user, quiz=quiz, created_at__gt=now - PENDING_IMPORT_LIFETIME)


class PendingImport(models.Model):
    """GIFT text between its preview and its confirmation, kept on the server so the
    confirmation sends a key, not the whole file again. Private to its instructor."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = PendingImportQuerySet.as_manager()

    def __str__(self):
        return f"GIFT import into {self.quiz} by {self.owner}"


# How long an invitation link works.
INVITATION_LIFETIME = timedelta(days=7)


def hash_token(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256. A token is 32 random bytes,
    so a plain hash is enough to make a leaked table useless for signing up."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def usable(self, now=None):
        """Invitations whose link still works: not yet accepted, not yet expired."""
        return self.filter(accepted_at__isnull=True, expires_at__gt=now or timezone.now())


class Invitation(models.Model):
    """A one-time link that makes whoever follows it an instructor, or a co-instructor or
    teaching assistant of one class. Only a hash of the link's token is stored, so the
    link is shown once, when it is made (and mailed when mail is configured)."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    klass = models.ForeignKey(
        Class, null=True, blank=True, on_delete=models.CASCADE, related_name="invitations"
    )
    class_role = models.CharField(max_length=20, choices=Teacher.Role.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(klass__isnull=True, class_role="")
                | Q(klass__isnull=False, class_role__in=Teacher.Role.values),
                name="invitation_names_a_role_with_its_class",
            )
        ]

    def __str__(self):
        return f"Invitation to {self.email or 'someone'}: {self.offer()}"

    def is_usable(self, now) -> bool:
        return self.accepted_at is None and now < self.expires_at

    def offer(self) -> str:
        """What accepting gives, in words for the person invited."""
        if self.klass is None:
            return "teach on Regimes as an instructor"
        if self.class_role == Teacher.Role.CO_INSTRUCTOR:
            return f"co-teach {self.klass.name} as an instructor"
        return f"assist in {self.klass.name} as a teaching assistant"
