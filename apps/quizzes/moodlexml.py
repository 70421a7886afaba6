"""Read and write Moodle XML question files, in pure Python (no Django).

Questions are read into the same :class:`~apps.quizzes.gift.GiftQuestion` records the GIFT
reader makes, so everything after parsing (the model check, the preview, the all-or-nothing
import) is shared.  The mapping, following Moodle's ``question/format/xml/format.php``:

==========================  ====================================================
Moodle ``type``             kind here
==========================  ====================================================
``multichoice``             ``single`` (``<single>true``), ``multiple`` (``false``);
                            single with ``_____`` in its text: ``missingword``
                            (how Moodle stores a GIFT missing-word question)
``truefalse``               ``truefalse``
``shortanswer``             ``short``
``numerical``               ``numerical`` (``*`` accepts any number)
``matching``                ``matching`` (a subquestion without text: an extra answer)
``gapselect``               ``missingword`` when it has exactly one gap
``essay``                   ``essay``
``description``             ``description``
``cloze``                   one gap only: ``short``, ``numerical``, ``missingword``
                            or ``multiple``, the gap written ``_____``
``category``                sets the category of the questions after it
==========================  ====================================================

Every question keeps its name, text format, general feedback, per-answer feedback, hints,
penalty, ``defaultgrade`` (as whole points), ``idnumber`` and tags.  An answer's
misconception is a question tag ``misconception:N:slug``, N counting the question's
``<answer>`` elements from 1: Moodle reads only ``<text>``, ``<feedback>`` and the fraction
of an answer, so an element of our own there would be dropped by a trip through Moodle,
while question tags are imported and exported again.  What has no place here
(combined feedback, embedded files, units, case-sensitive short answers) is dropped with a
warning; a type or a Cloze question that maps onto no kind raises :class:`MoodleXmlError`
naming the question and its line, as does anything malformed.

The file comes from a user, so the parser refuses any document type declaration: no
entities can be declared, which rules out both entity expansion ("billion laughs") and
external entities, and nothing is fetched from anywhere.

:func:`write_moodle_xml` writes what :func:`parse_moodle_xml` reads back to equal
questions, except numerical ranges: Moodle has none, so ``low..high`` is written as its
midpoint with a tolerance of half its width, which Moodle grades alike.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree as ET
from xml.parsers import expat

from apps.quizzes.gift import (
    BLANK,
    DEFAULT_PENALTY,
    GiftAnswer,
    GiftQuestion,
    GiftResult,
    GiftSyntaxError,
    slug_problem,
    tag_misconception,
)

__all__ = ["MoodleXmlError", "looks_like_moodle_xml", "parse_moodle_xml", "write_moodle_xml"]

MAX_POINTS = 1000
# Moodle's text formats and ours (gift.FORMATS).
_FORMATS = {"html": "html", "moodle_auto_format": "moodle", "plain_text": "plain",
            "markdown": "markdown"}  # fmt: skip
_FORMAT_NAMES = {ours: theirs for theirs, ours in _FORMATS.items()}
_XML_START = re.compile(r"<\?xml|<!DOCTYPE|<quiz[\s>]")
_IGNORED_FEEDBACK = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
# An answer's misconception, as a question tag; "misconception:" followed by anything else
# is an ordinary tag.
_MISCONCEPTION_TAG = re.compile(r"misconception:(\d+):(.*)", re.I | re.S)
# Types whose answers are <answer> elements, in the order the reader keeps them.
_TAGGABLE = ("multichoice", "truefalse", "shortanswer", "numerical")


class MoodleXmlError(GiftSyntaxError):
    """A Moodle XML file this site cannot import; ``line`` is 1-based and the message
    names the question.  A GIFT error by type, so an import treats both formats alike."""


def looks_like_moodle_xml(text: str) -> bool:
    """True when ``text`` starts as an XML document (an XML declaration, a document type,
    or ``<quiz>``, perhaps after comments); anything else is taken for GIFT, whose
    questions cannot start with ``<?`` or ``<!``."""
    position = len(text) - len(text.removeprefix("\ufeff").lstrip())
    while text.startswith("<!--", position):
        end = text.find("-->", position + 4)
        if end < 0:
            return False
        position = len(text) - len(text[end + 3 :].lstrip())
    return _XML_START.match(text, position) is not None


# --------------------------------------------------------------------------------------
# A small tree with line numbers, from expat with every DTD refused


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    chars: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.chars)

    def first(self, tag: str) -> _Node | None:
        return next((child for child in self.children if child.tag == tag), None)

    def all(self, tag: str) -> list[_Node]:
        return [child for child in self.children if child.tag == tag]

    def value(self, tag: str, default: str = "") -> str:
        """The trimmed text of the first child ``tag`` (Moodle trims what it reads)."""
        child = self.first(tag)
        return child.text.strip() if child is not None else default

    def text_of(self, tag: str) -> tuple[str, str | None, _Node | None]:
        """(text, Moodle format or None, node) of a ``<tag format=".."><text>..</text>``."""
        child = self.first(tag)
        if child is None:
            return "", None, None
        return child.value("text"), child.attrs.get("format"), child


def _tree(text: str) -> _Node:
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    root = _Node("", {}, 0)
    stack = [root]

    def refuse(*_args):
        raise MoodleXmlError(
            parser.CurrentLineNumber,
            "the file declares a document type (<!DOCTYPE ...>); Moodle XML has none, and "
            "entities are refused for safety",
        )

    def start(tag, attrs):
        node = _Node(tag, attrs, parser.CurrentLineNumber)
        stack[-1].children.append(node)
        stack.append(node)

    def end(_tag):
        stack.pop()

    def chars(data):
        stack[-1].chars.append(data)

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(text.removeprefix("\ufeff"), True)
    except expat.ExpatError as exc:
        message = expat.errors.messages[exc.code]
        raise MoodleXmlError(exc.lineno, f"not well-formed XML: {message}") from None
    quiz = root.first("quiz")
    if quiz is None:
        raise MoodleXmlError(1, "expected <quiz> around the questions")
    return quiz


# --------------------------------------------------------------------------------------
# Reading


def parse_moodle_xml(text: str) -> GiftResult:
    """The questions of a Moodle XML file, in order, with warnings ("line N: ...");
    raises :class:`MoodleXmlError` at the first question it cannot import."""
    result = GiftResult()
    category = ""
    for node in _tree(text).children:
        if node.tag != "question":
            raise MoodleXmlError(node.line, f"expected <question>, found <{node.tag}>")
        kind = node.attrs.get("type", "")
        if kind == "category":
            name = node.first("category")
            category = name.value("text") if name is not None else ""
            continue
        result.questions.append(_Reader(node, category, result.warnings).question(kind))
    return result


class _Reader:
    def __init__(self, node: _Node, category: str, warnings: list[str]) -> None:
        self.node = node
        self.category = category
        self.warnings = warnings
        name = node.first("name")
        self.title = name.value("text") if name is not None else ""

    def fail(self, message: str, line: int | None = None) -> MoodleXmlError:
        name = f"question {self.title!r}" if self.title else "a question without a name"
        return MoodleXmlError(line or self.node.line, f"{name}: {message}")

    def warn(self, message: str, line: int | None = None) -> None:
        name = f"question {self.title!r}" if self.title else "a question without a name"
        self.warnings.append(f"line {line or self.node.line}: {name}: {message}")

    def question(self, moodle_type: str) -> GiftQuestion:
        readers = {
            "multichoice": self.multichoice,
            "truefalse": self.truefalse,
            "shortanswer": self.short,
            "numerical": self.numerical,
            "matching": self.matching,
            "gapselect": self.gapselect,
            "essay": self.essay,
            "description": self.description,
            "cloze": self.cloze,
        }
        if moodle_type not in readers:
            known = ", ".join(sorted(readers))
            raise self.fail(
                f"Moodle's {moodle_type or 'untyped'} questions have no kind here "
                f"(these types import: {known}, category)"
            )
        text, fmt, _ = self.node.text_of("questiontext")
        self.format = self.text_format(fmt or "html")
        question = GiftQuestion("description", text, title=self.title, format=self.format)
        question.line = self.node.line
        question.category = self.category
        question.general_feedback = self.field("generalfeedback")
        question.id = self.node.value("idnumber")
        markers = []
        for tag in self.tags():
            text = tag.value("text")
            if marker := _MISCONCEPTION_TAG.fullmatch(text):
                markers.append((int(marker[1]), marker[2].strip(), tag.line))
            elif text:
                question.tags.append(text)
        question.hints = [hint.value("text") for hint in self.node.all("hint")]
        question.points = self.points()
        question.penalty = self.penalty()
        self.check_files()
        readers[moodle_type](question)
        for number, slug, line in markers:
            self.tag_misconception(moodle_type, question, number, slug, line)
        return question

    def tag_misconception(
        self, moodle_type: str, question: GiftQuestion, number: int, slug: str, line: int
    ) -> None:
        """Tag the question's `number`th <answer> with the misconception `slug`."""
        nodes = self.node.all("answer")
        if moodle_type not in _TAGGABLE:
            raise self.fail(f"a misconception tags an <answer>, which {moodle_type} has not", line)
        if not 1 <= number <= len(nodes):
            raise self.fail(
                f"the tag misconception:{number}:… names answer {number}; the question has "
                f"{len(nodes)} <answer> elements",
                line,
            )
        if moodle_type == "truefalse":
            value = nodes[number - 1].value("text").lower()
            answer = next(a for a in question.answers if a.text == value)
        else:
            answer = question.answers[number - 1]
        problem = slug_problem(slug) or tag_misconception(answer, slug)
        if problem:
            raise self.fail(problem, line)

    def text_format(self, name: str, line: int | None = None) -> str:
        if name not in _FORMATS:
            raise self.fail(f"unknown text format {name!r}", line)
        return _FORMATS[name]

    def field(self, tag: str, parent: _Node | None = None) -> str:
        """A text in the question's format (a different one is warned about: one format
        per question is all a question here keeps)."""
        text, fmt, node = (parent or self.node).text_of(tag)
        if fmt is not None and text and self.text_format(fmt, node.line) != self.format:
            self.warn(
                f"the {tag} is in {fmt}, the question in {_FORMAT_NAMES[self.format]}; "
                "it is kept in the question's format",
                node.line,
            )
        return text

    def tags(self) -> list[_Node]:
        tags = self.node.first("tags")
        return tags.all("tag") if tags is not None else []

    def number(self, text: str, what: str, line: int) -> Decimal:
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            raise self.fail(f"expected {what}, found {text.strip()[:40]!r}", line) from None
        if not number.is_finite():
            raise self.fail(f"expected {what}, found {text.strip()!r}", line)
        return number

    def points(self) -> int:
        node = self.node.first("defaultgrade")
        if node is None:
            return 1
        grade = self.number(node.text, "a number of points in <defaultgrade>", node.line)
        if not 0 <= grade <= MAX_POINTS:
            raise self.fail(f"<defaultgrade> must be from 0 to {MAX_POINTS}", node.line)
        points = int(grade.to_integral_value(rounding="ROUND_HALF_UP"))
        if points != grade:
            self.warn(f"{grade.normalize()} points rounded to {points}: points here are whole")
        return points

    def penalty(self) -> float:
        node = self.node.first("penalty")
        if node is None:
            return DEFAULT_PENALTY
        penalty = self.number(node.text, "a penalty from 0 to 1", node.line)
        if not 0 <= penalty <= 1:
            raise self.fail("<penalty> must be from 0 to 1", node.line)
        return float(penalty)

    def check_files(self) -> None:
        for node in self.node.children:
            if any(child.tag == "file" for child in node.children):
                self.warn(f"files embedded in <{node.tag}> are not imported", node.line)
                return

    def fraction(self, answer: _Node) -> float:
        percent = self.number(answer.attrs.get("fraction", "0"), "a percentage", answer.line)
        if not -100 <= percent <= 100:
            raise self.fail(f"fraction {percent}% is outside -100..100", answer.line)
        return float(percent / 100)

    def answers(self) -> list[GiftAnswer]:
        answers = []
        for node in self.node.all("answer"):
            text = self.field_text(node)
            if not text:
                raise self.fail("an answer needs a text", node.line)
            answers.append(GiftAnswer(text, self.fraction(node), self.field("feedback", node)))
        return answers

    def field_text(self, answer: _Node) -> str:
        fmt = answer.attrs.get("format")
        text = answer.value("text")
        if fmt is not None and text and self.text_format(fmt, answer.line) != self.format:
            self.warn(
                f"an answer is in {fmt}, the question in {_FORMAT_NAMES[self.format]}; "
                "it is kept in the question's format",
                answer.line,
            )
        return text

    def combined_feedback(self) -> None:
        for tag in _IGNORED_FEEDBACK:
            text, _, node = self.node.text_of(tag)
            if text:
                self.warn(
                    f"<{tag}> is not kept: feedback here belongs to each answer and to the "
                    "question as a whole",
                    node.line,
                )

    # One method per Moodle type ----------------------------------------------------

    def multichoice(self, question: GiftQuestion) -> None:
        single = self.node.value("single", "true").lower() in ("true", "1")
        question.answers = self.answers()
        if len(question.answers) < 2:
            raise self.fail("a multiple-choice question needs at least two answers")
        if single:
            question.kind = "missingword" if BLANK in question.text else "single"
        else:
            question.kind = "multiple"
        self.combined_feedback()

    def truefalse(self, question: GiftQuestion) -> None:
        question.kind = "truefalse"
        answers = {answer.text.lower(): answer for answer in self.answers()}
        if set(answers) != {"true", "false"}:
            raise self.fail("a true/false question needs the answers 'true' and 'false'")
        question.answers = [answers["true"], answers["false"]]
        for answer in question.answers:
            answer.text = answer.text.lower()

    def short(self, question: GiftQuestion) -> None:
        question.kind = "short"
        question.answers = self.answers()
        if not question.answers:
            raise self.fail("a short-answer question needs an answer")
        if self.node.value("usecase", "0") not in ("", "0"):
            self.warn("short answers are compared here without regard to case")

    def numerical(self, question: GiftQuestion) -> None:
        question.kind = "numerical"
        for node in self.node.all("answer"):
            text = node.value("text")
            answer = GiftAnswer("", self.fraction(node), self.field("feedback", node))
            if text == "*":
                answer.text = "*"
            else:
                answer.value = float(self.number(text, "a number", node.line))
                tolerance = node.value("tolerance", "0") or "0"
                answer.tolerance = abs(float(self.number(tolerance, "a tolerance", node.line)))
            question.answers.append(answer)
        if not question.answers:
            raise self.fail("a numerical question needs an answer")
        units = self.node.first("units")
        if units is not None and units.all("unit"):
            self.warn("units are not imported: answers here are plain numbers", units.line)

    def matching(self, question: GiftQuestion) -> None:
        question.kind = "matching"
        for node in self.node.all("subquestion"):
            answer = node.first("answer")
            match = answer.value("text") if answer is not None else ""
            if not match:
                raise self.fail("a matching pair needs an answer", node.line)
            question.answers.append(GiftAnswer(self.field_text(node), match=match))
        if sum(1 for answer in question.answers if answer.text) < 2:
            raise self.fail("a matching question needs at least two pairs")
        self.combined_feedback()

    def gapselect(self, question: GiftQuestion) -> None:
        gaps = re.findall(r"\[\[(\d+)\]\]", question.text)
        if len(gaps) != 1:
            raise self.fail(
                f"a select-missing-words question with {len(gaps)} gaps; one gap per question "
                "is all this site has (split it into one question per gap)"
            )
        options = [(node.value("text"), node.value("group", "1")) for node in self.node.all(
            "selectoption")]  # fmt: skip
        right = int(gaps[0])
        if not 1 <= right <= len(options):
            raise self.fail(f"the gap [[{right}]] names no option")
        group = options[right - 1][1]
        question.kind = "missingword"
        question.text = question.text.replace(f"[[{right}]]", BLANK)
        question.answers = [
            GiftAnswer(text, 1.0 if number == right else 0.0)
            for number, (text, option_group) in enumerate(options, start=1)
            if option_group == group
        ]
        if len(question.answers) < 2:
            raise self.fail("the gap needs at least two options in its group")
        self.combined_feedback()

    def essay(self, question: GiftQuestion) -> None:
        question.kind = "essay"
        if self.node.value("attachmentsrequired", "0") not in ("", "0"):
            self.warn("essays here are typed; required attachments are not asked for")

    def description(self, question: GiftQuestion) -> None:
        question.kind = "description"

    def cloze(self, question: GiftQuestion) -> None:
        gaps = list(_CLOZE_GAP.finditer(question.text))
        if len(gaps) != 1:
            raise self.fail(
                f"an embedded-answers (Cloze) question with {len(gaps)} gaps; one gap per "
                "question is all this site has (split it into one question per gap)"
            )
        gap = gaps[0]
        kind, answers = _cloze_answers(gap.group("type"), gap.group("answers"), self)
        if gap.group("type").endswith(("_C", "SAC", "MWC")):
            self.warn("short answers are compared here without regard to case")
        question.kind = kind
        question.answers = answers
        question.text = question.text[: gap.start()] + BLANK + question.text[gap.end() :]


_CLOZE_TYPES = {
    **dict.fromkeys(("SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"), "short"),
    **dict.fromkeys(("NUMERICAL", "NM"), "numerical"),
    **dict.fromkeys(
        ("MULTICHOICE", "MC", "MULTICHOICE_V", "MCV", "MULTICHOICE_H", "MCH", "MULTICHOICE_S",
         "MCS", "MULTICHOICE_VS", "MCVS", "MULTICHOICE_HS", "MCHS"),
        "missingword",
    ),
    **dict.fromkeys(
        ("MULTIRESPONSE", "MR", "MULTIRESPONSE_H", "MRH", "MULTIRESPONSE_S", "MRS",
         "MULTIRESPONSE_HS", "MRHS"),
        "multiple",
    ),
}  # fmt: skip
# An unescaped "{" ends a gap's answers as "}" does, so each scan stops at the next brace
# and reading a text of many unclosed gaps stays linear.
_CLOZE_GAP = re.compile(
    r"\{(?P<weight>[0-9]*):(?P<type>[A-Z_]+):(?P<answers>(?:\\.|[^\\{}])*)\}", re.S
)
_CLOZE_WEIGHT = re.compile(r"%(-?[0-9]+(?:\.[0-9]+)?)%")
_CLOZE_UNESCAPE = re.compile(r"\\(.)", re.S)


def _split_unescaped(text: str, separator: str) -> list[str]:
    parts, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _cloze_answers(gap_type: str, body: str, reader: _Reader) -> tuple[str, list[GiftAnswer]]:
    """The kind and answers of one Cloze gap: ``=right#feedback~%50%half~wrong``."""
    kind = _CLOZE_TYPES.get(gap_type)
    if kind is None:
        raise reader.fail(f"the Cloze gap type {gap_type} is not one this site can hold")
    answers = []
    for raw in _split_unescaped(body, "~"):
        if not raw.strip():
            continue
        fraction = 0.0
        if raw.startswith("="):
            fraction, raw = 1.0, raw[1:]
        elif weight := _CLOZE_WEIGHT.match(raw):
            fraction, raw = float(Decimal(weight.group(1)) / 100), raw[weight.end() :]
        text, *feedback = _split_unescaped(raw, "#")
        text = _CLOZE_UNESCAPE.sub(r"\1", text).strip()
        answer = GiftAnswer(text, fraction, _CLOZE_UNESCAPE.sub(r"\1", "#".join(feedback)).strip())
        if kind == "numerical" and text != "*":
            value, _, tolerance = text.partition(":")
            line = reader.node.line
            answer.text = ""
            answer.value = float(reader.number(value, "a number", line))
            answer.tolerance = abs(float(reader.number(tolerance or "0", "a tolerance", line)))
        answers.append(answer)
    if not answers:
        raise reader.fail("the Cloze gap has no answers")
    if kind == "missingword" and len(answers) < 2:
        raise reader.fail("a Cloze multiple-choice gap needs at least two answers")
    return kind, answers


# --------------------------------------------------------------------------------------
# Writing


def write_moodle_xml(questions: Iterable[GiftQuestion]) -> str:
    """Moodle XML for the questions, a category entry wherever the category changes.
    Raises ``ValueError`` for a question Moodle could not hold."""
    quiz = ET.Element("quiz")
    category = ""
    for number, question in enumerate(questions, start=1):
        if question.category != category:
            category = question.category
            entry = ET.SubElement(quiz, "question", type="category")
            _text(ET.SubElement(entry, "category"), category)
        try:
            _write_question(quiz, question)
        except ValueError as error:
            raise ValueError(f"question {number} ({question.kind}): {error}") from None
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, "unicode") + "\n"


_TYPES = {"single": "multichoice", "multiple": "multichoice", "missingword": "multichoice",
          "truefalse": "truefalse", "short": "shortanswer", "numerical": "numerical",
          "matching": "matching", "essay": "essay", "description": "description"}  # fmt: skip


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent: ET.Element, text: str, fmt: str | None = None) -> ET.Element:
    if _NOT_XML.search(text):
        raise ValueError("a text holds a control character XML cannot carry")
    if fmt is not None:
        parent.set("format", _FORMAT_NAMES[fmt])
    ET.SubElement(parent, "text").text = text
    return parent


def _number(number: float) -> str:
    if not math.isfinite(number):
        raise ValueError(f"a number must be finite, not {number}")
    return repr(number).removesuffix(".0")


def _percent(fraction: float) -> str:
    if not -1 <= fraction <= 1:
        raise ValueError(f"a weight of {fraction:.0%} is outside -100%..100%")
    return format((Decimal(repr(fraction)) * 100).normalize(), "f")


def _write_question(quiz: ET.Element, question: GiftQuestion) -> None:
    if question.kind not in _TYPES:
        raise ValueError(f"unknown kind {question.kind!r}")
    if question.format not in _FORMAT_NAMES:
        raise ValueError(f"unknown format {question.format!r}")
    if question.kind == "missingword" and BLANK not in question.text:
        raise ValueError(f"a missing-word question's text must contain the blank {BLANK}")
    fmt = question.format
    node = ET.SubElement(quiz, "question", type=_TYPES[question.kind])
    # Moodle wants a name; an untitled question is named by the start of its text.
    _text(ET.SubElement(node, "name"), question.title or " ".join(question.text.split())[:60])
    _text(ET.SubElement(node, "questiontext"), question.text, fmt)
    _text(ET.SubElement(node, "generalfeedback"), question.general_feedback, fmt)
    ET.SubElement(node, "defaultgrade").text = str(question.points)
    ET.SubElement(node, "penalty").text = _number(question.penalty)
    ET.SubElement(node, "hidden").text = "0"
    ET.SubElement(node, "idnumber").text = question.id
    _KIND_WRITERS[question.kind](node, question)
    for hint in question.hints:
        _text(ET.SubElement(node, "hint"), hint, fmt)
    tags = list(question.tags)
    for tag in tags:
        if _MISCONCEPTION_TAG.fullmatch(tag):
            raise ValueError(f"the tag {tag!r} would read back as an answer's misconception")
    # Every kind with answers writes them in order, one <answer> each (true/false too).
    for number, answer in enumerate(question.answers, start=1):
        if answer.misconception:
            if problem := slug_problem(answer.misconception):
                raise ValueError(problem)
            tags.append(f"misconception:{number}:{answer.misconception}")
    if tags:
        element = ET.SubElement(node, "tags")
        for tag in tags:
            _text(ET.SubElement(element, "tag"), tag)


def _answer(node: ET.Element, answer: GiftAnswer, fmt: str, text: str) -> ET.Element:
    element = ET.SubElement(node, "answer", fraction=_percent(answer.fraction))
    _text(element, text, fmt)
    _text(ET.SubElement(element, "feedback"), answer.feedback, fmt)
    return element


def _write_choices(node: ET.Element, question: GiftQuestion) -> None:
    if len(question.answers) < 2:
        raise ValueError("a choice question needs at least two choices")
    ET.SubElement(node, "single").text = "false" if question.kind == "multiple" else "true"
    ET.SubElement(node, "shuffleanswers").text = "true"
    ET.SubElement(node, "answernumbering").text = "abc"
    for answer in question.answers:
        _answer(node, answer, question.format, answer.text)


def _write_truefalse(node: ET.Element, question: GiftQuestion) -> None:
    if sorted(answer.text.lower() for answer in question.answers) != ["false", "true"]:
        raise ValueError("a true/false question needs exactly the answers 'true' and 'false'")
    for answer in question.answers:
        _answer(node, answer, question.format, answer.text.lower())


def _write_short(node: ET.Element, question: GiftQuestion) -> None:
    ET.SubElement(node, "usecase").text = "0"
    for answer in question.answers:
        _answer(node, answer, question.format, answer.text)


def _write_numerical(node: ET.Element, question: GiftQuestion) -> None:
    for answer in question.answers:
        if answer.low is not None and answer.high is not None:
            value, tolerance = (answer.low + answer.high) / 2, (answer.high - answer.low) / 2
        elif answer.value is not None:
            value, tolerance = answer.value, answer.tolerance
        else:
            _answer(node, answer, question.format, "*")
            continue
        element = _answer(node, answer, question.format, _number(value))
        ET.SubElement(element, "tolerance").text = _number(abs(tolerance))


def _write_matching(node: ET.Element, question: GiftQuestion) -> None:
    ET.SubElement(node, "shuffleanswers").text = "true"
    for answer in question.answers:
        pair = _text(ET.SubElement(node, "subquestion"), answer.text, question.format)
        _text(ET.SubElement(pair, "answer"), answer.match)


def _write_essay(node: ET.Element, question: GiftQuestion) -> None:
    for tag, value in (("responseformat", "editor"), ("responserequired", "1"),
                       ("responsefieldlines", "15"), ("attachments", "0"),
                       ("attachmentsrequired", "0")):  # fmt: skip
        ET.SubElement(node, tag).text = value
    _text(ET.SubElement(node, "graderinfo"), "", question.format)
    _text(ET.SubElement(node, "responsetemplate"), "", question.format)


_KIND_WRITERS = {
    "single": _write_choices,
    "multiple": _write_choices,
    "missingword": _write_choices,
    "truefalse": _write_truefalse,
    "short": _write_short,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "essay": _write_essay,
    "description": lambda node, question: None,
}
