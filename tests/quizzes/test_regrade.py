"""Regrading: after a key is corrected (a new version), submitted attempts move to the
corrected version and are marked again; marks a person gave stay; every change is logged
and announced."""

import pytest

from apps.quizzes import services
from apps.quizzes.models import Choice, Question, Regrade, RegradedMark
from apps.quizzes.regrading import plan_regrade
from apps.quizzes.signals import attempt_graded
from tests.conftest import make_user
from tests.teaching.conftest import answered, quiz_from_gift

pytestmark = pytest.mark.django_db

# Each key below is wrong on purpose; the tests correct it.
GIFT = """\
::pick:: Which view says that states must rely on themselves? {
=Collective security#Right.
~Realism#No.
~Security regimes#No.
}

::year:: In what year did the Crimean War begin? {#1854:0}

::some:: Which are features of a security regime? {
~%50%Shared norms
~%50%A world government
~%-100%Reciprocity
}

::pairs:: Match each view with its core idea. {
=Realism -> All against any aggressor
=Collective security -> Self-help
}

::essay:: Why is a regime not an international organization? {}
"""


def current(quiz, title) -> Question:
    return quiz.questions.current().prefetch_related("choices").get(title=title)


def corrected(quiz, title, *, fractions=None, matches=None, value=None, points=None, extra=0):
    """Save an edit of the question `title` as an author would: new fractions, matching
    texts or number, points, or `extra` added options."""
    question = current(quiz, title)
    choices = [Choice(**{f: getattr(c, f) for f in ("text", "fraction", "feedback", "match_text",
                                                    "value", "tolerance")})
               for c in question.choice_list]  # fmt: skip
    for choice, fraction in zip(choices, fractions or [], strict=False):
        choice.fraction = fraction
    for choice, match in zip(choices, matches or [], strict=False):
        choice.match_text = match
    if value is not None:
        choices[0].value = value
    choices += [Choice(text=f"Extra {n}", fraction=0) for n in range(extra)]
    if points is not None:
        question.points = points
    services.edit_question(question, choices)
    return current(quiz, title)


@pytest.fixture
def quiz(ingrid):
    return quiz_from_gift(GIFT, slug="wrong-keys", owner=ingrid)


@pytest.fixture
def attempts(quiz, alice, bob):
    """alice answered as the corrected keys say; bob as the wrong keys say."""
    alice_attempt = answered(quiz, alice, {
        "pick": "Realism", "year": "1853", "some": ["Shared norms", "Reciprocity"],
        "pairs": {"Realism": "Self-help", "Collective security": "All against any aggressor"},
        "essay": "Rules are not actors.",
    })  # fmt: skip
    bob_attempt = answered(quiz, bob, {
        "pick": "Collective security", "year": "1854", "some": ["Shared norms"],
        "pairs": {"Realism": "All against any aggressor", "Collective security": "Self-help"},
    })  # fmt: skip
    return alice_attempt, bob_attempt


def test_a_corrected_key_regrades_both_ways_and_moves_answers_to_the_new_version(
    quiz, attempts, ingrid
):
    alice_attempt, bob_attempt = attempts
    assert (alice_attempt.score, bob_attempt.score) == (0, 3.5)
    new_pick = corrected(quiz, "pick", fractions=[0, 1, 0])
    plan = plan_regrade(quiz)
    assert [q.pk for q in plan.regradable] == [new_pick.pk]
    by_user = {change.attempt.user.username: change for change in plan.changed}
    assert (by_user["alice"].old_score, by_user["alice"].new_score) == (0, 1)
    assert (by_user["bob"].old_score, by_user["bob"].new_score) == (3.5, 2.5)
    assert by_user["bob"].difference == pytest.approx(-20)  # out of 5 points

    log = services.regrade(quiz, [new_pick.pk], ingrid)

    alice_attempt.refresh_from_db()
    bob_attempt.refresh_from_db()
    assert (alice_attempt.score, bob_attempt.score) == (1, 2.5)
    response = alice_attempt.responses.get(question__title="pick")
    assert response.question_id == new_pick.pk
    realism = next(c for c in new_pick.choice_list if c.text == "Realism")
    assert (response.answer, response.fraction, response.score) == (realism.pk, 1, 1)
    assert new_pick.pk in alice_attempt.question_order
    assert sorted(alice_attempt.choice_order[str(new_pick.pk)]) == sorted(
        c.pk for c in new_pick.choice_list
    )
    assert str(response.question.previous_id) not in alice_attempt.choice_order
    assert (log.regraded_by, log.attempts_checked) == (ingrid, 2)
    assert list(log.questions.all()) == [new_pick]
    rows = {row.attempt.user.username: row for row in log.attempts.all()}
    assert (rows["alice"].old_score, rows["alice"].new_score) == (0, 1)
    mark = RegradedMark.objects.get(regraded_attempt=rows["bob"])
    assert (mark.old_question.version, mark.new_question.version) == (1, 2)
    assert (mark.old_score, mark.new_score) == (1, 0)
    assert plan_regrade(quiz).outdated == []


def test_typed_multiple_and_matching_answers_are_read_in_the_new_version(quiz, attempts, ingrid):
    alice_attempt, bob_attempt = attempts
    year = corrected(quiz, "year", value=1853)
    some = corrected(quiz, "some", fractions=[0.5, -1, 0.5])
    pairs = corrected(quiz, "pairs", matches=["Self-help", "All against any aggressor"])
    services.regrade(quiz, [year.pk, some.pk, pairs.pk], ingrid)
    marks = {r.question.title: r.score for r in alice_attempt.responses.select_related("question")}
    assert marks == {"pick": 0, "year": 1, "some": 1, "pairs": 1, "essay": None}
    bob = {r.question.title: r.score for r in bob_attempt.responses.select_related("question")}
    assert bob == {"pick": 1, "year": 0, "some": 0.5, "pairs": 0, "essay": 0}
    pairs_answer = alice_attempt.responses.get(question=pairs).answer
    assert set(pairs_answer) == {str(c.pk) for c in pairs.choice_list}


def test_only_the_chosen_questions_are_regraded(quiz, attempts, ingrid):
    alice_attempt, _ = attempts
    pick = corrected(quiz, "pick", fractions=[0, 1, 0])
    year = corrected(quiz, "year", value=1853)
    services.regrade(quiz, [year.pk], ingrid)
    alice_attempt.refresh_from_db()
    assert alice_attempt.score == 1
    assert [q.pk for q in plan_regrade(quiz).regradable] == [pick.pk]


def test_grades_given_by_a_person_are_kept(quiz, attempts, ingrid):
    alice_attempt, _ = attempts
    essay = alice_attempt.responses.get(question__title="essay")
    services.grade_essay(essay, ingrid, 0.5)
    overridden = alice_attempt.responses.get(question__title="pick")
    overridden.fraction, overridden.score, overridden.graded_by = 0.5, 0.5, ingrid
    overridden.save()
    pick = corrected(quiz, "pick", fractions=[0, 1, 0])
    new_essay = corrected(quiz, "essay", points=3)
    plan = plan_regrade(quiz)
    assert plan.kept_by_person == 1
    essay_version = next(v for v in plan.outdated if v.new.pk == new_essay.pk)
    assert "marked by a person" in essay_version.problem
    assert [q.pk for q in plan.regradable] == [pick.pk]

    services.regrade(quiz, [pick.pk, new_essay.pk], ingrid)
    overridden.refresh_from_db()
    essay.refresh_from_db()
    assert (overridden.question_id, overridden.score) == (pick.previous_id, 0.5)
    assert (essay.question_id, essay.score) == (new_essay.previous_id, 0.5)


def test_a_version_with_other_options_or_another_kind_is_not_regraded(quiz, attempts, ingrid):
    pick = corrected(quiz, "pick", fractions=[0, 1, 0], extra=1)
    problem = next(v for v in plan_regrade(quiz).outdated if v.new.pk == pick.pk).problem
    assert problem.startswith("options were added or removed")
    with pytest.raises(services.NothingToRegrade):
        services.regrade(quiz, [pick.pk], ingrid)
    assert not Regrade.objects.exists()


def test_every_changed_attempt_is_announced_once_after_the_commit(
    quiz, attempts, ingrid, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, attempt, **kwargs):
        heard.append(attempt.user.username)

    corrected(quiz, "year", value=1853)  # changes alice's mark and bob's
    corrected(quiz, "essay", points=2)  # not regradable
    dora_attempt = answered(quiz, make_user("dora"), {"pick": "Realism", "year": "1999"})
    attempt_graded.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.regrade(quiz, None, ingrid)
    finally:
        attempt_graded.disconnect(listener)
    assert sorted(heard) == ["alice", "bob"]
    assert dora_attempt.responses.filter(question__current=True).count() == 5


def test_open_attempts_are_left_alone_and_counted(quiz, attempts, ingrid, carol):
    open_attempt = services.start_attempt(quiz, carol)
    year = corrected(quiz, "year", value=1853)
    assert plan_regrade(quiz).in_progress == 1
    services.regrade(quiz, [year.pk], ingrid)
    assert open_attempt.responses.get(question__title="year").question_id == year.previous_id
