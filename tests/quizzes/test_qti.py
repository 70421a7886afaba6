"""QTI 1.2 for Canvas: the zip's layout, the manifest's references, and the element names
and question types Canvas's importer reads; what Canvas scores differently is reported."""

import io
import re
import zipfile
from xml.etree import ElementTree as ET

import pytest

from apps.quizzes.formats import QTI12, export_quiz
from apps.quizzes.gift import parse_gift
from apps.quizzes.qti import CANVAS_NS, MANIFEST_NS, QTI_NS, REPORT, Assessment, write_qti_package
from tests.quizzes.conftest import EVERY_KIND, quiz_from_gift

Q = f"{{{QTI_NS}}}"


def package(text: str = EVERY_KIND, **settings):
    assessment = Assessment("regimes-demo", "Demo", parse_gift(text).questions, **settings)
    result = write_qti_package([assessment])
    return result, zipfile.ZipFile(io.BytesIO(result.data))


def items(archive) -> list[ET.Element]:
    root = ET.fromstring(archive.read("regimes-demo/regimes-demo.xml"))
    assert root.tag == f"{Q}questestinterop"
    (assessment,) = root.findall(f"{Q}assessment")
    assert assessment.get("ident") == "regimes-demo" and assessment.get("title") == "Demo"
    return assessment.findall(f"{Q}section/{Q}item")


def metadata(item) -> dict[str, str]:
    fields = item.findall(f"{Q}itemmetadata/{Q}qtimetadata/{Q}qtimetadatafield")
    return {f.findtext(f"{Q}fieldlabel"): f.findtext(f"{Q}fieldentry") for f in fields}


def test_the_zip_holds_the_manifest_and_one_folder_per_quiz():
    _, archive = package()
    assert set(archive.namelist()) == {
        "imsmanifest.xml",
        REPORT,
        "regimes-demo/assessment_meta.xml",
        "regimes-demo/regimes-demo.xml",
    }
    manifest = ET.fromstring(archive.read("imsmanifest.xml"))
    assert manifest.tag == f"{{{MANIFEST_NS}}}manifest"
    resources = manifest.findall(f"{{{MANIFEST_NS}}}resources/{{{MANIFEST_NS}}}resource")
    assert [(r.get("identifier"), r.get("type")) for r in resources] == [
        ("regimes-demo", "imsqti_xmlv1p2"),
        ("regimes-demo-meta", "associatedcontent/imscc_xmlv1p1/learning-application-resource"),
    ]
    hrefs = [f.get("href") for r in resources for f in r.findall(f"{{{MANIFEST_NS}}}file")]
    assert all(href in archive.namelist() for href in hrefs)
    dependency = resources[0].find(f"{{{MANIFEST_NS}}}dependency")
    assert dependency.get("identifierref") == "regimes-demo-meta"


def test_the_quiz_settings_are_in_canvas_terms():
    _, archive = package(attempts_allowed=2, time_limit=20, grade_method="last")
    meta = ET.fromstring(archive.read("regimes-demo/assessment_meta.xml"))
    assert meta.tag == f"{{{CANVAS_NS}}}quiz"
    value = {child.tag.split("}")[1]: child.text for child in meta}
    assert value["title"] == "Demo"
    assert value["allowed_attempts"] == "2" and value["time_limit"] == "20"
    assert value["scoring_policy"] == "keep_latest"
    # 8 questions of 1 point each.
    assert value["points_possible"] == "8.0"


def test_every_kind_has_a_canvas_question_type():
    _, archive = package()
    assert [metadata(item)["question_type"] for item in items(archive)] == [
        "multiple_choice_question",
        "multiple_answers_question",
        "true_false_question",
        "short_answer_question",
        "numerical_question",
        "matching_question",
        "multiple_choice_question",
        "essay_question",
    ]


def test_a_single_choice_scores_its_right_option_and_shows_feedback():
    _, archive = package()
    single = items(archive)[0]
    labels = single.findall(f"{Q}presentation/{Q}response_lid/{Q}render_choice/{Q}response_label")
    texts = [label.findtext(f"{Q}material/{Q}mattext") for label in labels]
    assert texts == ["Realism", "Collective security", "Security regimes"]
    scoring = [c for c in single.iter(f"{Q}respcondition") if c.find(f"{Q}setvar") is not None]
    assert len(scoring) == 1
    assert scoring[0].findtext(f"{Q}conditionvar/{Q}varequal") == labels[0].get("ident")
    assert scoring[0].findtext(f"{Q}setvar") == "100"
    feedback = {f.get("ident") for f in single.findall(f"{Q}itemfeedback")}
    assert "general_fb" in feedback and f"{labels[0].get('ident')}_fb" in feedback


def test_matching_pairs_each_item_with_its_answer():
    _, archive = package()
    matching = items(archive)[5]
    responses = matching.findall(f"{Q}presentation/{Q}response_lid")
    assert [r.findtext(f"{Q}material/{Q}mattext") for r in responses] == [
        "Realism", "Collective security", "Security regimes"
    ]  # fmt: skip
    options = {
        label.findtext(f"{Q}material/{Q}mattext"): label.get("ident")
        for label in responses[0].iter(f"{Q}response_label")
    }
    conditions = matching.findall(f"{Q}resprocessing/{Q}respcondition")
    assert [c.findtext(f"{Q}conditionvar/{Q}varequal") for c in conditions] == [
        options["Self-help"],
        options["All against any aggressor"],
        options["Shared rules and expectations"],
    ]
    assert {c.findtext(f"{Q}setvar") for c in conditions} == {"33.33"}


def tags_and_texts(element) -> list[tuple[str, str | None]]:
    return [(child.tag.split("}")[1], child.text) for child in element]


def test_an_exact_number_is_written_as_canvas_writes_one_with_its_margin():
    """Canvas (numeric_interaction.rb) reads <or> of varequal and a vargte/varlte pair as
    an exact answer, its margin the distance to the upper bound."""
    _, archive = package("::n:: Pi? {#3.14:0.01}\n")
    (item,) = items(archive)
    (test,) = item.find(f"{Q}resprocessing/{Q}respcondition/{Q}conditionvar")
    assert test.tag == f"{Q}or"
    exact, bounds = test
    assert (exact.tag, exact.text) == (f"{Q}varequal", "3.14")
    assert tags_and_texts(bounds) == [("vargte", "3.13"), ("varlte", "3.15")]


def test_a_numerical_range_is_an_and_of_its_bounds():
    _, archive = package("::n:: When? {#1814..1816}\n")
    (item,) = items(archive)
    (test,) = item.find(f"{Q}resprocessing/{Q}respcondition/{Q}conditionvar")
    assert tags_and_texts(test) == [("vargte", "1814"), ("varlte", "1816")]
    assert test.tag == f"{Q}and"


def test_feedback_on_a_right_number_is_kept_and_on_a_wrong_one_reported():
    result, archive = package("::n:: Pi? {#\n=3.14:0.005#Yes.\n=%0%3:0#Too rough.\n}\n")
    (item,) = items(archive)
    (scoring,) = item.findall(f"{Q}resprocessing/{Q}respcondition")
    key = scoring.find(f"{Q}displayfeedback").get("linkrefid")
    feedback = {
        f.get("ident"): f.findtext(f".//{Q}mattext") for f in item.findall(f"{Q}itemfeedback")
    }
    assert feedback == {key: "<p>Yes.</p>"}
    assert result.report == [
        "Demo, question 1 (n): Canvas keeps feedback only on right numerical answers; "
        "the others' is left out"
    ]


def test_what_canvas_scores_differently_is_reported_not_dropped():
    result, archive = package()
    report = archive.read(REPORT).decode()
    assert report.splitlines() == result.report
    assert any("question 2 (multiple)" in line and "own rule" in line for line in result.report)
    assert any("question 4 (short)" in line and "50%" in line for line in result.report)
    # Every question is in the package all the same.
    assert len(items(archive)) == 8


def test_a_quiz_canvas_scores_alike_has_no_report():
    result, archive = package("::s:: Pick {=A ~B}\n")
    assert result.report == [] and REPORT not in archive.namelist()


@pytest.mark.django_db
def test_a_quiz_exports_as_a_package_named_for_it():
    quiz = quiz_from_gift(slug="demo", attempts_allowed=3)
    export = export_quiz(quiz, QTI12)
    assert export.filename == "demo-qti.zip" and export.content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(export.data))
    assert "regimes-demo/regimes-demo.xml" in archive.namelist()
    assert export.report


# What Canvas's importer (gems/plugins/qti_exporter/lib/qti/*.rb, after QTIMigrationTool)
# would misread if these did not hold.


def test_a_short_answers_conditions_name_only_the_right_answers():
    """ExtendedTextInteraction takes every text a condition compares with for an accepted
    answer: a wrong answer named for its feedback would be marked right in Canvas."""
    text = (
        "::s:: Who? {\n=Lipson#Right.\n=%50%Charles#Half.\n=%0%Krasner#No: he defined regimes.\n}\n"
    )
    result, archive = package(text)
    (item,) = items(archive)
    named = {v.text for v in item.iter(f"{Q}varequal")}
    assert named == {"Lipson"}
    feedback = [f.findtext(f".//{Q}mattext") for f in item.findall(f"{Q}itemfeedback")]
    assert feedback == ["<p>Right.</p>"]
    assert any("feedback only on right short answers" in line for line in result.report)


def test_matching_options_are_told_apart_by_their_first_number():
    """Canvas gives each option the first run of digits in its ident as its id, so digits
    in the quiz's slug or the question's number must not come first."""
    assessment = Assessment("regimes-week-2", "Week 2", parse_gift(EVERY_KIND).questions)
    archive = zipfile.ZipFile(io.BytesIO(write_qti_package([assessment]).data))
    root = ET.fromstring(archive.read("regimes-week-2/regimes-week-2.xml"))
    matching = root.findall(f"{Q}assessment/{Q}section/{Q}item")[5]
    lids = matching.findall(f"{Q}presentation/{Q}response_lid")
    numbers = [
        [re.search(r"\d+", label.get("ident")).group() for label in lid.iter(f"{Q}response_label")]
        for lid in lids
    ]
    assert len(set(numbers[0])) == len(numbers[0]) == 3
    assert all(row == numbers[0] for row in numbers)  # the same ids under every item
    for condition in matching.findall(f"{Q}resprocessing/{Q}respcondition"):
        assert condition.get("continue") == "Yes"  # each pair scores on its own


# Canvas reads a feedback ident with any of these as the question's own feedback.
CANVAS_GENERAL_FEEDBACK = re.compile(r"general_|_all|wrong|incorrect|correct|_IC$|_C$", re.I)


def test_answer_idents_never_carry_the_slug_into_canvas_s_feedback_words():
    assessment = Assessment("regimes-right-or-wrong", "R", parse_gift(EVERY_KIND).questions)
    archive = zipfile.ZipFile(io.BytesIO(write_qti_package([assessment]).data))
    root = ET.fromstring(archive.read("regimes-right-or-wrong/regimes-right-or-wrong.xml"))
    idents = [f.get("ident") for f in root.iter(f"{Q}itemfeedback")]
    assert "general_fb" in idents
    answer_feedback = [i for i in idents if i != "general_fb"]
    assert answer_feedback and not any(CANVAS_GENERAL_FEEDBACK.search(i) for i in answer_feedback)
