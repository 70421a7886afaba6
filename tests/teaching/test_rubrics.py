"""Essay rubrics: the editor (criteria and levels added and removed without JavaScript,
field errors, all or nothing), grading by picking a level per criterion (the points are
computed), the lock once graded, versions, and what the student sees in their review."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.quizzes import services
from apps.quizzes.models import Question, Response, RubricCriterion, RubricLevel, rubric_fraction
from tests.conftest import make_user
from tests.teaching.conftest import HX, answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = "::pick:: Pick {=right ~wrong}\n\n::essay:: Why is a regime not an organization? {}\n"


def criterion(title: str, *levels: tuple[str, str]) -> tuple[RubricCriterion, list]:
    return RubricCriterion(title=title), [
        RubricLevel(title=t, points=Decimal(p)) for t, p in levels
    ]


ARGUMENT = criterion("Argument", ("Missing", "0"), ("Partial", "2"), ("Clear", "4"))
EVIDENCE = criterion("Evidence", ("None", "0"), ("Some", "1"), ("Strong", "2"))


@pytest.fixture
def quiz(ingrid, alice):
    quiz = quiz_from_gift(GIFT, slug="essay-quiz", owner=ingrid)
    quiz.questions.filter(title="essay").update(points=3)
    make_class(ingrid, students=[alice], quizzes=[quiz])
    return quiz


@pytest.fixture
def essay_question(quiz):
    question = quiz.questions.get(title="essay")
    services.save_rubric(question, [ARGUMENT, EVIDENCE])
    return question


@pytest.fixture
def answer(alice, quiz, essay_question):
    attempt = answered(quiz, alice, {"pick": "right", "essay": "Rules are not actors."})
    return attempt.responses.get(question__title="essay")


def rubric_url(question):
    return reverse("teach:rubric_edit", args=[question.quiz_id, question.pk])


def levels(question):
    return [
        (c.title, [(lv.title, float(lv.points)) for lv in c.levels.all()])
        for c in question.criteria.all()
    ]


def editor_data(*criteria, initial_criteria=0):
    """Post data for the editor: criteria as (title, [(level, points), ...])."""
    data = {"criteria-TOTAL_FORMS": str(len(criteria)),
            "criteria-INITIAL_FORMS": str(initial_criteria)}  # fmt: skip
    for i, (title, rows) in enumerate(criteria):
        data[f"criteria-{i}-title"] = title
        data[f"levels-{i}-TOTAL_FORMS"], data[f"levels-{i}-INITIAL_FORMS"] = str(len(rows)), "0"
        for j, (name, points) in enumerate(rows):
            data[f"levels-{i}-{j}-title"], data[f"levels-{i}-{j}-points"] = name, points
    return data


# -- the formula ------------------------------------------------------------------------


def test_points_are_scaled_from_the_lowest_possible_total_to_the_highest():
    one = RubricCriterion(title="a")
    one.level_list = [RubricLevel(points=Decimal(1)), RubricLevel(points=Decimal(3))]
    two = RubricCriterion(title="b")
    two.level_list = [RubricLevel(points=Decimal(0)), RubricLevel(points=Decimal(2))]
    # Lowest 1, highest 5: picking 3 and 0 (total 3) is halfway.
    assert rubric_fraction([one, two], [one.level_list[1], two.level_list[0]]) == 0.5
    assert rubric_fraction([one, two], [one.level_list[0], two.level_list[0]]) == 0.0


# -- the editor -------------------------------------------------------------------------


def test_a_new_rubric_starts_with_one_criterion_of_two_levels(ingrid, quiz):
    question = quiz.questions.get(title="essay")
    page = client_for(ingrid).get(rubric_url(question)).content.decode()
    assert 'name="criteria-TOTAL_FORMS" value="1"' in page
    assert 'name="levels-0-TOTAL_FORMS" value="2"' in page
    assert 'name="add" value="criterion"' in page and 'name="add" value="level-0"' in page


def test_adding_rows_shows_them_and_saves_nothing(ingrid, quiz):
    question = quiz.questions.get(title="essay")
    client = client_for(ingrid)
    data = editor_data(("Argument", [("Weak", "0"), ("Strong", "")]))
    page = client.post(rubric_url(question), {**data, "add": "level-0"}).content.decode()
    assert 'name="levels-0-TOTAL_FORMS" value="3"' in page
    assert 'value="Argument"' in page and "Give this level its points" not in page
    page = client.post(rubric_url(question), {**data, "add": "criterion"}).content.decode()
    assert 'name="criteria-TOTAL_FORMS" value="2"' in page
    assert 'name="levels-1-TOTAL_FORMS" value="2"' in page
    assert not question.criteria.exists()


def test_saving_a_rubric_keeps_criteria_in_order_and_levels_by_points(ingrid, quiz):
    question = quiz.questions.get(title="essay")
    data = editor_data(
        ("Argument", [("Clear", "4"), ("Missing", "0"), ("", "")]),  # a blank level: ignored
        ("", []),  # a blank criterion: ignored
        ("Evidence", [("None", "0"), ("Strong", "2.5")]),
    )
    response = client_for(ingrid).post(rubric_url(question), data)
    assert response.status_code == 302
    assert levels(question) == [
        ("Argument", [("Missing", 0.0), ("Clear", 4.0)]),
        ("Evidence", [("None", 0.0), ("Strong", 2.5)]),
    ]
    page = client_for(ingrid).get(rubric_url(question)).content.decode()
    assert 'value="Evidence"' in page and 'name="criteria-TOTAL_FORMS" value="2"' in page


@pytest.mark.parametrize(
    "rows, message",
    [
        ([("Argument", [("Only one", "1")])], "at least two levels"),
        ([("Argument", [("Weak", "0"), ("Strong", "")])], "Give this level its points"),
        ([("Argument", [("Weak", "-1"), ("Strong", "2")])], "greater than or equal to 0"),
        ([("Argument", [("", "1"), ("Strong", "2")])], "Name this level"),
        ([("", [("Weak", "0"), ("Strong", "2")])], "Name this criterion"),
    ],
)
def test_bad_input_gets_a_field_error_and_nothing_is_saved(ingrid, essay_question, rows, message):
    before = levels(essay_question)
    page = client_for(ingrid).post(rubric_url(essay_question), editor_data(*rows))
    html = page.content.decode()
    assert page.status_code == 200 and message in html and "Nothing was saved" in html
    assert levels(essay_question) == before


def test_removing_a_criterion_and_a_level(ingrid, essay_question):
    data = editor_data(
        ("Argument", [("Missing", "0"), ("Partial", "2"), ("Clear", "4")]),
        ("Evidence", [("None", "0"), ("Strong", "2")]),
        initial_criteria=2,
    )
    data["levels-0-1-DELETE"] = "on"
    data["criteria-1-DELETE"] = "on"
    client_for(ingrid).post(rubric_url(essay_question), data)
    assert levels(essay_question) == [("Argument", [("Missing", 0.0), ("Clear", 4.0)])]


def test_a_tampered_row_count_is_refused_not_a_500(ingrid, essay_question):
    data = editor_data(("Argument", [("Weak", "0"), ("Strong", "1")]))
    data["criteria-TOTAL_FORMS"] = "100000"
    response = client_for(ingrid).post(rubric_url(essay_question), data)
    assert response.status_code == 200 and "Nothing was saved" in response.content.decode()
    assert len(levels(essay_question)) == 2


def test_only_an_essay_has_a_rubric(ingrid, quiz):
    pick = quiz.questions.get(title="pick")
    assert client_for(ingrid).get(rubric_url(pick)).status_code == 404


# -- grading ----------------------------------------------------------------------------


def rubric_post(answer, picks: dict[str, str], comment=""):
    data = {f"r{answer.pk}-comment": comment}
    for c in answer.question.criteria.all():
        if c.title in picks:
            data[f"r{answer.pk}-c{c.pk}"] = c.levels.get(title=picks[c.title]).pk
    return data


def test_grading_with_a_rubric_is_picking_levels_and_the_points_follow(ingrid, answer):
    client = client_for(ingrid)
    page = client.get(reverse("teach:grade_essay", args=[answer.pk])).content.decode()
    assert 'type="radio"' in page and "Clear (4 pts)" in page and "-score" not in page
    data = rubric_post(answer, {"Argument": "Partial", "Evidence": "Strong"}, "Name the norms.")
    response = client.post(reverse("teach:grade_essay", args=[answer.pk]), data, **HX)
    answer.refresh_from_db()
    # (2 + 2) of 6 rubric points, of the question's 3 points: 2.
    assert (answer.fraction, answer.score, answer.comment) == (4 / 6, 2, "Name the norms.")
    assert "Graded 2 / 3" in response.content.decode()
    assert [(m.criterion.title, m.level.title) for m in answer.rubric_marks.all()] == [
        ("Argument", "Partial"),
        ("Evidence", "Strong"),
    ]
    # Grading again replaces the marks.
    client.post(reverse("teach:grade_essay", args=[answer.pk]),
                rubric_post(answer, {"Argument": "Clear", "Evidence": "Strong"}))  # fmt: skip
    answer.refresh_from_db()
    assert (answer.fraction, answer.rubric_marks.count()) == (1.0, 2)


def test_a_criterion_left_without_a_level_is_an_error_and_nothing_is_saved(ingrid, answer):
    data = rubric_post(answer, {"Argument": "Clear"})
    page = client_for(ingrid).post(reverse("teach:grade_essay", args=[answer.pk]), data)
    assert "Pick a level for “Evidence”." in page.content.decode()
    answer.refresh_from_db()
    assert answer.fraction is None and not answer.rubric_marks.exists()


def test_a_graded_rubric_is_locked(ingrid, answer):
    services.grade_essay_with_rubric(
        answer, ingrid, [c.levels.first() for c in answer.question.criteria.all()]
    )
    question = answer.question
    client = client_for(ingrid)
    assert "can no longer change" in client.get(rubric_url(question)).content.decode()
    client.post(rubric_url(question), editor_data(("Other", [("a", "0"), ("b", "1")])))
    assert [title for title, _ in levels(question)] == ["Argument", "Evidence"]
    with pytest.raises(services.RubricLocked):
        services.save_rubric(question, [])


def test_a_new_version_of_the_essay_keeps_a_copy_of_its_rubric(ingrid, answer):
    old = Question.objects.get(pk=answer.question_id)
    answer.question.text = "Why is a regime not the same as an organization?"
    new = services.save_question(answer.question)
    assert new.pk != old.pk and new.version == 2
    assert levels(new) == levels(old)
    old_ids = set(old.criteria.values_list("pk", flat=True))
    assert old_ids and old_ids.isdisjoint(new.criteria.values_list("pk", flat=True))


# -- the student's review -------------------------------------------------------------


def test_the_student_sees_the_rubric_feedback_once_feedback_is_shown(ingrid, alice, quiz, answer):
    picked = [answer.question.criteria.get(title=t).levels.get(title=lv) for t, lv in
              (("Argument", "Partial"), ("Evidence", "Strong"))]  # fmt: skip
    services.grade_essay_with_rubric(answer, ingrid, picked, "Good.")
    url = reverse("quizzes:review", args=[answer.attempt_id])
    page = client_for(alice).get(url).content.decode()
    assert '<caption class="review-label">Rubric</caption>' in page
    assert '<span class="level-picked">Partial</span>' in page and "2 of 4" in page
    quiz.review_feedback = False
    quiz.save()
    page = client_for(alice).get(url).content.decode()
    assert "level-picked" not in page
    # Another student sees nothing of it.
    assert client_for(make_user("bea")).get(url).status_code == 404


def test_a_mark_set_by_hand_replaces_the_rubric_levels_and_the_log_keeps_them(
    ingrid, alice, quiz, answer
):
    picked = [answer.question.criteria.get(title=t).levels.get(title=lv) for t, lv in
              (("Argument", "Partial"), ("Evidence", "Strong"))]  # fmt: skip
    services.grade_essay_with_rubric(answer, ingrid, picked, "Good.")
    teacher = client_for(ingrid)
    attempt_url = reverse("teach:attempt_detail", args=[answer.attempt_id])
    assert "level-picked" in teacher.get(attempt_url).content.decode()
    data = {"response": answer.pk, "action": "mark",
            f"r{answer.pk}-mark-score": "3", f"r{answer.pk}-mark-reason": "Better than rated."}  # fmt: skip
    assert teacher.post(attempt_url, data).status_code == 302
    answer.refresh_from_db()
    assert (answer.score, answer.fraction) == (3, 1.0)
    # The levels no longer produced the mark, so neither page shows them as if they did.
    assert not answer.rubric_marks.exists()
    review = client_for(alice).get(reverse("quizzes:review", args=[answer.attempt_id]))
    assert "level-picked" not in review.content.decode()
    assert "Rubric</caption>" not in review.content.decode()
    page = teacher.get(attempt_url).content.decode()
    assert "level-picked" not in page
    history = page.split('id="history-heading"')[1]
    assert "marked 2 → 3 / 3. Reason: Better than rated." in history
    assert "It replaced the rubric's levels: Argument: Partial; Evidence: Strong." in history
    # Nothing depends on the rubric any more; grading by it again brings the levels back.
    services.grade_essay_with_rubric(answer, ingrid, picked)
    answer.refresh_from_db()
    assert (answer.score, answer.rubric_marks.count()) == (2, 2)


def test_a_typed_grade_also_clears_levels_a_rubric_picked_before(ingrid, answer):
    picked = [c.levels.last() for c in answer.question.criteria.all()]
    services.grade_essay_with_rubric(answer, ingrid, picked)
    services.grade_essay(answer, ingrid, 0.5)
    assert not answer.rubric_marks.exists()
    assert Response.objects.get(pk=answer.pk).score == 1.5
