"""QTI 1.2 packages for Canvas: a zip holding ``imsmanifest.xml`` and, per quiz, a folder
with the questions (``<ident>/<ident>.xml``) and Canvas's quiz settings
(``<ident>/assessment_meta.xml``), laid out as Canvas exports them and as text2qti writes
them, so that Canvas's "QTI .zip file" import accepts it.

Every kind has a Canvas question type: single choice, missing word (its blank shown in the
text) and true/false become ``multiple_choice_question`` / ``true_false_question``;
multiple response ``multiple_answers_question``; short answer ``short_answer_question``;
numerical ``numerical_question``; matching ``matching_question``; essay
``essay_question``; text ``text_only_question``.  What Canvas scores differently (partial
credit on an option, wildcards, "any other number") is listed in the package's report,
one line per question affected, and written to ``regimes-report.txt`` in the zip, which
Canvas ignores (it is not in the manifest).

Canvas converts the package to QTI 2.1 with its QTIMigrationTool and then reads it with
the rules of ``gems/plugins/qti_exporter/lib/qti/*.rb``; the ones this writer follows:

- a short answer is every text a condition of the item compares the response with, so
  only the right answers appear in conditions (a wrong one's feedback cannot be kept);
- a matching option is told apart by the first run of digits in its ident (``m1``,
  ``m2``…), and a pair is a condition that adds to the score;
- an exact number is ``<or>`` of ``varequal`` and a ``vargte``/``varlte`` pair (its margin),
  a range an ``<and>`` of the two; feedback on a right number is read from its condition;
- a feedback ident containing "correct", "wrong", "general_" or "_all" is read as the
  question's own, so answers' idents never contain the quiz's slug.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from xml.etree import ElementTree as ET

from apps.quizzes.gift import GiftAnswer, GiftQuestion
from apps.quizzes.models import render_text

__all__ = ["Assessment", "QtiPackage", "write_qti_package"]

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
MANIFEST_NS = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
REPORT = "regimes-report.txt"
# A fixed time stamp keeps the same quiz's package byte for byte the same.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_TYPES = {"single": "multiple_choice_question", "missingword": "multiple_choice_question",
          "truefalse": "true_false_question", "multiple": "multiple_answers_question",
          "short": "short_answer_question", "numerical": "numerical_question",
          "matching": "matching_question", "essay": "essay_question",
          "description": "text_only_question"}  # fmt: skip
_SCORING = {"highest": "keep_highest", "last": "keep_latest", "average": "keep_average"}


@dataclass
class Assessment:
    """One quiz: ``ident`` must be unique in the package and safe as a folder name."""

    ident: str
    title: str
    questions: list[GiftQuestion]
    description: str = ""
    shuffle_answers: bool = True
    attempts_allowed: int = 0
    time_limit: int | None = None
    grade_method: str = "highest"


@dataclass
class QtiPackage:
    data: bytes
    report: list[str] = field(default_factory=list)


def write_qti_package(assessments: list[Assessment]) -> QtiPackage:
    """The zip for Canvas, and the report of what Canvas will score differently."""
    report: list[str] = []
    files: dict[str, str] = {"imsmanifest.xml": _manifest(assessments)}
    for assessment in assessments:
        folder = assessment.ident
        files[f"{folder}/{folder}.xml"] = _assessment(assessment, report)
        files[f"{folder}/assessment_meta.xml"] = _meta(assessment)
    if report:
        files[REPORT] = "\n".join(report) + "\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(zipfile.ZipInfo(name, _ZIP_TIME), text.encode())
    return QtiPackage(buffer.getvalue(), report)


def _xml(root: ET.Element) -> str:
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


# --------------------------------------------------------------------------------------
# The manifest and Canvas's quiz settings


def _manifest(assessments: list[Assessment]) -> str:
    manifest = ET.Element(
        "manifest",
        {"identifier": "regimes-qti-export", "xmlns": MANIFEST_NS,
         "xmlns:imsmd": "http://www.imsglobal.org/xsd/imsmd_v1p2"},
    )  # fmt: skip
    metadata = _sub(manifest, "metadata")
    _sub(metadata, "schema", "IMS Content")
    _sub(metadata, "schemaversion", "1.1.3")
    _sub(manifest, "organizations")
    resources = _sub(manifest, "resources")
    for assessment in assessments:
        folder, meta = assessment.ident, f"{assessment.ident}-meta"
        resource = _sub(resources, "resource", identifier=folder, type="imsqti_xmlv1p2")
        _sub(resource, "file", href=f"{folder}/{folder}.xml")
        _sub(resource, "dependency", identifierref=meta)
        resource = _sub(
            resources,
            "resource",
            identifier=meta,
            type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
            href=f"{folder}/assessment_meta.xml",
        )
        _sub(resource, "file", href=f"{folder}/assessment_meta.xml")
    return _xml(manifest)


def _meta(assessment: Assessment) -> str:
    quiz = ET.Element("quiz", {"identifier": assessment.ident, "xmlns": CANVAS_NS})
    points = sum(q.points for q in assessment.questions if q.kind != "description")
    for tag, value in (
        ("title", assessment.title),
        ("description", assessment.description),
        ("shuffle_answers", _bool(assessment.shuffle_answers)),
        ("scoring_policy", _SCORING.get(assessment.grade_method, "keep_highest")),
        ("quiz_type", "assignment"),
        ("points_possible", f"{points:.1f}"),
        ("allowed_attempts", str(assessment.attempts_allowed or -1)),
        ("one_question_at_a_time", "false"),
        ("cant_go_back", "false"),
        ("available", "false"),
    ):
        _sub(quiz, tag, value)
    if assessment.time_limit:
        _sub(quiz, "time_limit", str(assessment.time_limit))
    return _xml(quiz)


def _bool(value: bool) -> str:
    return "true" if value else "false"


# --------------------------------------------------------------------------------------
# The questions


def _assessment(assessment: Assessment, report: list[str]) -> str:
    root = ET.Element("questestinterop", {"xmlns": QTI_NS})
    test = _sub(root, "assessment", ident=assessment.ident, title=assessment.title)
    metadata = _sub(_sub(test, "qtimetadata"), "qtimetadatafield")
    _sub(metadata, "fieldlabel", "cc_maxattempts")
    _sub(metadata, "fieldentry", str(assessment.attempts_allowed or "unlimited"))
    section = _sub(test, "section", ident="root_section")
    for number, question in enumerate(assessment.questions, start=1):
        name = f"question {number} ({question.title or question.kind})"
        lost = _item(section, f"{assessment.ident}-q{number}", question)
        report.extend(f"{assessment.title}, {name}: {reason}" for reason in lost)
    return _xml(root)


def _html(question: GiftQuestion, text: str, inline: bool = False) -> str:
    return render_text(text, question.format, inline=inline)


def _material(parent: ET.Element, html: str) -> None:
    _sub(_sub(parent, "material"), "mattext", html, texttype="text/html")


def _item(section: ET.Element, ident: str, question: GiftQuestion) -> list[str]:
    """Write one item; return what Canvas will not score as this site does."""
    item = _sub(section, "item", ident=ident, title=question.title or f"Question {ident}")
    # Scoped to the item, and free of the slug: see the module's notes on feedback idents.
    answer_ids = [f"a{index}" for index in range(1, len(question.answers) + 1)]
    fields = _sub(_sub(item, "itemmetadata"), "qtimetadata")
    scored = question.kind != "description"
    for label, entry in (
        ("question_type", _TYPES[question.kind]),
        ("points_possible", f"{question.points if scored else 0:.1f}"),
        ("original_answer_ids", ",".join(answer_ids)),
        ("assessment_question_identifierref", f"{ident}-bank"),
    ):
        pair = _sub(fields, "qtimetadatafield")
        _sub(pair, "fieldlabel", label)
        _sub(pair, "fieldentry", entry)
    presentation = _sub(item, "presentation")
    _material(presentation, _html(question, question.text))
    if not scored:
        return []
    processing = _sub(item, "resprocessing")
    outcomes = _sub(processing, "outcomes")
    _sub(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
    if question.general_feedback:
        _when(_condition(processing, "Yes", feedback="general_fb"), ET.Element("other"))
    feedback = {"general_fb": _html(question, question.general_feedback)}
    writer = _WRITERS[question.kind]
    lost = writer(presentation, processing, question, answer_ids, feedback)
    for key, html in feedback.items():
        if html:
            block = _sub(item, "itemfeedback", ident=key)
            _material(_sub(block, "flow_mat"), html)
    if question.hints:
        lost.append("Canvas has no hints; they are left out")
    return lost


def _condition(
    processing: ET.Element, go_on: str, score: str | None = None, feedback: str = ""
) -> ET.Element:
    """A ``respcondition``; its ``conditionvar`` is inserted first by the caller."""
    condition = _sub(processing, "respcondition", **{"continue": go_on})
    if score is not None:
        _sub(condition, "setvar", score, action="Set", varname="SCORE")
    if feedback:
        _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=feedback)
    return condition


def _when(condition: ET.Element, *tests: ET.Element) -> None:
    var = ET.Element("conditionvar")
    var.extend(tests)
    condition.insert(0, var)


def _equal(value: str) -> ET.Element:
    element = ET.Element("varequal", respident="response1")
    element.text = value
    return element


def _feedback_conditions(processing, answers, ids, feedback, html_of, value_of) -> None:
    for answer, answer_id in zip(answers, ids, strict=True):
        if answer.feedback:
            key = f"{answer_id}_fb"
            feedback[key] = html_of(answer.feedback)
            condition = _condition(processing, "Yes", feedback=key)
            _when(condition, _equal(value_of(answer, answer_id)))


def _partial(answers: list[GiftAnswer]) -> list[str]:
    weights = sorted({f"{a.fraction:.0%}" for a in answers if a.fraction not in (0.0, 1.0)})
    if not weights:
        return []
    return [f"Canvas gives all or nothing; the answers worth {', '.join(weights)} earn nothing"]


def _write_choices(presentation, processing, question, ids, feedback) -> list[str]:
    many = question.kind == "multiple"
    response = _sub(
        presentation,
        "response_lid",
        ident="response1",
        rcardinality="Multiple" if many else "Single",
    )
    render = _sub(response, "render_choice")
    for answer, answer_id in zip(question.answers, ids, strict=True):
        text = answer.text.capitalize() if question.kind == "truefalse" else answer.text
        _material(_sub(render, "response_label", ident=answer_id), _html(question, text, True))
    _feedback_conditions(
        processing, question.answers, ids, feedback,
        lambda text: _html(question, text), lambda answer, answer_id: answer_id,
    )  # fmt: skip
    if many:
        tests = []
        for answer, answer_id in zip(question.answers, ids, strict=True):
            if answer.fraction > 0:
                tests.append(_equal(answer_id))
            else:
                negated = ET.Element("not")
                negated.append(_equal(answer_id))
                tests.append(negated)
        both = ET.Element("and")
        both.extend(tests)
        _when(_condition(processing, "No", score="100"), both)
        return ["Canvas gives partial credit by its own rule, not the weights set here"]
    for answer, answer_id in zip(question.answers, ids, strict=True):
        if answer.fraction == 1.0:
            _when(_condition(processing, "No", score="100"), _equal(answer_id))
    return _partial(question.answers)


def _fib(presentation, fibtype: str | None = None) -> None:
    response = _sub(presentation, "response_str", ident="response1", rcardinality="Single")
    render = _sub(response, "render_fib", **({"fibtype": fibtype} if fibtype else {}))
    _sub(render, "response_label", ident="answer1", rshuffle="No")


def _write_short(presentation, processing, question, ids, feedback) -> list[str]:
    _fib(presentation)
    # Canvas accepts every text a condition names, so only the right answers are named.
    right = [(a, answer_id) for a, answer_id in zip(question.answers, ids, strict=True)
             if a.fraction == 1.0]  # fmt: skip
    _feedback_conditions(
        processing, [a for a, _ in right], [i for _, i in right], feedback,
        lambda text: _html(question, text), lambda answer, answer_id: answer.text,
    )  # fmt: skip
    if right:
        _when(
            _condition(processing, "No", score="100"),
            *(_equal(answer.text) for answer, _ in right),
        )
    lost = _partial(question.answers)
    if any(a.feedback and a.fraction != 1.0 for a in question.answers):
        lost.append("Canvas keeps feedback only on right short answers; the others' is left out")
    if any("*" in answer.text for answer in question.answers):
        lost.append("Canvas has no wildcards; an answer with * matches only itself")
    return lost


def _write_numerical(presentation, processing, question, ids, feedback) -> list[str]:
    _fib(presentation, "Decimal")
    lost = _partial(question.answers)
    for answer, answer_id in zip(question.answers, ids, strict=True):
        if answer.fraction != 1.0:
            continue
        both = ET.Element("and")
        if answer.low is not None and answer.high is not None:
            low, high = _decimal(answer.low), _decimal(answer.high)
            test = both  # Canvas: a range answer
        elif answer.value is not None:
            # In decimal, so 3.14 ± 0.01 is written 3.13..3.15, as the author means it.
            value, tolerance = _decimal(answer.value), _decimal(answer.tolerance)
            low, high = value - tolerance, value + tolerance
            test = ET.Element("or")  # Canvas: an exact answer, its margin from the bounds
            test.extend([_equal(_number(value)), both])
        else:
            lost.append("Canvas has no 'any other number' answer; it is left out")
            continue
        for tag, bound in (("vargte", low), ("varlte", high)):
            _sub(both, tag, _number(bound), respident="response1")
        key = ""
        if answer.feedback:
            key = f"{answer_id}_fb"
            feedback[key] = _html(question, answer.feedback)
        _when(_condition(processing, "No", score="100", feedback=key), test)
    if any(a.feedback and a.fraction != 1.0 for a in question.answers):
        lost.append(
            "Canvas keeps feedback only on right numerical answers; the others' is left out"
        )
    return lost


def _decimal(number: float) -> Decimal:
    return Decimal(repr(number))


def _number(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _write_matching(presentation, processing, question, ids, feedback) -> list[str]:
    options = sorted({a.match for a in question.answers}, key=lambda t: (t.casefold(), t))
    # Canvas tells options apart by the first number in their idents.
    option_ids = {text: f"m{index}" for index, text in enumerate(options, start=1)}
    pairs = [(a, answer_id) for a, answer_id in zip(question.answers, ids, strict=True) if a.text]
    share = f"{100 / len(pairs):.2f}" if pairs else "0"
    for answer, answer_id in pairs:
        response = _sub(presentation, "response_lid", ident=f"response_{answer_id}")
        _material(response, _html(question, answer.text, True))
        render = _sub(response, "render_choice")
        for text in options:
            label = _sub(render, "response_label", ident=option_ids[text])
            _material(label, _html(question, text, True))
        # Each pair scores on its own, so processing goes on after a match.
        condition = _sub(processing, "respcondition", **{"continue": "Yes"})
        var = _sub(condition, "conditionvar")
        _sub(var, "varequal", option_ids[answer.match], respident=f"response_{answer_id}")
        _sub(condition, "setvar", share, varname="SCORE", action="Add")
    return []


def _write_essay(presentation, processing, question, ids, feedback) -> list[str]:
    _fib(presentation)
    _when(_condition(processing, "No"), ET.Element("other"))
    return []


_WRITERS = {
    "single": _write_choices,
    "missingword": _write_choices,
    "truefalse": _write_choices,
    "multiple": _write_choices,
    "short": _write_short,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "essay": _write_essay,
}
