"""Self-assessment of essays: a student whose essay has no instructor's grade compares it
with the model answer and ticks the guide's criteria. It is shown as self-assessed, never
counts anywhere, and an instructor's grade replaces it."""

import pytest
from django.urls import reverse

from apps.classes.models import Class, Membership
from apps.quizzes import grades, services
from apps.quizzes.models import Attempt, Question, SelfAssessment
from apps.quizzes.presentation import marking_criteria
from apps.quizzes.signals import attempt_graded
from tests.quizzes.conftest import client_for, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = """\
::tf:: The sky is blue. {TRUE}

::essay:: Why is a regime not an organization? {####A good answer says that a regime is a \
set of shared expectations. It adds that an organization is a body, with staff and a budget. \
It gives an example, such as GATT. See [What is a regime?](/lessons/what-is-a-regime/\\#regimes-and-organizations).}
"""


@pytest.fixture
def submitted(alice):
    quiz = quiz_from_gift(GIFT, slug="essays", shuffle_questions=False)
    attempt = services.start_attempt(quiz, alice)
    essay = quiz.questions.get(kind=Question.Kind.ESSAY)
    services.save_response(attempt, essay.pk, "A regime is shared expectations; the UN is a body.")
    services.save_response(attempt, quiz.questions.get(kind="truefalse").pk, None)
    return services.submit_attempt(attempt)


def url(attempt: Attempt) -> str:
    essay = attempt.responses.get(question__kind=Question.Kind.ESSAY)
    return reverse("quizzes:self_assess", args=[attempt.pk, attempt.slot_of(essay.question_id)])


def test_the_guide_is_cut_into_criteria_without_the_pointer_to_the_lesson(submitted):
    essay = submitted.quiz.questions.get(kind=Question.Kind.ESSAY)
    assert marking_criteria(essay) == [
        "A good answer says that a regime is a set of shared expectations.",
        "It adds that an organization is a body, with staff and a budget.",
        "It gives an example, such as GATT.",
    ]
    essay.general_feedback = "Look for:\n\n- a *definition*\n- an example\n\nSee [x](/lessons/)."
    assert marking_criteria(essay) == ["a <em>definition</em>", "an example"]


def test_a_student_assesses_an_ungraded_essay_and_the_review_says_it_is_not_a_grade(
    submitted, alice
):
    client = client_for(alice)
    review = reverse("quizzes:review", args=[submitted.pk])
    assert "Compare with the model answer" in client.get(review).content.decode()
    page = client.get(url(submitted)).content.decode()
    assert "A regime is shared expectations" in page and "It gives an example" in page
    response = client.post(url(submitted), {"met": ["0", "2"]})
    assert response.status_code == 302 and response["Location"].endswith("#review-2")
    assessment = SelfAssessment.objects.get()
    assert (assessment.met, assessment.criteria, assessment.percent) == ([0, 2], 3, 67)
    shown = client.get(review).content.decode()
    assert "Self-assessed, not a grade" in shown and "2 of the guide's 3 points" in shown
    assert "Awaiting grading" in shown  # the score still waits for a person
    client.post(url(submitted), {"met": ["1"]})
    assert SelfAssessment.objects.get().met == [1]  # replaced, one per answer


def test_a_self_assessment_counts_nowhere(submitted, alice, ingrid):
    sent = []
    attempt_graded.connect(lambda sender, **kw: sent.append(kw), dispatch_uid="t-graded")
    try:
        kept = grades.kept_grade(alice, submitted.quiz)
        score = submitted.score
        client_for(alice).post(url(submitted), {"met": ["0", "1", "2"]})
    finally:
        attempt_graded.disconnect(dispatch_uid="t-graded")
    submitted.refresh_from_db()
    essay = submitted.responses.get(question__kind=Question.Kind.ESSAY)
    assert essay.fraction is None and essay.score is None and submitted.score == score
    assert grades.kept_grade(alice, submitted.quiz) == kept
    assert sent == []  # no grade passback, no gradebook update

    klass = Class.objects.create(name="Seminar", owner=ingrid)
    Membership.objects.create(klass=klass, student=alice)
    submitted.quiz.owner = ingrid
    submitted.quiz.save()
    queue = client_for(ingrid).get(reverse("teach:grading")).content.decode()
    assert "A regime is shared expectations" in queue  # still waiting for the instructor


def test_an_instructors_grade_replaces_it(submitted, alice, ingrid):
    client = client_for(alice)
    client.post(url(submitted), {"met": ["0"]})
    essay = submitted.responses.get(question__kind=Question.Kind.ESSAY)
    services.grade_essay(essay, ingrid, 0.5, "Half right.")
    shown = client.get(reverse("quizzes:review", args=[submitted.pk])).content.decode()
    assert "Self-assessed" not in shown and "Half right." in shown
    again = client.post(url(submitted), {"met": ["0", "1"]})
    assert again.status_code == 302
    assert SelfAssessment.objects.get().met == [0]
    with pytest.raises(services.QuizError):
        services.self_assess(essay, [1], 3)


def test_bad_ticks_get_a_message_and_save_nothing(submitted, alice):
    response = client_for(alice).post(url(submitted), {"met": ["7"]})
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not SelfAssessment.objects.exists()


def test_only_its_student_reaches_it_and_only_for_an_essay_with_a_guide(submitted, alice, bob):
    assert client_for(bob).get(url(submitted)).status_code == 404
    other = reverse("quizzes:self_assess", args=[submitted.pk, 1])  # the true/false item
    assert client_for(alice).get(other).status_code == 404
    beyond = reverse("quizzes:self_assess", args=[submitted.pk, 9])
    assert client_for(alice).get(beyond).status_code == 404
    submitted.quiz.review_feedback = False
    submitted.quiz.save()
    assert client_for(alice).get(url(submitted)).status_code == 404  # the guide is hidden
