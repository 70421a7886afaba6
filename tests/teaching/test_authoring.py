"""Authoring: quiz settings, the per-kind question forms with their checks, versioning of
answered questions, duplicate, move, remove and copy; with and without htmx."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.quizzes.kinds import grade_response
from apps.quizzes.models import Choice, Question, Quiz
from apps.teaching.forms import MAX_ROWS, credit_field
from tests.teaching.conftest import HX, answered, client_for, quiz_from_gift

pytestmark = pytest.mark.django_db


def new_question_url(quiz, kind):
    return reverse("teach:question_create", args=[quiz.pk]) + f"?kind={kind}"


def rows(*entries, prefix="rows", initial=0):
    """Formset data for answer rows given as dicts."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(entries)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, entry in enumerate(entries):
        for key, value in entry.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def question_data(**fields):
    data = {"title": "", "text": "Which?", "text_format": "moodle", "points": "1"}
    data["general_feedback"] = ""
    data.update(fields)
    return data


# -- quizzes ---------------------------------------------------------------------------


def test_creating_a_quiz_makes_a_draft_owned_by_its_author(ingrid):
    response = client_for(ingrid).post(
        reverse("teach:quiz_create"),
        {
            "title": "Week 3: regimes",
            "status": "draft",
            "attempts_allowed": "0",
            "grade_method": "highest",
            "pass_mark": "50",
            "feedback_mode": "deferred",
            "review_after": "submit",
        },
    )
    quiz = Quiz.objects.get()
    assert response.url == reverse("teach:quiz_edit", args=[quiz.pk])
    assert (quiz.owner, quiz.slug, quiz.status) == (ingrid, "week-3-regimes", "draft")


def test_slugs_stay_unique(ingrid):
    quiz_from_gift(slug="week-3")
    client = client_for(ingrid)
    settings = {"status": "draft", "attempts_allowed": "0", "grade_method": "highest"}
    settings.update(pass_mark="50", feedback_mode="deferred", review_after="submit")
    client.post(reverse("teach:quiz_create"), {"title": "Week 3", **settings})
    assert Quiz.objects.filter(owner=ingrid).get().slug == "week-3-2"


def test_settings_errors_are_shown_by_field_and_nothing_is_saved(ingrid, own_quiz):
    response = client_for(ingrid).post(
        reverse("teach:quiz_settings", args=[own_quiz.pk]),
        {
            "title": "",
            "status": "published",
            "opens_at": "2030-01-02T10:00",
            "closes_at": "2030-01-01T10:00",
            "attempts_allowed": "0",
            "grade_method": "highest",
            "pass_mark": "150",
            "feedback_mode": "deferred",
            "review_after": "submit",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page
    assert "The quiz must close after it opens." in page
    assert 'id="id_pass_mark_error"' in page and 'aria-invalid="true"' in page
    own_quiz.refresh_from_db()
    assert own_quiz.title == "Ingrids Quiz" and own_quiz.opens_at is None


# -- one form per kind -----------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, present, absent",
    [
        ("single", ["rows-0-text", "rows-0-fraction", "id_points"], ["match_text", "tolerance"]),
        ("truefalse", ["id_correct_0", "id_feedback_true"], ["rows-TOTAL_FORMS"]),
        ("numerical", ["rows-0-value", "rows-0-tolerance", "rows-0-low"], ["rows-0-text"]),
        ("matching", ["rows-0-text", "rows-0-match_text"], ["rows-0-fraction"]),
        ("essay", ["id_points", "id_general_feedback"], ["rows-TOTAL_FORMS"]),
        ("description", ["id_text"], ["id_points", "rows-TOTAL_FORMS"]),
    ],
)
def test_each_kind_has_a_form_with_only_its_fields(ingrid, own_quiz, kind, present, absent):
    page = client_for(ingrid).get(new_question_url(own_quiz, kind)).content.decode()
    for name in present:
        assert name in page, name
    for name in absent:
        assert name not in page, name


def test_an_htmx_request_gets_only_the_editor(ingrid, own_quiz):
    response = client_for(ingrid).get(new_question_url(own_quiz, "single"), **HX)
    page = response.content.decode()
    assert page.strip().startswith('<section id="question-editor"') and "<html" not in page


def test_adding_a_single_choice_question(ingrid, own_quiz):
    data = question_data(title="Self-help", text="Who relies on themselves?")
    data.update(
        rows(
            {"text": "Realists", "fraction": "100", "feedback": "Yes."},
            {"text": "Idealists", "fraction": "0", "feedback": ""},
            {"text": "", "fraction": "0", "feedback": ""},
        )
    )
    response = client_for(ingrid).post(new_question_url(own_quiz, "single"), data)
    question = own_quiz.questions.current().get(title="Self-help")
    assert response.status_code == 302
    assert response.url.endswith(f"#question-{question.pk}")
    assert question.position == 9  # after the eight it had
    assert [(c.text, c.fraction) for c in question.choice_list] == [
        ("Realists", 1.0),
        ("Idealists", 0.0),
    ]


def test_a_single_choice_question_needs_a_correct_choice_and_saves_nothing_without(
    ingrid, own_quiz
):
    data = question_data(text="")
    data.update(rows({"text": "A", "fraction": "50"}, {"text": "B", "fraction": "0"}))
    before = Question.objects.count(), Choice.objects.count()
    page = client_for(ingrid).post(new_question_url(own_quiz, "single"), data).content.decode()
    assert "Give at least one choice 100% credit." in page
    assert "Question text: This field is required." in page
    assert (Question.objects.count(), Choice.objects.count()) == before


def test_a_choice_question_needs_two_choices(ingrid, own_quiz):
    data = question_data()
    data.update(rows({"text": "Only one", "fraction": "100"}))
    page = client_for(ingrid).post(new_question_url(own_quiz, "single"), data).content.decode()
    assert "Write at least 2 choices" in page


def test_multiple_response_credits_must_add_up_to_100(ingrid, own_quiz):
    data = question_data()
    data.update(rows({"text": "A", "fraction": "50"}, {"text": "B", "fraction": "25"}))
    page = client_for(ingrid).post(new_question_url(own_quiz, "multiple"), data).content.decode()
    assert "add up to 75%; they must add up to 100%" in page
    data.update(rows({"text": "A", "fraction": "50"}, {"text": "B", "fraction": "50"}))
    data["rows-2-text"], data["rows-2-fraction"], data["rows-TOTAL_FORMS"] = "C", "-100", "3"
    assert client_for(ingrid).post(new_question_url(own_quiz, "multiple"), data).status_code == 302


def test_a_missing_word_question_needs_its_blank(ingrid, own_quiz):
    data = question_data(text="The Concert began in 1815.")
    data.update(rows({"text": "1815", "fraction": "100"}, {"text": "1848", "fraction": "0"}))
    page = client_for(ingrid).post(new_question_url(own_quiz, "missingword"), data)
    assert "Mark the missing word" in page.content.decode()


def test_true_false_builds_its_two_answers(ingrid, own_quiz):
    data = question_data(title="tf2", text="The League had no army.", correct="true")
    data.update(feedback_true="Right.", feedback_false="It had none.")
    client_for(ingrid).post(new_question_url(own_quiz, "truefalse"), data)
    question = own_quiz.questions.get(title="tf2")
    assert [(c.text, c.fraction, c.feedback) for c in question.choice_list] == [
        ("true", 1.0, "Right."),
        ("false", 0.0, "It had none."),
    ]


def test_numerical_answers_take_a_tolerance_a_range_or_catch_every_other_number(ingrid, own_quiz):
    data = question_data(title="year", text="When did the Crimean War begin?")
    data.update(
        rows(
            {"value": "1853", "tolerance": "", "fraction": "100"},
            {"low": "1850", "high": "1856", "fraction": "50", "feedback": "Close."},
            {"fraction": "0", "feedback": "Look at the timeline."},
        )
    )
    assert client_for(ingrid).post(new_question_url(own_quiz, "numerical"), data).status_code == 302
    question = own_quiz.questions.prefetch_related("choices").get(title="year")
    assert grade_response(question, "1853").fraction == 1
    assert grade_response(question, "1855").fraction == 0.5
    assert grade_response(question, "1900").feedback == "<p>Look at the timeline.</p>"


def test_a_numerical_row_cannot_have_both_a_value_and_a_range(ingrid, own_quiz):
    data = question_data()
    data.update(rows({"value": "3", "low": "1", "high": "4", "fraction": "100"}))
    page = client_for(ingrid).post(new_question_url(own_quiz, "numerical"), data).content.decode()
    assert "either an answer with a tolerance or a range" in page


def test_a_matching_item_needs_its_match(ingrid, own_quiz):
    data = question_data()
    data.update(
        rows({"text": "Realism", "match_text": ""}, {"text": "Regimes", "match_text": "Rules"})
    )
    page = client_for(ingrid).post(new_question_url(own_quiz, "matching"), data).content.decode()
    assert "Give the answer this item matches." in page


def test_add_another_row_keeps_what_was_typed_and_saves_nothing(ingrid, own_quiz):
    data = question_data(text="Typed so far")
    data.update(rows({"text": "A", "fraction": "100"}, {"text": "B", "fraction": "0"}))
    data["add_row"] = "1"
    page = (
        client_for(ingrid).post(new_question_url(own_quiz, "single"), data, **HX).content.decode()
    )
    assert 'name="rows-TOTAL_FORMS" value="3"' in page
    assert "Typed so far" in page and "rows-2-text" in page
    # The new row starts at no credit, not at the first credit in the list (100%).
    new_row = page[page.index('name="rows-2-fraction"') :]
    new_row = new_row[: new_row.index("</select>")]
    assert re.search(r'<option value="0"[^>]*selected', new_row)
    assert not re.search(r'<option value="100"[^>]*selected', new_row)
    assert "Nothing was saved" not in page
    assert own_quiz.questions.count() == 8


def test_saving_with_htmx_returns_the_list_and_closes_the_editor(ingrid, own_quiz):
    question = own_quiz.questions.get(title="essay")
    url = reverse("teach:question_edit", args=[own_quiz.pk, question.pk])
    data = question_data(title="essay", text="Explain in two paragraphs.", points="4")
    page = client_for(ingrid).post(url, data, **HX).content.decode()
    assert page.strip().startswith('<div id="questions"')
    assert "Saved question 8." in page
    assert 'id="question-editor" class="question-editor-panel" hidden' in page
    question.refresh_from_db()
    assert (question.points, question.version) == (4, 1)  # unanswered: edited in place


def test_editing_an_answered_question_makes_a_new_version_and_old_attempts_keep_theirs(
    ingrid, alice, klass, own_quiz
):
    attempt = answered(own_quiz, alice, {"single": "Realism"})
    old = own_quiz.questions.get(title="single")
    url = reverse("teach:question_edit", args=[own_quiz.pk, old.pk])
    page = client_for(ingrid).get(url).content.decode()
    assert "Saving makes version 2" in page
    data = question_data(title="single", text="Which view trusts only itself?")
    data.update(
        rows(
            {"text": "Realism", "fraction": "0"},
            {"text": "Collective security", "fraction": "100"},
            initial=3,
        )
    )
    client_for(ingrid).post(url, data)
    old.refresh_from_db()
    new = own_quiz.questions.current().get(title="single")
    assert (old.current, new.version, new.previous_id, new.position) == (False, 2, old.pk, 1)
    response = attempt.responses.get(question=old)
    assert response.fraction == 1.0  # graded against what alice saw
    assert grade_response(old, response.answer).fraction == 1.0


def test_saving_an_answered_question_unchanged_keeps_its_version(ingrid, alice, klass, own_quiz):
    answered(own_quiz, alice, {"truefalse": "true"})
    question = own_quiz.questions.get(title="truefalse")
    url = reverse("teach:question_edit", args=[own_quiz.pk, question.pk])
    data = question_data(title="truefalse", text=question.text, correct="true")
    data.update(feedback_true="Right.", feedback_false="Look again.")
    client_for(ingrid).post(url, data)
    assert own_quiz.questions.filter(title="truefalse").count() == 1
    data["points"] = "2"
    client_for(ingrid).post(url, data)
    assert own_quiz.questions.current().get(title="truefalse").version == 2


def test_an_unchanged_credit_outside_moodles_list_survives_an_edit(ingrid):
    quiz = quiz_from_gift("::odd:: Pick {~%35%A ~%65%B ~%-50%C}", slug="odd", owner=ingrid)
    question = quiz.questions.get()
    url = reverse("teach:question_edit", args=[quiz.pk, question.pk])
    page = client_for(ingrid).get(url).content.decode()
    assert '<option value="35" selected>35%</option>' in page
    data = question_data(title="odd", text="Pick")
    data.update(
        rows(
            {"text": "A", "fraction": "35"},
            {"text": "B", "fraction": "65"},
            {"text": "C", "fraction": "-50"},
            initial=3,
        )
    )
    assert client_for(ingrid).post(url, data).status_code == 302
    fractions = [c.fraction for c in quiz.questions.get().choice_list]
    assert fractions == [0.35, 0.65, -0.5]


# -- duplicate, move, remove, copy -------------------------------------------------------


def titles(quiz):
    return list(quiz.questions.current().values_list("title", flat=True))


def test_duplicate_puts_a_copy_right_after(ingrid, own_quiz):
    question = own_quiz.questions.get(title="short")
    url = reverse("teach:question_duplicate", args=[own_quiz.pk, question.pk])
    page = client_for(ingrid).post(url, **HX).content.decode()
    assert page.strip().startswith('<section id="question-list"')
    assert "Duplicated: the copy is question 5." in page
    assert titles(own_quiz)[3:6] == ["short", "short (copy)", "numerical"]
    copy = own_quiz.questions.get(title="short (copy)")
    assert [c.text for c in copy.choice_list] == [c.text for c in question.choice_list]


def test_move_up_and_down_with_buttons_and_stop_at_the_ends(ingrid, own_quiz):
    client = client_for(ingrid)
    first = own_quiz.questions.get(title="single")
    move = reverse("teach:question_move", args=[own_quiz.pk, first.pk])
    page = client.post(move, {"direction": "down"}, **HX).content.decode()
    assert "Moved down: now question 2 of 8." in page
    assert titles(own_quiz)[:2] == ["multiple", "single"]
    # Focus stays on the button just used, so pressing it again keeps moving.
    assert 'value="down" class="button-small button-quiet" data-focus-after-swap' in page
    client.post(move, {"direction": "up"})
    response = client.post(move, {"direction": "up"}, follow=True)
    assert "already at the top" in response.content.decode()
    assert titles(own_quiz)[:2] == ["single", "multiple"]


def test_move_needs_a_direction(ingrid, own_quiz):
    question = own_quiz.questions.first()
    url = reverse("teach:question_move", args=[own_quiz.pk, question.pk])
    assert client_for(ingrid).post(url, {"direction": "sideways"}).status_code == 400


def test_removing_deletes_an_unanswered_question_and_retires_an_answered_one(
    ingrid, alice, klass, own_quiz
):
    answered(own_quiz, alice, {"single": "Realism"})
    client = client_for(ingrid)
    for title in ("single", "multiple"):
        question = own_quiz.questions.get(title=title)
        url = reverse("teach:question_delete", args=[own_quiz.pk, question.pk])
        client.post(url, {"confirm": "yes"})
    assert titles(own_quiz)[0] == "truefalse"
    assert list(own_quiz.questions.current().values_list("position", flat=True)) == list(
        range(1, 7)
    )
    # alice answered both, so both stay for her attempt; only current ones are listed.
    assert own_quiz.questions.filter(title__in=["single", "multiple"], current=False).count() == 2


def test_copying_a_course_quiz_gives_an_editable_draft(ivan):
    course = quiz_from_gift(slug="course-quiz")
    response = client_for(ivan).post(reverse("teach:quiz_copy", args=[course.pk]))
    copy = Quiz.objects.get(owner=ivan)
    assert response.url == reverse("teach:quiz_edit", args=[copy.pk])
    assert (copy.title, copy.status, copy.slug) == (
        "Course Quiz (copy)",
        "draft",
        "course-quiz-copy",
    )
    assert titles(copy) == titles(course)
    assert client_for(ivan).get(reverse("teach:quiz_edit", args=[copy.pk])).status_code == 200


# -- tampered row counts ---------------------------------------------------------------


@pytest.mark.parametrize("extra", [{}, {"add_row": "1"}], ids=["save", "add row"])
def test_a_tampered_row_count_builds_at_most_the_limit_and_saves_nothing(ingrid, own_quiz, extra):
    data = question_data(title="tampered")
    data.update(rows({"text": "A", "fraction": "100"}, {"text": "B", "fraction": "0"}))
    data["rows-TOTAL_FORMS"] = "1000000"
    response = client_for(ingrid).post(new_question_url(own_quiz, "single"), {**data, **extra})
    page = response.content.decode()
    assert response.status_code == 200
    # Before the limit it built 2,000 row forms: about 6 s and a 4 MB page.
    assert len(re.findall(r'name="rows-\d+-text"', page)) == MAX_ROWS
    if not extra:
        assert f"A question can have at most {MAX_ROWS} answer rows." in page
    assert not own_quiz.questions.filter(title="tampered").exists()


def test_a_question_stops_offering_rows_at_the_limit(ingrid, own_quiz):
    data = question_data(title="full")
    data.update(rows(*[{"text": f"Choice {n}", "fraction": "0"} for n in range(MAX_ROWS)]))
    data["rows-0-fraction"] = "100"
    client = client_for(ingrid)
    page = client.post(new_question_url(own_quiz, "single"), {**data, "add_row": "1"}, **HX)
    page = page.content.decode()
    assert f'name="rows-TOTAL_FORMS" value="{MAX_ROWS}"' in page
    assert "Add another row" not in page
    assert client.post(new_question_url(own_quiz, "single"), data).status_code == 302
    assert len(own_quiz.questions.get(title="full").choice_list) == MAX_ROWS


def test_a_credit_that_is_not_a_number_is_a_field_error_never_a_500():
    field = credit_field(negative=False)
    assert field.has_changed("0", ":")  # formsets ask this before validating
    with pytest.raises(ValidationError):
        field.clean(":")
