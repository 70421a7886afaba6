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
