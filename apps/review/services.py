"""Every write to review cards, settings and the log, each in one transaction.

A rating locks its card's row (`SELECT ... FOR UPDATE`) and checks the version the form
was rendered with, so a rating posted twice (a double tap, a resent form after a lost
connection) is recorded once, and each rating commits on its own: a session left halfway
loses nothing.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from itertools import zip_longest

from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.cases.models import CaseReading
from apps.core.publishing import Status
from apps.lessons.models import ComparisonCell, GlossaryTerm
from apps.quizzes.kinds import SPECS
from apps.quizzes.models import Attempt, Question, Response
from apps.review import scheduling
from apps.review.models import DEFAULT_RETENTION, Card, Rating, ReviewLog, ReviewSettings

# New glossary and "which view?" cards a student is given per (UTC) day.
NEW_PER_DAY = 10

SELF_GRADED_KINDS = [spec.value for spec in SPECS if spec.grades_itself and spec.scored]


def start_of_day(now: datetime) -> datetime:
    return datetime.combine(scheduling.utc(now).date(), time.min, tzinfo=UTC)


def due_count(user, now: datetime | None = None) -> int:
    """How many of the student's cards are due by the end of today (UTC), overdue included."""
    now = now or timezone.now()
    end = start_of_day(now) + timedelta(days=1)
    return Card.objects.of(user).live().filter(due__lt=end).count()


def retention_of(user) -> float:
    chosen = ReviewSettings.objects.filter(user=user).values_list("desired_retention", flat=True)
    return chosen.first() or DEFAULT_RETENTION


def forecast_counts(user, now: datetime) -> dict:
    """{UTC date: cards due that day} up to the forecast's last day (overdue days too)."""
    end = start_of_day(now) + timedelta(days=scheduling.FORECAST_DAYS)
    rows = (
        Card.objects.of(user)
        .live()
        .filter(due__lt=end)
        .annotate(day=TruncDate("due", tzinfo=UTC))
        .values("day")
        .annotate(n=Count("pk"))
    )
    return {row["day"]: row["n"] for row in rows}


def new_left_today(user, now: datetime) -> int:
    introduced = (
        Card.objects.of(user)
        .exclude(kind=Card.Kind.QUESTION)
        .filter(introduced_at__gte=start_of_day(now))
        .count()
    )
    return max(0, NEW_PER_DAY - introduced)


def _new_items(user, limit: int) -> list[tuple[str, object]]:
    """Up to `limit` items the student has no card for: glossary terms first, in the order
    the course's lessons first key them, then "which view?" items, comparison cells and
    case readings taking turns."""
    mine = Card.objects.filter(user=user)
    published = Status.PUBLISHED
    terms = (
        GlossaryTerm.objects.published()
        .exclude(pk__in=mine.filter(term__isnull=False).values("term"))
        .annotate(first=Min("key_in_lessons__order", filter=Q(key_in_lessons__status=published)))
        .order_by(F("first").asc(nulls_last=True), "term")[:limit]
    )
    cells = (
        ComparisonCell.objects.filter(dimension__status=published, theory__status=published)
        .exclude(pk__in=mine.filter(cell__isnull=False).values("cell"))
        .order_by("dimension__order", "theory__order", "pk")[:limit]
    )
    readings = (
        CaseReading.objects.filter(case__status=published, theory__status=published)
        .exclude(pk__in=mine.filter(reading__isnull=False).values("reading"))
        .order_by("case__order", "theory__order", "pk")[:limit]
    )
    which_view = [
        item
        for pair in zip_longest([("cell", c) for c in cells], [("reading", r) for r in readings])
        for item in pair
        if item is not None
    ]
    return ([("term", t) for t in terms] + which_view)[:limit]


def _wrong_questions(user):
    """Questions the student answered wrongly in a graded quiz attempt and has no card for."""
    return (
        Response.objects.filter(
            attempt__user=user,
            attempt__state=Attempt.State.SUBMITTED,
            question__kind__in=SELF_GRADED_KINDS,
            fraction__lt=1,
        )
        # NOT IN over a column with NULLs matches nothing: only question cards are listed.
        .exclude(
            question__in=Card.objects.filter(user=user, kind=Card.Kind.QUESTION).values("question")
        )
        .values_list("question", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class Started:
    new: int  # glossary and "which view?" cards added
    questions: int  # cards for questions answered wrongly


def add_new_cards(user, now: datetime | None = None) -> Started:
    """Give the student today's new cards (up to NEW_PER_DAY a day, counting those already
    given today) and a card for every question they got wrong that has none yet.

    The student's settings row is created on first use and locked, so two clicks at once
    add today's cards once.
    """
    now = now or timezone.now()
    with transaction.atomic():
        ReviewSettings.objects.get_or_create(user=user, defaults={"started_at": now})
        ReviewSettings.objects.select_for_update().get(user=user)
        items = _new_items(user, new_left_today(user, now))
        questions = list(_wrong_questions(user))
        cards = [Card(user=user, kind=kind, due=now, introduced_at=now, **{kind: item})
                 for kind, item in items]  # fmt: skip
        cards += [
            Card(user=user, kind=Card.Kind.QUESTION, question_id=question_id, due=now,
                 introduced_at=now)
            for question_id in questions
        ]  # fmt: skip
        # A wrong answer graded meanwhile may have made its card already: that one stays.
        Card.objects.bulk_create(cards, ignore_conflicts=True)
    return Started(new=len(items), questions=len(questions))


def set_retention(user, retention: float, now: datetime | None = None) -> ReviewSettings:
    """Store the student's desired retention; it applies from their next rating on."""
    now = now or timezone.now()
    with transaction.atomic():
        chosen, _ = ReviewSettings.objects.update_or_create(
            user=user,
            defaults={"desired_retention": retention},
            create_defaults={"desired_retention": retention, "started_at": now},
        )
    return chosen


RATED_FIELDS = ["state", "step", "stability", "difficulty", "due", "last_review", "version"]


def _apply_rating(card: Card, rating: int, now: datetime, source: str, retention: float):
    """One rating applied to a locked card in memory; returns its log entry, unsaved."""
    if card.last_review is not None and now < card.last_review:
        now = card.last_review  # an answer that reaches us late counts as given just now
    before_state, before_due, version = card.state, card.due, card.version
    memory = scheduling.review(card, rating, retention, now)
    card.state = int(memory.state)
    card.step = memory.step
    card.stability = memory.stability
    card.difficulty = memory.difficulty
    card.due = memory.due
    card.last_review = memory.last_review
    card.version = version + 1
    return ReviewLog(
        card=card,
        user_id=card.user_id,
        card_version=version,
        rating=rating,
        source=source,
        state_before=before_state,
        state_after=card.state,
        due_before=before_due,
        due_after=card.due,
        reviewed_at=now,
    )


def _rate(card: Card, rating: int, now: datetime, source: str, retention: float) -> Card:
    """Apply one rating to a locked card and log it."""
    log = _apply_rating(card, rating, now, source, retention)
    card.save(update_fields=RATED_FIELDS)
    log.save()
    return card


def rate_card(user, card_id: int, rating: int, version: int, now: datetime | None = None):
    """Record the student's rating of one of their cards, given on the form rendered at
    `version`. Returns (card, recorded): recorded is False when that form's rating was
    already taken (the card has moved on), and nothing changes. Card.DoesNotExist for a
    card that is not the student's."""
    now = now or timezone.now()
    with transaction.atomic():
        card = Card.objects.of(user).select_for_update().get(pk=card_id)
        if card.version != version:
            return card, False
        return _rate(card, rating, now, ReviewLog.Source.REVIEW, retention_of(user)), True


def record_answers(sender, *, user, answers: list[tuple[Question, bool]],
                   answered_at: datetime, source: str, **kwargs) -> None:  # fmt: skip
    """Graded answers (a submitted quiz's, or a check's in a lesson) as ratings, in order:
    a wrong one is Again, and makes the question a card if it was not one; a right one is
    Good for a card the question already has (a question answered right at once needs no
    review). One transaction and five queries for a whole quiz, however long."""
    if not answers:
        return
    wrong = {question.pk for question, correct in answers if not correct}
    with transaction.atomic():
        # A card for every question answered wrongly that has none yet (another tab may
        # make one meanwhile: the constraint keeps it to one).
        Card.objects.bulk_create(
            [
                Card(user=user, question_id=pk, kind=Card.Kind.QUESTION, due=answered_at,
                     introduced_at=answered_at)
                for pk in wrong
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        asked = {question.pk for question, _ in answers}
        cards = Card.objects.of(user).filter(question__in=asked).select_for_update()
        cards = {card.question_id: card for card in cards}
        retention = retention_of(user)
        logs = [
            _apply_rating(cards[question.pk], Rating.GOOD if correct else Rating.AGAIN,
                          answered_at, source, retention)
            for question, correct in answers
            if question.pk in cards
        ]  # fmt: skip
        Card.objects.bulk_update(list(cards.values()), RATED_FIELDS)
        ReviewLog.objects.bulk_create(logs)
