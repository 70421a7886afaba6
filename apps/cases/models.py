from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from apps.core.publishing import Publishable, RendersMarkdown
from apps.lessons.models import GlossaryTerm, Lesson, Source, Theory


class Case(Publishable):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    period = models.CharField(max_length=60, blank=True)
    summary = models.TextField()
    lessons = models.ManyToManyField(Lesson, blank=True, related_name="cases")
    key_terms = models.ManyToManyField(GlossaryTerm, blank=True, related_name="key_in_cases")
    sources = models.ManyToManyField(Source, blank=True, related_name="cases")
    discussion = models.JSONField(default=list, blank=True)
    interpretations = models.JSONField(
        default=dict, blank=True, help_text="{points: [...], views: [{slug, title, ...}]}"
    )
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)

    markdown_fields = ("body",)

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cases:case", args=[self.slug])


class Actor(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person"
        STATE = "state"
        ORGANIZATION = "organization"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="actors")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    role = models.TextField()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.name


class TimelineEvent(models.Model):
    class Kind(models.TextChoices):
        TREATY = "treaty"
        CRISIS = "crisis"
        WAR = "war"
        CONFERENCE = "conference"
        REVOLT = "revolt"

    class Precision(models.TextChoices):
        DAY = "day"
        MONTH = "month"
        YEAR = "year"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    date = models.DateField()
    precision = models.CharField(max_length=5, choices=Precision.choices, default=Precision.DAY)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    section = models.SlugField(help_text="Anchor of the narrative section that discusses it")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.date:%Y} {self.title}"

    @property
    def date_label(self) -> str:
        formats = {"day": "%-d %B %Y", "month": "%B %Y", "year": "%Y"}
        return self.date.strftime(formats[self.precision])


class CaseReading(RendersMarkdown):
    """How one theory reads one case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="readings")
    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="readings")
    prediction = models.TextField(help_text="Question the student answers before the reveal")
    explains = models.TextField()
    explains_html = models.TextField(blank=True, editable=False)
    misses = models.TextField()
    misses_html = models.TextField(blank=True, editable=False)
    verdict = models.TextField()

    markdown_fields = ("explains", "misses")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "theory"], name="one_reading_per_theory")
        ]
        ordering = ["theory__order"]

    def __str__(self):
        return f"{self.case} read as {self.theory}"


class CasePrediction(models.Model):
    """What a signed-in student expected one theory to make of a case, committed before its
    reading was revealed, and how they judged it against the reading afterwards. Anonymous
    visitors' predictions and judgements live in their session instead."""

    class Judgement(models.TextChoices):
        MATCHED = "matched", "My prediction matched"
        PARTLY = "partly", "It partly matched"
        MISSED = "missed", "I missed it"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_predictions"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="predictions")
    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="predictions")
    text = models.TextField(max_length=2000)
    judgement = models.CharField(max_length=8, choices=Judgement.choices, blank=True)
    predicted_at = models.DateTimeField(default=timezone.now)
    judged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "case", "theory"], name="one_prediction_per_reading"
            )
        ]
        ordering = ["-predicted_at"]

    def __str__(self):
        return f"{self.user}: {self.case} as {self.theory}"

    def get_absolute_url(self):
        return f"{self.case.get_absolute_url()}?lens={self.theory.slug}#readings"
