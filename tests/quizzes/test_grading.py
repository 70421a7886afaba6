"""grade_response for every kind, on plain objects: no database."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.quizzes.grading import matches_pattern, normalise_text, parse_number
from apps.quizzes.kinds import grade_response


def choice(id, text="", fraction=0.0, feedback="", match_text="", value=None, tolerance=0.0,
           low=None, high=None):  # fmt: skip
    return SimpleNamespace(
        id=id, text=text, fraction=fraction, feedback_html=feedback, match_text=match_text,
        value=value, tolerance=tolerance, low=low, high=high,
    )  # fmt: skip


def question(kind, *choices):
    return SimpleNamespace(kind=kind, choice_list=list(choices))


SINGLE = question(
    "single",
    choice(1, "Realism", 1.0, "<p>Yes</p>"),
    choice(2, "Collective security", 0.0, "<p>No</p>"),
    choice(3, "Anarchy", -0.5, "<p>Not a view</p>"),
)


def test_single_choice_gives_the_chosen_choices_credit_and_feedback():
    assert grade_response(SINGLE, 1) == (1.0, "<p>Yes</p>")
    assert grade_response(SINGLE, 2) == (0.0, "<p>No</p>")


def test_single_choice_never_goes_below_zero():
    assert grade_response(SINGLE, 3) == (0.0, "<p>Not a view</p>")


@pytest.mark.parametrize("answer", [None, "", 99, "not-an-id", [1]])
def test_single_choice_without_a_valid_pick_scores_nothing(answer):
    assert grade_response(SINGLE, answer) == (0.0, "")


def test_single_choice_accepts_the_id_as_text():
    assert grade_response(SINGLE, "1").fraction == 1.0


def test_missing_word_is_graded_like_single_choice():
    blank = question("missingword", choice(1, "1815", 1.0, "<p>Yes</p>"), choice(2, "1848"))
    assert grade_response(blank, 1) == (1.0, "<p>Yes</p>")
    assert grade_response(blank, 2).fraction == 0.0


def test_true_false_gives_the_feedback_of_the_answer_picked():
    tf = question(
        "truefalse",
        choice(1, "true", 1.0, "<p>Right</p>"),
        choice(2, "false", 0.0, "<p>Look again</p>"),
    )
    assert grade_response(tf, 1) == (1.0, "<p>Right</p>")
    assert grade_response(tf, 2) == (0.0, "<p>Look again</p>")


MULTIPLE = question(
    "multiple",
    choice(1, "Norms", 0.5, "<p>a</p>"),
    choice(2, "Reciprocity", 0.5, "<p>b</p>"),
    choice(3, "World government", -1.0, "<p>c</p>"),
    choice(4, "Thirds", 1 / 3),
)


def test_multiple_response_sums_the_picks():
    assert grade_response(MULTIPLE, [1, 2]) == (1.0, "<p>a</p><p>b</p>")
    assert grade_response(MULTIPLE, [1]).fraction == 0.5


def test_multiple_response_wrong_picks_subtract_but_never_below_zero():
    assert grade_response(MULTIPLE, [1, 2, 3]).fraction == 0.0
    assert grade_response(MULTIPLE, [3]).fraction == 0.0


def test_multiple_response_never_above_one():
    assert grade_response(MULTIPLE, [1, 2, 4]).fraction == 1.0


def test_multiple_response_counts_a_repeated_pick_once():
    assert grade_response(MULTIPLE, [1, 1, 1]).fraction == 0.5


def test_multiple_response_thirds_add_up_to_exactly_one():
    thirds = question("multiple", *(choice(i, str(i), 1 / 3) for i in range(3)))
    assert grade_response(thirds, [0, 1, 2]).fraction == 1.0
    moodle_thirds = question("multiple", *(choice(i, str(i), 0.3333333) for i in range(3)))
    assert grade_response(moodle_thirds, [0, 1, 2]).fraction == 1.0


@pytest.mark.parametrize("answer", [None, [], [99], "1", {"1": 1}])
def test_multiple_response_without_valid_picks_scores_nothing(answer):
    assert grade_response(MULTIPLE, answer) == (0.0, "")


SHORT = question(
    "short",
    choice(1, "Lipson", 1.0, "<p>Right</p>"),
    choice(2, "Charles Lipson", 1.0, "<p>Full name</p>"),
    choice(3, "Charles", 0.5, "<p>Half</p>"),
)


@pytest.mark.parametrize("typed", ["Lipson", "lipson", "  LIPSON  ", "Ｌｉｐｓｏｎ", "lipson\n"])
def test_short_answer_ignores_case_width_and_surrounding_space(typed):
    assert grade_response(SHORT, typed) == (1.0, "<p>Right</p>")


def test_short_answer_collapses_inner_whitespace():
    assert grade_response(SHORT, "charles \t  lipson").feedback == "<p>Full name</p>"


def test_short_answer_gives_partial_credit_with_its_own_feedback():
    assert grade_response(SHORT, "Charles") == (0.5, "<p>Half</p>")


def test_short_answer_takes_the_first_matching_answer_in_author_order_as_moodle_does():
    # Moodle: {=%50%anarch* =anarchy} gives "anarchy" 50%, since the first match decides.
    wildcard_first = question(
        "short", choice(1, "anarch*", 0.5, "<p>half</p>"), choice(2, "anarchy", 1.0, "<p>full</p>")
    )
    assert grade_response(wildcard_first, "Anarchy") == (0.5, "<p>half</p>")
    exact_first = question(
        "short", choice(2, "anarchy", 1.0, "<p>full</p>"), choice(1, "anarch*", 0.5, "<p>half</p>")
    )
    assert grade_response(exact_first, "Anarchy") == (1.0, "<p>full</p>")
    assert grade_response(exact_first, "anarchic") == (0.5, "<p>half</p>")


def test_numerical_takes_the_first_answer_in_author_order_that_accepts_the_number():
    wide_first = question(
        "numerical",
        choice(1, "", 0.5, "<p>close</p>", value=1853.0, tolerance=5.0),
        choice(2, "", 1.0, "<p>exact</p>", value=1853.0),
    )
    assert grade_response(wide_first, "1853") == (0.5, "<p>close</p>")


@pytest.mark.parametrize(
    ("pattern", "typed", "matches"),
    [
        ("*a*a*a*b", "a" * 499 + "c", False),
        ("*a*a*a*b", "a" * 499 + "b", True),
        ("a*b*c", "abc", True),
        ("a*b*c", "ac", False),
        ("a*a", "a", False),  # the two literal ends may not overlap
        ("*", "", True),
        ("**x**", "xx", True),
        ("ab*ba", "aba", False),
        ("ab*ba", "abba", True),
        ("*rule*", "the rules of the game", True),
    ],
)
def test_wildcards_match_as_a_star_only_glob(pattern, typed, matches):
    assert matches_pattern(pattern, typed) is matches


@pytest.mark.parametrize("typed", [None, "", "   ", 42, ["Lipson"]])
def test_short_answer_empty_or_malformed_scores_nothing(typed):
    assert grade_response(SHORT, typed) == (0.0, "")


def test_short_answer_wrong_scores_zero():
    assert grade_response(SHORT, "Morgenthau") == (0.0, "")


def test_short_answer_wildcard_matches_any_run_of_characters():
    wild = question(
        "short", choice(1, "secur* regime*", 1.0), choice(2, "*", 0.0, "<p>Not quite</p>")
    )
    assert grade_response(wild, "Security Regimes").fraction == 1.0
    assert grade_response(wild, "alliances") == (0.0, "<p>Not quite</p>")


def test_short_answer_treats_regex_characters_literally():
    dotted = question("short", choice(1, "U.S.", 1.0))
    assert grade_response(dotted, "u.s.").fraction == 1.0
    assert grade_response(dotted, "uxsx").fraction == 0.0


def test_short_answer_handles_unicode_and_accents():
    accented = question("short", choice(1, "Metternich–Castlereagh", 1.0), choice(2, "Größe", 1.0))
    assert grade_response(accented, "metternich–castlereagh").fraction == 1.0
    assert grade_response(accented, "GRÖSSE").fraction == 1.0  # casefold: ß == ss


def test_normalise_text():
    assert normalise_text("  Ａ\u00a0 b\n C ") == "a b c"


NUMERICAL = question(
    "numerical",
    choice(1, "", 1.0, "<p>Exactly</p>", value=1853.0, tolerance=0.0),
    choice(2, "", 0.5, "<p>Close</p>", value=1853.0, tolerance=2.0),
)


@pytest.mark.parametrize("typed", ["1853", " 1853 ", "1853.0", "+1853", "1.853e3", "１８５３"])
def test_numerical_accepts_the_value_in_any_ordinary_notation(typed):
    assert grade_response(NUMERICAL, typed) == (1.0, "<p>Exactly</p>")


def test_numerical_tolerance_bounds_are_inclusive_and_partial_credit_applies():
    assert grade_response(NUMERICAL, "1855").fraction == 0.5
    assert grade_response(NUMERICAL, "1851").fraction == 0.5
    assert grade_response(NUMERICAL, "1855.0001").fraction == 0.0


def test_numerical_tolerance_is_exact_in_decimal():
    pi = question("numerical", choice(1, "", 1.0, value=3.14, tolerance=0.01))
    assert grade_response(pi, "3.15").fraction == 1.0  # 3.15 - 3.14 > 0.01 in binary floats
    assert grade_response(pi, "3.13").fraction == 1.0
    assert grade_response(pi, "3.1501").fraction == 0.0


def test_numerical_ranges_include_both_ends():
    decade = question("numerical", choice(1, "", 1.0, low=1810.0, high=1820.0))
    assert grade_response(decade, "1810").fraction == 1.0
    assert grade_response(decade, "1820").fraction == 1.0
    assert grade_response(decade, "1820.5").fraction == 0.0
    assert grade_response(decade, "1809.999").fraction == 0.0


def test_numerical_reads_a_lone_comma_as_a_decimal_comma():
    pi = question("numerical", choice(1, "", 1.0, value=3.14))
    assert grade_response(pi, "3,14").fraction == 1.0


def test_numerical_refuses_to_guess_what_a_comma_before_three_digits_means():
    count = question("numerical", choice(1, "", 1.0, value=4950.0))
    fraction, feedback = grade_response(count, "4,950")
    assert fraction == 0.0
    assert "without commas" in feedback
    assert grade_response(count, "4950").fraction == 1.0


def test_numerical_negative_numbers_and_unicode_minus():
    cold = question("numerical", choice(1, "", 1.0, value=-40.0))
    assert grade_response(cold, "-40").fraction == 1.0
    assert grade_response(cold, "\u221240").fraction == 1.0


def test_numerical_spaces_between_digit_groups_are_ignored():
    big = question("numerical", choice(1, "", 1.0, value=10000.0))
    assert grade_response(big, "10 000").fraction == 1.0


@pytest.mark.parametrize(
    "typed", ["abc", "1,234.5", "1,2,3", "18 53x", "inf", "nan", "1/2", "0x10"]
)
def test_numerical_refuses_what_is_not_a_number_with_a_message(typed):
    fraction, feedback = grade_response(NUMERICAL, typed)
    assert fraction == 0.0
    assert "is not a number" in feedback


def test_numerical_message_escapes_what_was_typed():
    assert "<script>" not in grade_response(NUMERICAL, "<script>").feedback


@pytest.mark.parametrize("typed", [None, "", "  "])
def test_numerical_empty_scores_nothing_without_a_message(typed):
    assert grade_response(NUMERICAL, typed) == (0.0, "")


def test_numerical_catch_all_answer_gives_its_feedback_to_every_other_number():
    with_other = question(
        "numerical", choice(1, "", 1.0, value=1815.0), choice(2, "*", 0.0, "<p>Think of Vienna</p>")
    )
    assert grade_response(with_other, "1815").fraction == 1.0
    assert grade_response(with_other, "1900") == (0.0, "<p>Think of Vienna</p>")


def test_parse_number():
    assert parse_number("3,5") == Decimal("3.5")
    assert parse_number(".5") == Decimal("0.5")
    assert parse_number("1e") is None


MATCHING = question(
    "matching",
    choice(1, "Realism", match_text="Self-help"),
    choice(2, "Collective security", match_text="All against any aggressor"),
    choice(3, "Regimes", match_text="Shared rules"),
    choice(4, "", match_text="World government"),  # a distractor
)


def test_matching_credits_each_right_pair():
    all_right = {"1": "Self-help", "2": "All against any aggressor", "3": "Shared rules"}
    assert grade_response(MATCHING, all_right).fraction == 1.0
    one_wrong = {**all_right, "3": "World government"}
    assert grade_response(MATCHING, one_wrong).fraction == pytest.approx(2 / 3)


def test_matching_partial_answers_count_only_the_pairs_given():
    assert grade_response(MATCHING, {"1": "Self-help"}).fraction == pytest.approx(1 / 3)


@pytest.mark.parametrize("answer", [None, {}, {"1": ""}, [1, 2], "Self-help"])
def test_matching_unanswered_scores_nothing(answer):
    assert grade_response(MATCHING, answer) == (0.0, "")


def test_matching_is_exact_about_the_right_hand_text():
    assert grade_response(MATCHING, {"1": "self-help"}).fraction == 0.0


def test_essay_waits_for_a_person():
    essay = question("essay")
    assert grade_response(essay, "Regimes are sets of principles...") == (None, "")


@pytest.mark.parametrize("answer", [None, "", "   \n"])
def test_an_empty_essay_scores_zero_at_once(answer):
    assert grade_response(question("essay"), answer) == (0.0, "")


def test_a_description_is_never_graded():
    assert grade_response(question("description"), None) == (None, "")


def test_an_unknown_kind_is_an_error():
    with pytest.raises(ValueError):
        grade_response(question("cloze"), "x")


def test_a_near_miss_gets_a_spelling_hint_when_the_author_allows_it_and_stays_wrong():
    short = question("short", choice(1, "Lipson", 1.0), choice(2, "Charles Lipson", 1.0))
    short.hint_spelling = True
    fraction, feedback = grade_response(short, "Lipsno")  # two letters swapped
    assert fraction == 0.0 and "Check your spelling" in feedback
    assert "Check your spelling" in grade_response(short, "Charles Lipsen").feedback
    assert grade_response(short, "Lipson").fraction == 1.0
    assert "Check your spelling" not in grade_response(short, "Morgenthau").feedback
    assert "Check your spelling" not in grade_response(short, "Lip").feedback
    short.hint_spelling = False
    assert grade_response(short, "Lipsno") == (0.0, "")


def test_wildcard_and_very_short_answers_never_prompt_a_spelling_hint():
    short = question("short", choice(1, "rule*", 1.0), choice(2, "UN", 1.0))
    short.hint_spelling = True
    assert grade_response(short, "rulz") == (0.0, "")
    assert grade_response(short, "UK") == (0.0, "")
