"""Moodle XML: hand-written samples from Moodle's documented format, the round trip, and
hostile or unmappable files refused by line with the question named."""

from dataclasses import replace
from pathlib import Path

import pytest

from apps.quizzes.formats import GIFT, MOODLE_XML, format_of, parse_questions
from apps.quizzes.gift import GiftAnswer, GiftQuestion, GiftSyntaxError, parse_gift
from apps.quizzes.moodlexml import MoodleXmlError, parse_moodle_xml, write_moodle_xml
from tests.quizzes.conftest import EVERY_KIND

SAMPLES = Path(__file__).parent / "samples"


def sample(name: str) -> str:
    return (SAMPLES / name).read_text(encoding="utf-8")


def by_title(text: str) -> dict[str, GiftQuestion]:
    return {q.title: q for q in parse_moodle_xml(text).questions}


def test_the_sample_maps_every_moodle_type_onto_a_kind():
    questions = parse_moodle_xml(sample("moodle_every_type.xml")).questions
    assert [(q.title, q.kind) for q in questions] == [
        ("Self-help", "single"),
        ("Features", "multiple"),
        ("League", "truefalse"),
        ("Author", "short"),
        ("Crimea", "numerical"),
        ("Views", "matching"),
        ("Vienna", "missingword"),
        ("Not an organization", "essay"),
        ("Part two", "description"),
        ("Cloze year", "numerical"),
        ("Cloze choice", "missingword"),
    ]
    assert [q.line for q in questions][:3] == [14, 64, 90]


def test_names_texts_feedback_hints_penalty_points_ids_and_tags_are_read():
    q = by_title(sample("moodle_every_type.xml"))["Self-help"]
    assert q == GiftQuestion(
        "single",
        "<p>Which view expects states to rely on <em>themselves</em>?</p>",
        title="Self-help",
        format="html",
        answers=[
            GiftAnswer("Realism", 1.0, "Yes."),
            GiftAnswer("Collective security", 0.0, "No: it counts on all."),
        ],
        general_feedback="<p>Realism starts from anarchy.</p>",
        category="$course$/top/Regimes/Basics",
        id="SH-1",
        tags=["realism", "week 1"],
        points=2,
        hints=["Think of anarchy.", "Who helps a state when nobody governs?"],
        penalty=0.5,
    )


def test_categories_apply_to_the_questions_after_them():
    questions = by_title(sample("moodle_every_type.xml"))
    assert questions["League"].category == "$course$/top/Regimes/Basics"
    assert questions["Author"].category == "$course$/top/Regimes/Facts"


def test_each_kind_keeps_its_answers():
    q = by_title(sample("moodle_every_type.xml"))
    assert [(a.text, a.fraction) for a in q["Features"].answers] == [
        ("Shared norms", 0.5), ("Reciprocity", 0.5), ("A world government", -1.0)
    ]  # fmt: skip
    assert q["Author"].format == "plain"
    assert [(a.text, a.fraction, a.feedback) for a in q["Author"].answers][1] == (
        "Charles", 0.5, "His family name, please."
    )  # fmt: skip
    assert q["Crimea"].answers == [
        GiftAnswer("", 1.0, value=1853.0),
        GiftAnswer("*", 0.0, "It began in 1853."),
    ]
    assert [(a.text, a.match) for a in q["Views"].answers] == [
        ("Realism", "Self-help"),
        ("Collective security", "All against any aggressor"),
        ("", "World government"),
    ]
    assert q["Views"].points == 3 and q["Not an organization"].points == 5


def test_a_gapselect_with_one_gap_is_a_missing_word_over_its_group():
    q = by_title(sample("moodle_every_type.xml"))["Vienna"]
    assert q.text == "The Concert of Europe began in _____ at Vienna."
    # Paris is in another group, so it is not an option for this gap.
    assert [(a.text, a.fraction) for a in q.answers] == [("1848", 0), ("1815", 1), ("1919", 0)]


def test_a_cloze_question_with_one_gap_becomes_the_matching_kind():
    q = by_title(sample("moodle_every_type.xml"))
    year, choice = q["Cloze year"], q["Cloze choice"]
    assert year.text == "<p>The Congress of Vienna closed in _____.</p>"
    assert year.answers == [
        GiftAnswer("", 1.0, "Yes", value=1815.0),
        GiftAnswer("", 0.5, "Close: it opened then", value=1814.0),
    ]
    assert choice.kind == "missingword"
    assert [(a.text, a.fraction, a.feedback) for a in choice.answers] == [
        ("a set of shared rules and expectations", 1.0, "Yes"),
        ("an alliance", 0.0, "No: that is collective defence"),
        ("a world government", 0.0, ""),
    ]


def test_a_cloze_question_with_two_gaps_is_refused_naming_question_and_line():
    with pytest.raises(MoodleXmlError) as error:
        parse_moodle_xml(sample("moodle_cloze_two_gaps.xml"))
    assert error.value.line == 8
    assert "question 'Two gaps'" in str(error.value) and "2 gaps" in str(error.value)
    # A GIFT error by type, so every import path reports it the same way.
    assert isinstance(error.value, GiftSyntaxError)


QUIZ = '<?xml version="1.0"?>\n<quiz>\n{}\n</quiz>\n'


def one(body: str) -> str:
    return QUIZ.format(body)


def test_a_type_without_a_kind_is_refused_by_name_and_line():
    text = one(
        '<question type="shortanswer"><name><text>ok</text></name>'
        '<questiontext><text>Q</text></questiontext><answer fraction="100"><text>a</text>'
        "</answer></question>\n"
        '<question type="calculated">\n<name><text>Speed</text></name></question>'
    )
    with pytest.raises(MoodleXmlError, match=r"^line 4: question 'Speed': Moodle's calculated"):
        parse_moodle_xml(text)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('<question type="multichoice"><answer fraction="150"><text>a</text></answer>'
         '<answer fraction="0"><text>b</text></answer></question>', "outside -100..100"),
        ('<question type="numerical"><answer fraction="100"><text>ten</text></answer>'
         "</question>", "expected a number, found 'ten'"),
        ('<question type="truefalse"><answer fraction="100"><text>yes</text></answer>'
         "</question>", "the answers 'true' and 'false'"),
        ('<question type="essay"><defaultgrade>-1</defaultgrade></question>',
         "<defaultgrade> must be from 0"),
        ('<question type="essay"><penalty>2</penalty></question>', "<penalty> must be from 0 to 1"),
        ('<question type="essay"><questiontext format="rtf"><text>Q</text></questiontext>'
         "</question>", "unknown text format 'rtf'"),
        ('<question type="matching"><subquestion><text>a</text></subquestion></question>',
         "a matching pair needs an answer"),
    ],
)  # fmt: skip
def test_malformed_questions_are_refused_with_a_reason(body, message):
    with pytest.raises(MoodleXmlError, match=message):
        parse_moodle_xml(one(body))


def test_xml_that_is_not_well_formed_names_its_line():
    with pytest.raises(MoodleXmlError, match=r"^line 3: not well-formed XML"):
        parse_moodle_xml('<?xml version="1.0"?>\n<quiz>\n<question type="essay"></quiz>')


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<quiz><question type="description"><questiontext><text>&lol4;</text></questiontext>
</question></quiz>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="description"><questiontext><text>&secret;</text></questiontext>
</question></quiz>
"""


@pytest.mark.parametrize("text", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["laughs", "external"])
def test_entity_tricks_are_refused_before_any_entity_is_read(text):
    with pytest.raises(MoodleXmlError, match=r"^line 2: .*document type.*refused"):
        parse_moodle_xml(text)


def test_an_undeclared_entity_is_an_error_not_an_empty_text():
    with pytest.raises(MoodleXmlError, match="not well-formed XML: undefined entity"):
        parse_moodle_xml(one('<question type="essay"><name><text>&nope;</text></name></question>'))


def test_what_has_no_place_here_is_dropped_with_a_warning():
    text = one(
        '<question type="shortanswer"><name><text>Case</text></name>'
        "<questiontext><text>Q</text></questiontext><defaultgrade>1.5</defaultgrade>"
        '<usecase>1</usecase><answer fraction="100"><text>A</text></answer></question>\n'
        '<question type="multichoice"><name><text>Mc</text></name>'
        "<questiontext><text>Q</text></questiontext>"
        "<correctfeedback><text>Well done</text></correctfeedback>"
        '<answer fraction="100"><text>a</text></answer><answer fraction="0"><text>b</text>'
        "</answer></question>"
    )
    result = parse_moodle_xml(text)
    assert result.questions[0].points == 2
    joined = "\n".join(result.warnings)
    assert "line 3: question 'Case': 1.5 points rounded to 2" in joined
    assert "without regard to case" in joined
    assert "line 4: question 'Mc': <correctfeedback> is not kept" in joined


def test_a_multichoice_with_the_blank_is_a_missing_word_as_moodle_stores_gift():
    text = one(
        '<question type="multichoice"><questiontext format="moodle_auto_format"><text>'
        "Vienna met in _____.</text></questiontext><single>true</single>"
        '<answer fraction="100"><text>1815</text></answer><answer fraction="0"><text>1914'
        "</text></answer></question>"
    )
    assert parse_moodle_xml(text).questions[0].kind == "missingword"


def extras() -> list[GiftQuestion]:
    """Questions using what GIFT cannot say: hints, penalty, HTML, several categories."""
    base = parse_gift(EVERY_KIND).questions
    base[0] = replace(base[0], points=4, hints=["One.", "Two & <three>"], penalty=0.1,
                      category="$course$/top/A", tags=["x", "y z"], id="Q-1")  # fmt: skip
    base[2] = replace(base[2], category="$course$/top/B", format="html", text="<p>T &amp; F</p>")
    base.append(GiftQuestion("description", "Between parts.", title="part", points=0))
    base.append(GiftQuestion("numerical", "Pi?", answers=[
        GiftAnswer("", 1.0, "Yes", value=3.14, tolerance=0.01),
        GiftAnswer("", 0.5, value=-2.5, tolerance=0.5),
        GiftAnswer("*", 0.0, "No."),
    ], title="pi"))  # fmt: skip
    return base


def test_export_then_import_gives_the_same_questions():
    questions = extras()
    assert parse_moodle_xml(write_moodle_xml(questions)).questions == questions


def test_the_course_sample_round_trips_through_the_writer():
    questions = parse_moodle_xml(sample("moodle_every_type.xml")).questions
    assert parse_moodle_xml(write_moodle_xml(questions)).questions == questions


def test_a_numerical_range_is_written_as_its_midpoint_and_half_width():
    q = GiftQuestion("numerical", "When?", answers=[GiftAnswer("", 1.0, low=1814.0, high=1816.0)])
    (back,) = parse_moodle_xml(write_moodle_xml([q])).questions
    assert (back.answers[0].value, back.answers[0].tolerance) == (1815.0, 1.0)


def test_the_writer_escapes_markup_and_refuses_what_xml_cannot_hold():
    q = GiftQuestion("essay", "a < b & ]]> c", title="x")
    assert "a &lt; b &amp; ]]&gt; c" in write_moodle_xml([q])
    with pytest.raises(ValueError, match="question 1 .*control character"):
        write_moodle_xml([GiftQuestion("essay", "bell \x07")])


def test_the_format_is_told_by_the_content():
    assert format_of(sample("moodle_every_type.xml")) == MOODLE_XML
    assert format_of("\ufeff  <quiz>\n</quiz>") == MOODLE_XML
    assert format_of(EVERY_KIND) == GIFT
    assert format_of("<p>An HTML description</p>") == GIFT
    assert format_of(BILLION_LAUGHS) == MOODLE_XML
    assert len(parse_questions(EVERY_KIND).questions) == 8


def test_an_answer_without_text_is_refused_by_its_line():
    text = one(
        '<question type="shortanswer"><name><text>Empty</text></name>\n'
        '<answer fraction="100"><text></text></answer></question>'
    )
    with pytest.raises(MoodleXmlError, match=r"^line 4: question 'Empty': an answer needs a text"):
        parse_moodle_xml(text)


def test_telling_the_format_takes_linear_time_on_many_comments():
    # Nested repetition in a regular expression would try every grouping of these.
    assert format_of("<!-- a --> " * 20_000 + "no quiz here") == GIFT
    assert format_of("<!-- a -->\n" * 3 + "<quiz>") == MOODLE_XML


def test_many_unclosed_cloze_gaps_are_read_in_linear_time():
    text = "{1:SA:=a " * 50_000
    body = f'<question type="cloze"><name><text>Big</text></name><questiontext><text>{text}'
    with pytest.raises(MoodleXmlError, match="with 0 gaps"):
        parse_moodle_xml(one(body + "</text></questiontext></question>"))


# Misconceptions travel as question tags "misconception:N:slug" (N counts the <answer>s).

TAGGED = """\
::Regime or body:: What is an international regime? {
  =A set of shared principles, norms, rules and procedures in one issue area.
  ~An international organisation with a headquarters and staff.
  // [misconception:a-regime-is-an-organisation]
  ~A treaty signed by the great powers.
}

// [tag:regimes]
// [misconception:a-regime-is-an-organisation]
::Same thing:: A regime is the same thing as an organisation. {FALSE}

::Kind of thing:: A regime is a set of _____ in one issue area. {
  =rules
  =%0%*organi*ation*#No: an organisation can serve a regime, but it is not one.
  // [misconception:a-regime-is-an-organisation]
}

::Year:: When did the Crimean War begin? {#
  =1853:0
  =%0%1914:0#That is the First World War.
  // [misconception:wrong-war]
}
"""


def test_misconceptions_are_written_as_tags_naming_the_answer_and_read_back():
    questions = parse_gift(TAGGED).questions
    written = write_moodle_xml(questions)
    assert "<text>misconception:2:a-regime-is-an-organisation</text>" in written
    # True/false: the wrong value is "true", the first <answer> written.
    assert "<text>regimes</text>" in written
    assert "<text>misconception:1:a-regime-is-an-organisation</text>" in written
    assert "<text>misconception:2:wrong-war</text>" in written
    back = parse_moodle_xml(written).questions
    assert back == questions
    assert back[1].tags == ["regimes"]
    assert [a.misconception for a in back[0].answers] == ["", "a-regime-is-an-organisation", ""]


def moodle_question(answers: str, tags: str, moodle_type: str = "multichoice") -> str:
    return (
        f'<?xml version="1.0"?>\n<quiz>\n<question type="{moodle_type}"><name><text>Q</text>'
        f"</name><questiontext><text>Pick</text></questiontext>\n{answers}\n"
        f"<tags>\n{tags}\n</tags></question>\n</quiz>\n"
    )


ANSWERS = (
    '<answer fraction="100"><text>rules</text></answer>'
    '<answer fraction="0"><text>an organisation</text></answer>'
)


def test_a_tag_from_moodle_tags_the_answer_it_counts_to():
    text = moodle_question(
        '<answer fraction="100"><text>false</text></answer>'
        '<answer fraction="0"><text>true</text></answer>',
        "<tag><text>Misconception:2: a-regime-is-an-organisation</text></tag>"
        "<tag><text>misconception: of a kind</text></tag>",
        "truefalse",
    )
    (question,) = parse_moodle_xml(text).questions
    # The reader puts true first; the tag followed the answer, not its place.
    assert [(a.text, a.misconception) for a in question.answers] == [
        ("true", "a-regime-is-an-organisation"),
        ("false", ""),
    ]
    assert question.tags == ["misconception: of a kind"]  # not a marker: an ordinary tag


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("<tag><text>misconception:3:x</text></tag>", "names answer 3; the question has 2"),
        ("<tag><text>misconception:0:x</text></tag>", "names answer 0"),
        ("<tag><text>misconception:1:x</text></tag>", "tags a wrong answer, not a right one"),
        ("<tag><text>misconception:2:Not A Slug</text></tag>", "expected a slug"),
        (
            "<tag><text>misconception:2:a</text></tag>\n<tag><text>misconception:2:b</text></tag>",
            "already has a misconception",
        ),
    ],
)
def test_a_misconception_tag_that_cannot_apply_is_refused_by_its_line(tags, message):
    with pytest.raises(MoodleXmlError, match=rf"line \d+: question 'Q': .*{message}"):
        parse_moodle_xml(moodle_question(ANSWERS, tags))


def test_a_misconception_tag_on_a_type_without_answers_is_refused():
    text = moodle_question("", "<tag><text>misconception:1:x</text></tag>", "essay")
    with pytest.raises(MoodleXmlError, match="essay has not"):
        parse_moodle_xml(text)


def test_the_writer_refuses_a_plain_tag_that_would_read_back_as_a_misconception():
    question = replace(parse_gift(TAGGED).questions[0], tags=["misconception:1:sly"])
    with pytest.raises(ValueError, match="would read back as an answer's misconception"):
        write_moodle_xml([question])
