"""Essay grading: the queue, a score and a comment, and what the student then sees."""

import re

import pytest
from django.urls import reverse

from apps.core.roles import Role
from apps.quizzes import grades
from apps.quizzes import services as quiz_services
from tests.conftest import make_user
from tests.teaching.conftest import HX, answered, client_for, make_class, quiz_from_gift

pytestmark = pytest.mark.django_db

GIFT = "::pick:: Pick {=right ~wrong}\n\n::essay:: Why is a regime not an organization? {}\n"


@pytest.fixture
def essay(ingrid, alice):
    quiz = quiz_from_gift(GIFT, slug="essay-quiz", owner=ingrid)
    quiz.questions.filter(title="essay").update(points=4)
    make_class(ingrid, students=[alice], quizzes=[quiz])
    attempt = answered(quiz, alice, {"pick": "right", "essay": "Rules are not actors."})
    return attempt.responses.get(question__title="essay")


def grade(client, response, score, comment="", **extra):
    data = {f"r{response.pk}-score": score, f"r{response.pk}-comment": comment}
    return client.post(reverse("teach:grade_essay", args=[response.pk]), data, **extra)


def test_the_queue_lists_waiting_essays_with_the_students_text(ingrid, essay):
    page = client_for(ingrid).get(reverse("teach:grading")).content.decode()
    assert "Rules are not actors." in page and "Why is a regime not an organization?" in page
    assert 'max="4"' in page and "Out of 4." in page


def test_grading_updates_the_attempt_the_review_and_the_kept_grade(ingrid, alice, essay):
    attempt = essay.attempt
    assert grades.kept_grade(alice, attempt.quiz) == pytest.approx(20)  # 1 of 5
    response = grade(client_for(ingrid), essay, "3", "Clear, but name the norms.")
    assert response.status_code == 302 and response.url == reverse("teach:grading")
    essay.refresh_from_db()
    assert (essay.score, essay.fraction, essay.graded_by) == (3, 0.75, ingrid)
    assert grades.kept_grade(alice, attempt.quiz) == pytest.approx(80)  # 4 of 5
    review = client_for(alice).get(f"/quizzes/attempts/{attempt.pk}/review/").content.decode()
    assert "Clear, but name the norms." in review and "80%" in review
    queue = client_for(ingrid).get(reverse("teach:grading")).content.decode()
    assert "Nothing is waiting to be graded." in queue
    regrade = client_for(ingrid).get(reverse("teach:grading") + "?show=all").content.decode()
    assert "Update grade" in regrade


def test_htmx_grading_swaps_just_that_answer_and_announces_it(ingrid, essay):
    page = grade(client_for(ingrid), essay, "4", **HX).content.decode()
    assert page.strip().startswith(f'<article id="essay-item-{essay.pk}"')
    assert "Graded 4 / 4: the student sees it in their review." in page


def test_a_score_over_the_points_is_refused_and_nothing_changes(ingrid, essay):
    page = grade(client_for(ingrid), essay, "5").content.decode()
    assert "Ensure this value is less than or equal to 4." in page
    essay.refresh_from_db()
    assert essay.fraction is None


def test_the_queue_narrows_to_a_quiz_or_a_class(ingrid, bob, essay):
    other = quiz_from_gift(GIFT, slug="other", owner=ingrid)
    answered(other, bob, {"essay": "Bob's answer."})
    client = client_for(ingrid)
    page = client.get(reverse("teach:grading"), {"quiz": essay.attempt.quiz_id}).content
    assert b"Rules are not actors." in page and b"Bob&#x27;s answer." not in page
    klass = essay.attempt.quiz.assignments.get().klass
    page = client.get(reverse("teach:grading"), {"class": klass.pk}).content
    assert b"Rules are not actors." in page and b"Bob&#x27;s answer." not in page


def test_another_instructor_sees_nothing_to_grade(ivan, essay):
    page = client_for(ivan).get(reverse("teach:grading")).content.decode()
    assert "Nothing is waiting to be graded." in page


def test_the_queue_is_filtered_by_quiz_class_and_state_from_its_form(ingrid, alice, bob):
    first = quiz_from_gift(slug="first", owner=ingrid)
    second = quiz_from_gift(slug="second", owner=ingrid)
    seminar = make_class(ingrid, "Seminar", students=[alice], quizzes=[first, second])
    make_class(ingrid, "Lecture", students=[bob], quizzes=[first])
    essays = {
        (student.username, quiz.slug): answered(
            quiz, student, {"essay": f"By {student.username} on {quiz.slug}."}
        ).responses.get(question__kind="essay")
        for student, quiz in ((alice, first), (alice, second), (bob, first))
    }
    quiz_services.grade_essay(essays["alice", "second"], ingrid, 1.0, "")
    client = client_for(ingrid)

    def listed(**query):
        page = client.get(reverse("teach:grading"), query).content.decode()
        return sorted(re.findall(r"By (\w+) on (\w+)\.", page)), page

    found, page = listed()
    assert found == [("alice", "first"), ("bob", "first")]
    assert '<select name="quiz"' in page and '<select name="class"' in page
    assert listed(quiz=first.pk, **{"class": seminar.pk})[0] == [("alice", "first")]
    assert listed(show="all", **{"class": seminar.pk})[0] == [
        ("alice", "first"),
        ("alice", "second"),
    ]
    # Another instructor's quiz is not a choice: the form says so and lists nothing.
    other = quiz_from_gift(slug="other", owner=make_user("olga", Role.INSTRUCTOR))
    found, page = listed(quiz=other.pk)
    assert found == [] and "Select a valid choice" in page
    assert listed(quiz="not-a-number")[0] == []
