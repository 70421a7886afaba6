"""The authoring lint: each cue to the key it looks for, and no warning without one."""

from apps.quizzes.lint import Item, question_warnings, quiz_warnings


def single(title, key, *wrong, line=3):
    return Item("single", title, line, [(key, 1.0)] + [(text, 0.0) for text in wrong])


def truefalse(title, verdict: bool):
    return Item("truefalse", title, 0, [("true", float(verdict)), ("false", float(not verdict))])


def test_a_balanced_question_draws_no_warning():
    item = single("fair", "States balance power", "States trust a world court", "States disarm")
    assert question_warnings(item) == []


def test_a_key_clearly_longer_than_every_wrong_option_is_named_with_its_line():
    item = single(
        "long", "Because anarchy leaves each state to provide its own security", "Luck", "Fate"
    )
    [warning] = question_warnings(item)
    assert warning.startswith("line 3: “long”") and "clearly the longest" in warning


def test_a_key_that_alone_breaks_the_pattern_of_first_words_or_full_stops():
    words = single(
        "words", "Realism predicts it", "Because of law", "Because of trust", "Because of fear"
    )
    assert any("does not begin with “because”" in w for w in question_warnings(words))
    stops = single("stops", "Deterrence.", "Law", "Trust", "Hope")
    assert any("ends with a full stop" in w for w in question_warnings(stops))


def test_a_quiz_whose_true_false_items_are_all_one_way():
    assert quiz_warnings([truefalse("a", False), truefalse("b", False)]) == [
        "all 2 true/false items are false"
    ]
    assert quiz_warnings([truefalse("a", False), truefalse("b", True)]) == []


def test_a_quiz_whose_key_is_always_in_the_same_written_place():
    items = [single(f"q{n}", f"Key {n}", f"Wro {n}", f"Bad {n}") for n in range(3)]
    assert any("always option 1" in w for w in quiz_warnings(items))
    items.append(Item("single", "q3", 0, [("Wro", 0.0), ("Key", 1.0), ("Bad", 0.0)]))
    assert not any("always option" in w for w in quiz_warnings(items))


def test_a_numerical_catch_all_that_earns_credit():
    item = Item("numerical", "year", 0, [("", 1.0), ("*", 0.5)])
    assert question_warnings(item) == [
        "“year”: the catch-all answer (any other number) earns credit"
    ]
    assert question_warnings(Item("numerical", "year", 0, [("", 1.0), ("*", 0.0)])) == []
