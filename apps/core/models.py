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
