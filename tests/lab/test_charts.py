import re

import pytest

from apps.lab.charts import (
    STYLES,
    SeriesStyle,
    bar_chart,
    line_chart,
    marker_path,
    nice_scale,
    nice_ticks,
    result_charts,
    sample_indexes,
)
from apps.lab.engine import STRATEGIES
from apps.lab.experiments import Setup, run

STYLE = SeriesStyle("series-1", "", "circle")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def numbers(path: str) -> list[float]:
    return [float(n) for n in NUMBER.findall(path)]


def test_every_strategy_has_its_own_colour_dash_and_marker():
    styles = [STYLES[slug] for slug in STRATEGIES]
    for attribute in ("css_class", "dash", "marker"):
        values = [getattr(style, attribute) for style in styles]
        assert len(set(values)) == len(values), attribute


@pytest.mark.parametrize("shape", sorted({style.marker for style in STYLES.values()}))
def test_markers_are_closed_paths_around_their_centre(shape):
    path = marker_path(shape, 100, 50, radius=4)
    assert path.startswith("M") and path.endswith("Z")
    if shape != "circle":  # arcs use relative coordinates
        xs, ys = numbers(path)[0::2], numbers(path)[1::2]
        assert all(93 <= x <= 107 for x in xs) and all(43 <= y <= 57 for y in ys)


def test_an_unknown_marker_is_a_programming_error():
    with pytest.raises(ValueError):
        marker_path("blob", 0, 0)


def test_ticks_are_round_numbers():
    assert nice_ticks(0, 60, whole=True) == [0, 20, 40, 60]
    assert nice_ticks(1, 50, whole=True) == [10, 20, 30, 40, 50]
    assert nice_ticks(1, 1) == [1]
    assert nice_scale(0, 2.91) == (0, 3, [0, 1, 2, 3])
    assert nice_scale(-0.45, 2.1) == (-1, 3, [-1, 0, 1, 2, 3])


@pytest.mark.parametrize("count", [0, 1, 49, 50, 51, 200, 1001])
def test_tables_sample_at_most_fifty_rows_keeping_the_ends(count):
    kept = sample_indexes(count)
    assert len(kept) == min(count, 50)
    assert kept == sorted(set(kept))
    if count:
        assert kept[0] == 0 and kept[-1] == count - 1


def test_bars_stay_inside_the_chart_and_keep_their_order():
    chart = bar_chart(
        "Scores",
        "A finishes first.",
        [("A", STYLE, 2.9), ("B", STYLE, 1.2), ("C", STYLE, 0.0)],
        "Mean points per round",
    )
    assert (chart.title, chart.desc) == ("Scores", "A finishes first.")
    assert [bar.label for bar in chart.bars] == ["A", "B", "C"]
    assert [bar.value_text for bar in chart.bars] == ["2.90", "1.20", "0.00"]
    assert chart.bars[0].width > chart.bars[1].width > 0
    for bar in chart.bars:
        assert bar.x >= 0 and bar.x + bar.width <= chart.right <= chart.width
        assert chart.top <= bar.y and bar.y + bar.height <= chart.bottom < chart.height
    assert [tick.label for tick in chart.ticks] == ["0", "1", "2", "3"]
    assert chart.ticks[-1].position == chart.right


def test_negative_scores_grow_left_from_zero():
    chart = bar_chart("Scores", "", [("A", STYLE, 2.0), ("B", STYLE, -0.5)], "Points")
    assert chart.zero_x > chart.left
    negative = chart.bars[1]
    assert negative.x < chart.zero_x and negative.x + negative.width == pytest.approx(chart.zero_x)


def test_lines_stay_inside_the_plot_and_clamp_shares():
    chart = line_chart(
        "Shares",
        "B takes over.",
        list(range(0, 101)),
        [("A", STYLE, [1.0 - k / 100 for k in range(101)]), ("B", STYLE, [1.2] * 101)],
        "Generation",
    )
    for line in chart.lines:
        pairs = [tuple(map(float, point.split(","))) for point in line.points.split()]
        assert len(pairs) == 101
        for x, y in pairs:
            assert chart.left <= x <= chart.right and chart.top <= y <= chart.bottom
        assert len(line.markers) == 6
    a = [tuple(map(float, p.split(","))) for p in chart.lines[0].points.split()]
    assert a[0] == (chart.left, chart.top) and a[-1] == (chart.right, chart.bottom)
    assert [tick.label for tick in chart.y_ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert [tick.label for tick in chart.x_ticks] == ["0", "20", "40", "60", "80", "100"]


def test_a_single_round_still_draws_a_point():
    chart = line_chart("Cooperation", "", [1], [("C", STYLE, [0.5])], "Round")
    assert chart.lines[0].points == f"{chart.left:g},{(chart.top + chart.bottom) / 2:g}"
    assert len(chart.lines[0].markers) == 1


def test_result_charts_describe_the_run_in_words_and_tables():
    setup = Setup(
        strategies=("always-defect", "tit-for-tat", "grim-trigger"),
        mode="rounds",
        rounds=120,
        generations=200,
    )
    outcome = run(setup)
    charts = result_charts(outcome)
    assert charts.scores.desc.startswith(outcome.ranking[0][0].name)
    assert "points per round" in charts.scores.desc
    assert charts.cooperation.desc.startswith("Cooperation is ")
    assert "in round 120" in charts.cooperation.desc
    assert charts.population.desc.startswith("Starting from equal shares. After 200 generations")
    assert [row.label for row in charts.score_rows] == [s.name for s, _ in outcome.ranking]
    assert len(charts.cooperation_rows) == 50 and charts.cooperation_sampled
    assert charts.cooperation_rows[0][0] == 1 and charts.cooperation_rows[-1][0] == 120
    assert len(charts.population_rows) == 50 and charts.population_rows[-1][0] == 200
    assert charts.population_columns == ("Always defect", "Tit for tat", "Grim trigger")
    assert [entry.label for entry in charts.legend] == list(charts.population_columns)


def test_random_length_matches_are_charted_only_as_far_as_many_matches_go():
    outcome = run(Setup(strategies=("always-defect", "tit-for-tat"), w=0.9, reps=10))
    charts = result_charts(outcome)
    shown = len(charts.cooperation.lines[0].points.split())
    reached = outcome.matches_by_round
    assert reached[0] == 30  # three pairings (with self-play), ten repeats
    assert shown == outcome.plotted_rounds < len(outcome.cooperation_by_round)
    # Every charted round rests on at least ten matches; the first one left out does not.
    assert min(reached[:shown]) >= 10 > reached[shown]
    assert (
        f"the chart stops at round {shown}: that round rests on {reached[shown - 1]} of the 30"
        in (charts.cooperation.desc)
    )
    assert [matches for _, _, matches in charts.cooperation_rows] == list(reached[:shown])


def test_a_fixed_length_match_is_charted_to_its_last_round():
    outcome = run(Setup(strategies=("always-defect", "tit-for-tat"), mode="rounds", rounds=30))
    assert outcome.plotted_rounds == 30
