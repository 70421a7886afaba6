import math
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.urls import reverse

from apps.core.publishing import Publishable, PublishableQuerySet, RendersMarkdown

WORDS_PER_MINUTE = 200
# Headings in rendered (sanitized) Markdown: the renderer writes their id first.
HEADING_RE = re.compile(r'<h([2-4]) id="([^"]+)"')


@dataclass(frozen=True)
class BodyPart:
    """A run of a lesson's body: `section` is the id of the `##` heading it opens with
    ("" for what comes before the first)."""

    section: str
    html: str


class Theory(Publishable):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    thesis = models.TextField()
    assumptions = models.JSONField(default=list, blank=True)
    how_security = models.TextField(blank=True)
    how_security_html = models.TextField(blank=True, editable=False)
    thinkers = models.JSONField(default=list, blank=True, help_text="[{name, contribution}]")
    exemplar = models.TextField(blank=True)
    exemplar_html = models.TextField(blank=True, editable=False)
    weakness = models.TextField(blank=True)
    weakness_html = models.TextField(blank=True, editable=False)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)

    markdown_fields = ("how_security", "exemplar", "weakness", "body")

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "theories"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("lessons:theory", args=[self.slug])


class Source(models.Model):
    class Kind(models.TextChoices):
        BOOK = "book"
        ARTICLE = "article"
        CHAPTER = "chapter"
        SPEECH = "speech"
        DOCUMENT = "document"

    key = models.SlugField(unique=True)
    authors = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=400)
    publication = models.CharField(max_length=400, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.BOOK)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["authors", "year"]

    def __str__(self):
        return f"{self.authors} ({self.year}), {self.title}"

    def get_absolute_url(self):
        return reverse("lessons:sources") + f"#{self.key}"


class GlossaryTerm(Publishable):
    slug = models.SlugField(unique=True)
    term = models.CharField(max_length=120)
    definition = models.TextField()
    definition_html = models.TextField(blank=True, editable=False)
    related = models.ManyToManyField("self", blank=True, symmetrical=False)

    markdown_fields = ("definition",)

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return reverse("site:term", args=[self.slug])

    @property
    def link(self) -> str:
        """The path lessons and cases link to; usage is found by searching for it."""
        return reverse("site:term", args=[self.slug])

    @property
    def letter(self) -> str:
        return self.term[:1].upper()


class LessonQuerySet(PublishableQuerySet):
    def around(self, lesson: "Lesson") -> dict:
        """The lesson's place among these lessons: previous, next, position and total."""
        siblings = list(self.only("slug", "title", "order"))
        index = next(i for i, item in enumerate(siblings) if item.pk == lesson.pk)
        return {
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            "position": index + 1,
            "total": len(siblings),
        }


class Lesson(Publishable):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    theory = models.ForeignKey(Theory, on_delete=models.PROTECT, related_name="lessons")
    summary = models.TextField()
    objectives = models.JSONField(default=list, blank=True)
    key_terms = models.ManyToManyField(GlossaryTerm, blank=True, related_name="key_in_lessons")
    sources = models.ManyToManyField(Source, blank=True, related_name="lessons")
    takeaways = models.JSONField(default=list, blank=True)
    misconception = models.TextField(blank=True)
    misconception_html = models.TextField(blank=True, editable=False)
    body = models.TextField()
    body_html = models.TextField(blank=True, editable=False)
    toc = models.JSONField(default=list, blank=True, editable=False)
    reading_minutes = models.PositiveSmallIntegerField(default=1, editable=False)

    objects = LessonQuerySet.as_manager()

    markdown_fields = ("misconception", "body")

    class Meta:
        ordering = ["order", "title"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        words = len(re.findall(r"\w+", self.body))
        self.reading_minutes = max(1, math.ceil(words / WORDS_PER_MINUTE))
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "reading_minutes"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # The page shows what higher apps add to a lesson (its checks), so site serves it.
        return reverse("site:lesson", args=[self.slug])

    def body_parts(self) -> list[BodyPart]:
        """The body cut before each `##` heading, so a page can add something at the end
        of a section; joined back together they are `body_html`."""
        cuts = [m.start() for m in HEADING_RE.finditer(self.body_html) if m.group(1) == "2"]
        bounds = [0, *cuts, len(self.body_html)]
        parts = []
        for start, end in zip(bounds, bounds[1:], strict=False):
            html = self.body_html[start:end]
            opening = HEADING_RE.match(html)
            if html:
                parts.append(BodyPart(opening.group(2) if opening else "", html))
        return parts

    def section_of(self, anchor: str) -> str | None:
        """The id of the `##` section that holds the heading `anchor` (that heading itself
        or one of its sub-headings), or None when no heading has that id."""
        section = None
        for match in HEADING_RE.finditer(self.body_html):
            if match.group(1) == "2":
                section = match.group(2)
            if match.group(2) == anchor:
                return section
        return None


class LessonProgressQuerySet(models.QuerySet):
    def read(self):
        """Read to the end (or ticked), whether or not the quiz is passed too."""
        return self.exclude(state=LessonProgress.State.READING)


class LessonProgress(models.Model):
    """How far one student has got with one lesson. No row means not started."""

    class State(models.TextChoices):
        # In the order a student moves through them (see `has_read`).
        READING = "reading", "Reading"
        READ = "read", "Read"
        QUIZ_PASSED = "quiz-passed", "Quiz passed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    state = models.CharField(max_length=12, choices=State.choices, default=State.READING)
    section = models.CharField(
        max_length=200, blank=True, help_text="The anchor of the last section reached."
    )
    started_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        verbose_name = "lesson progress"
        verbose_name_plural = "lesson progress"
        constraints = [
            models.UniqueConstraint(fields=["user", "lesson"], name="one_progress_per_lesson")
        ]

    def __str__(self):
        return f"{self.user}: {self.lesson} ({self.get_state_display()})"

    @property
    def has_read(self) -> bool:
        """Read to the end (or ticked), whether or not the quiz is passed too."""
        return self.state != self.State.READING

    def resume_url(self) -> str:
        """The lesson at the last section reached."""
        url = self.lesson.get_absolute_url()
        return f"{url}#{self.section}" if self.section else url


class ComparisonDimension(Publishable):
    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.title


class ComparisonCell(RendersMarkdown):
    dimension = models.ForeignKey(
        ComparisonDimension, on_delete=models.CASCADE, related_name="cells"
    )
    theory = models.ForeignKey(Theory, on_delete=models.CASCADE, related_name="cells")
    summary = models.TextField()
    detail = models.TextField(blank=True)
    detail_html = models.TextField(blank=True, editable=False)

    markdown_fields = ("detail",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dimension", "theory"], name="one_cell_per_theory")
        ]
        ordering = ["dimension__order", "theory__order"]

    def __str__(self):
        return f"{self.dimension} — {self.theory}"
