from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape, linebreaks

from apps.cases.models import Case
from apps.core.markup import plain_text, render_inline, render_markdown, sanitize_html
from apps.core.publishing import Publishable, PublishableQuerySet, Status
from apps.core.roles import Action, may
from apps.lessons.models import Lesson
from apps.quizzes.gift import DEFAULT_PENALTY
from apps.quizzes.kinds import SPECS, KindSpec, spec_of

# A submission or save this long after the deadline is still accepted: it covers the last
# autosave in flight and a slow network, not extra thinking time.
GRACE = timedelta(seconds=30)

# Where a missing word goes in a question's text (GIFT's convention).
BLANK = "_____"
# Markdown would read five underscores as emphasis or a rule, so the blank travels through
# rendering as a plain word and is put back afterwards.
_BLANK_TOKEN = "QUIZBLANKTOKEN"


class TextFormat(models.TextChoices):
    MOODLE = "moodle", "Moodle auto-format (rendered as Markdown)"
    MARKDOWN = "markdown", "Markdown"
    HTML = "html", "HTML"
    PLAIN = "plain", "Plain text"


def render_text(text: str, fmt: str, inline: bool = False) -> str:
    """Safe HTML for a question, answer or feedback text written in a GIFT text format."""
    text = (text or "").replace(BLANK, _BLANK_TOKEN)
    if fmt == TextFormat.HTML:
        html = sanitize_html(text)
    elif fmt == TextFormat.PLAIN:
        html = escape(text) if inline else linebreaks(escape(text))
    else:
        html = render_inline(text) if inline else render_markdown(text).html
    return html.replace(_BLANK_TOKEN, BLANK)


# The conditions behind QuizQuerySet.active() and published(), also combined in one filter.
ACTIVE_QUIZ = Q(archived_at__isnull=True)
PUBLISHED_QUIZ = Q(status=Status.PUBLISHED) & ACTIVE_QUIZ


class QuizQuerySet(PublishableQuerySet):
    def active(self):
        """The quizzes not archived (an archived quiz leaves every list; its attempts and
        grades stay)."""
        return self.filter(ACTIVE_QUIZ)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def published(self):
        """The quizzes offered to students: published and active."""
        return self.filter(PUBLISHED_QUIZ)

    def visible_to(self, user):
        """Everyone sees the published course quizzes; a student also sees the published
        quizzes assigned to their classes (archived classes aside), an owner their own, a
        curator every quiz. An archived quiz is hidden from all but curators (its attempts
        stay reviewable)."""
        if may(user, Action.CURATE):
            return self
        course = PUBLISHED_QUIZ & Q(owner__isnull=True)
        if not user.is_authenticated:
            return self.filter(course)
        # The classes app builds on this one: its assignments are reached through their
        # relation to the quiz, never by importing them.
        in_my_classes = Quiz.objects.filter(
            assignments__klass__memberships__student=user,
            assignments__klass__archived_at__isnull=True,
        ).values("pk")
        assigned = PUBLISHED_QUIZ & Q(pk__in=in_my_classes)
        own = Q(owner=user) & ACTIVE_QUIZ
        # One filter of three conditions: the same rows as three querysets joined with |,
        # for a third of the query-building time (each intro and exam start asks).
        return self.filter(course | assigned | own)

    def for_course(self):
        """The quizzes that live in content/ (instructors' own quizzes have an owner)."""
        return self.filter(owner__isnull=True)

    def editable_by(self, user):
        """Quizzes `user` may change: curators every one, instructors their own."""
        if may(user, Action.CURATE):
            return self
        if may(user, Action.TEACH):
            return self.filter(owner=user)
        return self.none()

    def teachable_by(self, user):
        """Quizzes `user` may preview, copy, export, assign and read statistics for: the
        editable ones and, for instructors, the published course quizzes."""
        if may(user, Action.CURATE):
            return self
        if may(user, Action.TEACH):
            return self.filter(Q(owner=user) | Q(status=Status.PUBLISHED, owner__isnull=True))
        return self.none()


class Quiz(Publishable):
    class GradeMethod(models.TextChoices):
        HIGHEST = "highest", "Highest grade"
        LAST = "last", "Last attempt"
        AVERAGE = "average", "Average of attempts"

    class FeedbackMode(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate: check each answer as you go"
        DEFERRED = "deferred", "Deferred: feedback after submitting"

    class ReviewAfter(models.TextChoices):
        SUBMIT = "submit", "Immediately after the attempt"
        CLOSE = "close", "After the quiz closes"
        MANUAL = "manual", "When I release them"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField(blank=True)
    description_html = models.TextField(blank=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="quizzes",
        help_text="Empty for course quizzes (loaded from content/).",
    )
    lesson = models.ForeignKey(
        Lesson,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quizzes",
        help_text="The lesson this quiz tests.",
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="quizzes",
        help_text="The case this quiz tests.",
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0 = unlimited.")
    grade_method = models.CharField(
        max_length=10, choices=GradeMethod.choices, default=GradeMethod.HIGHEST
    )
    time_limit = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Minutes; empty for no limit."
    )
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=True)
    feedback_mode = models.CharField(
        max_length=10, choices=FeedbackMode.choices, default=FeedbackMode.DEFERRED
    )
    pass_mark = models.PositiveSmallIntegerField(
        default=50, validators=[MaxValueValidator(100)], help_text="Percent."
    )
    review_after = models.CharField(
        max_length=10,
        choices=ReviewAfter.choices,
        default=ReviewAfter.SUBMIT,
        help_text="After the quiz closes: never, if it has no closing time. Whichever you "
        "choose, you can release marks and feedback by hand at any time.",
    )
    review_score = models.BooleanField("review shows the score", default=True)
    review_answers = models.BooleanField("review shows the correct answers", default=True)
    review_feedback = models.BooleanField("review shows feedback", default=True)
    # Released by hand ("Release now"), before the review rule would show them.
    marks_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    feedback_released_at = models.DateTimeField(null=True, blank=True, editable=False)
    archived_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set: hidden from students and from lists; its attempts and grades stay.",
    )

    objects = QuizQuerySet.as_manager()

    markdown_fields = ("description",)

    class Meta:
        ordering = ["order", "title"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(opens_at__lt=models.F("closes_at")),
                name="quiz_opens_before_it_closes",
            ),
            models.CheckConstraint(condition=Q(pass_mark__lte=100), name="quiz_pass_mark_percent"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("quizzes:detail", args=[self.slug])

    def is_visible_to(self, user) -> bool:
        """Whether `user` may see this quiz: `Quiz.objects.visible_to` for one quiz already
        read (the intro and the exam start ask per request, and this costs a plain read by
        slug instead of that filter's subquery; a query only for a class quiz).
        tests/quizzes/test_visibility.py keeps the two forms in agreement."""
        if may(user, Action.CURATE):
            return True
        if self.archived_at is not None:
            return False
        if user.is_authenticated and self.owner_id == user.pk:
            return True
        if self.status != Status.PUBLISHED:
            return False
        if self.owner_id is None:
            return True
        return (
            user.is_authenticated
            and self.assignments.filter(
                klass__memberships__student=user, klass__archived_at__isnull=True
            ).exists()
        )

    @property
    def topic(self) -> "Lesson | Case | None":
        """The lesson or case this quiz tests."""
        return self.lesson or self.case

    def is_open(self, now) -> bool:
        return self.own_rules.is_open(now)

    @property
    def own_rules(self) -> "StudentRules":
        """The quiz's timing and attempt rules before any class or exception."""
        return StudentRules(
            opens_at=self.opens_at,
            closes_at=self.closes_at,
            time_limit=self.time_limit,
            attempts_allowed=self.attempts_allowed,
        )

    def rules_for(self, user) -> "StudentRules":
        """The quiz's timing and attempt rules as they apply to `user`: the quiz's own,
        with their classes' window (archived classes aside), extended by any exception a
        class gives them. One query for a signed-in user, none otherwise."""
        return student_rules([self], user)[self.pk]

    def scores_visible(self, now, rules: "StudentRules") -> bool:
        """Whether the student whose `rules` these are may see their scores (and so their
        kept grade) yet: by the review rule, or released by hand."""
        return self.review_score and (
            self.review_is_open(now, rules) or self.marks_released_at is not None
        )

    def feedback_visible(self, now, rules: "StudentRules") -> bool:
        """Whether that student's reviews may show the correct answers and feedback (as
        far as the review settings allow) yet: by the review rule, or released by hand."""
        return self.review_is_open(now, rules) or self.feedback_released_at is not None

    def review_is_open(self, now, rules: "StudentRules") -> bool:
        """Whether the review rule alone shows results now (a release by hand aside) to
        the student whose `rules` these are. "After the quiz closes" is at their own
        close, as in Moodle: an exception's later close holds their review back, and
        nobody else's. `own_rules` give the moment for students without one."""
        if self.review_after == self.ReviewAfter.SUBMIT:
            return True
        if self.review_after == self.ReviewAfter.CLOSE:
            return rules.closes_at is not None and now >= rules.closes_at
        return False


@dataclass(frozen=True)
class StudentRules:
    """When one student may start an attempt at a quiz, for how long, and how many."""

    opens_at: datetime | None
    closes_at: datetime | None
    time_limit: int | None  # minutes
    attempts_allowed: int  # 0: unlimited
    # From the student's classes: the earliest opening and the latest due date.
    class_opens_at: datetime | None = None
    due_at: datetime | None = None
    # What an exception their instructor gave changed ("attempts", "due", "close", "time").
    extended: frozenset = frozenset()

    def extended_by(self, found: dict) -> "StudentRules":
        """These rules within the student's classes' window, with any exception applied:
        only ever more attempts, later dates and more time."""
        extended = set()
        attempts, closes, limit, due = (
            self.attempts_allowed, self.closes_at, self.time_limit, found["due"],
        )  # fmt: skip
        if attempts and found["extra"]:
            attempts += found["extra"]
            extended.add("attempts")
        if closes and found["later_close"] and found["later_close"] > closes:
            closes = found["later_close"]
            extended.add("close")
        if limit and found["longer"] and found["longer"] > limit:
            limit = found["longer"]
            extended.add("time")
        if found["later_due"] and found["later_due"] > due:
            due = found["later_due"]
            extended.add("due")
        return replace(
            self,
            closes_at=closes,
            time_limit=limit,
            attempts_allowed=attempts,
            class_opens_at=found["class_opens"],
            due_at=due,
            extended=frozenset(extended),
        )

    def is_open(self, now) -> bool:
        return (self.opens_at is None or self.opens_at <= now) and (
            self.closes_at is None or now < self.closes_at
        )

    def deadline_for(self, started_at):
        """When an attempt started at `started_at` must end: the time limit, cut short by
        the quiz closing (as in Moodle), or None when neither applies."""
        ends = [self.closes_at] if self.closes_at else []
        if self.time_limit:
            ends.append(started_at + timedelta(minutes=self.time_limit))
        return min(ends) if ends else None


# What student_rules folds from a student's assignments of a quiz, as SQL's MIN and MAX
# would (empty values aside): the earliest opening and the latest due date of their
# classes, and the most that their exceptions give.
_FOLDED = (
    ("class_opens", min), ("due", max),
    ("extra", max), ("later_due", max), ("later_close", max), ("longer", max),
)  # fmt: skip


def student_rules(quizzes, user) -> dict[int, StudentRules]:
    """{quiz id: its rules as they apply to `user`} for each of `quizzes` (see
    Quiz.rules_for): one query for a signed-in user, however many quizzes; none
    otherwise."""
    rules = {quiz.pk: quiz.own_rules for quiz in quizzes}
    if user is None or not user.is_authenticated or not rules:
        return rules
    # The classes app builds on this one: its assignments and their per-student
    # overrides are reached through their relations, never by importing them. The rows
    # are folded here rather than aggregated in SQL: the query is the same join, and
    # building it with six filtered aggregates cost the ORM twice the CPU (an exam's
    # intro and start each ask).
    rows = (
        Quiz.objects.filter(
            pk__in=rules,
            assignments__klass__memberships__student=user,
            assignments__klass__archived_at__isnull=True,
        )
        .order_by()
        .values_list(
            "pk", "assignments__opens_at", "assignments__due_at",
            "assignments__overrides__student", "assignments__overrides__extra_attempts",
            "assignments__overrides__due_at", "assignments__overrides__closes_at",
            "assignments__overrides__time_limit",
        )
    )  # fmt: skip
    found: dict[int, dict] = {}
    for pk, opens, due, student, *exception in rows:
        # Another student's exception to the same assignment counts for nothing here.
        values = [opens, due, *(exception if student == user.pk else [None] * 4)]
        fold = found.setdefault(pk, dict.fromkeys(name for name, _ in _FOLDED))
        for (name, keep), value in zip(_FOLDED, values, strict=True):
            if value is not None:
                fold[name] = value if fold[name] is None else keep(fold[name], value)
    for pk, fold in found.items():
        rules[pk] = rules[pk].extended_by(fold)
    return rules


def scores_shown(quizzes, user, now) -> set[int]:
    """The ids of those `quizzes` whose scores `user` may see now (Quiz.scores_visible).
    An exception only ever moves a close later, so only a quiz whose review waits for a
    close that has passed can hold one student back longer than the rest: the student's
    rules are read (in one query) only when some quiz is such."""
    waiting = [
        quiz
        for quiz in quizzes
        if quiz.review_after == Quiz.ReviewAfter.CLOSE and quiz.closes_at and now >= quiz.closes_at
    ]
    rules = student_rules(waiting, user)
    return {
        quiz.pk for quiz in quizzes if quiz.scores_visible(now, rules.get(quiz.pk, quiz.own_rules))
    }


def is_answer(answer) -> bool:
    """Whether a stored answer says anything (an emptied one does not)."""
    return answer not in (None, "", [], {})


def verdict_of(fraction: float | None) -> str:
    """ "correct", "partly-correct" or "incorrect" for a graded fraction; "" for None."""
    if fraction is None:
        return ""
    if fraction >= 1:
        return "correct"
    return "partly-correct" if fraction > 0 else "incorrect"


class QuestionEntry(models.Model):
    """A question in the bank, with all its versions, in every quiz that uses it.

    Each quiz holds its own row of the question (Question, with its quiz, position and
    points), so attempts, regrades and statistics stay per quiz; the rows of one entry are
    linked: an edit made in one quiz is made in all of them (services.edit_question), and
    version numbers count the entry's versions, so a number means the same wording in
    every quiz. Links are made only among one instructor's own quizzes (course quizzes
    are content files, each with its own questions)."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name_plural = "question entries"

    def __str__(self):
        return f"Question bank entry {self.pk}"

    def next_version(self) -> int:
        """The number the next version of this question gets, in whichever quiz."""
        return (self.questions.aggregate(last=Max("version"))["last"] or 0) + 1


class QuestionQuerySet(models.QuerySet):
    def current(self):
        """The questions a new attempt gets: the latest version of each, in order."""
        return self.filter(current=True).order_by("position", "pk")


class Question(models.Model):
    """A question as students saw it. Once it is part of an attempt it never changes: an
    edit becomes a new version (services.save_question) and old responses keep grading
    against the version they answered. Its entry links it to the same question in other
    quizzes and to its earlier versions (QuestionEntry)."""

    Kind = models.TextChoices("Kind", [(s.value.upper(), (s.value, s.label)) for s in SPECS])

    quiz = models.ForeignKey(
        Quiz,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
        help_text="Empty for a check inside a lesson (see LessonCheck).",
    )
    position = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    title = models.CharField(max_length=255, blank=True, help_text="For authors; not shown.")
    text = models.TextField(help_text=f"A missing word's place is written {BLANK}.")
    text_html = models.TextField(blank=True, editable=False)
    text_format = models.CharField(
        max_length=10, choices=TextFormat.choices, default=TextFormat.MOODLE
    )
    general_feedback = models.TextField(
        "explanation",
        blank=True,
        help_text="Shown after answering; link the section it tests: [..](/lessons/slug/#id).",
    )
    general_feedback_html = models.TextField(blank=True, editable=False)
    points = models.PositiveSmallIntegerField(default=1)
    shuffle_choices = models.BooleanField(
        "shuffle its options",
        default=True,
        help_text="Each attempt lists the options in its own order. Turn off only where "
        "order matters (“all of the above”).",
    )
    hint_spelling = models.BooleanField(
        "hint at a misspelling",
        default=False,
        help_text="A short answer one or two letters away from an accepted one is asked to "
        "check its spelling. It is still marked wrong.",
    )
    category = models.CharField(max_length=255, blank=True)
    gift_id = models.CharField("GIFT id", max_length=100, blank=True)
    tags = models.JSONField(default=list, blank=True)
    # Moodle's hints (shown between tries) and penalty (credit lost per wrong try). This
    # site gives one try per question, so neither changes grading here; they are kept so
    # that a question imported from Moodle XML goes back to Moodle as it came.
    hints = models.JSONField(default=list, blank=True, editable=False)
    penalty = models.FloatField(
        default=DEFAULT_PENALTY,
        editable=False,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    current = models.BooleanField(default=True, editable=False)
    previous = models.ForeignKey(
        "self", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    entry = models.ForeignKey(
        QuestionEntry, on_delete=models.PROTECT, related_name="questions", editable=False
    )

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "position", "pk"]
        indexes = [models.Index(fields=["quiz", "current", "position"])]

    def __str__(self):
        label = self.title or self.text[:60]
        return f"{label} (v{self.version})" if self.version > 1 else label

    def save(self, *args, **kwargs):
        self.text_html = render_text(self.text, self.text_format)
        self.general_feedback_html = render_text(self.general_feedback, self.text_format)
        if self.entry_id is None:
            # A question written afresh starts its own bank entry.
            self.entry = QuestionEntry.objects.create()
        super().save(*args, **kwargs)

    @cached_property
    def choice_list(self) -> list["Choice"]:
        """The choices in authored order (from the prefetch cache when there is one)."""
        return list(self.choices.all())

    @cached_property
    def match_options(self) -> list[str]:
        """A matching question's right-hand texts, alphabetical: an order that helps the
        student find an option and, unlike the authored one, says nothing about pairs."""
        texts = {c.match_text for c in self.choice_list if c.match_text}
        return sorted(texts, key=lambda text: (text.casefold(), text))

    @property
    def spec(self) -> KindSpec:
        """Everything about this question's kind (kinds.py)."""
        return spec_of(self.kind)

    @property
    def lists_choices(self) -> bool:
        """Answered by picking from listed options (short answers' options stay secret)."""
        return self.spec.lists_choices

    @property
    def is_scored(self) -> bool:
        return self.spec.scored

    @property
    def grades_itself(self) -> bool:
        """Graded on the spot (so it can be checked): not an essay, not a description."""
        return self.spec.grades_itself

    @property
    def max_points(self) -> int:
        return self.points if self.is_scored else 0

    @property
    def text_parts(self) -> tuple[str, str] | None:
        """The text's HTML before and after the blank, or None when it has no blank."""
        before, blank, after = self.text_html.partition(BLANK)
        return (before, after) if blank else None

    def excerpt(self) -> str:
        """The question's text as a reader sees it, without its markup (Markdown emphasis,
        links, HTML), for lists of questions."""
        return plain_text(self.text_html)

    def is_in_use(self) -> bool:
        """True once any attempt includes this version or a student has answered it as a
        check; from then on it is frozen."""
        return self.responses.exists() or self.check_answers.exists()

    def in_other_quizzes(self) -> "QuestionQuerySet":
        """The same bank question as the other quizzes that use it hold it now (their
        current rows of its entry), with their quizzes: only quizzes of this one's owner,
        the only ones a link is made to, even if a quiz changed hands since."""
        if self.quiz is None:
            return Question.objects.none()
        others = Question.objects.current().filter(
            entry_id=self.entry_id, quiz__owner_id=self.quiz.owner_id
        )
        return others.exclude(pk=self.pk).select_related("quiz")

    def can_link_into(self, quiz: "Quiz") -> bool:
        """Whether adding this question to `quiz` links it (one question, edited in both)
        rather than copies it: only between quizzes of the same instructor."""
        if self.quiz is None or quiz.owner_id is None:
            return False
        return self.quiz.owner_id == quiz.owner_id


class Misconception(models.Model):
    """A mistaken belief a wrong answer reveals, and the lesson section that corrects it.
    Course content (content/quizzes/misconceptions.yaml); answers are tagged with it by
    slug, in the editor or in GIFT (`// [misconception:slug]` below the answer)."""

    slug = models.SlugField(unique=True)
    statement = models.CharField(
        max_length=300, help_text="The mistaken belief, as a student might hold it."
    )
    section = models.CharField(
        max_length=300, help_text="The lesson section that addresses it: /lessons/slug/#id."
    )

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.statement


class Choice(models.Model):
    """An answer option: a choice, an accepted short or numerical answer, or a matching
    pair (left side in `text`, right side in `match_text`)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    text_html = models.TextField(blank=True, editable=False)
    fraction = models.FloatField(
        default=0.0, help_text="Credit: 1 = full, 0.5 = half, negative subtracts."
    )
    feedback = models.TextField(blank=True)
    feedback_html = models.TextField(blank=True, editable=False)
    match_text = models.TextField("matches", blank=True)
    value = models.FloatField(null=True, blank=True)
    tolerance = models.FloatField(default=0.0)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    # By slug, so the files and GIFT name it and choice.misconception_id needs no query.
    misconception = models.ForeignKey(
        Misconception,
        to_field="slug",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="choices",
        help_text="The mistaken belief that picking (or typing) this answer suggests.",
    )

    class Meta:
        ordering = ["question", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction__gte=-1) & Q(fraction__lte=1), name="choice_fraction_range"
            ),
        ]

    def __str__(self):
        return self.text or (f"{self.value}" if self.value is not None else "")

    def save(self, *args, **kwargs):
        self.text_html, self.feedback_html = self.rendered(self.question.text_format)
        super().save(*args, **kwargs)

    def rendered(self, fmt: str) -> tuple[str, str]:
        """(text_html, feedback_html) for a question written in `fmt`; bulk creation
        skips save(), so callers that bulk-create use this."""
        text = self.text
        if self.question.kind == Question.Kind.TRUEFALSE:
            text = text.capitalize()
        return render_text(text, fmt, inline=True), render_text(self.feedback, fmt)


def choices_in_order(question: Question, order: list[int] | None) -> list[Choice]:
    """The question's choices in the given order (unknown ones last), or as authored."""
    if not order:
        return list(question.choice_list)
    rank = {choice_id: index for index, choice_id in enumerate(order)}
    return sorted(question.choice_list, key=lambda c: rank.get(c.pk, len(rank)))


# What an author writes of a question and of each answer: an edit that changes none of it
# is not a new version. All but the points are shared by the quizzes that use one bank
# question; each quiz gives it its own points.
SHARED_QUESTION_FIELDS = ("kind", "title", "text", "text_format", "general_feedback",
                          "shuffle_choices", "hint_spelling", "category", "gift_id", "tags",
                          "hints", "penalty")  # fmt: skip
AUTHORED_QUESTION_FIELDS = (*SHARED_QUESTION_FIELDS, "points")
AUTHORED_CHOICE_FIELDS = ("text", "fraction", "feedback", "match_text", "value",
                          "tolerance", "low", "high")  # fmt: skip


def authored(question: Question, choices: list[Choice], fields=AUTHORED_QUESTION_FIELDS) -> tuple:
    """The question's authored content (`fields` of it) with its answers in order, to
    compare two versions."""
    return (
        tuple(getattr(question, name) for name in fields),
        tuple(tuple(getattr(c, name) for name in AUTHORED_CHOICE_FIELDS) for c in choices),
    )


class AttemptQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A student sees their own attempts; curators see all; whoever teaches or assists
        a class also sees those they teach (taught_by). Everyone else gets nothing (so
        views answer 404, not 403)."""
        if not user.is_authenticated:
            return self.none()
        if may(user, Action.CURATE):
            return self
        return self.filter(Q(user=user) | self._taught_by(user))

    def taught_by(self, user):
        """Attempts `user` may grade and count: curators all; instructors those on the
        quizzes they own; and anyone who owns, co-teaches or assists a class, those of its
        students on the quizzes assigned to that class."""
        if not user.is_authenticated:
            return self.none()
        if may(user, Action.CURATE):
            return self
        return self.filter(self._taught_by(user))

    def _taught_by(self, user) -> Q:
        # The classes app builds on this one: its classes' owners and teachers are reached
        # through relations, never by importing them. All conditions in one filter() speak
        # of the same assignment: a class this user teaches, which the student belongs to.
        taught = Attempt.objects.filter(
            Q(quiz__assignments__klass__owner=user)
            | Q(quiz__assignments__klass__teachers__user=user),
            quiz__assignments__klass__memberships__student=F("user"),
        )
        in_class = Q(pk__in=taught.values("pk"))
        return Q(quiz__owner=user) | in_class if may(user, Action.TEACH) else in_class

    def counted(self):
        """Attempts that use up one of the attempts allowed (voided ones do not)."""
        return self.exclude(state=Attempt.State.ABANDONED)


class Attempt(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        # Voided by staff (say, after a technical failure): not graded, not counted.
        ABANDONED = "abandoned", "Voided"

    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts"
    )
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(
        default=False, help_text="Closed at the deadline rather than submitted."
    )
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(default=0)
    question_order = models.JSONField(default=list, help_text="Question ids, one per slot.")
    choice_order = models.JSONField(default=dict, help_text="{question id: [choice ids]}")

    objects = AttemptQuerySet.as_manager()

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            # Two tabs or a double click must not open two attempts; the database says so.
            models.UniqueConstraint(
                fields=["quiz", "user"],
                condition=Q(state="in_progress"),
                name="one_open_attempt_per_student",
            ),
            models.UniqueConstraint(
                fields=["quiz", "user", "number"], name="attempt_numbers_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.quiz} #{self.number}"

    def get_absolute_url(self):
        if self.state == self.State.IN_PROGRESS:
            return reverse("quizzes:take", args=[self.pk])
        return reverse("quizzes:review", args=[self.pk])

    @property
    def in_progress(self) -> bool:
        return self.state == self.State.IN_PROGRESS

    @property
    def counted(self) -> bool:
        """Whether it uses up one of the attempts allowed (as AttemptQuerySet.counted)."""
        return self.state != self.State.ABANDONED

    def is_overdue(self, now) -> bool:
        return self.deadline is not None and now > self.deadline + GRACE

    @property
    def percent(self) -> float | None:
        if self.score is None or self.state != self.State.SUBMITTED:
            return None
        return 100 * self.score / self.max_score if self.max_score else 0.0

    @property
    def passed(self) -> bool | None:
        percent = self.percent
        return None if percent is None else percent >= self.quiz.pass_mark

    def slot_of(self, question_id: int) -> int:
        return self.question_order.index(question_id) + 1

    def ordered_choices(self, question: Question) -> list[Choice]:
        """The question's choices in this attempt's (possibly shuffled) order."""
        return choices_in_order(question, self.choice_order.get(str(question.pk)))

    def review_options(self, viewer, now, rules: StudentRules) -> "ReviewOptions":
        """What the review may show `viewer`: staff see everything; the student (whose
        `rules` these are) sees what the quiz's review settings allow, and only after
        submitting."""
        if viewer.pk != self.user_id:
            return ReviewOptions(score=True, answers=True, feedback=True)
        quiz = self.quiz
        if self.in_progress:
            return ReviewOptions(score=False, answers=False, feedback=False)
        feedback = quiz.feedback_visible(now, rules)
        return ReviewOptions(
            score=quiz.scores_visible(now, rules),
            answers=feedback and quiz.review_answers,
            feedback=feedback and quiz.review_feedback,
        )


@dataclass(frozen=True)
class ReviewOptions:
    score: bool
    answers: bool
    feedback: bool


class Response(models.Model):
    """A student's answer to one question of an attempt. Every slot gets its row when the
    attempt starts, so saving is an update and the question version is fixed from then."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    answer = models.JSONField(null=True, blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)
    checked_at = models.DateTimeField(
        null=True, blank=True, help_text="Checked with immediate feedback; locked since."
    )
    fraction = models.FloatField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    feedback = models.TextField(blank=True, help_text="HTML from grading.")
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True, help_text="An instructor's comment on the answer.")

    class Meta:
        ordering = ["attempt", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_response_per_slot")
        ]

    def __str__(self):
        return f"{self.attempt} — {self.question}"

    @property
    def is_answered(self) -> bool:
        return is_answer(self.answer)

    @property
    def needs_grading(self) -> bool:
        return self.question.is_scored and self.fraction is None

    @property
    def verdict(self) -> str:
        """ "correct", "partly-correct" or "incorrect" once graded; "" before."""
        return verdict_of(self.fraction)

    @property
    def verdict_label(self) -> str:
        return self.verdict.replace("-", " ").capitalize()

    @cached_property
    def rubric(self) -> list[tuple["RubricCriterion", "RubricLevel | None"]]:
        """Each criterion of the question's rubric with the level picked for this answer
        (None where none is); empty for a question without a rubric."""
        picked = {mark.criterion_id: mark.level_id for mark in self.rubric_marks.all()}
        return [
            (c, next((lv for lv in c.level_list if lv.pk == picked.get(c.pk)), None))
            for c in self.question.criteria.all()
        ]

    @property
    def graded_by_rubric(self) -> bool:
        """Whether the rubric's levels produced this answer's mark: a grade typed or set
        by hand replaces them (services.grade_essay, override_mark)."""
        return any(level is not None for _, level in self.rubric)


class LessonCheck(models.Model):
    """An ungraded question inside a lesson, shown at the end of the `##` section it tests.

    Checks are content (content/lessons/checks/<lesson>.gift). The lesson app sits below
    this one, so it reaches its checks only through the `checks` relation declared here.
    """

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="checks")
    position = models.PositiveSmallIntegerField(help_text="1, 2, … in the lesson's order.")
    section = models.SlugField(
        max_length=100, help_text="The id of the ## heading whose section the check ends."
    )
    question = models.OneToOneField(Question, on_delete=models.PROTECT, related_name="lesson_check")

    class Meta:
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "position"], name="one_check_per_place")
        ]

    def __str__(self):
        return f"{self.lesson} — check {self.position}"

    def get_absolute_url(self):
        return f"{self.lesson.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        return f"check-{self.position}"


class CheckAnswer(models.Model):
    """A signed-in student's last answer to a check, so the lesson shows it on return.
    Ungraded: it never counts towards a grade."""

    lesson_check = models.ForeignKey(LessonCheck, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="check_answers"
    )
    # The version answered: an edited check asks afresh rather than show an old answer.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="check_answers")
    answer = models.JSONField()
    fraction = models.FloatField()
    feedback = models.TextField(blank=True, help_text="HTML from grading.")
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["lesson_check", "user"], name="one_last_answer_per_check"
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.lesson_check}"

    @property
    def verdict(self) -> str:
        return verdict_of(self.fraction)

    @property
    def verdict_label(self) -> str:
        return self.verdict.replace("-", " ").capitalize()


class RubricCriterion(models.Model):
    """One criterion of an essay question's rubric (its rubric is its criteria, in
    order). A grader picks one level per criterion and the points follow; the rubric
    is locked once an answer has been graded with it."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["question", "position", "pk"]
        verbose_name_plural = "rubric criteria"

    def __str__(self):
        return self.title

    @cached_property
    def level_list(self) -> list["RubricLevel"]:
        """The levels, fewest points first (from the prefetch cache when there is one)."""
        return list(self.levels.all())

    @property
    def max_points(self):
        return max((level.points for level in self.level_list), default=0)


class RubricLevel(models.Model):
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["criterion", "points", "position", "pk"]

    def __str__(self):
        return f"{self.title} ({self.points:g})"


def rubric_fraction(criteria: list[RubricCriterion], picked: list[RubricLevel]) -> float:
    """The share of an essay's points that levels picked one per criterion earn, as
    Moodle scales a rubric: (sum − lowest possible) / (highest − lowest possible)."""
    lowest = sum(min(level.points for level in c.level_list) for c in criteria)
    highest = sum(max(level.points for level in c.level_list) for c in criteria)
    if highest == lowest:
        return 1.0
    return float((sum(level.points for level in picked) - lowest) / (highest - lowest))


class RubricMark(models.Model):
    """The level a grader picked for one criterion of one essay answer."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="rubric_marks")
    criterion = models.ForeignKey(RubricCriterion, on_delete=models.PROTECT, related_name="marks")
    level = models.ForeignKey(RubricLevel, on_delete=models.PROTECT, related_name="marks")

    class Meta:
        ordering = ["response", "criterion__position", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "criterion"], name="one_rubric_mark_per_criterion"
            )
        ]

    def __str__(self):
        return f"{self.response}: {self.level}"


class SelfAssessment(models.Model):
    """A student's own marking of an essay answer against the marking guide, while no
    instructor has graded it. Never a grade: nothing that counts (the attempt's score,
    the kept grade, the gradebook, grade passback) reads it, and an instructor's grade
    replaces it on every page."""

    response = models.OneToOneField(
        Response, on_delete=models.CASCADE, related_name="self_assessment"
    )
    met = models.JSONField(default=list, help_text="Indexes of the guide's criteria met.")
    criteria = models.PositiveSmallIntegerField(help_text="How many criteria the guide had.")
    assessed_at = models.DateTimeField()

    def __str__(self):
        return f"{self.response} — self-assessed {len(self.met)}/{self.criteria}"

    @property
    def percent(self) -> int:
        return round(100 * len(self.met) / self.criteria) if self.criteria else 0


# Regrades: a key corrected after students answered. The attempts' answers move to the
# corrected version and are graded again; the log keeps every mark that changed.


class Regrade(models.Model):
    """One regrade of a quiz's submitted attempts to the current versions of some of its
    questions: who ran it, when, which versions, and (in its rows) each changed mark."""

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="regrades")
    regraded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    regraded_at = models.DateTimeField(default=timezone.now)
    questions = models.ManyToManyField(
        Question, related_name="+", help_text="The corrected versions regraded to."
    )
    attempts_checked = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-regraded_at", "-pk"]

    def __str__(self):
        return f"Regrade of {self.quiz} on {self.regraded_at:%Y-%m-%d %H:%M}"


class RegradedAttempt(models.Model):
    """An attempt whose total a regrade changed, with its total before and after."""

    regrade = models.ForeignKey(Regrade, on_delete=models.CASCADE, related_name="attempts")
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="regrades")
    old_score = models.FloatField()
    new_score = models.FloatField()
    old_max_score = models.FloatField()
    new_max_score = models.FloatField()

    class Meta:
        ordering = ["regrade", "pk"]

    def __str__(self):
        return f"{self.attempt}: {self.old_score:g} → {self.new_score:g}"


class RegradedMark(models.Model):
    """One answer's mark before and after a regrade, and the versions it moved between."""

    regraded_attempt = models.ForeignKey(
        RegradedAttempt, on_delete=models.CASCADE, related_name="marks"
    )
    old_question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    new_question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    old_score = models.FloatField(null=True)
    new_score = models.FloatField(null=True)

    class Meta:
        ordering = ["regraded_attempt", "new_question__position", "pk"]

    def __str__(self):
        return f"{self.new_question}: {self.old_score} → {self.new_score}"


class MarkOverride(models.Model):
    """A mark an instructor set by hand on one answer, with the reason given: the history
    shown on the instructor's view of the attempt."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="overrides")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    old_score = models.FloatField(null=True)
    new_score = models.FloatField()
    reason = models.TextField()
    replaced_rubric = models.TextField(
        blank=True, help_text="The rubric levels this mark replaced, in words (empty: none)."
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.response}: {self.old_score} → {self.new_score}"
