"""One specification per question kind: what the engine needs to know about a kind lives
here, and every other place (models, grading, forms, GIFT, the take and review pages, the
statistics) asks it. Adding a kind means a spec below, its grader in grading.py, its
editor in teaching.forms.EDITORS and its answer partial, templates/quizzes/kinds/<kind>.html.
"""

from collections.abc import Callable
from dataclasses import dataclass

from apps.quizzes import grading
from apps.quizzes.grading import Grade

SINGLE = "single"
MULTIPLE = "multiple"
TRUEFALSE = "truefalse"
SHORT = "short"
NUMERICAL = "numerical"
MATCHING = "matching"
MISSINGWORD = "missingword"
ESSAY = "essay"
DESCRIPTION = "description"


@dataclass(frozen=True)
class KindSpec:
    value: str
    label: str
    # (choices, answer) -> Grade; None for a text that is not a question.
    grader: Callable[[list, object], Grade] | None
    # Answered by picking listed options (single, multiple, true/false, missing word).
    lists_choices: bool = False
    picks_many: bool = False
    # Answered by pairing each item with one of a set of texts.
    pairs: bool = False
    # Options (or matching rows) appear in an order drawn for each attempt.
    shuffled: bool = False
    # The answer can sit in the blank of the sentence (_____ in the text).
    fits_blank: bool = False
    # Answered by typing, up to this many characters (0: not typed).
    typed_length: int = 0
    # Graded on the spot, so it can be checked (essays wait for a person).
    grades_itself: bool = True
    scored: bool = True
    # The template that shows this kind's answer inputs on the take page (in quizzes/kinds/).
    partial: str = ""


CHOICES = "quizzes/kinds/choices.html"
WORD = "quizzes/kinds/word.html"

SPECS = (
    KindSpec(
        SINGLE,
        "Single choice",
        grading.grade_single,
        lists_choices=True,
        shuffled=True,
        partial=CHOICES,
    ),
    KindSpec(
        MULTIPLE,
        "Multiple response",
        grading.grade_multiple,
        lists_choices=True,
        picks_many=True,
        shuffled=True,
        partial=CHOICES,
    ),
    # True is always shown first: a fixed order says nothing, whatever the key.
    KindSpec(TRUEFALSE, "True/false", grading.grade_single, lists_choices=True, partial=CHOICES),
    KindSpec(
        SHORT, "Short answer", grading.grade_short, fits_blank=True, typed_length=500, partial=WORD
    ),
    KindSpec(
        NUMERICAL,
        "Numerical",
        grading.grade_numerical,
        fits_blank=True,
        typed_length=500,
        partial=WORD,
    ),
    KindSpec(
        MATCHING,
        "Matching",
        grading.grade_matching,
        pairs=True,
        shuffled=True,
        partial="quizzes/kinds/matching.html",
    ),
    KindSpec(
        MISSINGWORD,
        "Missing word",
        grading.grade_single,
        lists_choices=True,
        shuffled=True,
        fits_blank=True,
        partial=WORD,
    ),
    KindSpec(
        ESSAY,
        "Essay",
        grading.grade_essay,
        typed_length=50_000,
        grades_itself=False,
        partial="quizzes/kinds/essay.html",
    ),
    KindSpec(DESCRIPTION, "Text only (not a question)", None, grades_itself=False, scored=False),
)
KINDS: dict[str, KindSpec] = {spec.value: spec for spec in SPECS}


def spec_of(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown question kind {kind!r}") from None


def grade_response(question, answer) -> Grade:
    """Grade `answer` to `question`: a fraction in [0, 1] (None = awaiting a person) and
    the feedback that the chosen or matched answer carries."""
    grader = spec_of(question.kind).grader
    if grader is None:
        return grading.AWAITING_A_PERSON
    choices = list(question.choice_list)
    grade = grader(choices, answer)
    if question.kind == SHORT and grade.fraction == 0 and getattr(question, "hint_spelling", False):
        return Grade(0.0, grade.feedback + grading.spelling_hint(choices, answer))
    return grade
