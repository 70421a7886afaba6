"""The instructor's view of an attempt: marks with answers, a mark set by hand with its
reason (logged and announced), comments the student reads once feedback is shown."""

import pytest
from django.urls import reverse

from apps.quizzes import grades, services
from apps.quizzes.models import MarkOverride
from apps.quizzes.regrading import plan_regrade
from apps.quizzes.signals import attempt_graded
from tests.quizzes.test_regrade import corrected
from tests.teaching.conftest import answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = """\
::pick:: Which view says that states must rely on themselves? {=Realism#Yes. ~Collective security#No.}

::year:: In what year did the Crimean War begin? {#1853:0}
"""


@pytest.fixture
def attempt(ingrid, alice):
    quiz = quiz_from_gift(GIFT, slug="marked", owner=ingrid, review_after="manual")
    make_class(ingrid, students=[alice], quizzes=[quiz])
    return answered(quiz, alice, {"pick": "Collective security", "year": "1854"})


def url(attempt) -> str:
    return reverse("teach:attempt_detail", args=[attempt.pk])


def post(user, attempt, response, action, **data):
    prefixed = {f"r{response.pk}-{action}-{key}": value for key, value in data.items()}
    body = {"response": response.pk, "action": action, **prefixed}
    return client_for(user).post(url(attempt), body)


def test_the_page_shows_each_answer_with_its_mark(ingrid, attempt):
    page = client_for(ingrid).get(url(attempt)).content.decode()
    assert "Set the mark of question 1" in page and "Set the mark of question 2" in page
    assert "Collective security" in page and "1854" in page
    assert "0 / 2 (0%)" in page


def test_a_mark_set_by_hand_is_logged_summed_announced_and_kept_by_regrades(
    ingrid, alice, attempt, django_capture_on_commit_callbacks
):
    pick = attempt.responses.get(question__title="pick")
    heard = []
    attempt_graded.connect(lambda sender, attempt, **kw: heard.append(attempt.pk), weak=False,
                           dispatch_uid="test-heard")  # fmt: skip
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post(ingrid, attempt, pick, "mark", score="0.5", reason="Half right.")
    finally:
        attempt_graded.disconnect(dispatch_uid="test-heard")
    assert response.status_code == 302 and response.url.endswith(f"#answer-{pick.pk}")
    assert heard == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.score == 0.5
    log = MarkOverride.objects.get()
    assert (log.old_score, log.new_score, log.reason, log.changed_by) == (0, 0.5, "Half right.",
                                                                          ingrid)  # fmt: skip
    page = client_for(ingrid).get(url(attempt)).content.decode()
    history = page.split('id="history-heading"')[1]
    assert "question 1 marked 0 → 0.50 / 1. Reason: Half right." in history, history
    corrected(attempt.quiz, "pick", fractions=[0, 1])
    assert plan_regrade(attempt.quiz).kept_by_person == 1


@pytest.mark.parametrize(
    "data, error",
    [
        ({"score": "2", "reason": "Too much."}, "Ensure this value is less than or equal to 1."),
        ({"score": "-1", "reason": "Too little."}, "Ensure this value is greater than or equal"),
        ({"score": "1", "reason": ""}, "Reason: This field is required."),
        ({"score": "lots", "reason": "x"}, "New mark: Enter a number."),
    ],
)
def test_a_bad_mark_is_explained_and_nothing_changes(ingrid, attempt, data, error):
    pick = attempt.responses.get(question__title="pick")
    response = post(ingrid, attempt, pick, "mark", **data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not MarkOverride.objects.exists()
    attempt.refresh_from_db()
    assert attempt.score == 0


def test_comments_reach_the_student_once_feedback_is_released(ingrid, alice, bob, attempt):
    year = attempt.responses.get(question__title="year")
    assert (
        post(ingrid, attempt, year, "comment", comment="Check the treaty date.").status_code == 302
    )
    review_url = reverse("quizzes:review", args=[attempt.pk])
    assert "Check the treaty date." not in client_for(alice).get(review_url).content.decode()
    services.release_results(attempt.quiz, feedback=True)
    assert "Check the treaty date." in client_for(alice).get(review_url).content.decode()
    assert client_for(bob).get(review_url).status_code == 404


def test_only_those_who_teach_the_attempt_reach_it(ivan, alice, bob, attempt):
    pick = attempt.responses.get(question__title="pick")
    assert client_for(ivan).get(url(attempt)).status_code == 404
    assert post(ivan, attempt, pick, "mark", score="1", reason="Mine now.").status_code == 404
    assert client_for(alice).get(url(attempt)).status_code == 403
    assert not MarkOverride.objects.exists()
    assert grades.kept_grade(alice, attempt.quiz) == 0


def test_an_answer_of_another_attempt_is_not_found(ingrid, alice, bob, attempt):
    other = answered(attempt.quiz, bob, {"pick": "Realism"})
    foreign = other.responses.get(question__title="pick")
    assert post(ingrid, attempt, foreign, "mark", score="0", reason="x").status_code == 404
    assert client_for(ingrid).post(url(attempt), {"action": "mark"}).status_code == 400
