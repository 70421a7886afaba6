"""Quiz and item statistics, checked against numbers worked out by hand.

The fixture: three one-point questions, four students, one attempt each.

    student   Q1  Q2  Q3   total   percent
    A          1   1   1     3     100
    B          1   1   0     2      66.67
    C          1   0   1     2      66.67
    D          0   0   1     1      33.33

Scores. mean = (100 + 66.67 + 66.67 + 33.33) / 4 = 66.67; median = (66.67 + 66.67) / 2 =
66.67; deviations from the mean are +33.33, 0, 0, −33.33, so the sample variance is
(1111.1 + 1111.1) / 3 = 740.74 and the standard deviation √740.74 = 27.22. Histogram:
33.33 falls in 30–40, both 66.67 in 60–70, 100 in 90–100.

Items. x is the item score, y the rest of the test (total − x); r = Sxy / √(Sxx·Syy)
with S the sums of products of deviations from the means.

    Q1: x = 1,1,1,0 (mean .75)   y = 2,1,1,1 (mean 1.25)
        Sxy = .25·.75 + .25·(−.25) + .25·(−.25) + (−.75)·(−.25) = .25
        Sxx = 3·.0625 + .5625 = .75    Syy = .5625 + 3·.0625 = .75
        r = .25 / .75 = 0.3333 → 33.33%; facility 3/4 = 75%; item SD √(.75/3) = .5 → 50%
    Q2: x = 1,1,0,0 (mean .5)    y = 2,1,2,1 (mean 1.5)
        Sxy = .25 − .25 − .25 + .25 = 0 → r = 0%: weak; facility 50%
    Q3: x = 1,0,1,1 (mean .75)   y = 2,2,1,0 (mean 1.25)
        Sxy = .1875 − .5625 − .0625 − .3125 = −.75
        Sxx = .75    Syy = .5625 + .5625 + .0625 + 1.5625 = 2.75
        r = −.75 / √(.75 · 2.75) = −.75 / 1.43614 = −0.52223 → −52.22%: negative; facility 75%

Options of Q1: Realism picked 3 times (75%), Collective security once (25%), Regimes never.
"""

import csv
import io
import math

import pytest
from django.urls import reverse

from apps.quizzes.models import Attempt
from apps.quizzes.services import save_question
from apps.teaching import statistics
from apps.teaching.statistics import ItemSums
from tests.conftest import make_user
from tests.teaching.conftest import answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = """\
::Q1:: Which view stresses self-help? {=Realism ~Collective security ~Regimes}

::Q2:: Which institution embodied collective security? {=The League ~The Concert}

::Q3:: The Concert of Europe was a security regime.{T}
"""
ANSWERS = {
    "A": {"Q1": "Realism", "Q2": "The League", "Q3": "true"},
    "B": {"Q1": "Realism", "Q2": "The League", "Q3": "false"},
    "C": {"Q1": "Realism", "Q2": "The Concert", "Q3": "true"},
    "D": {"Q1": "Collective security", "Q2": "The Concert", "Q3": "true"},
}


# -- the pure functions -----------------------------------------------------------------


def test_scores_summary_matches_the_hand_computation():
    summary = statistics.summarise_scores([100, 200 / 3, 200 / 3, 100 / 3])
    assert summary.count == 4
    assert summary.mean == pytest.approx(66.6667, abs=1e-4)
    assert summary.median == pytest.approx(66.6667, abs=1e-4)
    assert summary.standard_deviation == pytest.approx(27.2166, abs=1e-4)
    assert [b.count for b in summary.bins] == [0, 0, 0, 1, 0, 0, 2, 0, 0, 1]


def test_histogram_bins_hold_their_lower_edge_and_the_last_holds_100():
    bins = statistics.histogram([0, 9.99, 10, 90, 100])
    assert [b.count for b in bins] == [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]
    assert (bins[0].label, bins[9].label) == ("0–10%", "90–100%")


def test_empty_and_single_attempt_summaries_leave_undefined_values_out():
    assert statistics.summarise_scores([]).mean is None
    one = statistics.summarise_scores([50])
    assert (one.mean, one.median, one.standard_deviation) == (50, 50, None)


@pytest.mark.parametrize(
    "pairs, facility, discrimination, flag",
    [
        ([(1, 2), (1, 1), (1, 1), (0, 1)], 75.0, 33.3333, ""),
        ([(1, 2), (1, 1), (0, 2), (0, 1)], 50.0, 0.0, "weak"),
        ([(1, 2), (0, 2), (1, 1), (1, 0)], 75.0, -52.2233, "negative"),
    ],
    ids=["Q1", "Q2", "Q3"],
)
def test_item_statistics_match_the_hand_computation(pairs, facility, discrimination, flag):
    sums = ItemSums.of(pairs)
    assert statistics.facility(sums, 1) == pytest.approx(facility)
    index = statistics.discrimination(sums)
    assert index == pytest.approx(discrimination, abs=1e-4)
    assert statistics.discrimination_flag(index) == flag


def test_item_standard_deviation_matches_the_hand_computation():
    sums = ItemSums.of([(1, 2), (1, 1), (1, 1), (0, 1)])
    assert statistics.item_standard_deviation(sums, 1) == pytest.approx(50.0)


def test_discrimination_is_undefined_when_everyone_scores_the_same():
    assert statistics.discrimination(ItemSums.of([(1, 2), (1, 1), (1, 0)])) is None
    assert statistics.discrimination_flag(None) == ""


def test_typed_answers_group_as_grading_reads_them_most_common_first():
    given = [
        ("The League", 2, 2.0),
        ("the  league ", 1, 1.0),
        ("Concert", 3, 0.0),
        ("", 4, 0.0),  # blank answers are not an answer
        ("UN", 1, None),  # not graded yet: counted, but no credit
    ]
    found = statistics.typed_answers("short", given, attempts=10, limit=2)
    assert [(a.text, a.count, a.percent, a.credit) for a in found.common] == [
        ("Concert", 3, 30.0, 0.0),
        ("The League", 3, 30.0, 100.0),
    ]
    assert (found.others, found.other_kinds) == (1, 1)


def test_typed_numbers_group_by_value():
    given = [("1853", 1, 1.0), ("1853.0", 1, 1.0), ("1 853", 1, 1.0), ("1854", 2, 0.0),
             ("eighteen", 1, 0.0)]  # fmt: skip
    found = statistics.typed_answers("numerical", given, attempts=6)
    assert [(a.text, a.count) for a in found.common] == [
        ("1 853", 3), ("1854", 2), ("eighteen", 1),
    ]  # fmt: skip
    assert found.others == 0


def test_option_counts_expand_multiple_response_answers():
    picked = statistics.option_counts({7: 2, (7, 8): 3, (9,): 1, None: 4})
    assert picked == {7: 5, 8: 3, 9: 1}


def test_the_histogram_chart_scales_to_the_fullest_bin():
    chart = statistics.histogram_chart(statistics.histogram([35, 65, 65, 100]))
    heights = [bar.height for bar in chart.bars]
    assert max(heights) == heights[6] == chart.baseline - 24
    assert heights[3] == heights[9] == heights[6] / 2
    assert "60–70%: 2" in chart.description


# -- from the database ----------------------------------------------------------------


@pytest.fixture
def students(db):
    return {name: make_user(f"student-{name.lower()}") for name in ANSWERS}


@pytest.fixture
def quiz(ingrid, students):
    quiz = quiz_from_gift(GIFT, slug="hand-computed", owner=ingrid)
    for name, answers in ANSWERS.items():
        answered(quiz, students[name], answers)
    return quiz


def by_title(stats):
    return {item.question.title: item for item in stats.items}


def test_quiz_statistics_from_the_database_match_the_hand_computation(ingrid, quiz):
    stats = statistics.quiz_statistics(quiz, Attempt.objects.taught_by(ingrid))
    assert stats.scores.count == 4
    assert stats.scores.mean == pytest.approx(66.6667, abs=1e-3)
    assert stats.scores.standard_deviation == pytest.approx(27.2166, abs=1e-3)
    items = by_title(stats)
    assert items["Q1"].facility == pytest.approx(75)
    assert items["Q1"].discrimination == pytest.approx(33.3333, abs=1e-3)
    assert items["Q2"].discrimination == pytest.approx(0, abs=1e-6)
    assert items["Q2"].flag == "weak"
    assert items["Q3"].discrimination == pytest.approx(-52.2233, abs=1e-3)
    assert items["Q3"].flag == "negative"
    options = {o.choice.text: (o.count, o.percent) for o in items["Q1"].options}
    assert options == {"Realism": (3, 75), "Collective security": (1, 25), "Regimes": (0, 0)}


def test_the_page_shows_the_numbers_flags_and_a_histogram_with_a_table(ingrid, quiz):
    page = client_for(ingrid).get(reverse("teach:quiz_statistics", args=[quiz.pk]))
    html = page.content.decode()
    assert (
        '<svg viewBox="0 0 640 240" role="img" aria-labelledby="histogram-title histogram-desc"'
        in html
    )
    assert '<title id="histogram-title">' in html and "60–70%: 2" in html
    assert '<th scope="row">60–70%</th><td class="num">2</td>' in html
    assert '27.2 <span class="stat-unit">percentage points</span>' in html
    for text in ("66.7%", "75.0%", "33.3%", "-52.2%", "⚠ Negative", "▽ Weak"):
        assert text in html, text


def test_attempts_awaiting_essay_grading_are_left_out_and_counted(ingrid, alice, quiz):
    essay_quiz = quiz_from_gift(GIFT + "\n::E:: Explain. {}\n", slug="with-essay", owner=ingrid)
    answered(essay_quiz, alice, {"Q1": "Realism", "E": "Because."})
    stats = statistics.quiz_statistics(essay_quiz, Attempt.objects.taught_by(ingrid))
    assert (stats.scores.count, stats.awaiting_grading) == (0, 1)


def test_versions_are_counted_apart(ingrid, alice, bob, quiz):
    old = quiz.questions.get(title="Q2")
    old.text = "Which body was built on collective security?"
    new = save_question(old)
    answered(quiz, alice, {"Q1": "Realism", "Q2": "The League", "Q3": "true"})
    stats = statistics.quiz_statistics(quiz, Attempt.objects.taught_by(ingrid))
    rows = [(i.question.title, i.question.version, i.attempts) for i in stats.items]
    assert rows == [("Q1", 1, 5), ("Q2", 1, 4), ("Q2", 2, 1), ("Q3", 1, 5)]
    assert new.version == 2


def test_per_class_statistics_count_only_that_class(ingrid, students, quiz):
    klass = make_class(ingrid, students=[students["A"], students["D"]], quizzes=[quiz])
    url = reverse("teach:quiz_statistics", args=[quiz.pk]) + f"?class={klass.pk}"
    response = client_for(ingrid).get(url)
    assert response.context["stats"].scores.count == 2
    assert response.context["stats"].scores.mean == pytest.approx(200 / 3)
    other = make_class(make_user("ines", None), name="Not hers")
    bad = reverse("teach:quiz_statistics", args=[quiz.pk]) + f"?class={other.pk}"
    assert client_for(ingrid).get(bad).status_code == 404


def test_an_instructor_counts_a_course_quiz_only_for_their_own_students(ingrid, students):
    course = quiz_from_gift(GIFT, slug="course")
    for name, answers in ANSWERS.items():
        answered(course, students[name], answers)
    make_class(ingrid, students=[students["A"], students["B"]], quizzes=[course])
    stats = statistics.quiz_statistics(course, Attempt.objects.taught_by(ingrid))
    assert stats.scores.count == 2
    assert math.isclose(stats.scores.mean, (100 + 200 / 3) / 2)


TYPED = """\
::Word:: Which body did the Wilsonians want? {=League of Nations =%50%League#Half: which league?}

::Year:: When did the Crimean War begin? {#1853:0}
"""
TYPED_ANSWERS = [
    {"Word": "League of Nations", "Year": "1853"},
    {"Word": "league of  nations", "Year": "1853.0"},
    {"Word": "League", "Year": "1854"},
    {"Word": "=cmd|' /C calc'!A0", "Year": "1854"},
]


@pytest.fixture
def typed_quiz(ingrid):
    quiz = quiz_from_gift(TYPED, slug="typed", owner=ingrid)
    for n, answers in enumerate(TYPED_ANSWERS):
        answered(quiz, make_user(f"typist-{n}"), answers)
    return quiz


def test_the_most_common_typed_answers_are_listed_with_counts_and_credit(ingrid, typed_quiz):
    stats = statistics.quiz_statistics(typed_quiz, Attempt.objects.taught_by(ingrid))
    items = by_title(stats)
    word = [(a.text, a.count, a.credit) for a in items["Word"].typed.common]
    assert word == [("League of Nations", 2, 100.0), ("=cmd|' /C calc'!A0", 1, 0.0),
                    ("League", 1, 50.0)]  # fmt: skip
    year = [(a.text, a.count, a.credit) for a in items["Year"].typed.common]
    assert year == [("1853", 2, 100.0), ("1854", 2, 0.0)]
    page = client_for(ingrid).get(reverse("teach:quiz_statistics", args=[typed_quiz.pk]))
    html = page.content.decode()
    assert "Most common answers to question 1" in html
    assert '<code class="typed-answer">League of Nations</code>' in html


def test_the_csv_holds_the_scores_items_and_answers_without_formulas(ingrid, typed_quiz):
    klass = make_class(ingrid, quizzes=[typed_quiz])
    url = reverse("teach:quiz_statistics_csv", args=[typed_quiz.pk])
    response = client_for(ingrid).get(url, {"class": klass.pk})
    assert response["Content-Disposition"] == (
        f'attachment; filename="statistics-typed-class-{klass.pk}.csv"'
    )
    body = response.content.decode()
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0][3] == "SD (percentage points)"
    assert rows[1][0] == "0"  # nobody in the class has answered
    everyone = client_for(ingrid).get(url).content.decode().removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(everyone)))
    # Scores 100, 100, 25 (half of Word), 0: mean 56.25, median 62.5.
    assert rows[1][:3] == ["4", "56.2", "62.5"]
    assert rows[3][6] == "SD (percentage points)"
    answers = [r[9:13] for r in rows[4:] if r[1] == "Word" and r[9]]
    assert answers == [["League of Nations", "2", "50.0", "100.0"],
                       ["'=cmd|' /C calc'!A0", "1", "25.0", "0.0"],
                       ["League", "1", "25.0", "50.0"]]  # fmt: skip


def test_statistics_csv_of_another_instructors_class_is_not_found(ingrid, typed_quiz):
    other = make_class(make_user("ines", None), name="Not hers")
    url = reverse("teach:quiz_statistics_csv", args=[typed_quiz.pk])
    assert client_for(ingrid).get(url, {"class": other.pk}).status_code == 404
