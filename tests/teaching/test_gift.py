"""GIFT in the teaching area: upload or paste, see what will be created, confirm; errors by
line with nothing saved; export that reads back the same."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.quizzes.gift import parse_gift
from apps.quizzes.loading import question_to_gift
from apps.quizzes.models import Question
from apps.quizzes.moodlexml import parse_moodle_xml
from apps.teaching.forms import GIFT_LIMIT, MAX_ROWS
from apps.teaching.models import PendingImport
from apps.teaching.services import MAX_IMPORT_QUESTIONS
from tests.quizzes.conftest import EVERY_KIND
from tests.teaching.conftest import client_for, import_gift_text, quiz_from_gift

pytestmark = pytest.mark.django_db

TWO = """\
::anarchy:: Under anarchy, states rely on {=self-help ~a world government}

::league:: The League of Nations was built on collective security.{T}
"""


@pytest.fixture
def empty_quiz(ingrid):
    return quiz_from_gift("", slug="empty", owner=ingrid)


def import_url(quiz):
    return reverse("teach:quiz_import", args=[quiz.pk])


def test_pasting_shows_what_will_be_created_and_saves_nothing_yet(ingrid, empty_quiz):
    response = client_for(ingrid).post(import_url(empty_quiz), {"text": TWO})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 questions will be added" in page
    assert "Single choice" in page and "True/false" in page
    assert "self-help" in page and "(100%)" in page
    assert 'name="step" value="confirm"' in page
    assert not Question.objects.exists()


def test_confirming_creates_every_question_in_order_after_the_existing_ones(ingrid, own_quiz):
    client = client_for(ingrid)
    response = import_gift_text(client, import_url(own_quiz), TWO, follow=True)
    assert "Imported 2 questions." in response.content.decode()
    added = list(own_quiz.questions.current()[8:])
    assert [(q.title, q.position, q.kind) for q in added] == [
        ("anarchy", 9, "single"),
        ("league", 10, "truefalse"),
    ]


def test_a_syntax_error_names_its_line_and_saves_nothing(ingrid, empty_quiz):
    broken = TWO + "\n::third:: Unclosed {=yes ~no\n"
    client = client_for(ingrid)
    page = client.post(import_url(empty_quiz), {"text": broken}).content.decode()
    assert "Nothing was imported" in page and "line 5:" in page
    assert broken.splitlines()[0] in page  # the text comes back to be fixed
    # Nothing was held for confirming, so a confirmation with any key is refused.
    forged = {"step": "confirm", "pending": "3f1c1a52-7d4e-4a5b-9c1e-2b8f0e6d4a11"}
    response = client.post(import_url(empty_quiz), forged)
    assert response.status_code == 400 and b"upload the file again" in response.content
    assert not Question.objects.exists()


def test_a_value_the_model_cannot_hold_is_reported_by_line_before_confirming(ingrid, empty_quiz):
    text = "::ok:: Fine {=a ~b}\n\n::bad:: Odd weights {~%150%a ~b}\n"
    page = client_for(ingrid).post(import_url(empty_quiz), {"text": text}).content.decode()
    assert "line 3:" in page and "outside -100%..100%" in page


def test_warnings_are_shown_and_the_import_still_works(ingrid, empty_quiz):
    text = "::w:: Pick {~%30%a ~%30%b ~c}\n"
    page = client_for(ingrid).post(import_url(empty_quiz), {"text": text}).content.decode()
    assert "Warnings" in page and "add up to 60%" in page
    assert "1 question will be added" in page


def test_uploading_a_file(ingrid, empty_quiz):
    upload = SimpleUploadedFile("bank.gift", ("\ufeff" + EVERY_KIND).encode(), "text/plain")
    page = client_for(ingrid).post(import_url(empty_quiz), {"file": upload}).content.decode()
    assert "8 questions will be added" in page


def test_a_file_over_the_limit_is_refused_with_413_and_the_limit(ingrid, empty_quiz):
    upload = SimpleUploadedFile("big.gift", b"x" * (GIFT_LIMIT + 1), "text/plain")
    response = client_for(ingrid).post(import_url(empty_quiz), {"file": upload})
    assert response.status_code == 413
    assert "the limit is 512 KB" in response.content.decode()


def test_a_file_that_is_not_utf8_is_refused(ingrid, empty_quiz):
    upload = SimpleUploadedFile("latin.gift", "Caf\xe9 {=oui ~non}".encode("latin-1"))
    page = client_for(ingrid).post(import_url(empty_quiz), {"file": upload}).content.decode()
    assert "not UTF-8 text" in page


def test_nothing_to_import_says_what_to_do(ingrid, empty_quiz):
    page = client_for(ingrid).post(import_url(empty_quiz), {"text": "  "}).content.decode()
    assert "Choose a GIFT or Moodle XML file, or paste its text." in page


def test_export_downloads_gift_that_reads_back_as_the_same_questions(ingrid, own_quiz):
    response = client_for(ingrid).get(reverse("teach:quiz_export", args=[own_quiz.pk]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ingrids-quiz.gift"'
    exported = parse_gift(response.content.decode()).questions
    current = own_quiz.questions.current().prefetch_related("choices")
    assert exported == [question_to_gift(q) for q in current]


def test_a_question_with_more_answers_than_the_editor_takes_is_refused(ingrid, empty_quiz):
    answers = " ".join(f"~choice{n}" for n in range(MAX_ROWS))
    text = f"::ok:: Fine {{=a ~b}}\n\n::long:: Too many {{=right {answers}}}\n"
    page = client_for(ingrid).post(import_url(empty_quiz), {"text": text}).content.decode()
    assert f"line 3: {MAX_ROWS + 1} answers; a question can have at most {MAX_ROWS}" in page
    assert not Question.objects.exists()


def test_a_name_too_long_for_its_column_is_reported_by_line_at_preview(ingrid, empty_quiz):
    text = "::ok:: Fine {=a ~b}\n\n::" + "n" * 300 + ":: Too long a name {=a ~b}\n"
    page = client_for(ingrid).post(import_url(empty_quiz), {"text": text}).content.decode()
    assert "line 3:" in page and "name has 300 characters; at most 255" in page
    assert 'name="pending"' not in page


def test_an_import_larger_than_the_ceiling_is_refused_before_anything_is_held(ingrid, empty_quiz):
    text = "\n\n".join(f"::q{i}:: Q {i}? {{T}}" for i in range(MAX_IMPORT_QUESTIONS + 1))
    page = client_for(ingrid).post(import_url(empty_quiz), {"text": text}).content.decode()
    assert f"one import takes at most {MAX_IMPORT_QUESTIONS}" in page
    assert not PendingImport.objects.exists()


def test_a_large_non_ascii_file_previews_and_confirms_without_sending_it_again(ingrid, empty_quiz):
    """About 400 KB of Greek and Cyrillic: the confirmation carries a key, not the text."""
    stem = "Ποιο κράτος φοβάται τον γείτονά του; Какое государство боится соседа? " * 7
    text = "\n\n".join(f"::q{i}:: {stem} {{=Да ~Όχι}}" for i in range(450))
    assert 390_000 < len(text.encode()) < GIFT_LIMIT
    client = client_for(ingrid)
    upload = SimpleUploadedFile("big.gift", text.encode(), content_type="text/plain")
    preview = client.post(import_url(empty_quiz), {"file": upload}).content.decode()
    key = re.search(r'name="pending" value="([0-9a-f-]+)"', preview).group(1)
    confirm = client.post(import_url(empty_quiz), {"step": "confirm", "pending": key})
    assert confirm.status_code == 302
    assert empty_quiz.questions.count() == 450
    assert not PendingImport.objects.exists()  # used once


def test_only_its_author_can_confirm_a_held_import_and_only_for_an_hour(ingrid, ivan, empty_quiz):
    preview = client_for(ingrid).post(import_url(empty_quiz), {"text": TWO}).content.decode()
    key = re.search(r'name="pending" value="([0-9a-f-]+)"', preview).group(1)
    ivans = quiz_from_gift("", slug="ivans", owner=ivan)
    for url in (import_url(ivans), import_url(empty_quiz)):
        response = client_for(ivan).post(url, {"step": "confirm", "pending": key})
        assert response.status_code in (400, 404)
    PendingImport.objects.update(created_at=timezone.now() - timedelta(hours=2))
    response = client_for(ingrid).post(import_url(empty_quiz), {"step": "confirm", "pending": key})
    assert response.status_code == 400 and b"expired" in response.content
    assert not Question.objects.filter(quiz=empty_quiz).exists()


SAMPLE = (Path(__file__).parents[1] / "quizzes" / "samples" / "moodle_every_type.xml").read_text()


def test_moodle_xml_is_previewed_and_imported_like_gift(ingrid, empty_quiz):
    client = client_for(ingrid)
    preview = client.post(import_url(empty_quiz), {"text": SAMPLE}).content.decode()
    assert "11 questions will be added" in preview
    assert "2 points" in preview and "category $course$/top/Regimes/Basics" in preview
    assert not Question.objects.exists()
    upload = SimpleUploadedFile("bank.xml", SAMPLE.encode(), "application/xml")
    response = client.post(import_url(empty_quiz), {"file": upload})
    key = re.search(r'name="pending" value="([0-9a-f-]+)"', response.content.decode()).group(1)
    client.post(import_url(empty_quiz), {"step": "confirm", "pending": key})
    assert empty_quiz.questions.current().count() == 11


def test_a_moodle_xml_error_names_question_and_line_and_saves_nothing(ingrid, empty_quiz):
    two_gaps = SAMPLE.replace("{1:MC:", "{1:SA:=x} {1:MC:")
    page = client_for(ingrid).post(import_url(empty_quiz), {"text": two_gaps}).content.decode()
    assert "Nothing was imported" in page
    assert "line 224: question &#x27;Cloze choice&#x27;: an embedded-answers (Cloze)" in page
    assert not PendingImport.objects.exists() and not Question.objects.exists()


def test_an_entity_bomb_is_refused_on_the_import_page(ingrid, empty_quiz):
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<quiz>&b;</quiz>\n'
    )
    response = client_for(ingrid).post(import_url(empty_quiz), {"text": bomb})
    assert response.status_code == 200
    assert "document type" in response.content.decode()
    assert not Question.objects.exists()


def export_url(quiz, fmt=None):
    url = reverse("teach:quiz_export", args=[quiz.pk])
    return f"{url}?format={fmt}" if fmt else url


@pytest.mark.parametrize(
    ("fmt", "filename", "content_type"),
    [
        (None, "ingrids-quiz.gift", "text/plain; charset=utf-8"),
        ("moodlexml", "ingrids-quiz.xml", "application/xml; charset=utf-8"),
        ("qti12", "ingrids-quiz-qti.zip", "application/zip"),
    ],
)
def test_the_quiz_page_offers_each_export_format(ingrid, own_quiz, fmt, filename, content_type):
    page = client_for(ingrid).get(reverse("teach:quiz_edit", args=[own_quiz.pk])).content.decode()
    assert f'href="{export_url(own_quiz, fmt)}" download' in page
    response = client_for(ingrid).get(export_url(own_quiz, fmt))
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_the_moodle_xml_export_reads_back_as_the_quiz(ingrid, own_quiz):
    data = client_for(ingrid).get(export_url(own_quiz, "moodlexml")).content.decode()
    questions = own_quiz.questions.current().prefetch_related("choices")
    assert parse_moodle_xml(data).questions == [question_to_gift(q) for q in questions]


def test_an_unknown_export_format_is_a_bad_request(ingrid, own_quiz):
    assert client_for(ingrid).get(export_url(own_quiz, "docx")).status_code == 400


@pytest.mark.parametrize("fmt", ["moodlexml", "qti12"])
def test_only_own_and_course_quizzes_export_in_every_format(ingrid, ivan, fmt):
    own = quiz_from_gift(slug="ivans", owner=ivan)
    course = quiz_from_gift(slug="course")
    client = client_for(ingrid)
    assert client.get(export_url(own, fmt)).status_code == 404
    assert client.get(export_url(course, fmt)).status_code == 200


@pytest.mark.parametrize("fmt", ["gift", "moodlexml", "qti12"])
def test_an_export_takes_the_same_queries_for_few_or_many_questions(ingrid, fmt):
    small = quiz_from_gift(slug="small", owner=ingrid)
    large = quiz_from_gift("\n".join([EVERY_KIND] * 5), slug="large", owner=ingrid)
    client = client_for(ingrid)
    client.get(reverse("teach:dashboard"))  # the first request caches the signed-in user
    counts = []
    for quiz in (small, large):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(export_url(quiz, fmt)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_moodle_question_without_credit_is_refused_in_moodle_terms(ingrid, empty_quiz):
    text = (
        '<?xml version="1.0"?>\n<quiz>\n<question type="multichoice"><name><text>None</text>'
        '</name><questiontext><text>Pick</text></questiontext><answer fraction="0"><text>a'
        '</text></answer><answer fraction="0"><text>b</text></answer></question>\n</quiz>\n'
    )
    page = client_for(ingrid).post(import_url(empty_quiz), {"text": text}).content.decode()
    assert "line 3: no answer earns credit" in page and "fraction 100 in Moodle XML" in page
