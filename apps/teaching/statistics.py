"""Quiz and item statistics, computed as Moodle's quiz statistics report computes them.

Which attempts: every submitted attempt in scope whose answers are all graded (Moodle's
default, "all graded attempts"); an attempt with an essay still to grade is left out
until it is graded, and the page says how many are waiting.

Per question *version* (the Question row a response points at), so an edited question's
old and new wording are never mixed:

* facility index = mean score on the item / the item's maximum, as a percentage;
* discrimination index = Pearson's correlation between the item's score and the score on
  the rest of the test (the attempt's total minus this item), as a percentage; Moodle
  flags items below 20% as discriminating weakly, and a negative one means stronger
  students did worse on it;
* for choice questions, how often each option was picked;
* for short-answer and numerical questions, the most common answers typed (grouped as
  grading reads them: case and spacing aside for words, by value for numbers), each
  with how often it was given and the credit it earned;
* per misconception that the quiz's answers are tagged with, how many students chose an
  answer revealing it, out of those who answered a question offering it.

The functions at the top are pure (plain numbers in, numbers out) and tested against
numbers worked out by hand. `quiz_statistics` runs a fixed handful of aggregate queries,
however many attempts and questions there are.
"""

import csv
import math
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, FloatField, OuterRef, Sum, Value
from django.db.models.functions import Coalesce

from apps.core.spreadsheet import neutralise
from apps.quizzes.grades import percent_expression
from apps.quizzes.grading import normalise_text, numerical_match, parse_number, short_match
from apps.quizzes.kinds import SPECS
from apps.quizzes.models import Attempt, Choice, Misconception, Question, Quiz, Response

Kind = Question.Kind
WEAK_DISCRIMINATION = 20.0  # percent, as Moodle's report marks it
BINS = 10
PICKED_KINDS = tuple(spec.value for spec in SPECS if spec.lists_choices)
# Typed and graded on the spot: short answers and numbers (an essay is read, not counted).
TYPED_KINDS = tuple(spec.value for spec in SPECS if spec.typed_length and spec.grades_itself)
COMMON_ANSWERS = 10  # typed answers listed per question; the rest are counted together


# --------------------------------------------------------------------------------------
# Pure functions


@dataclass(frozen=True)
class Bin:
    low: int
    high: int
    count: int

    @property
    def label(self) -> str:
        return f"{self.low}–{self.high}%"


@dataclass(frozen=True)
class ScoreSummary:
    count: int
    mean: float | None
    median: float | None
    standard_deviation: float | None
    bins: list[Bin]


def histogram(percents: list[float], bins: int = BINS) -> list[Bin]:
    """Counts of percentages in `bins` equal bins from 0 to 100; each bin holds its lower
    edge, and the last also holds 100."""
    width = 100 / bins
    counts = [0] * bins
    for percent in percents:
        counts[min(int(max(percent, 0) // width), bins - 1)] += 1
    return [Bin(round(i * width), round((i + 1) * width), n) for i, n in enumerate(counts)]


def summarise_scores(percents: list[float]) -> ScoreSummary:
    """Count, mean, median, sample standard deviation (n − 1, as Moodle) and histogram."""
    return ScoreSummary(
        count=len(percents),
        mean=statistics.fmean(percents) if percents else None,
        median=statistics.median(percents) if percents else None,
        standard_deviation=statistics.stdev(percents) if len(percents) > 1 else None,
        bins=histogram(percents),
    )


@dataclass(frozen=True)
class ItemSums:
    """Sums over attempts of an item's score x and the rest-of-test score y."""

    n: int
    x: float
    xx: float
    y: float
    yy: float
    xy: float

    @classmethod
    def of(cls, pairs: list[tuple[float, float]]) -> "ItemSums":
        """From (item score, rest-of-test score) pairs, one per attempt."""
        return cls(
            n=len(pairs),
            x=sum(x for x, _ in pairs),
            xx=sum(x * x for x, _ in pairs),
            y=sum(y for _, y in pairs),
            yy=sum(y * y for _, y in pairs),
            xy=sum(x * y for x, y in pairs),
        )


def facility(sums: ItemSums, max_points: float) -> float | None:
    """Mean item score as a percentage of the item's maximum."""
    if not sums.n or not max_points:
        return None
    return 100 * sums.x / sums.n / max_points


def item_standard_deviation(sums: ItemSums, max_points: float) -> float | None:
    """Sample standard deviation of the item score, as a percentage of its maximum."""
    if sums.n < 2 or not max_points:
        return None
    variance = (sums.xx - sums.x * sums.x / sums.n) / (sums.n - 1)
    return 100 * math.sqrt(max(variance, 0.0)) / max_points


def discrimination(sums: ItemSums) -> float | None:
    """Pearson's r between item and rest-of-test scores, as a percentage; None when
    either never varies (everyone scored the same), since r is then undefined."""
    n = sums.n
    covariance = n * sums.xy - sums.x * sums.y
    spread_x = n * sums.xx - sums.x * sums.x
    spread_y = n * sums.yy - sums.y * sums.y
    # Sums of floats leave dust where the exact spread is zero.
    if n < 2 or spread_x <= 1e-9 or spread_y <= 1e-9:
        return None
    return 100 * covariance / math.sqrt(spread_x * spread_y)


def discrimination_flag(index: float | None) -> str:
    """ "negative", "weak" (below Moodle's 20%) or "" for an index in percent."""
    if index is None:
        return ""
    if index < 0:
        return "negative"
    return "weak" if index < WEAK_DISCRIMINATION else ""


def option_counts(answers: Counter) -> Counter:
    """How often each choice id was picked, from {stored answer: responses}: a single
    choice id, or a list of them for multiple response."""
    picked: Counter = Counter()
    for answer, count in answers.items():
        ids = answer if isinstance(answer, tuple) else (answer,)
        for choice_id in ids:
            if isinstance(choice_id, int):
                picked[choice_id] += count
    return picked


@dataclass(frozen=True)
class TypedAnswer:
    """One answer as students typed it (its most common spelling), how many gave it, and
    the credit it earned, as a percentage of the question's points."""

    text: str
    count: int
    percent: float
    credit: float | None


@dataclass(frozen=True)
class TypedAnswers:
    common: list[TypedAnswer]
    others: int  # answers given outside the most common ones
    other_kinds: int  # how many different answers those were


def answer_key(kind: str, text: str) -> str:
    """What makes two typed answers the same one: grading's reading of them (a number by
    its value, so 1853, 1853.0 and 1 853 are one answer; words case and spacing aside)."""
    if kind == Kind.NUMERICAL:
        number = parse_number(text)
        if number is not None:
            return f"{number.normalize():f}"
    return normalise_text(text)


def typed_answers(
    kind: str,
    given: list[tuple[str, int, float | None]],
    attempts: int,
    limit: int = COMMON_ANSWERS,
) -> TypedAnswers:
    """The `limit` most common answers from (text, count, summed credit fraction) rows,
    most given first (ties alphabetically); blank answers are left out."""
    counts: Counter = Counter()
    credit: Counter = Counter()
    graded: Counter = Counter()
    spellings: dict[str, Counter] = {}
    for text, count, fractions in given:
        if not isinstance(text, str) or not text.strip():
            continue
        key = answer_key(kind, text)
        counts[key] += count
        spellings.setdefault(key, Counter())[text.strip()] += count
        if fractions is not None:
            credit[key] += fractions
            graded[key] += count
    order = sorted(counts, key=lambda k: (-counts[k], k))
    common = [
        TypedAnswer(
            text=min(spellings[k].items(), key=lambda item: (-item[1], item[0]))[0],
            count=counts[k],
            percent=100 * counts[k] / attempts if attempts else 0.0,
            credit=100 * credit[k] / graded[k] if graded[k] else None,
        )
        for k in order[:limit]
    ]
    rest = order[limit:]
    return TypedAnswers(common, sum(counts[k] for k in rest), len(rest))


def picked_ids(answer) -> set[int]:
    """The choice ids a stored answer picked (one, or a list for multiple response)."""
    ids = answer if isinstance(answer, list) else [answer]
    return {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}


# Typed kinds: the answer that decided the grade is the one a student "chose".
TYPED_MATCHERS = {Kind.SHORT: short_match, Kind.NUMERICAL: numerical_match}


def chosen_choices(question: Question, answer) -> list[Choice]:
    """The question's answers a response chose: the options it picked, or the accepted
    (or tagged wrong) answer that its typed text matched."""
    if question.kind in TYPED_MATCHERS:
        match = TYPED_MATCHERS[question.kind](question.choice_list, answer)
        return [match] if match is not None else []
    ids = picked_ids(answer)
    return [c for c in question.choice_list if c.pk in ids]


def count_misconceptions(answers) -> dict[str, tuple[int, int]]:
    """{slug: (students who chose it, students offered it)} from (student, slugs the
    question offers, slugs of the answers chosen) triples: each student counts once per
    misconception, however many questions or attempts show it."""
    chose: dict[str, set] = {}
    offered: dict[str, set] = {}
    for student, offers, chosen in answers:
        for slug in offers:
            offered.setdefault(slug, set()).add(student)
        for slug in chosen:
            chose.setdefault(slug, set()).add(student)
    return {slug: (len(chose.get(slug, ())), len(who)) for slug, who in offered.items()}


# --------------------------------------------------------------------------------------
# From the database


@dataclass
class OptionStat:
    choice: Choice
    count: int
    percent: float


@dataclass
class ItemStat:
    question: Question
    attempts: int
    facility: float | None
    standard_deviation: float | None
    discrimination: float | None
    flag: str
    options: list[OptionStat] = field(default_factory=list)
    typed: TypedAnswers | None = None


@dataclass
class MisconceptionStat:
    misconception: Misconception
    students: int  # chose an answer tagged with it
    answered: int  # answered a question that offers such an answer
    questions: list[Question]

    @property
    def percent(self) -> float:
        return 100 * self.students / self.answered if self.answered else 0.0


@dataclass
class QuizStatistics:
    scores: ScoreSummary
    items: list[ItemStat]
    awaiting_grading: int
    misconceptions: list[MisconceptionStat] = field(default_factory=list)


def graded_attempts(attempts, quiz: Quiz):
    """Submitted attempts at the quiz with nothing left to grade."""
    waiting = Response.objects.filter(
        attempt=OuterRef("pk"), question__kind=Kind.ESSAY, fraction__isnull=True
    )
    submitted = attempts.filter(quiz=quiz, state=Attempt.State.SUBMITTED)
    return submitted.exclude(Exists(waiting)), submitted.filter(Exists(waiting))


def _jsonable_key(answer):
    return tuple(answer) if isinstance(answer, list) else answer


def quiz_statistics(quiz: Quiz, attempts) -> QuizStatistics:
    """Statistics of `quiz` over `attempts` (a queryset the viewer may count)."""
    graded, waiting = graded_attempts(attempts, quiz)
    percents = list(graded.annotate(percent=percent_expression()).values_list("percent", flat=True))
    score = Coalesce(F("score"), Value(0.0), output_field=FloatField())
    rest = F("attempt__score") - score
    responses = Response.objects.filter(attempt__in=graded)
    rows = (
        responses.exclude(question__kind=Kind.DESCRIPTION)
        .values("question")
        .annotate(
            n=Count("pk"),
            x=Sum(score),
            xx=Sum(score * score),
            y=Sum(rest),
            yy=Sum(rest * rest),
            xy=Sum(score * rest),
        )
    )
    sums = {
        r["question"]: ItemSums(r["n"], r["x"], r["xx"], r["y"], r["yy"], r["xy"]) for r in rows
    }
    picks: dict[int, Counter] = {}
    answers = (
        responses.filter(question__kind__in=PICKED_KINDS, answer__isnull=False)
        .values("question", "answer")
        .annotate(n=Count("pk"))
    )
    for row in answers:
        picks.setdefault(row["question"], Counter())[_jsonable_key(row["answer"])] += row["n"]
    typed: dict[int, list] = {}
    given = (
        responses.filter(question__kind__in=TYPED_KINDS, answer__isnull=False)
        .values("question", "answer")
        .annotate(n=Count("pk"), credit=Sum("fraction"))
    )
    for row in given:
        typed.setdefault(row["question"], []).append((row["answer"], row["n"], row["credit"]))
    questions = Question.objects.filter(pk__in=sums).prefetch_related("choices")
    items = []
    for question in sorted(questions, key=lambda q: (q.position, q.version, q.pk)):
        item_sums = sums[question.pk]
        index = discrimination(item_sums)
        item = ItemStat(
            question=question,
            attempts=item_sums.n,
            facility=facility(item_sums, question.max_points),
            standard_deviation=item_standard_deviation(item_sums, question.max_points),
            discrimination=index,
            flag=discrimination_flag(index),
        )
        if question.kind in PICKED_KINDS:
            counted = option_counts(picks.get(question.pk, Counter()))
            item.options = [
                OptionStat(c, counted[c.pk], 100 * counted[c.pk] / item_sums.n)
                for c in question.choice_list
            ]
        if question.kind in TYPED_KINDS:
            item.typed = typed_answers(question.kind, typed.get(question.pk, []), item_sums.n)
        items.append(item)
    misconceptions = misconception_statistics(questions, responses)
    return QuizStatistics(summarise_scores(percents), items, waiting.count(), misconceptions)


def misconception_statistics(questions, responses) -> list[MisconceptionStat]:
    """Per misconception among the questions' tagged answers, most chosen first; two
    queries however many students answered."""
    offering = {q.pk: q for q in questions if any(c.misconception_id for c in q.choice_list)}
    if not offering:
        return []
    answers = (
        responses.filter(question__in=offering, answer__isnull=False)
        .exclude(answer="")
        .values_list("attempt__user", "question", "answer")
    )
    triples = []
    for student, question_id, answer in answers:
        question = offering[question_id]
        offers = {c.misconception_id for c in question.choice_list if c.misconception_id}
        chosen = {c.misconception_id for c in chosen_choices(question, answer)}
        triples.append((student, offers, chosen & offers))
    counts = count_misconceptions(triples)
    found = Misconception.objects.in_bulk(list(counts), field_name="slug")
    stats = [
        MisconceptionStat(
            misconception=found[slug],
            students=students,
            answered=answered,
            questions=sorted(
                (
                    q
                    for q in offering.values()
                    if any(c.misconception_id == slug for c in q.choice_list)
                ),
                key=lambda q: (q.position, q.version),
            ),  # fmt: skip
        )
        for slug, (students, answered) in counts.items()
    ]
    return sorted(stats, key=lambda m: (-m.percent, -m.students, m.misconception.slug))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label_x: float
    count_y: float
    bin: Bin


@dataclass(frozen=True)
class HistogramChart:
    width: int
    height: int
    baseline: float
    label_y: float
    bars: list[Bar]
    description: str


def histogram_chart(bins: list[Bin], width: int = 640, height: int = 240) -> HistogramChart:
    """Geometry for the score histogram's SVG: one bar per bin, scaled to the fullest."""
    left, right, top, bottom = 8, 8, 24, 36
    plot_width, plot_height = width - left - right, height - top - bottom
    step = plot_width / len(bins)
    tallest = max((b.count for b in bins), default=0) or 1
    bars = []
    for index, b in enumerate(bins):
        bar_height = plot_height * b.count / tallest
        x = left + index * step + 3
        bars.append(
            Bar(
                x=round(x, 1),
                y=round(top + plot_height - bar_height, 1),
                width=round(step - 6, 1),
                height=round(bar_height, 1),
                label_x=round(x + (step - 6) / 2, 1),
                count_y=round(top + plot_height - bar_height - 6, 1),
                bin=b,
            )
        )
    description = "; ".join(f"{b.label}: {b.count}" for b in bins)
    baseline = top + plot_height
    return HistogramChart(width, height, baseline, baseline + 22, bars, description)


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def write_csv(stats: QuizStatistics, out) -> None:
    """The statistics as a spreadsheet (UTF-8 with a byte-order mark): a row per question
    with its figures, each followed by a row per option picked or answer typed; the
    score summary first. Standard deviations are in percentage points."""
    out.write("\ufeff")
    writer = csv.writer(out)
    scores = stats.scores
    writer.writerow(["Attempts", "Mean (%)", "Median (%)", "SD (percentage points)",
                     "Awaiting essay grading"])  # fmt: skip
    writer.writerow([str(scores.count), _number(scores.mean), _number(scores.median),
                     _number(scores.standard_deviation), str(stats.awaiting_grading)])  # fmt: skip
    writer.writerow([])
    writer.writerow(["Position", "Question", "Version", "Kind", "Attempts", "Facility (%)",
                     "SD (percentage points)", "Discrimination (%)", "Flag", "Answer",
                     "Times given", "Given (%)", "Credit (%)"])  # fmt: skip
    for item in stats.items:
        q = item.question
        label = neutralise(q.title or q.text)
        head = [str(q.position), label, str(q.version)]
        writer.writerow([*head, q.get_kind_display(), str(item.attempts), _number(item.facility),
                         _number(item.standard_deviation), _number(item.discrimination),
                         item.flag, "", "", "", ""])  # fmt: skip
        answers = [(o.choice.text, o.count, o.percent, 100 * o.choice.fraction)
                   for o in item.options]  # fmt: skip
        if item.typed:
            answers += [(a.text, a.count, a.percent, a.credit) for a in item.typed.common]
            if item.typed.others:
                others = f"{item.typed.other_kinds} other answers"
                answers.append((others, item.typed.others, None, None))
        for text, count, percent, credit in answers:
            writer.writerow([*head, "", "", "", "", "", "", neutralise(text), str(count),
                             _number(percent), _number(credit)])  # fmt: skip
    if stats.misconceptions:
        writer.writerow([])
        writer.writerow(["Misconception", "Statement", "Students who chose it",
                         "Students offered it", "Chose it (%)", "Lesson section"])  # fmt: skip
        for m in stats.misconceptions:
            writer.writerow([m.misconception.slug, neutralise(m.misconception.statement),
                             str(m.students), str(m.answered), _number(m.percent),
                             m.misconception.section])  # fmt: skip
