"""The regrade page: the dry run names whose marks change and by how much, the
confirmation regrades and logs, mistakes are explained, and only the quiz's editor gets in."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.quizzes.models import Attempt, Regrade, Response
from tests.quizzes.test_regrade import corrected
from tests.teaching.conftest import answered, client_for, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = """\
::pick:: Which view says that states must rely on themselves? {
=Collective security
~Realism
}

::year:: In what year did the Crimean War begin? {#1854:0}
"""


@pytest.fixture
def quiz(ingrid, alice, bob):
    quiz = quiz_from_gift(GIFT, slug="wrong-key", owner=ingrid)
    alice.first_name, alice.last_name = "Alice", "Aubert"
    alice.save()
    answered(quiz, alice, {"pick": "Realism", "year": "1853"})
    answered(quiz, bob, {"pick": "Collective security", "year": "1853"})
    return quiz


def url(quiz) -> str:
    return reverse("teach:quiz_regrade", args=[quiz.pk])


def test_the_page_says_when_there_is_nothing_to_regrade(ingrid, quiz):
    page = client_for(ingrid).get(url(quiz)).content.decode()
    assert "there is nothing to regrade" in page and "Dry run" not in page


def test_the_dry_run_lists_whose_marks_change_and_changes_nothing(ingrid, quiz):
    pick = corrected(quiz, "pick", fractions=[0, 1])
    page = client_for(ingrid).get(url(quiz)).content.decode()
    assert "version 1, answered in 2 submitted attempts, now version 2" in page
    assert 'Alice Aubert <span class="meta">(alice)</span>' in page
    assert "Question 1: 0 / 1 → 1 / 1" in page  # alice
    assert "Question 1: 1 / 1 → 0 / 1" in page  # bob
    assert "+50.0 percentage points" in page and "-50.0 percentage points" in page
    assert f'name="questions" value="{pick.pk}"' in page
    assert "Regrade 2 attempts" in page
    assert Attempt.objects.get(user__username="alice").score == 0
    assert not Regrade.objects.exists()


def test_confirming_regrades_and_the_log_shows_every_changed_mark(ingrid, quiz):
    pick = corrected(quiz, "pick", fractions=[0, 1])
    client = client_for(ingrid)
    response = client.post(url(quiz), {"questions": [pick.pk]})
    log = Regrade.objects.get()
    assert response.status_code == 302 and response.url == url(quiz) + f"#regrade-{log.pk}"
    assert Attempt.objects.get(user__username="alice").score == 1
    assert Attempt.objects.get(user__username="bob").score == 0
    page = client.get(response.url).content.decode()
    assert "Regraded 2 attempts: 2 changed marks." in page
    assert "by ingrid: question 1 to version 2. 2 attempts checked, 2 changed." in page
    assert "Question 1, version 1 → 2: 0 / 1 → 1 / 1" in page
    assert "there is nothing to regrade" in page


def test_a_choice_of_several_questions_is_previewed_and_regraded_as_chosen(ingrid, quiz):
    pick = corrected(quiz, "pick", fractions=[0, 1])
    year = corrected(quiz, "year", value=1853)
    client = client_for(ingrid)
    page = client.get(url(quiz), {"preview": "1", "questions": [year.pk]}).content.decode()
    assert "What regrading 1 question would change" in page
    assert "Question 2: 0 / 1 → 1 / 1" in page and "Question 1:" not in page
    client.post(url(quiz), {"questions": [year.pk]})
    assert list(Regrade.objects.get().questions.all()) == [year]
    assert Response.objects.filter(question=pick.previous).count() == 2


@pytest.mark.parametrize(
    "data, error",
    [
        ({}, "Questions to regrade: Choose at least one question to regrade."),
        ({"questions": ["999999"]}, "Select a valid choice. 999999 is not one of the"),
        ({"questions": ["x"]}, "Select a valid choice. x is not one of the"),
    ],
)
def test_a_bad_choice_is_explained_and_nothing_is_regraded(ingrid, quiz, data, error):
    corrected(quiz, "pick", fractions=[0, 1])
    response = client_for(ingrid).post(url(quiz), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Regrade.objects.exists()
    assert Attempt.objects.get(user__username="alice").score == 0


def test_a_question_already_regraded_is_not_regraded_twice(ingrid, quiz):
    pick = corrected(quiz, "pick", fractions=[0, 1])
    client = client_for(ingrid)
    client.post(url(quiz), {"questions": [pick.pk]})
    page = client.post(url(quiz), {"questions": [pick.pk]}, follow=True).content.decode()
    assert "Every submitted attempt answers the current version" in page
    assert Regrade.objects.count() == 1


def test_another_instructor_and_students_cannot_regrade(ivan, alice, quiz):
    pick = corrected(quiz, "pick", fractions=[0, 1])
    assert client_for(ivan).get(url(quiz)).status_code == 404
    assert client_for(ivan).post(url(quiz), {"questions": [pick.pk]}).status_code == 404
    assert client_for(alice).post(url(quiz), {"questions": [pick.pk]}).status_code == 403
    assert not Regrade.objects.exists()


def test_editing_an_answered_question_points_to_the_regrade(ingrid, quiz):
    pick = quiz.questions.current().get(title="pick")
    choices = list(pick.choices.order_by("position"))
    data = {
        "title": "pick",
        "text": pick.text,
        "text_format": pick.text_format,
        "points": 1,
        "shuffle_choices": "on",
        "rows-TOTAL_FORMS": 2,
        "rows-INITIAL_FORMS": 0,
        **{f"rows-{n}-text": c.text for n, c in enumerate(choices)},
        "rows-0-fraction": "0",
        "rows-1-fraction": "100",
    }
    edit = reverse("teach:question_edit", args=[quiz.pk, pick.pk])
    page = client_for(ingrid).post(edit, data, follow=True).content.decode()
    assert "Saved question 1 as version 2: submitted attempts keep their marks until you" in page


def many_attempts(quiz, count: int, tag: str) -> None:
    """`count` students who each submitted an attempt, written in bulk: "Realism" and 1853,
    both wrong by the keys as written and right once they are corrected."""
    users = User.objects.bulk_create(User(username=f"{tag}-{n}") for n in range(count))
    questions = list(quiz.questions.current().prefetch_related("choices"))
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(quiz=quiz, user=user, number=1, state=Attempt.State.SUBMITTED, submitted_at=now,
                score=0, max_score=2, question_order=[q.pk for q in questions])
        for user in users
    )  # fmt: skip
    Response.objects.bulk_create(
        Response(attempt=attempt, question=q, answer=q.choice_list[-1].pk if q.lists_choices else "1853",
                 fraction=0, score=0)
        for attempt in attempts for q in questions
    )  # fmt: skip


def test_the_dry_run_costs_the_same_queries_for_5_and_200_attempts(ingrid):
    counts = {}
    for size in (5, 200):
        quiz = quiz_from_gift(GIFT, slug=f"size-{size}", owner=ingrid)
        many_attempts(quiz, size, f"s{size}")
        corrected(quiz, "pick", fractions=[0, 1])
        corrected(quiz, "year", value=1853)
        client = client_for(ingrid)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url(quiz)).content.decode()
        assert f"Regrade {size} attempts" in page
        counts[size] = len(queries)
    assert counts[5] == counts[200]
    print("\nqueries for the regrade dry run (5 and 200 attempts):", counts)
