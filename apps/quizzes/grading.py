"""Grading: pure functions from a question's choices and a student's answer to a grade,
one per way of grading (kinds.py says which kind uses which).

No database here. A question-like object has `kind` and `choice_list` (a sequence of
choice-likes with `id`, `text`, `fraction`, `feedback_html`, `match_text`, `value`,
`tolerance`, `low`, `high`), so tests can grade plain namespaces.

Answers are the JSON stored on a Response, one shape per kind:

    single, truefalse, missingword   a choice id (a missing word is picked from a list)
    multiple                         a list of choice ids
    short, numerical, essay          the text typed
    matching                         {"<choice id>": "<chosen right-hand text>"}

`None` (or an empty value) means unanswered, which earns 0 and no feedback. Essays with text
grade to `None` until an instructor grades them; description items are never graded.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.utils.html import format_html


class Grade(NamedTuple):
    fraction: float | None
    feedback: str  # safe HTML


UNANSWERED = Grade(0.0, "")
AWAITING_A_PERSON = Grade(None, "")


def _clamp(fraction: float) -> float:
    """Into [0, 1], to six places: Moodle's thirds (33.33333%) then add up to exactly 1."""
    return round(min(1.0, max(0.0, fraction)), 6)


def _choice_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def grade_single(choices, answer) -> Grade:
    chosen = _choice_id(answer)
    for choice in choices:
        if choice.id == chosen:
            return Grade(_clamp(choice.fraction), choice.feedback_html)
    return UNANSWERED


def grade_multiple(choices, answer) -> Grade:
    """Sum of the picked options' fractions: wrong picks subtract, the total stays in [0, 1]."""
    if not isinstance(answer, list):
        return UNANSWERED
    picked = {_choice_id(value) for value in answer}
    chosen = [c for c in choices if c.id in picked]
    if not chosen:
        return UNANSWERED
    total = sum(c.fraction for c in chosen)
    return Grade(_clamp(total), "".join(c.feedback_html for c in chosen))


def normalise_text(text: str) -> str:
    """Case-, width- and spacing-insensitive form: NFKC, casefolded, runs of whitespace
    collapsed to one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _text(answer) -> str:
    return answer.strip() if isinstance(answer, str) else ""


def grade_essay(choices, answer) -> Grade:
    """An essay with text waits for a person; an empty one earns nothing."""
    return AWAITING_A_PERSON if _text(answer) else UNANSWERED


def matches_pattern(pattern: str, typed: str) -> bool:
    """Moodle's short-answer wildcard: `*` stands for any run of characters.

    Greedy, leftmost matching of the literal pieces between the stars is exact for
    star-only patterns, and takes time linear in the answer per piece (no backtracking,
    so `*a*a*a*b` against a long answer costs microseconds, not seconds).
    """
    pieces = normalise_text(pattern).split("*")
    if len(pieces) == 1:
        return pieces[0] == typed
    first, *middle, last = pieces
    if len(typed) < len(first) + len(last):
        return False
    if not typed.startswith(first) or not typed.endswith(last):
        return False
    at, end = len(first), len(typed) - len(last)
    for piece in middle:
        found = typed.find(piece, at, end)
        if found == -1:
            return False
        at = found + len(piece)
    return True


def short_match(choices, answer):
    """The answer that decides a typed short answer's grade: as in Moodle, the first in
    the author's order whose pattern matches; None when none does or nothing was typed."""
    typed = normalise_text(_text(answer))
    return next((c for c in choices if matches_pattern(c.text, typed)), None) if typed else None


def grade_short(choices, answer) -> Grade:
    if not normalise_text(_text(answer)):
        return UNANSWERED
    first = short_match(choices, answer)
    if first is None:
        return Grade(0.0, "")
    return Grade(_clamp(first.fraction), first.feedback_html)


NUMBER_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?")


def parse_number(text: str) -> Decimal | None:
    """Read a typed number, or None when it is not one.

    Accepted: `1815`, `-2.5`, `+3`, `.5`, `1e3`, a Unicode minus (−), full-width digits,
    spaces between digit groups (`10 000`), and a decimal comma when it is the only
    separator (`3,14` is 3.14, since many students write decimals that way). Refused
    rather than guessed: a comma before exactly three digits (`4,950` is 4950 to some
    readers and 4.95 to others) and any other comma (`1,234.5`); also `inf`, `nan`,
    fractions and units.
    """
    text = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    text = re.sub(r"(?<=\d)\s+(?=\d)", "", text)
    if text.count(",") == 1 and "." not in text:
        whole, _, decimals = text.partition(",")
        if len(decimals) == 3:
            return None
        text = f"{whole}.{decimals}"
    if not NUMBER_RE.fullmatch(text.lower()):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _decimal(value: float) -> Decimal:
    # repr() gives the shortest string that round-trips, so 3.14 compares as exactly 3.14
    # and a value on the edge of a tolerance is not lost to binary floating point.
    return Decimal(repr(value))


def numerical_accepts(choice, number: Decimal) -> bool:
    """A range `low..high` is inclusive at both ends; otherwise `value ± tolerance`. An
    answer `*` without a value accepts any number (GIFT's catch-all for feedback)."""
    if choice.low is not None and choice.high is not None:
        return _decimal(choice.low) <= number <= _decimal(choice.high)
    if choice.value is None:
        return choice.text == "*"
    return abs(number - _decimal(choice.value)) <= _decimal(abs(choice.tolerance or 0.0))


def numerical_match(choices, answer):
    """The answer that decides a typed number's grade: as in Moodle, the first in the
    author's order that accepts it; None when none does or it is not a number."""
    number = parse_number(_text(answer))
    if number is None:
        return None
    return next((c for c in choices if numerical_accepts(c, number)), None)


def grade_numerical(choices, answer) -> Grade:
    typed = _text(answer)
    if not typed:
        return UNANSWERED
    if parse_number(typed) is None:
        hint = " Write it without commas, with a point for decimals." if "," in typed else ""
        return Grade(0.0, format_html("<p>“{}” is not a number we can read.{}</p>", typed, hint))
    first = numerical_match(choices, answer)
    if first is None:
        return Grade(0.0, "")
    return Grade(_clamp(first.fraction), first.feedback_html)


def grade_matching(choices, answer) -> Grade:
    """One pair right earns 1/pairs. Options without a left-hand text are distractors."""
    pairs = [c for c in choices if c.text]
    if not isinstance(answer, dict) or not any(answer.values()) or not pairs:
        return UNANSWERED
    right = sum(1 for c in pairs if answer.get(str(c.id)) == c.match_text)
    return Grade(
        right / len(pairs),
        format_html("<p>{} of {} pairs matched correctly.</p>", right, len(pairs)),
    )


def spelling_hint(choices, answer) -> str:
    """A "check your spelling" note when the typed answer is within one edit (two, for
    answers of eight letters or more) of an accepted answer; "" otherwise. Wildcard
    answers and very short ones never prompt it."""
    typed = normalise_text(_text(answer))
    for choice in choices:
        accepted = normalise_text(choice.text)
        if choice.fraction <= 0 or "*" in accepted or len(accepted) < 4:
            continue
        allowed = 2 if len(accepted) >= 8 else 1
        if 0 < _edit_distance(typed, accepted, allowed) <= allowed:
            return "<p>Check your spelling: your answer is close to one we accept.</p>"
    return ""


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Insertions, deletions, substitutions and swaps of neighbours that turn `a` into
    `b`, counted up to `limit` + 1 (beyond that the exact figure does not matter)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]
