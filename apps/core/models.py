from django.db import models


class Access(models.Model):
    """Holds the site-wide permissions that the roles grant; it has no table of its own."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("take_quizzes", "Can take quizzes and keep attempts"),
            ("teach", "Can author quizzes, run classes and read statistics"),
            ("curate", "Can edit and publish lessons, cases and glossary"),
        ]

    def __str__(self):
        return "site access"


class ThrottleCount(models.Model):
    """A throttle's counter while its cache is unreachable (apps.core.throttle). Times are
    the throttle clock's seconds; rows past `expires_at` are deleted as others are written."""

    key = models.CharField(max_length=100, unique=True)
    events = models.PositiveIntegerField()
    last_at = models.FloatField()
    expires_at = models.FloatField(db_index=True)

    def __str__(self):
        return f"{self.key}: {self.events}"


class ContentDraft(models.Model):
    """Unpublished edits to a live page, kept as a django-reversion revision of the page's
    objects (the object and the inlines reversion follows) while the live rows stay as
    they are. Publishing reverts to this revision; discarding deletes it."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.CharField(max_length=191)
    revision = models.OneToOneField("reversion.Revision", on_delete=models.CASCADE)
    # Rows the draft adds, as [content type id, pk]: they exist only in the draft, and
    # publishing refuses if the database has since given one of those ids to another row.
    added = models.JSONField(default=list)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_draft_per_page")
        ]

    def __str__(self):
        return f"draft of {self.content_type.model} {self.object_id}"
