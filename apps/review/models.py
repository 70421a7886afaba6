"""A student's review cards, the log of every rating, and the student's review settings.

A card holds the FSRS memory state of one item for one student (the scheduler itself is
`fsrs`, see `scheduling.py`); the log is append-only: a row is written once per rating and
never changed, so a student's history can always be replayed.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from apps.cases.models import CaseReading
from apps.core.publishing import Status
from apps.lessons.models import ComparisonCell, GlossaryTerm
from apps.quizzes.models import Question

MIN_RETENTION = 0.80
MAX_RETENTION = 0.95
DEFAULT_RETENTION = 0.90


class ReviewSettings(models.Model):
    """What a student chose for their reviews (a row exists once they start reviewing)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_settings"
    )
    desired_retention = models.FloatField(
        default=DEFAULT_RETENTION,
        validators=[MinValueValidator(MIN_RETENTION), MaxValueValidator(MAX_RETENTION)],
        help_text="The share of cards you want to still remember when they come back.",
    )
    started_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "review settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(desired_retention__gte=MIN_RETENTION)
                & Q(desired_retention__lte=MAX_RETENTION),
                name="review_retention_in_range",
            )
        ]

    def __str__(self):
        return f"{self.user}: retention {self.desired_retention:.2f}"


class State(models.IntegerChoices):
    """FSRS's learning states, with the numbers `fsrs.State` gives them."""

    LEARNING = 1, "Learning"
    REVIEW = 2, "Review"
    RELEARNING = 3, "Relearning"


class Rating(models.IntegerChoices):
    """FSRS's ratings, with the numbers `fsrs.Rating` gives them (and the keys 1–4)."""

    AGAIN = 1, "Again"
    HARD = 2, "Hard"
    GOOD = 3, "Good"
    EASY = 4, "Easy"


class CardQuerySet(models.QuerySet):
    def of(self, user):
        """A student's own cards; anyone else's do not exist for them."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def live(self):
        """Cards whose item is still published (a question stays: its answer was given)."""
        published = Status.PUBLISHED
        return self.filter(
            Q(term__status=published)
            | Q(cell__dimension__status=published, cell__theory__status=published)
            | Q(reading__case__status=published, reading__theory__status=published)
            | Q(question__isnull=False)
        )

    def with_items(self):
        return self.select_related(
            "term", "cell__dimension", "cell__theory", "reading__case", "reading__theory",
            "question__quiz",
        )  # fmt: skip


class Card(models.Model):
    """One item one student reviews, with its FSRS memory state."""

    class Kind(models.TextChoices):
        TERM = "term", "Glossary term"
        CELL = "cell", "Which view? (comparison)"
        READING = "reading", "Which view? (case)"
        QUESTION = "question", "Question you got wrong"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    term = models.ForeignKey(GlossaryTerm, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")  # fmt: skip
    cell = models.ForeignKey(ComparisonCell, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+")  # fmt: skip
    reading = models.ForeignKey(CaseReading, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")  # fmt: skip
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="+")  # fmt: skip
    state = models.PositiveSmallIntegerField(choices=State.choices, default=State.LEARNING)
    step = models.PositiveSmallIntegerField(null=True, blank=True, default=0)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    introduced_at = models.DateTimeField()
    # Counts ratings: a rating form carries it, so a form posted twice is recorded once.
    version = models.PositiveIntegerField(default=0)

    objects = CardQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="term",
                        term__isnull=False,
                        cell__isnull=True,
                        reading__isnull=True,
                        question__isnull=True,
                    )
                    | Q(
                        kind="cell",
                        term__isnull=True,
                        cell__isnull=False,
                        reading__isnull=True,
                        question__isnull=True,
                    )
                    | Q(
                        kind="reading",
                        term__isnull=True,
                        cell__isnull=True,
                        reading__isnull=False,
                        question__isnull=True,
                    )
                    | Q(
                        kind="question",
                        term__isnull=True,
                        cell__isnull=True,
                        reading__isnull=True,
                        question__isnull=False,
                    )
                ),  # fmt: skip
                name="review_card_has_exactly_one_item",
            ),
            models.UniqueConstraint(
                fields=["user", "term"], condition=Q(term__isnull=False), name="one_card_per_term"
            ),
            models.UniqueConstraint(
                fields=["user", "cell"], condition=Q(cell__isnull=False), name="one_card_per_cell"
            ),
            models.UniqueConstraint(
                fields=["user", "reading"],
                condition=Q(reading__isnull=False),
                name="one_card_per_reading",
            ),
            models.UniqueConstraint(
                fields=["user", "question"],
                condition=Q(question__isnull=False),
                name="one_card_per_question",
            ),
        ]
        indexes = [models.Index(fields=["user", "due"])]

    def __str__(self):
        return f"{self.user}: {self.item}"

    @property
    def item(self):
        return getattr(self, self.kind)


class ReviewLog(models.Model):
    """One rating of one card, as it happened. Written once, never updated."""

    class Source(models.TextChoices):
        REVIEW = "review", "Review session"
        QUIZ = "quiz", "Quiz answer"
        CHECK = "check", "Check in a lesson"

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="log")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_log"
    )
    # The card's version the rating was given at: one rating per version, so a replayed
    # form cannot log twice even if it slipped past the service's check.
    card_version = models.PositiveIntegerField()
    rating = models.PositiveSmallIntegerField(choices=Rating.choices)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.REVIEW)
    state_before = models.PositiveSmallIntegerField(choices=State.choices)
    state_after = models.PositiveSmallIntegerField(choices=State.choices)
    due_before = models.DateTimeField()
    due_after = models.DateTimeField()
    reviewed_at = models.DateTimeField()

    class Meta:
        ordering = ["-reviewed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["card", "card_version"], name="one_rating_per_version")
        ]

    def __str__(self):
        return f"{self.card}: {self.get_rating_display()} at {self.reviewed_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("The review log is append-only: a rating is never changed.")
        super().save(*args, **kwargs)
