"""Tests for the GIFT reader and writer (apps.quizzes.gift): pure pytest and Hypothesis, no
Django, so they run with ``-p no:django``."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from apps.quizzes.gift import (
    BLANK,
    FORMATS,
    KINDS,
    STANDARD_PERCENTS,
    GiftAnswer,
    GiftQuestion,
    GiftResult,
    GiftSyntaxError,
    parse_gift,
    write_gift,
)

PHP_WS = " \t\n\r\0\x0b"


def one(text: str) -> GiftQuestion:
    """Parse ``text``, which must hold exactly one question."""
    result = parse_gift(text)
    assert len(result.questions) == 1, result.questions
    return result.questions[0]


def warnings_of(text: str) -> list[str]:
    return parse_gift(text).warnings


def fail(text: str) -> GiftSyntaxError:
    with pytest.raises(GiftSyntaxError) as caught:
        parse_gift(text)
    return caught.value


# --------------------------------------------------------------------------------------
# Question types


def test_single_choice_moodle_example():
    q = one("::Grant::Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}")
    assert q == GiftQuestion(
        "single",
        "Who's buried in Grant's tomb?",
        title="Grant",
        answers=[GiftAnswer("Grant", 0.0), GiftAnswer("Jefferson", 0.0), GiftAnswer("no one", 1.0)],
    )
    assert q.line == 1
    assert q.format == "moodle" and q.category == "" and q.id == "" and q.tags == []


def test_single_choice_over_several_lines_with_feedback():
    q = one("What colour is the sky?\n{\n  =blue#Right.\n  ~green#No, that is grass.\n  ~red\n}")
    assert q.kind == "single"
    assert q.answers == [
        GiftAnswer("blue", 1.0, "Right."),
        GiftAnswer("green", 0.0, "No, that is grass."),
        GiftAnswer("red", 0.0),
    ]


def test_single_choice_with_partial_credit_stays_single():
    # Moodle: an '=' anywhere makes it single-answer, whatever the '~' weights say.
    q = one("Q{=a ~%50%b ~c}")
    assert q.kind == "single"
    assert [a.fraction for a in q.answers] == [1.0, 0.5, 0.0]


def test_several_full_credit_choices_stay_single():
    q = one("Q{=a =b ~c}")
    assert q.kind == "single"
    assert [a.fraction for a in q.answers] == [1.0, 1.0, 0.0]


def test_multiple_response_with_weights():
    q = one(
        "What two people are entombed?{~%-100%No one ~%50%Grant ~%50%Grant's wife ~%-100%Father}"
    )
    assert q.kind == "multiple"
    assert q.answers == [
        GiftAnswer("No one", -1.0),
        GiftAnswer("Grant", 0.5),
        GiftAnswer("Grant's wife", 0.5),
        GiftAnswer("Father", -1.0),
    ]
    assert q.text == "What two people are entombed?"


def test_choices_without_equals_are_multiple_response_even_with_a_100_percent_choice():
    # Moodle decides single/multiple only by the presence of '='.
    q = one("Q{~%100%a ~b ~c}")
    assert q.kind == "multiple"
    assert [a.fraction for a in q.answers] == [1.0, 0.0, 0.0]


def test_missing_word():
    q = one("Grant is {~buried =entombed ~living} in Grant's tomb.")
    assert q == GiftQuestion(
        "missingword",
        "Grant is _____ in Grant's tomb.",
        answers=[GiftAnswer("buried"), GiftAnswer("entombed", 1.0), GiftAnswer("living")],
    )


def test_missing_word_blank_at_start():
    q = one("{=Paris ~Lyon} is the capital of France.")
    assert q.kind == "missingword"
    assert q.text == "_____ is the capital of France."


def test_blank_in_other_kinds_keeps_the_kind():
    q = one("Two plus two equals {=four =4}.")
    assert q.kind == "short"
    assert q.text == "Two plus two equals _____."
    q = one("The sun rises in the {T} every day.")
    assert q.kind == "truefalse" and q.text == "The sun rises in the _____ every day."


def test_multiple_response_with_a_blank_stays_multiple():
    q = one("Pick {~%50%a ~%50%b ~c} now")
    assert q.kind == "multiple" and q.text == "Pick _____ now"


@pytest.mark.parametrize(
    ("word", "correct"), [("T", True), ("TRUE", True), ("F", False), ("FALSE", False)]
)
def test_truefalse_words(word, correct):
    q = one(f"The sky is blue.{{{word}}}")
    assert q.kind == "truefalse"
    assert q.answers == [
        GiftAnswer("true", 1.0 if correct else 0.0),
        GiftAnswer("false", 0.0 if correct else 1.0),
    ]


def test_truefalse_feedback_true_correct():
    q = one("Grant is buried in Grant's tomb.{TRUE#No, he is.#Yes.####General}")
    assert q.answers == [
        GiftAnswer("true", 1.0, "Yes."),  # chosen "true": the right answer
        GiftAnswer("false", 0.0, "No, he is."),
    ]
    assert q.general_feedback == "General"


def test_truefalse_feedback_false_correct():
    q = one("The moon is cheese.{F#It is not.#Right, it is rock.}")
    assert q.answers == [
        GiftAnswer("true", 0.0, "It is not."),
        GiftAnswer("false", 1.0, "Right, it is rock."),
    ]


def test_truefalse_only_right_feedback():
    q = one("Q{T##well done}")
    assert q.answers == [GiftAnswer("true", 1.0, "well done"), GiftAnswer("false", 0.0, "")]


def test_short_answer():
    q = one("Who's buried in Grant's tomb?{=Grant =%50%Ulysses#Half right =no one}")
    assert q == GiftQuestion(
        "short",
        "Who's buried in Grant's tomb?",
        answers=[
            GiftAnswer("Grant", 1.0),
            GiftAnswer("Ulysses", 0.5, "Half right"),
            GiftAnswer("no one", 1.0),
        ],
    )


def test_numerical_value_and_tolerance():
    q = one("When was Ulysses S. Grant born?{#1822:5}")
    assert q == GiftQuestion(
        "numerical",
        "When was Ulysses S. Grant born?",
        answers=[GiftAnswer("", 1.0, value=1822.0, tolerance=5.0)],
    )


def test_numerical_exact_value():
    assert one("Pi?{#3.14159}").answers == [GiftAnswer("", 1.0, value=3.14159)]


def test_numerical_range():
    assert one("Between 1 and 5?{#1..5}").answers == [GiftAnswer("", 1.0, low=1.0, high=5.0)]


def test_numerical_negative_numbers_and_exponents():
    q = one("Q{#=-5:0.5 =%50%-1e-3..2.5E2 =-.5}")
    assert q.answers == [
        GiftAnswer("", 1.0, value=-5.0, tolerance=0.5),
        GiftAnswer("", 0.5, low=-0.001, high=250.0),
        GiftAnswer("", 1.0, value=-0.5),
    ]


def test_numerical_several_answers_with_weights_and_feedback():
    q = one("Pi to two places?{# =%100%3.14:0#Exactly =%50%3.1:0.1#Close ~#Not close}")
    assert q.answers == [
        GiftAnswer("", 1.0, "Exactly", value=3.14, tolerance=0.0),
        GiftAnswer("", 0.5, "Close", value=3.1, tolerance=0.1),
        GiftAnswer("*", 0.0, "Not close"),
    ]


def test_numerical_wildcard_answer():
    q = one("Q{#=5 =%0%*#anything else}")
    assert q.answers == [GiftAnswer("", 1.0, value=5.0), GiftAnswer("*", 0.0, "anything else")]


def test_numerical_negative_tolerance_warns_and_is_made_positive():
    result = parse_gift("Q{#5:-1}")
    assert result.questions[0].answers == [GiftAnswer("", 1.0, value=5.0, tolerance=1.0)]
    assert result.warnings == ["line 1: a negative tolerance works like a positive one"]


def test_line_holding_only_zero_is_content_not_a_separator():
    q = one("What is 1 - 1?\n{#\n0\n}")
    assert q.kind == "numerical"
    assert q.answers == [GiftAnswer("", 1.0, value=0.0)]
    assert one("Say\n0\n{}").text == "Say\n0"


def test_matching():
    q = one("Match the capitals.{=Canada -> Ottawa =Italy->Rome =Japan  ->  Tokyo}")
    assert q == GiftQuestion(
        "matching",
        "Match the capitals.",
        answers=[
            GiftAnswer("Canada", match="Ottawa"),
            GiftAnswer("Italy", match="Rome"),
            GiftAnswer("Japan", match="Tokyo"),
        ],
    )
    assert parse_gift("Q{=a->1 =b->2 =c->3}").warnings == []


def test_matching_with_distractor_and_arrow_on_right():
    q = one("Q{=a -> x->y =b -> 2 = -> extra}")
    assert q.answers == [
        GiftAnswer("a", match="x->y"),
        GiftAnswer("b", match="2"),
        GiftAnswer("", match="extra"),
    ]


def test_matching_with_two_pairs_imports_with_a_warning():
    result = parse_gift("Q{=a -> 1 =b -> 2}")
    assert result.questions[0].kind == "matching"
    assert len(result.warnings) == 1
    assert "at least 2 questions and 3 answers" in result.warnings[0]


def test_essay():
    assert one("Write about Grant.{}") == GiftQuestion("essay", "Write about Grant.")
    q = one("Write about Grant.{####Mention the tomb.}")
    assert q.kind == "essay" and q.general_feedback == "Mention the tomb." and q.answers == []


def test_essay_with_blank_text_after():
    q = one("Explain {} briefly.")
    assert q.kind == "essay" and q.text == "Explain _____ briefly."


def test_description():
    q = one("::Intro::This section is about **Grant**.\nRead carefully.")
    assert q == GiftQuestion(
        "description", "This section is about **Grant**.\nRead carefully.", title="Intro"
    )


def test_general_feedback_on_choice():
    q = one("Q{=a ~b ####Think about it.}")
    assert q.general_feedback == "Think about it."
    assert q.answers == [GiftAnswer("a", 1.0), GiftAnswer("b")]


def test_general_feedback_is_after_the_last_four_hashes():
    q = one("Q{=a#fb ~b #####gf}")
    # "#####": the last "####" starts one '#' in, leaving "b #", an empty feedback.
    assert q.answers == [GiftAnswer("a", 1.0, "fb"), GiftAnswer("b", 0.0, "")]
    assert q.general_feedback == "gf"


# --------------------------------------------------------------------------------------
# Moodle quirks followed on purpose


def test_unescaped_equals_inside_a_choice_starts_a_correct_choice():
    q = one("Q{~1+1=2 ~3}")
    assert q.kind == "single"
    assert q.answers == [GiftAnswer("1+1"), GiftAnswer("2", 1.0), GiftAnswer("3")]


def test_escaped_equals_inside_a_choice_is_text():
    q = one(r"Q{~1+1\=2 =3}")
    assert q.answers == [GiftAnswer("1+1=2"), GiftAnswer("3", 1.0)]


def test_choice_feedback_may_contain_hashes():
    assert one("Q{=a#one#two ~b}").answers[0] == GiftAnswer("a", 1.0, "one#two")


def test_numerical_feedback_after_tilde_takes_the_rest():
    q = one("Q{#3 ~#wrong = still feedback}")
    assert q.answers == [
        GiftAnswer("", 1.0, value=3.0),
        GiftAnswer("*", 0.0, "wrong = still feedback"),
    ]


def test_percent_without_valid_weight_is_text_with_warning():
    result = parse_gift("Q{~%abc%x =y}")
    assert result.questions[0].answers[0] == GiftAnswer("%abc%x", 0.0)
    assert result.warnings == [
        "line 1: '%' at the start of an answer is read as text; weights look like %50%"
    ]


def test_weight_on_equals_choice_is_text_with_warning():
    result = parse_gift("Q{=%50%x ~y}")
    assert result.questions[0].answers[0] == GiftAnswer("%50%x", 1.0)
    assert "always gives full credit" in result.warnings[0]


def test_weight_with_more_than_two_digits_before_point_is_text():
    # Moodle's regex allows at most two digits before a decimal point.
    result = parse_gift("Q{~%100.0%x =y}")
    assert result.questions[0].answers[0].text == "%100.0%x"


# --------------------------------------------------------------------------------------
# Escapes


def test_all_escapes_in_text_title_and_answers():
    q = one(r"::a\:b \{c\}::x \~ \= \# \{ \} \: y\nz {=p\~q\#r#f\=g ~s\:t}")
    assert q.title == "a:b {c}"
    assert q.text == "x ~ = # { } : y\nz"
    assert q.answers == [GiftAnswer("p~q#r", 1.0, "f=g"), GiftAnswer("s:t")]


def test_double_backslash_is_a_backslash_and_what_follows_is_structural():
    q = one(r"C:\\{=a ~b}")
    assert q.text == "C:\\"
    assert q.kind == "single"


def test_double_backslash_then_escape():
    assert one(r"a\\\{b").text == "a\\{b"


def test_other_backslashes_are_kept():
    assert one(r"\d+ \x \\n").text == "\\d+ \\x \\n"


def test_escaped_newline_at_text_end_is_trimmed_but_marks_a_blank():
    q = one(r"The answer is {=yes ~no}\n")
    assert q.kind == "missingword" and q.text == "The answer is _____"


def test_escaped_braces_make_a_description():
    q = one(r"Set \{1, 2\}")
    assert q == GiftQuestion("description", "Set {1, 2}")


# --------------------------------------------------------------------------------------
# Comments and metadata


def test_comments_only_at_line_start():
    result = parse_gift(
        "// a comment\n   // an indented comment\nSee http://example.com // here{T}\n"
    )
    assert result.questions[0].text == "See http://example.com // here"
    assert result.questions[0].line == 3


def test_comments_inside_the_answer_block_are_ignored():
    q = one("Q{\n=a\n// ~not a choice\n~b\n}")
    assert q.answers == [GiftAnswer("a", 1.0), GiftAnswer("b")]


def test_comment_only_block_is_skipped():
    result = parse_gift("// just a comment\n\n// another\n\nQ{T}")
    assert [q.text for q in result.questions] == ["Q"]
    assert result.questions[0].id == ""


def test_id_and_tags():
    q = one("// question: 1 name: x\n// [id:Q-1] [tag:history]\n// [tag: usa ] [tag:]\nQ{T}")
    assert q.id == "Q-1"
    assert q.tags == ["history", "usa"]


def test_first_id_wins_and_escaped_brackets():
    q = one(r"// [id:a\]b] [id:second] [tag:x\]y]" + "\nQ{T}")
    assert q.id == "a]b"
    assert q.tags == ["x]y"]


def test_id_ending_in_backslash_like_moodles_regex():
    # No closing ']' after "\]": PCRE backtracks and reads that ']' as the closing one.
    assert one("// [id:abc\\]\nQ{T}").id == "abc\\"


def test_tags_refuse_angle_brackets_like_moodle():
    assert one("// [tag:<b>] [tag:ok]\nQ{T}").tags == ["ok"]


def test_metadata_belongs_to_its_own_block():
    result = parse_gift("// [id:one]\nQ1{T}\n\nQ2{F}")
    assert [q.id for q in result.questions] == ["one", ""]


# --------------------------------------------------------------------------------------
# Categories


def test_categories_apply_to_following_questions():
    result = parse_gift(
        "Q0{T}\n\n$CATEGORY: $course$/top/Unit 1: Realism//Power\n\nQ1{T}\n\nQ2{F}\n\n"
        "$CATEGORY:   other  \n\nQ3{T}\n\n$CATEGORY:\n\nQ4{T}"
    )
    assert [(q.text, q.category) for q in result.questions] == [
        ("Q0", ""),
        ("Q1", "$course$/top/Unit 1: Realism//Power"),
        ("Q2", "$course$/top/Unit 1: Realism//Power"),
        ("Q3", "other"),
        ("Q4", ""),
    ]
    assert result.warnings == []


def test_category_name_is_raw():
    assert one("$CATEGORY: a\\:b {c}\n\nQ{T}").category == "a\\:b {c}"


def test_question_right_after_category_warns():
    result = parse_gift("$CATEGORY: c\nQ{T}")
    assert [(q.text, q.category, q.line) for q in result.questions] == [("Q", "c", 2)]
    assert result.warnings[0].startswith("line 2: expected a blank line after $CATEGORY")


def test_escaped_category_colon_is_not_a_category():
    assert one(r"$CATEGORY\: x").kind == "description"


# --------------------------------------------------------------------------------------
# Formats


@pytest.mark.parametrize("fmt", FORMATS)
def test_format_prefix(fmt):
    q = one(f"::T::[{fmt}] **Bold** text{{T}}")
    assert q.format == fmt and q.text == "**Bold** text"


def test_format_defaults_to_moodle_and_unknown_prefix_is_text():
    q = one("[latex]x{T}")
    assert q.format == "moodle" and q.text == "[latex]x"


def test_answer_format_prefix_same_as_question_is_silent():
    result = parse_gift("[html]Q{=[html]<b>a</b>#[html]<i>f</i> ~b}")
    assert result.questions[0].answers[0] == GiftAnswer("<b>a</b>", 1.0, "<i>f</i>")
    assert result.warnings == []


def test_answer_format_prefix_different_from_question_warns():
    result = parse_gift("Q{=[html]<b>a</b> ~b####[plain]gf}")
    q = result.questions[0]
    assert q.answers[0].text == "<b>a</b>" and q.general_feedback == "gf"
    assert sorted(result.warnings) == [
        "line 1: [html] differs from the question's format [moodle]; the text is kept in the "
        "question's format",
        "line 1: [plain] differs from the question's format [moodle]; the text is kept in the "
        "question's format",
    ]


# --------------------------------------------------------------------------------------
# Layout: blank lines, line endings, lines


def test_questions_are_separated_by_blank_lines_and_lines_are_joined():
    result = parse_gift("  First line\n   second line{T}\n \t \nQ2{F}\n\n\n")
    assert [q.text for q in result.questions] == ["First line\nsecond line", "Q2"]
    assert [q.line for q in result.questions] == [1, 4]


def test_crlf_cr_and_bom():
    result = parse_gift("\ufeffQ1{T}\r\n\r\nQ2\r{F}\r\rQ3{T}")
    assert [q.text for q in result.questions] == ["Q1", "Q2", "Q3"]


def test_empty_input():
    assert parse_gift("") == GiftResult([], [])
    assert parse_gift("\n\n  \n// c\n") == GiftResult([], [])


def test_unicode_text_survives():
    q = one("Qu'est-ce que 東京? ☃\u00a0{=首都 ~村}")
    assert q.text == "Qu'est-ce que 東京? ☃\u00a0"
    assert q.answers[0].text == "首都"


# --------------------------------------------------------------------------------------
# Weights and warnings


@pytest.mark.parametrize("percent", STANDARD_PERCENTS)
def test_standard_weights_do_not_warn(percent):
    result = parse_gift(f"Q{{~%{percent}%a ~%-{percent}%b =c}}")
    assert result.warnings == []
    assert result.questions[0].answers[0].fraction == pytest.approx(percent / 100)


@pytest.mark.parametrize("weight", ["33.3", "150", "1", "99", "-7"])
def test_nonstandard_weights_warn_but_are_kept(weight):
    result = parse_gift(f"Q{{=%{weight}%a =b}}")
    q = result.questions[0]
    assert q.kind == "short"
    assert q.answers[0].fraction == pytest.approx(float(weight) / 100)
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(f"line 1: weight {weight}% is not one Moodle accepts")


def test_multiple_response_weights_not_adding_up_warn():
    result = parse_gift("Q\n{~%50%a ~%25%b ~c}")
    assert result.warnings == [
        "line 2: the positive weights add up to 75%, not 100%; Moodle refuses such a "
        "multiple-response question"
    ]


def test_weights_adding_up_do_not_warn():
    assert warnings_of("Q{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}") == []


# --------------------------------------------------------------------------------------
# Errors name the right line and say what was expected


ERROR_CASES = [
    ("Q1{T}\n\nQ2 {=a ~b\n\nQ3{T}", 3, "expected '}' to close the answer block"),
    ("Q {=a\n~b\n~c", 1, "expected '}' to close the answer block"),
    ("Q1{T}\n\nQ2\nwith } stray", 4, "unexpected '}' before any '{'"),
    ("Q {=a\n~b {~c}", 2, "expected '}' to close the answer block opened on line 1"),
    ("Q {=a ~b}\nand {T}", 2, "expected only one answer block"),
    ("Q {=a ~b}\nand }", 2, "expected only one answer block"),
    ("::Title without end\nQ{T}", 1, "expected '::' to close the question title"),
    ("Q\n{~}", 2, "expected at least two choices in a multiple-choice answer block, found 1"),
    ("Q\n{~only}", 2, "expected at least two choices"),
    ("Q{\nstray ~a =b}", 2, "expected each choice to start with '=' or '~', found 'stray'"),
    ("Q{\n=a\n~\n~b}", 3, "expected the choice's text after '~'"),
    ("Q{=a\n~#feedback only}", 2, "expected the choice's text after '~'"),
    ("Q{=a\n~%--5%b}", 2, "expected a weight like %50% or %-25%, found %--5%"),
    ("Q{#\n=1\n=abc}", 3, "expected a number, found 'abc'"),
    ("Q{#3,14}", 1, "expected a number, found '3,14' (use '.' as the decimal separator)"),
    ("Q{#1:x}", 1, "expected a tolerance after ':', found 'x'"),
    ("Q{#a..5}", 1, "expected a number before '..', found 'a'"),
    ("Q{#5..1}", 1, "expected the low end of the range first"),
    ("Q{#1e999}", 1, "expected a number of a reasonable size"),
    ("Q{#inf}", 1, "expected a number, found 'inf'"),
    ("Q\n{#}", 2, "expected a number after '#' in a numerical answer"),
    ("Q{#3\n=}", 2, "expected a number, found ''"),
    (
        "Q{#3 ~oops#fb}",
        1,
        "expected '#' and feedback after '~' in a numerical answer, found 'oops'",
    ),
    ("Q{\n=a -> 1\n=b 2\n=c -> 3}", 3, "expected '->' between the question and the answer"),
    ("Q{=a -> 1\n=b ->\n=c -> 3}", 2, "expected an answer after '->' in a matching pair"),
    ("Q{=a -> 1}", 1, "expected at least two matching pairs ('=question -> answer'), found 1"),
    ("Q{a -> 1 =b -> 2 =c -> 3}", 1, "expected each matching pair to start with '='"),
    ("Q{\nmaybe}", 2, "expected answers starting with '=' (short answer), '~' (choices)"),
    ("Q{=a\n=\n}", 2, "expected the answer's text after '='"),
    ("Q{true}", 1, "expected T, TRUE, F or FALSE in capitals for a true/false question"),
    ("Q{false#fb}", 1, "expected T, TRUE, F or FALSE in capitals"),
]


@pytest.mark.parametrize(("source", "line", "expected"), ERROR_CASES)
def test_errors_name_the_line_and_what_was_expected(source, line, expected):
    error = fail(source)
    assert error.line == line, str(error)
    assert expected in error.message
    assert str(error) == f"line {line}: {error.message}"


def test_error_is_a_value_error_with_attributes():
    error = fail("\n\n\nQ{=a ~b")
    assert isinstance(error, ValueError)
    assert (error.line, error.message) == (4, "expected '}' to close the answer block")
    assert str(error) == "line 4: expected '}' to close the answer block"


def test_huge_weight_is_an_error_not_a_crash():
    error = fail("Q{=a ~%9" + "9" * 400 + "%b}")
    assert error.line == 1 and "reasonable size" in error.message


def test_error_after_many_questions_reports_the_right_line():
    source = "\n\n".join(f"Q{i}{{T}}" for i in range(50)) + "\n\n// c\nbad{~a}\n"
    # Questions on lines 1, 3, ..., 99; the comment is line 101 and "bad" line 102.
    assert fail(source).line == 102


# --------------------------------------------------------------------------------------
# Writer


def test_writer_output_layout():
    questions = [
        GiftQuestion(
            "single",
            "Who's buried in Grant's tomb?",
            title="Grant",
            answers=[GiftAnswer("Grant", 0.0, "No."), GiftAnswer("no one", 1.0)],
            general_feedback="Think.",
        ),
        GiftQuestion(
            "truefalse",
            "1+1=2",
            answers=[GiftAnswer("true", 1.0, "yes"), GiftAnswer("false", 0.0, "no")],
            category="Maths: basics",
            id="tf]1",
            tags=["easy", "sums"],
        ),
        GiftQuestion(
            "missingword",
            "Grant is _____ in Grant's tomb.",
            answers=[GiftAnswer("buried"), GiftAnswer("entombed", 1.0)],
            category="Maths: basics",
        ),
        GiftQuestion("numerical", "Pi?", answers=[GiftAnswer("", 1.0, value=3.14, tolerance=0.01)]),
    ]
    assert write_gift(questions) == (
        "::Grant::Who's buried in Grant's tomb? {\n"
        "\t~Grant#No.\n"
        "\t=no one\n"
        "\t####Think.\n"
        "}\n"
        "\n"
        "$CATEGORY: Maths: basics\n"
        "\n"
        "// [id:tf\\]1]\n"
        "// [tag:easy]\n"
        "// [tag:sums]\n"
        "1+1\\=2 {TRUE#no#yes}\n"
        "\n"
        "Grant is {~buried =entombed} in Grant's tomb.\n"
        "\n"
        "$CATEGORY:\n"
        "\n"
        "Pi? {#\n"
        "\t=3.14:0.01\n"
        "}\n"
    )


def test_writer_escapes_everything_moodle_escapes():
    q = GiftQuestion("description", "a\\b #c =d ~e {f} g:h\ni")
    assert write_gift([q]) == "a\\\\b \\#c \\=d \\~e \\{f\\} g\\:h\\ni\n"


def test_writer_missing_word_blank_at_end_uses_escaped_newline():
    q = GiftQuestion(
        "missingword", "The answer is _____", answers=[GiftAnswer("a", 1.0), GiftAnswer("b")]
    )
    written = write_gift([q])
    assert written == "The answer is {=a ~b}\\n\n"
    assert parse_gift(written).questions == [q]


def test_writer_protects_texts_that_would_be_misread():
    questions = [
        GiftQuestion("description", "//not a comment"),
        GiftQuestion("description", "[html]literal"),
        GiftQuestion("description", ""),
        GiftQuestion("description", "$CATEGORY: not one"),
        GiftQuestion("description", "\ufeffstarts with a byte-order mark"),
        GiftQuestion("single", "Q", answers=[GiftAnswer("%50%x", 0.0), GiftAnswer("[b]", 1.0)]),
        GiftQuestion("single", "Q", answers=[GiftAnswer("a", 1.0), GiftAnswer("b", 1.0)]),
    ]
    written = write_gift(questions)
    assert parse_gift(written).questions == questions


def test_writer_rewrites_carriage_returns_as_newlines():
    q = GiftQuestion("description", "a\r\nb\rc")
    assert parse_gift(write_gift([q])).questions[0].text == "a\nb\nc"


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (GiftQuestion("poll", "Q"), "unknown kind"),
        (GiftQuestion("essay", "Q", format="rtf"), "unknown format"),
        (
            GiftQuestion("single", "Q", answers=[GiftAnswer("a", 0.5), GiftAnswer("b")]),
            "worth 100%",
        ),
        (GiftQuestion("single", "Q", answers=[GiftAnswer("a", 1.0)]), "at least two choices"),
        (
            GiftQuestion("multiple", "Q", answers=[GiftAnswer("", 1.0), GiftAnswer("b")]),
            "needs a text",
        ),
        (
            GiftQuestion(
                "missingword", "No blank", answers=[GiftAnswer("a", 1.0), GiftAnswer("b")]
            ),
            "blank",
        ),
        (GiftQuestion("short", "Q", answers=[GiftAnswer("a->b", 1.0)]), "'->'"),
        (GiftQuestion("short", "Q"), "needs an answer"),
        (
            GiftQuestion(
                "matching", "Q", answers=[GiftAnswer("a->", match="1"), GiftAnswer("b", match="2")]
            ),
            "'->'",
        ),
        (GiftQuestion("matching", "Q", answers=[GiftAnswer("a", match="1")]), "two pairs"),
        (GiftQuestion("numerical", "Q", answers=[GiftAnswer(value=float("nan"))]), "finite"),
        (GiftQuestion("numerical", "Q", answers=[GiftAnswer(low=2.0, high=1.0)]), "low <= high"),
        (GiftQuestion("truefalse", "Q", answers=[GiftAnswer("yes", 1.0)]), "'true' and 'false'"),
        (GiftQuestion("description", "Q", general_feedback="x"), "no answers"),
        (GiftQuestion("essay", "Q", answers=[GiftAnswer("a")]), "no answers"),
        (GiftQuestion("essay", "Q", tags=["<b>"]), "tag"),
        (GiftQuestion("essay", "Q", id="a\nb"), "id"),
        (GiftQuestion("essay", "Q", category="a\nb"), "span lines"),
        (GiftQuestion("short", "Q", answers=[GiftAnswer("a", 1.005)]), "weight"),
    ],
)
def test_writer_refuses_what_gift_cannot_express(question, message):
    with pytest.raises(ValueError) as caught:
        write_gift([question])
    assert message in str(caught.value)
    assert not isinstance(caught.value, GiftSyntaxError)


def test_write_nothing():
    assert write_gift([]) == ""


def test_parse_write_parse_of_a_realistic_file():
    source = (
        "// Unit 3\n$CATEGORY: $course$/top/Realism\n\n"
        "// [id:r1] [tag:waltz]\n::Anarchy::[markdown]In **Waltz**, anarchy means?{\n"
        "  =no world government#Yes.\n  ~chaos#No.\n  ~%-50%war of all#No.\n  ####See ch. 6.\n}\n\n"
        "::Regime::A security regime is {~a treaty =norms and rules ~an alliance}"
        " shared by states.\n\n"
        "Jervis wrote about the Concert of Europe.{TRUE#It was Jervis.#Right.}\n\n"
        "Year of the Congress of Vienna?{#1815:1 ~#Look it up.}\n\n"
        "Match the authors.{=Waltz -> neorealism =Keohane -> neoliberalism"
        " =Wendt -> constructivism}\n\n"
        "Who wrote 'Cooperation under the security dilemma'?"
        "{=Jervis =%50%Robert Jervis#Full name is fine}\n\n"
        "Discuss the security dilemma.{####Use examples.}\n\n"
        "::Read::Read chapter 3 before continuing.\n"
    )
    first = parse_gift(source)
    kinds = "single missingword truefalse numerical matching short essay description"
    assert [q.kind for q in first.questions] == kinds.split()
    assert {q.category for q in first.questions} == {"$course$/top/Realism"}
    again = parse_gift(write_gift(first.questions))
    assert again.questions == first.questions


# --------------------------------------------------------------------------------------
# Hypothesis: round trip


def normal(text: str) -> str:
    """What a text looks like after reading: CRs as newlines, PHP-trimmed."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip(PHP_WS)


TRICKY = [
    "~", "=", "#", "####", "{", "}", ":", "::", "\\", "\\n", "\n", "[", "]", "[html]",
    "[moodle]", "%", "%50%", "->", "-", ">", "//", "_____", "_", "..", "*", "T", "TRUE",
    "$CATEGORY:", " ", "\t", "\x0b", "\x00", "\u00a0", "\u2028", "\ufeff", "é", "東京", "🙂",
    "0",
]  # fmt: skip
characters = st.characters(exclude_categories=("Cs",), exclude_characters="\r")
chunks = st.one_of(st.sampled_from(TRICKY), st.text(characters, max_size=4))
texts = st.lists(chunks, max_size=6).map("".join).map(normal)
nonempty = texts.filter(bool)
without_arrow = texts.filter(lambda s: "->" not in s)
fractions = st.one_of(
    st.sampled_from([sign * p / 100 for p in STANDARD_PERCENTS for sign in (1, -1)]),
    st.floats(-1, 1, allow_nan=False),
)
finite = st.floats(allow_nan=False, allow_infinity=False)
metadata_chars = st.characters(exclude_categories=("Cs", "Cc"))
ids = st.text(metadata_chars, max_size=8).map(normal).filter(lambda s: "[tag:" not in s)
tags = (
    st.lists(st.one_of(metadata_chars, st.sampled_from(["]", "\\", "[", "\\]"])), max_size=6)
    .map("".join)
    .map(normal)
    .filter(lambda s: s and "<" not in s and ">" not in s and "[id:" not in s)
)
categories = st.one_of(
    st.sampled_from(["", "top", "$course$/top/A: B//C"]),
    st.text(characters.filter(lambda c: c != "\n"), max_size=10).map(normal),
)


def choices(draw, single: bool) -> list[GiftAnswer]:
    answers = draw(
        st.lists(st.builds(GiftAnswer, nonempty, fractions, texts), min_size=2, max_size=5)
    )
    if single and not any(answer.fraction == 1.0 for answer in answers):
        answers[draw(st.integers(0, len(answers) - 1))].fraction = 1.0
    return answers


def numerical_answers():
    exact = st.builds(
        lambda v, t, f, fb: GiftAnswer("", f, fb, value=v, tolerance=t),
        finite,
        st.floats(0, 1e12),
        fractions,
        texts,
    )
    ranged = st.builds(
        lambda a, b, f, fb: GiftAnswer("", f, fb, low=min(a, b), high=max(a, b)),
        finite,
        finite,
        fractions,
        texts,
    )
    anything = st.builds(lambda f, fb: GiftAnswer("*", f, fb), fractions, texts)
    return st.one_of(exact, ranged, anything)


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(KINDS))
    text = draw(texts)
    answers: list[GiftAnswer] = []
    if kind in ("single", "multiple", "missingword"):
        answers = choices(draw, single=kind != "multiple")
        if kind == "missingword":
            text = normal(draw(texts) + BLANK + draw(texts))
    elif kind == "truefalse":
        right = draw(st.booleans())
        answers = [
            GiftAnswer("true", 1.0 if right else 0.0, draw(texts)),
            GiftAnswer("false", 0.0 if right else 1.0, draw(texts)),
        ]
    elif kind == "short":
        answers = draw(
            st.lists(
                st.builds(GiftAnswer, without_arrow.filter(bool), fractions, without_arrow),
                min_size=1,
                max_size=4,
            )
        )
    elif kind == "numerical":
        answers = draw(st.lists(numerical_answers(), min_size=1, max_size=4))
    elif kind == "matching":
        pair = st.builds(lambda a, b: GiftAnswer(a, match=b), without_arrow, nonempty)
        answers = draw(st.lists(pair, min_size=2, max_size=5))
    return GiftQuestion(
        kind,
        text,
        title=draw(texts),
        format=draw(st.sampled_from(FORMATS)),
        answers=answers,
        general_feedback="" if kind == "description" else draw(texts),
        category=draw(categories),
        id=draw(ids),
        tags=draw(st.lists(tags, max_size=3)),
    )


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(questions(), max_size=5))
def test_round_trip(generated):
    written = write_gift(generated)
    assert parse_gift(written).questions == generated, written


@settings(max_examples=200, deadline=None)
@given(questions())
def test_round_trip_is_stable_text(question):
    written = write_gift([question])
    assert write_gift(parse_gift(written).questions) == written


# --------------------------------------------------------------------------------------
# Hypothesis: fuzzing the reader


SOUP = [
    "{", "}", "~", "=", "#", "####", "\\", "\\\\", "\\n", "\\{", "\\}", "::", "//", ":",
    "$CATEGORY:", "\n", "\n\n", "\r", " ", "->", "-", "%", "%50%", "%--5%", "%-100%",
    "[html]", "[", "]", "..", "T", "TRUE", "false", "*", "0", "1", "3.5", "e5", "a", "b",
    "_____", "[id:", "[tag:", "\\]", "\ufeff", "\x00", "\x0b", "東",
]  # fmt: skip
soups = st.lists(st.sampled_from(SOUP), max_size=80).map("".join)


def parses_or_raises(text: str) -> GiftResult | None:
    """The reader's contract: a result or GiftSyntaxError with a sensible line, never
    anything else."""
    try:
        result = parse_gift(text)
    except GiftSyntaxError as error:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        assert 1 <= error.line <= len(lines)
        assert str(error) == f"line {error.line}: {error.message}"
        assert error.message
        return None
    for question in result.questions:
        assert question.kind in KINDS and question.format in FORMATS
        assert question.line >= 1
    assert all(warning.startswith("line ") for warning in result.warnings)
    return result


@settings(max_examples=500, deadline=None)
@given(st.text())
def test_fuzz_any_text(text):
    parses_or_raises(text)


@settings(max_examples=1500, deadline=None)
@given(soups)
def test_fuzz_brace_and_escape_soup(text):
    result = parses_or_raises(text)
    if result is None:
        return
    # Whatever the reader accepts, the writer reproduces.
    try:
        written = write_gift(result.questions)
    except ValueError:
        # Only metadata can be unwritable: e.g. "[id:[tag:x]" reads as both an id and a tag.
        assume(False)
    assert parse_gift(written).questions == result.questions, written


# --------------------------------------------------------------------------------------
# Adversarial sizes: each must finish (timing is printed, not asserted)


ADVERSARIAL = {
    "50,000 '{'": "{" * 50_000,
    "50,000 '{' then '}'": "Q" + "{" * 50_000 + "}",
    "100,000 backslashes": "\\" * 100_000,
    "50,000 escaped braces in a block": "Q{=a ~" + "\\{" * 50_000 + "}",
    "50,000 escaped hashes": "Q{=a ~" + "\\#" * 50_000 + "}",
    "100,000 hashes": "Q{" + "#" * 100_000 + "}",
    "32,000 choices": "Q{" + "~a =b " * 16_000 + "}",
    "50,000 '::'": "::" * 50_000,
    "20,000 '[tag:'": "// " + "[tag:" * 20_000 + "\nQ{T}",
    "percent soup": "Q{=a ~" + "%" * 100_000 + "}",
    "minus soup": "Q{=a ~%" + "-" * 100_000 + "}",
    "digit soup": "Q{#" + "1" * 100_000 + "}",
    "dots soup": "Q{#" + "." * 100_000 + "}",
    "16,000 matching pairs": "Q{" + "=a->b " * 16_000 + "}",
    "15,000 questions": "Q{T}\n\n" * 15_000,
    "brace soup lines": "{\n}\n" * 25_000,
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_input_gives_questions_or_an_error_on_a_real_line(name):
    """Each input ends in questions or in an error naming a line of the input; how fast
    is for `make bench` (GIFT parse timings), not for a test."""
    source = ADVERSARIAL[name]
    try:
        result = parse_gift(source)
    except GiftSyntaxError as error:
        assert 1 <= error.line <= source.count("\n") + 1
    else:
        assert result.questions or result.warnings


def test_points_travel_in_a_comment_moodle_ignores():
    q = GiftQuestion("essay", "Explain.", title="e", points=5)
    text = write_gift([q])
    assert text.startswith("// [points:5]\n")
    assert parse_gift(text).questions == [q]
    # One point is the default and is not written, so course files stay as they are.
    assert "points" not in write_gift([GiftQuestion("essay", "Explain.")])


def test_points_that_are_not_a_whole_number_are_refused_by_line():
    # The line is the question's own (its first line after the comments).
    with pytest.raises(GiftSyntaxError, match=r"^line 4: expected a whole number of points"):
        parse_gift("::a:: A {}\n\n// [points:1.5]\n::b:: B {}\n")
