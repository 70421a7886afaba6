import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

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
