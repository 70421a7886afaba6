"""One question in several quizzes: the rows of a bank entry are linked, an edit made in
one quiz reaches all of them as one new version (attempts keep the version they answered),
points stay each quiz's own, and "this quiz only" makes the question the quiz's own."""

import pytest

from apps.quizzes import services
from apps.quizzes.models import (
    Choice,
    Misconception,
    Question,
    QuestionEntry,
    RubricCriterion,
    RubricLevel,
)
from apps.quizzes.regrading import plan_regrade
from tests.quizzes.conftest import choice_id, quiz_from_gift

pytestmark = pytest.mark.django_db

SELF_HELP = "::self-help:: Under anarchy, states rely on {=self-help ~a world government}\n"


@pytest.fixture
def first(ingrid):
    return quiz_from_gift(SELF_HELP, slug="first", owner=ingrid)


@pytest.fixture
def second(ingrid):
    return quiz_from_gift("::other:: Other {=a ~b}\n", slug="second", owner=ingrid)


@pytest.fixture
def misconception(db) -> str:
    return Misconception.objects.create(
        slug="a-world-government", statement="Anarchy means chaos.", section="/lessons/x/#y"
    ).slug


@pytest.fixture
def linked(first, second):
    """The first quiz's question, linked into the second (after its own question)."""
    return services.link_question(first.questions.current().get(), second)


def current(quiz) -> Question:
    return quiz.questions.current().prefetch_related("choices").get(title="self-help")


def edited(question: Question, text: str, points: int | None = None):
    """The question as the editor posts it back: `text` as its wording."""
    question.text = text
    if points is not None:
        question.points = points
    choices = [
        Choice(text=c.text, fraction=c.fraction, feedback=c.feedback) for c in question.choice_list
    ]
    return question, choices


def answer(quiz, student, text: str):
    attempt = services.start_attempt(quiz, student)
    question = current(quiz)
    services.save_response(attempt, question.pk, choice_id(question, text))
    return services.submit_attempt(attempt)


def test_a_linked_question_is_the_same_entry_at_the_end_of_the_other_quiz(first, second, linked):
    original = current(first)
    assert (linked.entry_id, linked.version, linked.position) == (original.entry_id, 1, 2)
    assert [c.text for c in linked.choice_list] == ["self-help", "a world government"]
    assert linked.pk != original.pk
    assert [q.quiz for q in original.in_other_quizzes()] == [second]
    assert [q.quiz for q in linked.in_other_quizzes()] == [first]


def test_a_quiz_cannot_hold_the_same_bank_question_twice(first, second, linked):
    with pytest.raises(services.AlreadyInQuiz, match="“Second” already has this question"):
        services.link_question(current(first), second)
    assert second.questions.current().count() == 2


def test_an_edit_before_anyone_answered_changes_every_quiz_in_place(first, second, linked):
    question, choices = edited(current(second), "Anarchy leaves states to _____? No: to")
    saved = services.edit_question(question, choices)
    assert saved.pk == linked.pk and saved.version == 1
    assert current(first).text == current(second).text == question.text
    assert Question.objects.filter(entry=linked.entry).count() == 2


def test_an_edit_after_answers_is_a_new_version_in_every_quiz(first, second, linked, alice):
    old_first, old_second = current(first), current(second)
    attempt = answer(first, alice, "self-help")
    question, choices = edited(current(second), "Without a world government, states rely on")
    saved = services.edit_question(question, choices)

    new_first, new_second = current(first), current(second)
    assert saved.pk == new_second.pk
    # One number for the new wording everywhere; the answered row in the first quiz stays.
    assert (new_first.version, new_second.version) == (2, 2)
    assert new_first.previous_id == old_first.pk and new_first.pk != old_first.pk
    # Nobody answered the second quiz's row: it changed in place, to the same number.
    assert new_second.pk == old_second.pk
    assert new_first.text == new_second.text == question.text
    response = attempt.responses.get()
    assert response.question_id == old_first.pk and response.score == 1.0
    assert Question.objects.get(pk=old_first.pk).text.startswith("Under anarchy")


def test_the_other_quiz_can_regrade_its_attempts_to_the_shared_correction(
    first, second, linked, alice
):
    answer(second, alice, "self-help")
    question = current(first)
    question.choice_list[0].fraction, question.choice_list[1].fraction = 0.0, 1.0
    choices = [Choice(text=c.text, fraction=c.fraction) for c in question.choice_list]
    services.edit_question(question, choices)
    plan = plan_regrade(second)
    assert [q.pk for q in plan.regradable] == [current(second).pk]
    assert [(a.old_score, a.new_score) for a in plan.attempts] == [(1.0, 0.0)]


def test_points_stay_each_quizs_own(first, second, linked, alice):
    answer(first, alice, "self-help")
    question, choices = edited(current(first), current(first).text, points=3)
    saved = services.edit_question(question, choices)
    assert (saved.points, saved.version) == (3, 2)
    assert (current(second).points, current(second).version) == (1, 1)
    # A change of wording later reaches the second quiz with its own points kept.
    question, choices = edited(current(second), "Reworded")
    services.edit_question(question, choices)
    assert (current(first).points, current(second).points) == (3, 1)
    assert current(first).text == current(second).text == "Reworded"
    assert current(first).version == current(second).version


def test_this_quiz_only_makes_the_question_the_quizs_own(first, second, linked, alice):
    answer(first, alice, "self-help")
    question, choices = edited(current(second), "Only here")
    saved = services.edit_question(question, choices, this_quiz_only=True)
    assert current(second).text == "Only here" and saved.version == 1
    assert current(first).text.startswith("Under anarchy") and current(first).version == 1
    assert saved.entry_id != current(first).entry_id
    assert not saved.in_other_quizzes().exists()
    # From then on, edits in either quiz stay there.
    question, choices = edited(current(first), "First only")
    services.edit_question(question, choices)
    assert current(second).text == "Only here"


def test_a_new_misconception_tag_reaches_every_quiz_without_a_version(
    first, second, linked, alice, misconception
):
    answer(first, alice, "a world government")
    question = current(second)
    choices = [
        Choice(
            text=c.text,
            fraction=c.fraction,
            misconception_id=misconception if c.fraction < 1 else None,
        )
        for c in question.choice_list
    ]
    services.edit_question(question, choices)
    for quiz in (first, second):
        row = current(quiz)
        assert row.version == 1
        assert [c.misconception_id for c in row.choice_list] == [None, misconception]


def test_an_essays_rubric_comes_with_the_link(ingrid, second):
    essay = quiz_from_gift("::essay:: Explain. {}\n", slug="essays", owner=ingrid)
    question = essay.questions.get()
    criterion = RubricCriterion.objects.create(question=question, title="Argument")
    RubricLevel.objects.create(criterion=criterion, title="Weak", points=0)
    RubricLevel.objects.create(criterion=criterion, title="Strong", points=2)
    linked = services.link_question(question, second)
    assert [(c.title, [lv.title for lv in c.levels.all()]) for c in linked.criteria.all()] == [
        ("Argument", ["Weak", "Strong"])
    ]
    assert linked.criteria.get().pk != criterion.pk


def test_a_copy_is_a_question_of_its_own(first, second):
    copy = services.copy_question(current(first), second)
    assert copy.entry_id != current(first).entry_id and copy.position == 2
    assert not copy.in_other_quizzes().exists()


def test_links_are_made_only_among_one_instructors_own_quizzes(first, second, ivan):
    course = quiz_from_gift("::c:: Course {=a ~b}\n", slug="course")
    ivans = quiz_from_gift("", slug="ivans", owner=ivan)
    assert current(first).can_link_into(second)
    assert not current(first).can_link_into(ivans)
    assert not current(first).can_link_into(course)
    assert not course.questions.get().can_link_into(second)


def test_every_new_question_starts_its_own_entry(first, second):
    entries = set(Question.objects.values_list("entry_id", flat=True))
    assert len(entries) == 2 == QuestionEntry.objects.count()


def test_a_link_is_refused_across_owners_and_edits_stay_within_one(first, second, linked, ivan):
    ivans = quiz_from_gift("", slug="ivans", owner=ivan)
    with pytest.raises(services.QuizError, match="Only quizzes of one instructor"):
        services.link_question(current(first), ivans)
    # A quiz handed to another owner (in the admin) no longer receives the edits.
    second.owner = ivan
    second.save()
    assert not current(first).in_other_quizzes().exists()
    question, choices = edited(current(first), "Changed by the first owner")
    services.edit_question(question, choices)
    assert current(second).text.startswith("Under anarchy")
