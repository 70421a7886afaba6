"""FSRS scheduling through the `fsrs` package, and the week's forecast, as pure functions.

The stored card is translated to an `fsrs.Card`, reviewed by an `fsrs.Scheduler` built with
the student's desired retention and the library's default parameters (no optimizer runs),
and translated back. Every time is an aware UTC datetime, as `fsrs` requires.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import fsrs

# Spreads reviews that would otherwise fall on the same day; tests turn it off so that
# due dates can be compared with the library's own.
ENABLE_FUZZING = True

FORECAST_DAYS = 7


def scheduler(retention: float, fuzzing: bool | None = None) -> fsrs.Scheduler:
    return fsrs.Scheduler(
        desired_retention=retention,
        enable_fuzzing=ENABLE_FUZZING if fuzzing is None else fuzzing,
    )


def utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def memory_of(card) -> fsrs.Card:
    """The `fsrs.Card` holding a stored card's memory state."""
    return fsrs.Card(
        card_id=card.pk or 0,
        state=fsrs.State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=utc(card.due),
        last_review=utc(card.last_review) if card.last_review else None,
    )


def review(card, rating: int, retention: float, now: datetime) -> fsrs.Card:
    """The card's memory after being rated `rating` at `now` (the card is not changed)."""
    memory, _ = scheduler(retention).review_card(memory_of(card), fsrs.Rating(rating), utc(now))
    return memory


def intervals(card, retention: float, now: datetime) -> dict[int, timedelta]:
    """How long each rating would put the card away, without fuzzing (for the buttons)."""
    plain = scheduler(retention, fuzzing=False)
    when = utc(now)
    return {
        rating: plain.review_card(memory_of(card), rating, when)[0].due - when
        for rating in fsrs.Rating
    }


def interval_label(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    if minutes < 60:
        return f"{max(minutes, 1)} min"
    if minutes < 24 * 60:
        hours = round(minutes / 60)
        return f"{hours} h"
    days = round(minutes / (24 * 60))
    if days < 31:
        return f"{days} day" + ("s" if days != 1 else "")
    months = round(days / 30.4)
    if months < 12:
        return f"{months} mo"
    return f"{days / 365:.1f} y"


@dataclass(frozen=True)
class Bar:
    day: date
    label: str  # "Today", "Tue 8"
    count: int
    x: float
    cx: float  # the bar's middle, where its labels are centred
    y: float
    height: float
    text_y: float


CHART_WIDTH = 336
CHART_HEIGHT = 120
BAR_WIDTH = 32
BASELINE = 96  # room below for the day labels
LABEL_Y = BASELINE + 16
TOP = 18  # room above the tallest bar for its number


def forecast(counts: dict[date, int], today: date) -> list[Bar]:
    """Bars for the reviews due on each of the next FORECAST_DAYS days (overdue cards are
    counted today), scaled so the busiest day reaches the top."""
    days = [today + timedelta(days=offset) for offset in range(FORECAST_DAYS)]
    values = [counts.get(day, 0) for day in days]
    values[0] += sum(n for day, n in counts.items() if day < today)
    peak = max(values) or 1
    step = CHART_WIDTH / FORECAST_DAYS
    bars = []
    for index, (day, count) in enumerate(zip(days, values, strict=True)):
        height = (BASELINE - TOP) * count / peak
        y = BASELINE - height
        bars.append(
            Bar(
                day=day,
                label="Today" if index == 0 else f"{day:%a} {day.day}",
                count=count,
                x=round(index * step + (step - BAR_WIDTH) / 2, 1),
                cx=round(index * step + step / 2, 1),
                y=round(y, 1),
                height=round(height, 1),
                text_y=round(y - 4, 1),
            )
        )
    return bars
