"""Read and write Moodle's GIFT quiz format, in pure Python (no Django).

The reader follows Moodle's own importer (``question/format/gift/format.php`` and
``qformat_default::readquestions``) so that a file accepted here means the same thing in
Moodle.  Where Moodle silently turns an obvious slip into a strange question, this reader
raises :class:`GiftSyntaxError` instead and says what it expected, because one error aborts
the whole import anyway and a precise message is what the author needs.  Where Moodle would
refuse a value only later (an unlisted grade percentage, a matching question its editing
form would reject), this reader records a warning and keeps the value.

The semantics, in brief:

* Questions are separated by blank lines (lines of only spaces, tabs, NUL or vertical tab;
  the characters PHP's ``trim`` removes).  Every line is trimmed and the lines of one
  question are joined with ``\\n``.  A line holding only ``0`` is ordinary content; Moodle's
  PHP ``empty("0")`` treats it as a blank line and drops it, which silently splits a
  question, so this reader deliberately does not copy that bug.
* A line whose first non-blank characters are ``//`` is a comment; ``//`` anywhere else is
  text.  Comments in a question's block may carry ``[id:...]`` (the first one counts, ``\\]``
  escapes ``]``) and ``[tag:...]`` (every one counts).
* Points: GIFT has none (Moodle gives every GIFT question a default mark of 1), so this
  writer keeps a question's points in a comment line, ``// [points:3]``, which Moodle skips
  and this reader takes back.
* ``$CATEGORY: name`` on the first line of a block sets the category for what follows.  The
  name is the rest of that line, taken raw (it may contain ``:``, ``//`` or backslashes).
  Moodle folds any further lines of the block into the name; here they are read as the next
  question and a warning is recorded.
* ``::title::`` at the start names a question; ``[moodle]``, ``[markdown]``, ``[html]`` or
  ``[plain]`` right after it sets the text format.  Answers, feedback and general feedback
  may carry their own prefix; it is removed and, if it differs from the question's format,
  a warning says so (one format per question is all :class:`GiftQuestion` stores).
* ``\\~ \\= \\# \\{ \\} \\:`` escape those characters, ``\\\\`` is a backslash and ``\\n`` a
  newline; a backslash before anything else is kept as it is.
* The answer block is the text between the first unescaped ``{`` and the first unescaped
  ``}``.  No block: a description.  ``{}``: an essay.  Text after the block: the block
  stands for a blank, written ``_____`` (five underscores) in the question text.
* ``####`` (the last one) starts the general feedback.  Then, in Moodle's order: a block
  starting with ``#`` is numerical; one containing ``~`` is multiple choice; one containing
  both ``=`` and ``->`` is matching; ``T``, ``TRUE``, ``F`` or ``FALSE`` (capitals, then
  optional ``#wrong feedback#right feedback``) is true/false; anything else is short answer.
* Multiple choice: Moodle splits the answers at every unescaped ``~`` and ``=`` (so an
  unescaped ``=`` inside a choice starts a new, correct, choice).  ``=`` gives full credit,
  ``~`` none, ``~%50%`` the given percentage.  Exactly as in Moodle, the question is
  single-answer (radio buttons, kind ``"single"``) when any choice is marked with ``=``, and
  multiple-response (check boxes, kind ``"multiple"``) when none is, e.g. when only ``~%N%``
  weights are used.  A single-answer choice question whose block is followed by text is kind
  ``"missingword"``; other kinds keep their kind and just get ``_____`` in the text.  At
  least two choices are required, as in Moodle.
* Matching: pairs ``=question -> answer``; Moodle's importer requires at least two pairs
  (fewer raise), while its editing form wants at least two questions and three answers
  (fewer only warn).  A pair with an empty question is an extra wrong answer.
* Numerical: ``{#value}``, ``{#value:tolerance}``, ``{#low..high}``, several answers as
  ``{# =%100%3.14:0 =%50%3.1:0.1}``, ``*`` for "any other answer", and ``~#feedback`` at
  the end for the feedback to wrong answers (stored as a ``*`` answer with no credit).
* Weights are kept as given; one that Moodle's grade list would refuse (anything but 100,
  90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
  12.5, 11.11111, 10, 5, 0 and their negatives, within Moodle's 0.00001 tolerance on the
  fraction) produces a warning.

The writer escapes every reserved character as Moodle's exporter does and lays questions
out the way Moodle does, so that its output parses back to equal questions (the ``line``
field aside).  That holds for questions as this reader produces them: texts without
surrounding whitespace or carriage returns.  What GIFT cannot express at all (a matching
question whose left side contains ``->``, a tag with ``<``, ...) raises ``ValueError``.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from apps.quizzes import kinds

__all__ = [
    "GiftAnswer",
    "GiftQuestion",
    "GiftResult",
    "GiftSyntaxError",
    "parse_gift",
    "write_gift",
]

KINDS = tuple(kinds.KINDS)
FORMATS = ("moodle", "markdown", "html", "plain")
BLANK = "_____"

# The characters PHP's trim() removes; Moodle trims lines and texts with it, and using the
# same set keeps, for example, a non-breaking space at the end of an answer.
_WS = " \t\n\r\0\x0b"
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")
_ESCAPED_TO_CHAR = {"n": "\n"}
_ESCAPE_TABLE = str.maketrans(
    {
        "\\": "\\\\",
        "#": "\\#",
        "=": "\\=",
        "~": "\\~",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
    }
)
_CHOICE_MARKERS_RE = re.compile(r"[~=]")
_EQUALS_RE = re.compile(r"=")
# Moodle's weight regex is /^%\-*([0-9]{1,2})\.?([0-9]*)%/; this is its body.  It is applied
# to one answer's text only, and its backtracking is bounded, so it stays linear.
_WEIGHT_BODY_RE = re.compile(r"-*[0-9]{1,2}\.?[0-9]*")
# What PHP's is_numeric() accepts (after trimming), minus hexadecimal and the like.
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_TRUEFALSE_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY_PREFIX = "$CATEGORY:"
# Moodle's grade list (question_bank::fraction_options_full), as percentages.
STANDARD_PERCENTS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                     16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)  # fmt: skip
_STANDARD_FRACTIONS = tuple(p / 100 for p in STANDARD_PERCENTS)
_PREVIEW = 40
# What Moodle gives a question imported without one (qformat_default::defaultquestion).
DEFAULT_PENALTY = 0.3333333
_POINTS_RE = re.compile(r"\[points:([^\]\n]*)\]")


# --------------------------------------------------------------------------------------
# Public data model


class GiftSyntaxError(ValueError):
    """A GIFT text Moodle would not import; ``line`` is 1-based, ``message`` says what was
    expected, and ``str()`` reads ``"line 12: expected '}' to close the answer block"``."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")

    def __reduce__(self):
        # The constructor takes two arguments, so pickling must pass both back.
        return (type(self), (self.line, self.message))


@dataclass
class GiftAnswer:
    """One answer: a choice, a short answer, a numerical answer, a matching pair, or one of
    the two true/false answers.

    ``fraction`` is the credit (1.0 = 100 %).  Matching pairs keep the left side in
    ``text`` and the right side in ``match``.  Numerical answers have an empty ``text`` and
    either ``value`` ± ``tolerance`` or a ``low``..``high`` range; a numerical answer with
    ``text == "*"`` and no value accepts any response (Moodle's ``*``)."""

    text: str = ""
    fraction: float = 0.0
    feedback: str = ""
    match: str = ""
    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    # A misconception's slug: ``// [misconception:slug]`` on the line below the answer.
    misconception: str = ""
    line: int = field(default=0, compare=False)


@dataclass
class GiftQuestion:
    """One question.  ``kind`` is one of :data:`KINDS`; ``line`` (where the question starts
    in the source) is informative and not part of equality."""

    kind: str
    text: str
    title: str = ""
    format: str = "moodle"
    answers: list[GiftAnswer] = field(default_factory=list)
    general_feedback: str = ""
    category: str = ""
    id: str = ""
    tags: list[str] = field(default_factory=list)
    # GIFT has no syntax for points; this reader and writer keep them in a comment,
    # ``// [points:2]``, which Moodle ignores (it gives every GIFT question 1 point).
    points: int = 1
    # Hints and the penalty per wrong try are Moodle XML's; GIFT leaves them out.
    hints: list[str] = field(default_factory=list)
    penalty: float = DEFAULT_PENALTY
    line: int = field(default=0, compare=False)


@dataclass
class GiftResult:
    """What :func:`parse_gift` found: the questions and warnings (each ``"line N: ..."``)."""

    questions: list[GiftQuestion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------
# Source text: unescaped characters, which of them were escaped, and their line numbers


class _Source:
    """One question's lines, joined with ``\\n`` and unescaped.

    Structural characters are only those that were *not* escaped, so the reader keeps a
    mask beside the text instead of Moodle's placeholder strings (which could collide with
    real text)."""

    __slots__ = ("chars", "escaped", "line_numbers", "line_starts")

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        pieces: list[str] = []
        escaped_at: list[int] = []
        self.line_starts: list[int] = []
        self.line_numbers: list[int] = []
        length = 0
        for index, (number, raw) in enumerate(lines):
            if index:
                pieces.append("\n")
                length += 1
            self.line_starts.append(length)
            self.line_numbers.append(number)
            done = 0
            # finditer scans left to right without overlaps, which is exactly how a
            # tokenizer reads escapes: "\\{" is a backslash followed by a real brace.
            for match in _ESCAPE_RE.finditer(raw):
                literal = raw[done : match.start()]
                pieces.append(literal)
                length += len(literal)
                char = match.group(1)
                pieces.append(_ESCAPED_TO_CHAR.get(char, char))
                escaped_at.append(length)
                length += 1
                done = match.end()
            pieces.append(raw[done:])
            length += len(raw) - done
        self.chars = "".join(pieces)
        self.escaped = bytearray(length)
        for position in escaped_at:
            self.escaped[position] = 1

    def line_at(self, position: int) -> int:
        """The source line number of the character at ``position``."""
        return self.line_numbers[max(bisect_right(self.line_starts, position) - 1, 0)]

    def whole(self) -> _Seg:
        return _Seg(self, 0, len(self.chars))


@dataclass(frozen=True, slots=True)
class _Seg:
    """A view ``[start, end)`` of a :class:`_Source`; positions are absolute.

    Every search looks only at unescaped characters, and each runs in time linear in the
    segment (``str.find`` plus a skip past each escaped look-alike)."""

    src: _Source
    start: int
    end: int

    @property
    def chars(self) -> str:
        return self.src.chars[self.start : self.end]

    @property
    def empty(self) -> bool:
        return self.start >= self.end

    @property
    def line(self) -> int:
        return self.src.line_at(self.start)

    def _plain(self, position: int, size: int) -> bool:
        return self.src.escaped.find(1, position, position + size) < 0

    def find(self, token: str, begin: int | None = None, end: int | None = None) -> int:
        """Absolute position of the first unescaped ``token``, or -1."""
        position = self.start if begin is None else begin
        stop = self.end if end is None else end
        while True:
            position = self.src.chars.find(token, position, stop)
            if position < 0 or self._plain(position, len(token)):
                return position
            position += 1

    def rfind(self, token: str) -> int:
        """Absolute position of the last unescaped ``token``, or -1."""
        stop = self.end
        while True:
            position = self.src.chars.rfind(token, self.start, stop)
            if position < 0 or self._plain(position, len(token)):
                return position
            stop = position + len(token) - 1

    def startswith(self, token: str) -> bool:
        return self.src.chars.startswith(token, self.start, self.end) and self._plain(
            self.start, len(token)
        )

    def sub(self, start: int, end: int | None = None) -> _Seg:
        return _Seg(self.src, start, self.end if end is None else end)

    def strip(self) -> _Seg:
        """Trim unescaped whitespace: an escaped ``\\n`` is content while the structure is
        being read (Moodle's placeholder for it is not whitespace either)."""
        text = self.chars
        start = self.start + len(text) - len(text.lstrip(_WS))
        first_escaped = self.src.escaped.find(1, self.start, start)
        if first_escaped >= 0:
            start = first_escaped
        end = self.start + len(text.rstrip(_WS))
        end = max(end, start)
        last_escaped = self.src.escaped.rfind(1, end, self.end)
        if last_escaped >= 0:
            end = last_escaped + 1
        return _Seg(self.src, start, end)

    def partition(self, token: str) -> tuple[_Seg, _Seg | None]:
        """Split at the first unescaped ``token``: (before, after or None)."""
        position = self.find(token)
        if position < 0:
            return self, None
        return self.sub(self.start, position), self.sub(position + len(token))

    def markers(self, pattern: re.Pattern[str]) -> list[int]:
        """Positions of unescaped characters matching a one-character ``pattern``."""
        escaped = self.src.escaped
        return [
            match.start()
            for match in pattern.finditer(self.src.chars, self.start, self.end)
            if not escaped[match.start()]
        ]

    def value(self) -> str:
        """The final text: unescaped and trimmed (escaped newlines included, as Moodle
        trims after turning its placeholders back into characters)."""
        return self.chars.strip(_WS)


def _preview(text: str) -> str:
    text = text if len(text) <= _PREVIEW else text[: _PREVIEW - 3] + "..."
    return repr(text)


# --------------------------------------------------------------------------------------
# Reading


def parse_gift(text: str) -> GiftResult:
    """Parse GIFT ``text`` into questions and warnings.

    Raises :class:`GiftSyntaxError` at the first problem Moodle would not import (or, where
    Moodle would quietly import something else than was meant, the first such slip)."""
    result = GiftResult()
    category = ""
    for block in _blocks(text):
        category, question = _read_block(block, category, result.warnings)
        if question is not None:
            result.questions.append(question)
    return result


def _blocks(text: str) -> Iterable[list[tuple[int, str]]]:
    """Yield each run of non-blank lines as (line number, trimmed line) pairs."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    block: list[tuple[int, str]] = []
    # Only "\n" separates lines: str.splitlines() would also split at form feeds, U+2028
    # and others, which Moodle keeps inside the text.
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.strip(_WS)
        if line:
            block.append((number, line))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _read_block(
    block: list[tuple[int, str]], category: str, warnings: list[str]
) -> tuple[str, GiftQuestion | None]:
    """Read one blank-line-separated block: a category change, a question, or both."""
    comments = [line for _, line in block if line.startswith("//")]
    content = [(number, line) for number, line in block if not line.startswith("//")]
    if not content:
        return category, None
    if content[0][1].startswith(_CATEGORY_PREFIX):
        category = content[0][1][len(_CATEGORY_PREFIX) :].strip(_WS)
        content = content[1:]
        if not content:
            return category, None
        warnings.append(
            f"line {content[0][0]}: expected a blank line after $CATEGORY; the lines after "
            "it are read as a question (Moodle would add them to the category name)"
        )
    question = _read_question(content, warnings)
    question.category = category
    question.id, question.tags = _metadata("\n".join(comments) + "\n")
    _tag_misconceptions(question, [(n, line) for n, line in block if line.startswith("//")])
    question.points = _points(comments, question.line)
    return category, question


def _points(comments: list[str], line: int) -> int:
    """The ``[points:N]`` a comment line gives (this site's export writes it), else 1."""
    for comment in comments:
        if (found := _POINTS_RE.search(comment)) is not None:
            value = found.group(1).strip(_WS)
            if not value.isascii() or not value.isdigit() or int(value) > 1000:
                raise GiftSyntaxError(
                    line, f"expected a whole number of points from 0 to 1000, found {value!r}"
                )
            return int(value)
    return 1


def _read_question(content: list[tuple[int, str]], warnings: list[str]) -> GiftQuestion:
    """Read one question from its non-comment lines."""
    src = _Source(content)
    body = src.whole().strip()
    title, body = _read_title(body)
    braces = _answer_block_bounds(body)
    if braces is None:
        fmt, text = _question_text(body, None)
        return GiftQuestion("description", text, title=title, format=fmt, line=content[0][0])
    opening, closing = braces
    at_end = closing + 1 == body.end
    after = None if at_end else body.sub(closing + 1)
    fmt, text = _question_text(body.sub(body.start, opening), after)
    inner = body.sub(opening + 1, closing).strip()
    inner, general_feedback = _read_general_feedback(inner, fmt, warnings)
    reader = _AnswerReader(fmt, warnings, src.line_at(opening))
    kind, answers = reader.read(inner, at_end)
    return GiftQuestion(
        kind,
        text,
        title=title,
        format=fmt,
        answers=answers,
        general_feedback=general_feedback,
        line=content[0][0],
    )


def _read_title(body: _Seg) -> tuple[str, _Seg]:
    """Split off ``::title::``; Moodle only looks for it at the very start."""
    if not body.startswith("::"):
        return "", body
    closing = body.find("::", body.start + 2)
    if closing < 0:
        raise GiftSyntaxError(body.line, "expected '::' to close the question title")
    title = body.sub(body.start + 2, closing).value()
    return title, body.sub(closing + 2).strip()


def _answer_block_bounds(body: _Seg) -> tuple[int, int] | None:
    """Positions of the answer block's braces, or None for a description.

    Moodle pairs the first ``{`` with the first ``}`` and leaves any other brace in the
    text; a stray brace is nearly always a missing backslash, so it is an error here."""
    opening = body.find("{")
    closing = body.find("}")
    if opening < 0 and closing < 0:
        return None
    if opening < 0 or 0 <= closing < opening:
        raise GiftSyntaxError(
            body.src.line_at(closing),
            "unexpected '}' before any '{'; write \\} for a literal brace",
        )
    if closing < 0:
        raise GiftSyntaxError(body.src.line_at(opening), "expected '}' to close the answer block")
    nested = body.find("{", opening + 1, closing)
    if nested >= 0:
        raise GiftSyntaxError(
            body.src.line_at(nested),
            f"expected '}}' to close the answer block opened on line "
            f"{body.src.line_at(opening)} before another '{{'; write \\{{ for a literal brace",
        )
    strays = [p for p in (body.find("{", closing), body.find("}", closing + 1)) if p >= 0]
    if strays:
        extra = min(strays)
        raise GiftSyntaxError(
            body.src.line_at(extra),
            f"expected only one answer block per question; write \\{body.src.chars[extra]} "
            "for a literal brace",
        )
    return opening, closing


def _split_format(seg: _Seg) -> tuple[str | None, _Seg]:
    """Split a leading ``[moodle]``/``[markdown]``/``[html]``/``[plain]`` off ``seg``.

    An unknown name in brackets is ordinary text, as in Moodle."""
    if not seg.startswith("["):
        return None, seg
    closing = seg.src.chars.find("]", seg.start, seg.end)
    if closing < 0:
        return None, seg
    name = seg.src.chars[seg.start + 1 : closing]
    if name not in FORMATS:
        return None, seg
    return name, seg.sub(closing + 1)


def _question_text(before: _Seg, after: _Seg | None) -> tuple[str, str]:
    """The question's format and text; ``after`` (text following the answer block) means
    the block stands for a blank, written ``_____``."""
    fmt, before = _split_format(before)
    text = before.chars if after is None else before.chars + BLANK + after.chars
    return fmt or "moodle", text.strip(_WS)


def _field_text(seg: _Seg, fmt: str, warnings: list[str]) -> str:
    """The text of an answer or feedback, minus a format prefix (with a warning when the
    prefix differs from the question's format, which is all that is stored)."""
    seg = seg.strip()
    own, rest = _split_format(seg)
    if own is not None and own != fmt:
        warnings.append(
            f"line {seg.line}: [{own}] differs from the question's format [{fmt}]; "
            "the text is kept in the question's format"
        )
    return rest.value()


def _read_general_feedback(inner: _Seg, fmt: str, warnings: list[str]) -> tuple[_Seg, str]:
    """Split the general feedback (after the last ``####``) off the answer block."""
    separator = inner.rfind("####")
    if separator < 0:
        return inner, ""
    feedback = _field_text(inner.sub(separator + 4), fmt, warnings)
    return inner.sub(inner.start, separator).strip(), feedback


def _number(text: str, line: int, what: str) -> float:
    """Parse a number the way PHP's is_numeric() accepts it, refusing inf and NaN."""
    text = text.strip(_WS + "\f")
    if not _NUMBER_RE.fullmatch(text):
        hint = " (use '.' as the decimal separator)" if "," in text else ""
        raise GiftSyntaxError(line, f"expected {what}, found {_preview(text)}{hint}")
    number = float(text)
    if not math.isfinite(number):
        raise GiftSyntaxError(line, f"expected {what} of a reasonable size, found {text}")
    return number


def _weight_at(piece: _Seg) -> tuple[str, int] | None:
    """(body, position of the closing ``%``) when ``piece`` starts with Moodle's weight
    syntax ``%-*[0-9]{1,2}.?[0-9]*%``, else None."""
    if not piece.startswith("%"):
        return None
    closing = piece.find("%", piece.start + 1)
    if closing < 0:
        return None
    body = piece.src.chars[piece.start + 1 : closing]
    return (body, closing) if _WEIGHT_BODY_RE.fullmatch(body) else None


def _is_standard_fraction(fraction: float) -> bool:
    # Moodle's match_grade_options() compares with a tolerance of 0.00001.
    return any(abs(abs(fraction) - allowed) < 0.00001 for allowed in _STANDARD_FRACTIONS)


class _AnswerReader:
    """Reads the inside of one answer block, in the question's format."""

    def __init__(self, fmt: str, warnings: list[str], line: int) -> None:
        self.fmt = fmt
        self.warnings = warnings
        self.line = line  # where the block opens

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"line {line}: {message}")

    def text(self, seg: _Seg | None) -> str:
        return "" if seg is None else _field_text(seg, self.fmt, self.warnings)

    def read(self, inner: _Seg, at_end: bool) -> tuple[str, list[GiftAnswer]]:
        """Decide the question type in Moodle's order and read its answers."""
        if inner.empty:
            return "essay", []
        if inner.startswith("#"):
            return "numerical", self.numerical(inner)
        if inner.find("~") >= 0:
            return self.choice(inner, at_end)
        if inner.find("=") >= 0 and inner.find("->") >= 0:
            return "matching", self.matching(inner)
        hash_at = inner.find("#")
        word = inner.sub(inner.start, hash_at).strip() if hash_at > inner.start else inner
        if word.chars in _TRUEFALSE_WORDS:
            return "truefalse", self.truefalse(inner)
        return "short", self.short(inner)

    def lead(self, seg: _Seg, positions: list[int], expected: str) -> None:
        """Refuse text before the first answer marker (Moodle would read it as an answer
        without a marker, which is almost always a typo)."""
        stop = positions[0] if positions else seg.end
        head = seg.sub(seg.start, stop).strip()
        if not head.empty:
            raise GiftSyntaxError(head.line, f"{expected}, found {_preview(head.chars)}")

    @staticmethod
    def items(seg: _Seg, positions: list[int]) -> list[tuple[int, _Seg]]:
        """(marker position, text after the marker up to the next one) for each marker."""
        ends = [*positions[1:], seg.end] if positions else []
        return [(p, seg.sub(p + 1, end).strip()) for p, end in zip(positions, ends, strict=True)]

    def weight(self, piece: _Seg, line: int, default: float) -> tuple[float, _Seg]:
        """Read a leading ``%N%`` weight as Moodle's regex does; return (fraction, rest)."""
        if not piece.startswith("%"):
            return default, piece
        found = _weight_at(piece)
        if found is None:
            self.warn(line, "'%' at the start of an answer is read as text; weights look like %50%")
            return default, piece
        body, closing = found
        if body.count("-") > 1:
            raise GiftSyntaxError(line, f"expected a weight like %50% or %-25%, found %{body}%")
        # Decimal keeps the written digits exact, so a writer can reproduce the float.
        fraction = float(Decimal(body) / 100)
        if not math.isfinite(fraction):
            raise GiftSyntaxError(line, f"expected a weight of a reasonable size, found %{body}%")
        if not _is_standard_fraction(fraction):
            self.warn(
                line,
                f"weight {body}% is not one Moodle accepts (100, 90, 83.33333, 80, 75, 70, "
                "66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, "
                "11.11111, 10, 5, 0 or their negatives); Moodle's import would refuse it",
            )
        return fraction, piece.sub(closing + 1)

    def choice(self, inner: _Seg, at_end: bool) -> tuple[str, list[GiftAnswer]]:
        """Multiple choice: split at every unescaped ``~`` and ``=``, as Moodle does."""
        positions = inner.markers(_CHOICE_MARKERS_RE)
        self.lead(inner, positions, "expected each choice to start with '=' or '~'")
        if len(positions) < 2:
            raise GiftSyntaxError(
                self.line,
                f"expected at least two choices in a multiple-choice answer block, "
                f"found {len(positions)}",
            )
        answers = [self.choice_answer(inner, p, piece) for p, piece in self.items(inner, positions)]
        if any(inner.src.chars[p] == "=" for p in positions):
            return ("single" if at_end else "missingword"), answers
        total = sum(answer.fraction for answer in answers if answer.fraction > 0)
        if round(total, 2) != 1:
            self.warn(
                self.line,
                f"the positive weights add up to {total * 100:g}%, not 100%; Moodle refuses "
                "such a multiple-response question",
            )
        return "multiple", answers

    def choice_answer(self, inner: _Seg, position: int, piece: _Seg) -> GiftAnswer:
        marker = inner.src.chars[position]
        line = inner.src.line_at(position)
        if marker == "=":
            fraction = 1.0
            if _weight_at(piece) is not None:
                self.warn(
                    line,
                    "a choice marked '=' always gives full credit, so this weight is read "
                    "as text; write ~%50% for partial credit",
                )
        else:
            fraction, piece = self.weight(piece, line, 0.0)
        text, feedback = piece.partition("#")
        answer = GiftAnswer(self.text(text), fraction, self.text(feedback), line=line)
        if not answer.text:
            raise GiftSyntaxError(line, f"expected the choice's text after '{marker}'")
        return answer

    def matching(self, inner: _Seg) -> list[GiftAnswer]:
        """Matching: ``=question -> answer`` pairs."""
        positions = inner.markers(_EQUALS_RE)
        self.lead(inner, positions, "expected each matching pair to start with '='")
        if len(positions) < 2:
            raise GiftSyntaxError(
                self.line,
                f"expected at least two matching pairs ('=question -> answer'), "
                f"found {len(positions)}",
            )
        answers = []
        for position, piece in self.items(inner, positions):
            line = inner.src.line_at(position)
            arrow = piece.find("->")
            if arrow < 0:
                raise GiftSyntaxError(
                    line, "expected '->' between the question and the answer of a matching pair"
                )
            answer = GiftAnswer(
                self.text(piece.sub(piece.start, arrow)), match=piece.sub(arrow + 2).value()
            )
            if not answer.match:
                raise GiftSyntaxError(line, "expected an answer after '->' in a matching pair")
            answers.append(answer)
        questions = sum(1 for answer in answers if answer.text)
        if questions < 2 or len(answers) < 3:
            self.warn(
                self.line,
                f"Moodle's editor wants at least 2 questions and 3 answers in a matching "
                f"question, this one has {questions} and {len(answers)}",
            )
        return answers

    def truefalse(self, inner: _Seg) -> list[GiftAnswer]:
        """True/false: ``T#feedback for a wrong response#feedback for a right one``."""
        word, rest = inner.partition("#")
        wrong, right = rest.partition("#") if rest is not None else (None, None)
        correct = _TRUEFALSE_WORDS[word.strip().chars]
        wrong_text, right_text = self.text(wrong), self.text(right)
        return [
            GiftAnswer("true", 1.0 if correct else 0.0, right_text if correct else wrong_text),
            GiftAnswer("false", 0.0 if correct else 1.0, wrong_text if correct else right_text),
        ]

    def short(self, inner: _Seg) -> list[GiftAnswer]:
        """Short answer: ``=answer``, optionally weighted ``=%50%answer``."""
        positions = inner.markers(_EQUALS_RE)
        head = inner.sub(inner.start, positions[0] if positions else inner.end)
        word = head.partition("#")[0].strip()
        if word.chars.upper() in _TRUEFALSE_WORDS:
            # Moodle would quietly make "{true}" a short answer whose answer is "true".
            raise GiftSyntaxError(
                word.line,
                f"expected T, TRUE, F or FALSE in capitals for a true/false question, "
                f"found {_preview(word.chars)}",
            )
        self.lead(
            inner,
            positions,
            "expected answers starting with '=' (short answer), '~' (choices), '#' "
            "(numerical) or T/F (true/false)",
        )
        answers = []
        for position, piece in self.items(inner, positions):
            line = inner.src.line_at(position)
            fraction, piece = self.weight(piece, line, 1.0)
            text, feedback = piece.partition("#")
            answer = GiftAnswer(self.text(text), fraction, self.text(feedback), line=line)
            if not answer.text:
                raise GiftSyntaxError(line, "expected the answer's text after '='")
            answers.append(answer)
        return answers

    def numerical(self, inner: _Seg) -> list[GiftAnswer]:
        """Numerical: ``#`` then answers; everything from the first ``~`` on is the
        feedback for other responses, as in Moodle."""
        body = inner.sub(inner.start + 1)
        tilde = body.find("~")
        others = None
        if tilde >= 0:
            body, others = body.sub(body.start, tilde), body.sub(tilde + 1)
        positions = body.markers(_EQUALS_RE)
        pieces = [(p, piece) for p, piece in self.items(body, positions)]
        head = body.sub(body.start, positions[0] if positions else body.end).strip()
        if not head.empty:  # Moodle lets the first answer go without '='.
            pieces.insert(0, (head.start, head))
        if not pieces:
            raise GiftSyntaxError(self.line, "expected a number after '#' in a numerical answer")
        answers = [self.numerical_answer(body.src.line_at(p), piece) for p, piece in pieces]
        if others is not None:
            answers.append(self.numerical_others(others))
        return answers

    def numerical_answer(self, line: int, piece: _Seg) -> GiftAnswer:
        fraction, piece = self.weight(piece, line, 1.0)
        spec, feedback = piece.partition("#")
        answer = GiftAnswer("", fraction, self.text(feedback), line=line)
        # Moodle reads the number after unescaping, so "3\:0.1" is 3 ± 0.1 there too.
        number = self.text(spec)
        dots, colon = number.find(".."), number.find(":")
        if number == "*":
            answer.text = "*"
        elif dots > 0:
            answer.low = _number(number[:dots], line, "a number before '..'")
            answer.high = _number(number[dots + 2 :], line, "a number after '..'")
            if answer.low > answer.high:
                raise GiftSyntaxError(
                    line, f"expected the low end of the range first, found {_preview(number)}"
                )
        elif colon > 0:
            answer.value = _number(number[:colon], line, "a number before ':'")
            answer.tolerance = _number(number[colon + 1 :], line, "a tolerance after ':'")
            if answer.tolerance < 0:
                self.warn(line, "a negative tolerance works like a positive one")
                answer.tolerance = -answer.tolerance
        else:
            answer.value = _number(number, line, "a number")
        return answer

    def numerical_others(self, others: _Seg) -> GiftAnswer:
        """``~#feedback``: feedback for every response no answer matches."""
        head, feedback = others.partition("#")
        if not head.strip().empty:
            raise GiftSyntaxError(
                head.line,
                "expected '#' and feedback after '~' in a numerical answer, "
                f"found {_preview(head.strip().chars)}",
            )
        return GiftAnswer("*", 0.0, self.text(feedback), line=others.line)


def _metadata(comments: str) -> tuple[str, list[str]]:
    """The ``[id:...]`` and ``[tag:...]`` values in a question's comment lines."""
    idnumber = ""
    found = _find_bracketed(comments, "[id:", "", 0, require_content=True)
    if found is not None:
        idnumber = found[0].strip(_WS).replace("\\]", "]")
    tags = []
    position = 0
    while (found := _find_bracketed(comments, "[tag:", "<>", position)) is not None:
        raw, position = found
        tag = raw.strip(_WS).replace("\\]", "]")
        if tag:
            tags.append(tag)
    return idnumber, tags


_MISCONCEPTION_RE = re.compile(r"\[misconception:([^\]]*)\]")
_SLUG_RE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def _tag_misconceptions(question: GiftQuestion, comments: list[tuple[int, str]]) -> None:
    """Tag answers with the ``// [misconception:slug]`` markers among the comment lines:
    each tags the answer that starts nearest above it (so a tagged answer has a line of
    its own); in a true/false question, the wrong one wherever the marker is. Moodle reads
    comment lines only for ``[id:]`` and ``[tag:]``, so it ignores these."""
    for number, comment in comments:
        for slug in _MISCONCEPTION_RE.findall(comment):
            problem = slug_problem(slug) or tag_misconception(
                _answer_tagged_at(question, number), slug
            )
            if problem:
                raise GiftSyntaxError(number, problem)


def slug_problem(slug: str) -> str:
    """Why `slug` cannot name a misconception ("" when it can)."""
    if _SLUG_RE.fullmatch(slug):
        return ""
    return f"expected a slug like a-regime-is-an-organisation, found {slug!r}"


def tag_misconception(answer: GiftAnswer, slug: str) -> str:
    """Tag the answer with the misconception `slug`, or say why it cannot be (a right
    answer reveals none; an answer has one at most). GIFT's and Moodle XML's markers both
    come through here."""
    if answer.fraction >= 1:
        return "a misconception tags a wrong answer, not a right one"
    if answer.misconception:
        return "this answer already has a misconception"
    answer.misconception = slug
    return ""


def _answer_tagged_at(question: GiftQuestion, number: int) -> GiftAnswer:
    if question.kind == "truefalse":
        return min(question.answers, key=lambda answer: answer.fraction)
    if question.kind in ("description", "essay", "matching"):
        raise GiftSyntaxError(number, f"a {question.kind} question has no answer to tag")
    above = [answer for answer in question.answers if answer.line < number]
    if not above:
        raise GiftSyntaxError(number, "expected the answer it tags on the line above")
    nearest = max(answer.line for answer in above)
    answers = [answer for answer in above if answer.line == nearest]
    if len(answers) > 1:
        raise GiftSyntaxError(
            number, "expected the answer it tags on a line of its own (several start above)"
        )
    return answers[0]


def _find_bracketed(
    text: str, opener: str, forbidden: str, position: int, require_content: bool = False
) -> tuple[str, int] | None:
    """Find ``opener`` + content + ``]`` the way Moodle's PCRE pattern does.

    The content is any run of characters other than ``]``, control characters and
    ``forbidden``, where ``\\]`` counts as content.  When no closing ``]`` follows, PCRE
    backtracks to the last ``\\]`` and reads its ``]`` as the closing one; this does the
    same without backtracking.  Returns (raw content, position after it) or None."""
    while (start := text.find(opener, position)) >= 0:
        content = start + len(opener)
        index, last_escape = content, -1
        while index < len(text):
            char = text[index]
            if char == "\\" and text.startswith("]", index + 1):
                last_escape = index
                index += 2
            elif char == "]" or char in forbidden or _CONTROL_RE.match(char):
                break
            else:
                index += 1
        if index < len(text) and text[index] == "]" and (index > content or not require_content):
            return text[content:index], index + 1
        if last_escape >= 0:
            return text[content : last_escape + 1], last_escape + 2
        # Every later start before the stopping point would stop there too, without an
        # escape to fall back on, so skipping to it keeps the scan linear.
        position = max(index, start + 1)
    return None


# --------------------------------------------------------------------------------------
# Writing


def write_gift(questions: Iterable[GiftQuestion]) -> str:
    """Write questions as GIFT, escaping reserved characters as Moodle's exporter does.

    ``$CATEGORY:`` lines are written where the category changes.  The output parses back
    to equal questions.  Raises ``ValueError`` for a question GIFT cannot express."""
    chunks = []
    category = ""
    for number, question in enumerate(questions, start=1):
        if question.category != category:
            chunks.append(_write_category(question.category))
            category = question.category
        try:
            chunks.append(_write_question(question))
        except ValueError as error:
            raise ValueError(f"question {number} ({question.kind}): {error}") from None
    return "\n\n".join(chunks) + "\n" if chunks else ""


def _write_category(category: str) -> str:
    if "\n" in category or "\r" in category:
        raise ValueError(f"a category name cannot span lines: {_preview(category)}")
    name = category.strip(_WS)
    return f"{_CATEGORY_PREFIX} {name}" if name else _CATEGORY_PREFIX


def _escape(text: str) -> str:
    """Escape GIFT's reserved characters; newlines become ``\\n`` (carriage returns are
    normalised to newlines first, since Moodle's reader drops them)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_ESCAPE_TABLE)


def _field(text: str, fmt: str) -> str:
    """An escaped answer or feedback text; a text starting with ``[`` gets the question's
    format prefix first so the reader does not take its own bracket for one."""
    prefix = f"[{fmt}]" if text.startswith("[") else ""
    return prefix + _escape(text)


def _percent(fraction: float) -> str:
    """A fraction as the percentage Moodle's weight regex accepts, exactly: the shortest
    repr, shifted two places, so the reader's Decimal division gives the float back."""
    if not math.isfinite(fraction):
        raise ValueError(f"a weight must be finite, not {fraction}")
    percent = format((Decimal(repr(fraction)) * 100).normalize(), "f")
    if not _WEIGHT_BODY_RE.fullmatch(percent):
        raise ValueError(
            f"GIFT cannot write the weight {percent}% (at most two digits before a point)"
        )
    return percent


def _write_question(question: GiftQuestion) -> str:
    if question.format not in FORMATS:
        raise ValueError(f"unknown format {question.format!r}; expected one of {FORMATS}")
    if question.kind not in KINDS:
        raise ValueError(f"unknown kind {question.kind!r}; expected one of {KINDS}")
    lines = _write_metadata(question)
    title = f"::{_escape(question.title)}::" if question.title else ""
    if question.kind == "description":
        if question.answers or question.general_feedback:
            raise ValueError("a description has no answers or general feedback")
        return "\n".join(
            [*lines, title + _text_prefix(question, question.text) + _escape(question.text)]
        )
    block = _BLOCK_WRITERS[question.kind](question)
    if question.kind == "missingword":
        at = question.text.find(BLANK)
        if at < 0:
            raise ValueError(f"a missing-word question's text must contain the blank {BLANK}")
        before, after = question.text[:at], question.text[at + len(BLANK) :]
        # Text after the block is what makes it a blank; when the blank ends the text, an
        # escaped newline (trimmed away again on reading) stands in for that text.
        tail = _escape(after) if after.strip(_WS) else "\\n"
        body = _text_prefix(question, before) + _escape(before) + block + tail
    else:
        # The reader trims the text, so a space before the block is free and reads better.
        text = _escape(question.text) + " " if question.text else ""
        body = _text_prefix(question, question.text) + text + block
    return "\n".join([*lines, title + body])


def _text_prefix(question: GiftQuestion, first: str) -> str:
    """The format prefix for the question text, written when the format is not the
    default, or when the text would otherwise be misread: starting with ``[`` (taken for a
    prefix), with ``//`` and no title (a comment), with a byte-order mark (stripped if it
    began the file), or an untitled empty description (no line at all)."""
    needed = (
        question.format != "moodle"
        or first.startswith(("[", "\ufeff"))
        or (not question.title and first.startswith("//"))
        or (not question.title and question.kind == "description" and not question.text)
    )
    return f"[{question.format}]" if needed else ""


def _write_metadata(question: GiftQuestion) -> list[str]:
    """``// [id:...]`` and one ``// [tag:...]`` line per tag (one per line, because a tag
    ending in a backslash would otherwise swallow the next one)."""
    lines = []
    idnumber = question.id.strip(_WS)
    if idnumber:
        if _CONTROL_RE.search(idnumber) or "[tag:" in idnumber:
            raise ValueError(f"GIFT cannot write the id {_preview(idnumber)}")
        lines.append("// [id:" + idnumber.replace("]", "\\]") + "]")
    for tag in question.tags:
        tag = tag.strip(_WS)
        if not tag or _CONTROL_RE.search(tag) or "<" in tag or ">" in tag or "[id:" in tag:
            raise ValueError(f"GIFT cannot write the tag {_preview(tag)}")
        lines.append("// [tag:" + tag.replace("]", "\\]") + "]")
    if question.kind == "truefalse":
        # Both values share one line, so the wrong one's tag goes with the metadata.
        lines += [_misconception(a).strip(_WS) for a in question.answers if a.misconception]
    if question.points != 1:
        lines.append(f"// [points:{question.points}]")
    return lines


def _misconception(answer: GiftAnswer) -> str:
    """The marker line below a tagged answer (empty for an untagged one)."""
    if not answer.misconception:
        return ""
    if not _SLUG_RE.fullmatch(answer.misconception):
        raise ValueError(f"GIFT cannot write the misconception {_preview(answer.misconception)}")
    return f"\n\t// [misconception:{answer.misconception}]"


def _general_feedback(question: GiftQuestion) -> str:
    if not question.general_feedback:
        return ""
    return "####" + _field(question.general_feedback, question.format)


def _multiline_block(question: GiftQuestion, items: list[str], opener: str = "{") -> str:
    """Moodle's export layout: one answer per tab-indented line."""
    lines = [opener, *(f"\t{item}" for item in items)]
    if question.general_feedback:
        lines.append("\t" + _general_feedback(question))
    return "\n".join([*lines, "}"])


def _no_answers(question: GiftQuestion) -> None:
    if question.answers:
        raise ValueError("an essay question has no answers")


def _write_essay(question: GiftQuestion) -> str:
    _no_answers(question)
    return "{" + _general_feedback(question) + "}"


def _write_truefalse(question: GiftQuestion) -> str:
    by_text = {answer.text.lower(): answer for answer in question.answers}
    if set(by_text) != {"true", "false"} or len(question.answers) != 2:
        raise ValueError("a true/false question needs exactly the answers 'true' and 'false'")
    true, false = by_text["true"], by_text["false"]
    correct, wrong = (true, false) if true.fraction > false.fraction else (false, true)
    block = "{" + ("TRUE" if correct is true else "FALSE")
    if wrong.feedback or correct.feedback:
        block += "#" + _field(wrong.feedback, question.format)
    if correct.feedback:
        block += "#" + _field(correct.feedback, question.format)
    return block + _general_feedback(question) + "}"


def _feedback(answer: GiftAnswer, fmt: str) -> str:
    return "#" + _field(answer.feedback, fmt) if answer.feedback else ""


def _choice_items(question: GiftQuestion) -> list[str]:
    """Choices: ``=`` marks full credit in a single-answer question (and must appear, as it
    is what makes the question single-answer); everything else is ``~`` with a weight."""
    answers = question.answers
    if len(answers) < 2:
        raise ValueError("a choice question needs at least two choices")
    single = question.kind != "multiple"
    full = [i for i, answer in enumerate(answers) if answer.fraction == 1.0]
    if single and not full:
        raise ValueError("a single-answer choice question needs a choice worth 100%")
    # A block of '=' choices only, without any '~', would read as short answer.
    tilde_forced = full[-1] if single and len(full) == len(answers) else -1
    items = []
    for index, answer in enumerate(answers):
        if not answer.text.strip(_WS):
            raise ValueError("a choice needs a text")
        if single and answer.fraction == 1.0 and index != tilde_forced:
            marker = "="
        elif answer.fraction == 0.0 and not answer.text.startswith("%"):
            marker = "~"
        else:
            marker = f"~%{_percent(answer.fraction)}%"
        items.append(
            marker
            + _field(answer.text, question.format)
            + _feedback(answer, question.format)
            + _misconception(answer)
        )
    return items


def _write_choice(question: GiftQuestion) -> str:
    return _multiline_block(question, _choice_items(question))


def _write_missingword(question: GiftQuestion) -> str:
    if any(answer.misconception for answer in question.answers):
        # A tagged answer needs a line of its own for its marker.
        return _multiline_block(question, _choice_items(question))
    # Inline, since the block sits inside a sentence.
    items = _choice_items(question)
    if question.general_feedback:
        items.append(_general_feedback(question))
    return "{" + " ".join(items) + "}"


def _write_short(question: GiftQuestion) -> str:
    if not question.answers:
        raise ValueError("a short-answer question needs an answer")
    items = []
    for answer in question.answers:
        if not answer.text.strip(_WS):
            raise ValueError("a short answer needs a text")
        if "->" in answer.text or "->" in answer.feedback:
            # '-' and '>' cannot be escaped, and '=' plus '->' makes a matching question.
            raise ValueError("a short answer or its feedback cannot contain '->' in GIFT")
        # A text starting with '%' needs an explicit weight, or it would be read as one.
        plain = answer.fraction == 1.0 and not answer.text.startswith("%")
        weight = "" if plain else f"%{_percent(answer.fraction)}%"
        items.append(
            "="
            + weight
            + _field(answer.text, question.format)
            + _feedback(answer, question.format)
            + _misconception(answer)
        )
    return _multiline_block(question, items)


def _number_text(number: float) -> str:
    if not math.isfinite(number):
        raise ValueError(f"a numerical answer must be finite, not {number}")
    # The shortest repr reads back to the same float; "1822" reads better than "1822.0".
    return repr(number).removesuffix(".0")


def _write_numerical(question: GiftQuestion) -> str:
    answers = question.answers
    if not answers:
        raise ValueError("a numerical question needs an answer")
    items = []
    for index, answer in enumerate(answers):
        fmt = question.format
        if answer.low is not None or answer.high is not None:
            if answer.low is None or answer.high is None or answer.low > answer.high:
                raise ValueError("a numerical range needs low <= high")
            spec = f"{_number_text(answer.low)}..{_number_text(answer.high)}"
        elif answer.value is not None:
            spec = _number_text(answer.value)
            if answer.tolerance:
                spec += ":" + _number_text(abs(answer.tolerance))
        else:
            # Moodle's own export writes the catch-all feedback as "~#..." at the end.
            if index == len(answers) - 1 and index > 0 and answer.fraction == 0.0:
                feedback = "#" + _field(answer.feedback, fmt) if answer.feedback else ""
                items.append("~" + feedback + _misconception(answer))
                continue
            spec = "*"
        weight = "" if answer.fraction == 1.0 else f"%{_percent(answer.fraction)}%"
        items.append("=" + weight + spec + _feedback(answer, fmt) + _misconception(answer))
    return _multiline_block(question, items, opener="{#")


def _write_matching(question: GiftQuestion) -> str:
    if len(question.answers) < 2:
        raise ValueError("a matching question needs at least two pairs")
    items = []
    for answer in question.answers:
        if "->" in answer.text:
            raise ValueError("the question side of a matching pair cannot contain '->'")
        if not answer.match.strip(_WS):
            raise ValueError("a matching pair needs an answer")
        items.append(f"={_field(answer.text, question.format)} -> {_escape(answer.match)}")
    return _multiline_block(question, items)


_BLOCK_WRITERS = {
    "single": _write_choice,
    "multiple": _write_choice,
    "missingword": _write_missingword,
    "truefalse": _write_truefalse,
    "short": _write_short,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "essay": _write_essay,
}
