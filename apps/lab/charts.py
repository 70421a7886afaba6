"""Chart geometry for the lab's results, as plain data that templates turn into SVG.

Every function here is pure: numbers in, coordinates and labels out. Colours live in CSS
classes (lab.css sets them for the light and the dark scheme; the CSP forbids style
attributes), and each strategy also has its own dash pattern and marker shape, so colour
is never the only way to tell two lines apart.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from apps.lab.engine import STRATEGIES

WIDTH = 480  # viewBox units; the SVG scales to its column
TABLE_ROWS = 50


@dataclass(frozen=True)
class SeriesStyle:
    css_class: str
    dash: str  # an SVG stroke-dasharray; empty for a solid line
    marker: str  # a shape for marker_path


_DASHES = ("", "9 4", "2 4", "12 4 3 4", "5 5", "1 3", "14 6", "8 3 2 3 2 3", "4 2")
_MARKERS = (
    "circle",
    "square",
    "triangle",
    "diamond",
    "triangle-down",
    "cross",
    "plus",
    "hexagon",
    "star",
)

# Fixed per strategy, so a strategy looks the same in every chart and every run.
STYLES: dict[str, SeriesStyle] = {
    slug: SeriesStyle(f"series-{index + 1}", _DASHES[index], _MARKERS[index])
    for index, slug in enumerate(STRATEGIES)
}
COOPERATION_STYLE = SeriesStyle("series-cooperation", "", "circle")


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return "M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in points) + " Z"


def _regular(x: float, y: float, radius: float, sides: int, turn: float) -> str:
    return _polygon(
        [
            (
                x + radius * math.cos(turn + 2 * math.pi * k / sides),
                y + radius * math.sin(turn + 2 * math.pi * k / sides),
            )
            for k in range(sides)
        ]
    )


def _cross(x: float, y: float, radius: float, angle: float) -> str:
    """A plus sign of arm width radius/2, turned by angle (pi/4 makes an x)."""
    arm, half = radius, radius / 3
    outline = [
        (half, arm),
        (half, half),
        (arm, half),
        (arm, -half),
        (half, -half),
        (half, -arm),
        (-half, -arm),
        (-half, -half),
        (-arm, -half),
        (-arm, half),
        (-half, half),
        (-half, arm),
    ]
    cos, sin = math.cos(angle), math.sin(angle)
    return _polygon([(x + px * cos - py * sin, y + px * sin + py * cos) for px, py in outline])


def marker_path(shape: str, x: float, y: float, radius: float = 4.5) -> str:
    """An SVG path outlining a filled marker of the given shape centred on (x, y)."""
    up = -math.pi / 2
    if shape == "circle":
        return (
            f"M{x - radius:.1f} {y:.1f} a{radius:.1f} {radius:.1f} 0 1 0 {2 * radius:.1f} 0"
            f" a{radius:.1f} {radius:.1f} 0 1 0 {-2 * radius:.1f} 0 Z"
        )
    if shape == "square":
        return _regular(x, y, radius * 1.2, 4, math.pi / 4)
    if shape == "triangle":
        return _regular(x, y, radius * 1.25, 3, up)
    if shape == "triangle-down":
        return _regular(x, y, radius * 1.25, 3, -up)
    if shape == "diamond":
        return _regular(x, y, radius * 1.3, 4, up)
    if shape == "hexagon":
        return _regular(x, y, radius * 1.1, 6, 0)
    if shape == "cross":
        return _cross(x, y, radius * 1.2, math.pi / 4)
    if shape == "plus":
        return _cross(x, y, radius * 1.2, 0)
    if shape == "star":
        radii = (radius * 1.35, radius * 0.6)  # outer and inner points, alternating
        return _polygon(
            [
                (
                    x + radii[k % 2] * math.cos(up + math.pi * k / 5),
                    y + radii[k % 2] * math.sin(up + math.pi * k / 5),
                )
                for k in range(10)
            ]
        )
    raise ValueError(f"Unknown marker shape {shape!r}")


def _nice_step(low: float, high: float, count: int) -> float:
    """A round step (1, 2 or 5 times a power of ten) cutting low..high into about count parts."""
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw * (1 - 1e-9))


def nice_ticks(low: float, high: float, count: int = 5, whole: bool = False) -> list[float]:
    """Round tick values within low..high; whole numbers only if whole."""
    if high <= low:
        return [low]
    step = _nice_step(low, high, count)
    if whole:
        step = max(1, round(step))
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + k * step, 10) for k in range(int((high - first) / step + 1e-9) + 1)]


def nice_scale(low: float, high: float, count: int = 5) -> tuple[float, float, list[float]]:
    """A domain widened outwards to round numbers around low..high, and its ticks."""
    if high <= low:
        high = low + 1
    step = _nice_step(low, high, count)
    start = math.floor(low / step + 1e-9) * step
    end = math.ceil(high / step - 1e-9) * step
    ticks = [round(start + k * step, 10) for k in range(round((end - start) / step) + 1)]
    return ticks[0], ticks[-1], ticks


def sample_indexes(count: int, limit: int = TABLE_ROWS) -> list[int]:
    """At most `limit` evenly spread indexes into a sequence of `count`, first and last included."""
    if count <= limit:
        return list(range(count))
    return sorted({round(k * (count - 1) / (limit - 1)) for k in range(limit)})


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Bar:
    rank: int
    label: str
    value_text: str
    style: SeriesStyle
    x: float
    width: float
    y: float
    height: float
    text_x: float
    text_y: float
    value_x: float
    value_y: float
    marker: str


@dataclass(frozen=True)
class BarChart:
    title: str
    desc: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    zero_x: float
    ticks: tuple[Tick, ...]
    tick_label_y: float
    axis_label: str
    axis_label_x: float
    axis_label_y: float
    bars: tuple[Bar, ...]


_BAR_ROW = 46
_BAR_TOP = 6
_BAR_LEFT = 22
_BAR_VALUE_ROOM = 46


def bar_chart(
    title: str,
    desc: str,
    rows: Sequence[tuple[str, SeriesStyle, float]],
    axis_label: str,
) -> BarChart:
    """Horizontal bars, one row per (label, style, value), in the order given.

    Each label stands above its bar with the value at the bar's end; the scale runs from
    zero (or the lowest negative value) to a round number at or above the highest value.
    """
    values = [value for _, _, value in rows]
    low, high, ticks = nice_scale(min(0.0, *values), max(0.0, *values))
    left, right = _BAR_LEFT, WIDTH - _BAR_VALUE_ROOM
    bottom = _BAR_TOP + _BAR_ROW * len(rows)

    def x_of(value: float) -> float:
        return round(left + (value - low) / (high - low) * (right - left), 1)

    zero = x_of(0.0)
    bars = []
    for index, (label, style, value) in enumerate(rows):
        row_top = _BAR_TOP + index * _BAR_ROW
        end = x_of(value)
        bar_y = row_top + 22
        bars.append(
            Bar(
                rank=index + 1,
                label=label,
                value_text=f"{value:.2f}",
                style=style,
                x=min(zero, end),
                width=max(abs(end - zero), 1.0),
                y=bar_y,
                height=14,
                text_x=left,
                text_y=row_top + 15,
                value_x=max(zero, end) + 6,
                value_y=bar_y + 11,
                marker=marker_path(style.marker, 8, row_top + 10),
            )
        )
    return BarChart(
        title=title,
        desc=desc,
        width=WIDTH,
        height=bottom + 46,
        left=left,
        right=right,
        top=_BAR_TOP,
        bottom=bottom,
        zero_x=zero,
        ticks=tuple(Tick(x_of(tick), f"{tick:g}") for tick in ticks),
        tick_label_y=bottom + 18,
        axis_label=axis_label,
        axis_label_x=(left + right) / 2,
        axis_label_y=bottom + 40,
        bars=tuple(bars),
    )


@dataclass(frozen=True)
class Line:
    label: str
    style: SeriesStyle
    points: str
    markers: tuple[str, ...]


@dataclass(frozen=True)
class LineChart:
    title: str
    desc: str
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    x_tick_label_y: float
    y_tick_label_x: float
    x_label: str
    x_label_x: float
    x_label_y: float
    lines: tuple[Line, ...]


_LINE_HEIGHT = 250
_LINE_LEFT = 46
_LINE_RIGHT = WIDTH - 14
_LINE_TOP = 10
_LINE_BOTTOM = _LINE_HEIGHT - 46
_MARKERS_PER_LINE = 6


def _marker_indexes(count: int, line: int, lines: int) -> list[int]:
    """Where to put a line's markers: every point for short lines, else a few, staggered
    from line to line so that lines lying on top of each other still show every marker."""
    if count <= 12:
        return list(range(count))
    offset = (line + 1) / (lines + 1)
    return [round((k + offset) / _MARKERS_PER_LINE * (count - 1)) for k in range(_MARKERS_PER_LINE)]


def line_chart(
    title: str,
    desc: str,
    x_values: Sequence[int],
    series: Sequence[tuple[str, SeriesStyle, Sequence[float]]],
    x_label: str,
) -> LineChart:
    """Lines of shares (0 to 1, drawn as percentages) against whole-number x values."""
    first, last = x_values[0], x_values[-1]
    span_end = last if last > first else first + 1

    def x_of(value: float) -> float:
        return round(
            _LINE_LEFT + (value - first) / (span_end - first) * (_LINE_RIGHT - _LINE_LEFT), 1
        )

    def y_of(share: float) -> float:
        share = min(1.0, max(0.0, share))
        return round(_LINE_BOTTOM - share * (_LINE_BOTTOM - _LINE_TOP), 1)

    lines = []
    for index, (label, style, values) in enumerate(series):
        coordinates = [(x_of(x), y_of(v)) for x, v in zip(x_values, values, strict=True)]
        lines.append(
            Line(
                label=label,
                style=style,
                points=" ".join(f"{x:g},{y:g}" for x, y in coordinates),
                markers=tuple(
                    marker_path(style.marker, *coordinates[i])
                    for i in _marker_indexes(len(coordinates), index, len(series))
                ),
            )
        )
    return LineChart(
        title=title,
        desc=desc,
        width=WIDTH,
        height=_LINE_HEIGHT,
        left=_LINE_LEFT,
        right=_LINE_RIGHT,
        top=_LINE_TOP,
        bottom=_LINE_BOTTOM,
        x_ticks=tuple(
            Tick(x_of(tick), f"{tick:g}") for tick in nice_ticks(first, last, whole=True)
        ),
        y_ticks=tuple(Tick(y_of(share), f"{share:.0%}") for share in (0, 0.25, 0.5, 0.75, 1)),
        x_tick_label_y=_LINE_BOTTOM + 18,
        y_tick_label_x=_LINE_LEFT - 8,
        x_label=x_label,
        x_label_x=(_LINE_LEFT + _LINE_RIGHT) / 2,
        x_label_y=_LINE_BOTTOM + 40,
        lines=tuple(lines),
    )


def legend_marker(style: SeriesStyle) -> str:
    """The marker for a legend swatch (a 36 by 14 box with the line across its middle)."""
    return marker_path(style.marker, 18, 7)


@dataclass(frozen=True)
class LegendEntry:
    label: str
    style: SeriesStyle
    marker: str


@dataclass(frozen=True)
class ScoreRow:
    rank: int
    label: str
    score: str
    final_share: str


@dataclass(frozen=True)
class ResultCharts:
    """The three charts of a run, each with the rows of its data table."""

    scores: BarChart
    score_rows: tuple[ScoreRow, ...]
    cooperation: LineChart
    cooperation_rows: tuple[tuple[int, str, int], ...]  # round, share, matches
    cooperation_sampled: bool
    population: LineChart
    population_columns: tuple[str, ...]
    population_rows: tuple[tuple[int, tuple[str, ...]], ...]
    population_sampled: bool
    legend: tuple[LegendEntry, ...]


def _percent(share: float) -> str:
    return f"{share:.0%}"


def result_charts(outcome) -> ResultCharts:
    """Charts and tables for an experiments.Outcome: scores, cooperation, population."""
    slugs = outcome.setup.strategies
    names = {slug: STRATEGIES[slug].name for slug in slugs}
    final = outcome.final_shares

    scores = bar_chart(
        "Tournament scores",
        outcome.score_sentence(),
        [(strategy.name, STYLES[strategy.slug], score) for strategy, score in outcome.ranking],
        "Mean points per round",
    )
    score_rows = tuple(
        ScoreRow(rank, strategy.name, f"{score:.2f}", _percent(final[strategy.slug]))
        for rank, (strategy, score) in enumerate(outcome.ranking, start=1)
    )

    rates = outcome.cooperation_by_round[: outcome.plotted_rounds]
    rounds = list(range(1, len(rates) + 1))
    trend = f"Cooperation is {_percent(rates[0])} in round 1" + (
        f" and {_percent(rates[-1])} in round {len(rates)}." if len(rates) > 1 else "."
    )
    reached = outcome.matches_by_round
    if len(rates) < len(outcome.cooperation_by_round):
        trend += (
            f" Matches end at random, so the chart stops at round {len(rates)}: that round "
            f"rests on {reached[len(rates) - 1]} of the {reached[0]} matches, and later "
            "rounds on too few to show a trend."
        )
    cooperation = line_chart(
        "Cooperation by round",
        trend,
        rounds,
        [("Cooperative moves", COOPERATION_STYLE, rates)],
        "Round",
    )
    kept_rounds = sample_indexes(len(rates))

    history = outcome.evolution.shares
    generations = list(range(len(history)))
    population = line_chart(
        "Population shares by generation",
        "Starting from equal shares. " + outcome.population_sentence(),
        generations,
        [(names[slug], STYLES[slug], [row[slug] for row in history]) for slug in slugs],
        "Generation",
    )
    kept_generations = sample_indexes(len(history))

    return ResultCharts(
        scores=scores,
        score_rows=score_rows,
        cooperation=cooperation,
        cooperation_rows=tuple((i + 1, _percent(rates[i]), reached[i]) for i in kept_rounds),
        cooperation_sampled=len(kept_rounds) < len(rates),
        population=population,
        population_columns=tuple(names[slug] for slug in slugs),
        population_rows=tuple(
            (i, tuple(_percent(history[i][slug]) for slug in slugs)) for i in kept_generations
        ),
        population_sampled=len(kept_generations) < len(history),
        legend=tuple(
            LegendEntry(names[slug], STYLES[slug], legend_marker(STYLES[slug])) for slug in slugs
        ),
    )
