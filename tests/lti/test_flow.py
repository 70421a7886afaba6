"""The whole flow against the fake platform, through the Django test client: OIDC
initiation → deep linking by the instructor → a student's launch of the graded quiz → the
submission → the score posted to the line item → a retry after the platform fails."""

from datetime import timedelta
from io import StringIO

import jwt
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.classes.models import Membership
from apps.lti.models import Course, CourseRole, GradedLink, ScoreSend
from apps.lti.services import queue_scores_for_quiz, send_due_scores
from apps.quizzes.gift import parse_gift
from apps.quizzes.loading import sync_questions
from apps.quizzes.models import Attempt, Quiz
from apps.quizzes.presentation import names_for_attempt
from tests.lti.conftest import launch_with
from tests.lti.platform import (
    CLAIM,
    CLIENT_ID,
    INSTRUCTOR,
    ISSUER,
    LINEITEMS_URL,
    SCORE_SCOPE,
)
from tests.quizzes.conftest import client_for

LINEITEM = f"{LINEITEMS_URL}/99"
TWO_QUESTIONS = """\
::one:: The League of Nations was built on collective security.{TRUE}

::two:: Realists expect states to rely on themselves.{TRUE}
"""
ESSAY = """\
::one:: The League of Nations was built on collective security.{TRUE}

::essay:: Why is a regime not an organisation? {}
"""


def make_quiz(text=TWO_QUESTIONS, slug="lti-quiz") -> Quiz:
    quiz = Quiz.objects.create(slug=slug, title="Regimes check", status="published")
    sync_questions(quiz, parse_gift(text).questions)
    return quiz


def student_launch(client, platform, quiz, sub="student-42", **extra):
    ags = {"scope": [SCORE_SCOPE], "lineitems": LINEITEMS_URL, "lineitem": LINEITEM}
    return launch_with(
        client,
        platform,
        lambda nonce: platform.id_token(
            platform.claims(
                nonce,
                sub=sub,
                **{
                    CLAIM + "custom": {"regimes_item": f"quiz:{quiz.slug}"},
                    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": ags,
                },
                **extra,
            )
        ),
    )


def take_and_submit(client, quiz, answers: dict[str, str]) -> Attempt:
    response = client.post(reverse("quizzes:start", args=[quiz.slug]))
    assert response.status_code == 302
    attempt = Attempt.objects.get(quiz=quiz, state=Attempt.State.IN_PROGRESS)
    for slot, question_id in enumerate(attempt.question_order, start=1):
        question = quiz.questions.get(pk=question_id)
        if question.title in answers:
            wanted = answers[question.title]
            names = names_for_attempt(attempt)
            value = next(
                (names.name(c.pk) for c in question.choice_list if c.text == wanted), wanted
            )
            url = reverse("quizzes:take", args=[attempt.pk]) + f"?q={slot}"
            assert client.post(url, {"answer": value}).status_code == 302
    assert client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 302
    attempt.refresh_from_db()
    return attempt


def test_login_first_checks_cookies_with_a_static_script(client, platform):
    response = client.get(
        reverse("lti:login"),
        {"iss": ISSUER, "login_hint": "x", "target_link_uri": "http://testserver/lti/launch/"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "js/lti-cookie-check.js" in page
    assert "<script>" not in page  # the library's page has an inline script; ours has none
    assert "lti1p3_new_window=1" in page and 'target="_blank"' in page


def test_login_with_another_launch_address_is_refused(client, platform):
    response = client.get(
        reverse("lti:login"),
        {"iss": ISSUER, "login_hint": "x", "target_link_uri": "https://evil.example/launch",
         "lti1p3_new_window": "1"},
    )  # fmt: skip
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_deep_linking_then_a_graded_submission_reaches_the_line_item(client, platform):
    quiz = make_quiz()
    # 1. The instructor's deep-linking launch opens the picker.
    instructor = client
    response = launch_with(
        instructor,
        platform,
        lambda nonce: platform.id_token(
            platform.claims(
                nonce,
                "LtiDeepLinkingRequest",
                sub="teacher-1",
                **{CLAIM + "roles": [INSTRUCTOR]},
            )
        ),
    )
    assert response.status_code == 302 and response["Location"] == reverse("lti:pick")
    page = instructor.get(reverse("lti:pick"))
    assert page.status_code == 200 and "Regimes check" in page.content.decode()
    # 2. Picking the quiz answers the platform with a signed deep-linking response.
    answer = instructor.post(reverse("lti:pick"), {"pages": [f"quiz:{quiz.slug}"]})
    assert answer.status_code == 200
    assert f'action="{ISSUER}/deep_links"' in answer.content.decode()
    assert ISSUER in answer["Content-Security-Policy"]  # form-action lets the answer go home
    token = answer.context["token"]
    keys = instructor.get(reverse("lti:jwks")).json()["keys"]
    header = jwt.get_unverified_header(token)
    jwk = next(k for k in keys if k["kid"] == header["kid"])
    body = jwt.decode(
        token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience=ISSUER, issuer=CLIENT_ID
    )
    assert body[CLAIM + "message_type"] == "LtiDeepLinkingResponse"
    assert body["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    [item] = body["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"regimes_item": f"quiz:{quiz.slug}"}
    assert item["lineItem"]["scoreMaximum"] == 2.0
    assert item["url"] == "http://testserver/lti/launch/"

    # 3. A student launches the placed quiz (the platform made line item 99 for it).
    student = client.__class__()
    response = student_launch(student, platform, quiz)
    assert response.status_code == 302 and response["Location"] == quiz.get_absolute_url()
    course = Course.objects.get()
    sam = User.objects.get(lti_course_roles__role=CourseRole.Role.STUDENT)
    assert Membership.objects.filter(klass=course.klass, student=sam).exists()
    assert not sam.groups.exclude(name="Student").exists()  # no site-wide role
    teacher = User.objects.get(lti_course_roles__role=CourseRole.Role.INSTRUCTOR)
    assert not teacher.groups.filter(name="Instructor").exists()
    assert GradedLink.objects.get().lineitem_url == LINEITEM

    # 4. The submission's score goes to the line item at once.
    take_and_submit(student, quiz, {"one": "true", "two": "false"})
    [(url, headers, body)] = platform.scores
    assert url == f"{LINEITEM}/scores"
    assert headers["Content-Type"] == "application/vnd.ims.lis.v1.score+json"
    assert headers["Authorization"] == "Bearer platform-token"
    assert body["userId"] == "student-42"
    assert body["scoreGiven"] == 1.0 and body["scoreMaximum"] == 2.0
    assert body["activityProgress"] == "Completed"
    assert body["gradingProgress"] == "FullyGraded"
    assert ScoreSend.objects.get().state == ScoreSend.State.SENT

    # 5. The instructor sees it on the course page; the student may not open that page.
    listing = instructor.get(reverse("lti:course", args=[course.pk]))
    assert listing.status_code == 200 and "Sent" in listing.content.decode()
    assert student.get(reverse("lti:course", args=[course.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_failed_send_waits_and_is_retried_with_backoff_then_sent_once(client, platform):
    quiz = make_quiz()
    student_launch(client, platform, quiz)
    platform.score_status = 503
    take_and_submit(client, quiz, {"one": "true", "two": "true"})
    send = ScoreSend.objects.get()
    assert send.state == ScoreSend.State.WAITING and send.tries == 1
    assert "503" in send.last_error
    assert send.next_try_at > timezone.now()
    assert send_due_scores() == (0, 0)  # not due yet

    platform.score_status = 200
    later = timezone.now() + timedelta(minutes=2)
    assert send_due_scores(now=later) == (1, 0)
    send.refresh_from_db()
    assert send.state == ScoreSend.State.SENT and send.tries == 2
    assert [body["scoreGiven"] for _, _, body in platform.scores] == [2.0, 2.0]
    assert send_due_scores(now=later + timedelta(hours=1)) == (0, 0)  # sent once


@pytest.mark.django_db(transaction=True)
def test_an_essay_is_pending_until_graded_then_fully_graded(client, platform, django_user_model):
    from apps.quizzes.services import grade_essay

    quiz = make_quiz(ESSAY, slug="essay-quiz")
    student_launch(client, platform, quiz)
    attempt = take_and_submit(client, quiz, {"one": "true", "essay": "Rules are not offices."})
    assert platform.scores[-1][2]["gradingProgress"] == "Pending"
    grader = django_user_model.objects.create(username="grader")
    essay = attempt.responses.get(question__kind="essay")
    grade_essay(essay, grader, 0.5)
    body = platform.scores[-1][2]
    assert body["gradingProgress"] == "FullyGraded"
    assert body["scoreGiven"] == 1.5  # 1 + half of the essay's point, out of 2
    assert len(platform.scores) == 2


def test_the_same_score_is_not_sent_twice(client, platform, transactional_db):
    from apps.lti.services import queue_score

    quiz = make_quiz()
    student_launch(client, platform, quiz)
    take_and_submit(client, quiz, {"one": "true"})
    link = GradedLink.objects.get()
    sam = User.objects.get(lti_course_roles__role=CourseRole.Role.STUDENT)
    assert queue_score(link, sam) is None
    assert ScoreSend.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_roster_sync_adds_learners_and_instructors_in_this_course_only(client, platform):
    quiz = make_quiz()
    launch_with(
        client, platform,
        lambda nonce: platform.id_token(
            platform.claims(nonce, sub="teacher-1", **{
                CLAIM + "roles": [INSTRUCTOR],
                CLAIM + "custom": {"regimes_item": f"quiz:{quiz.slug}"}}))
    )  # fmt: skip
    platform.members = [
        {"user_id": "student-77", "roles": ["Learner"], "status": "Active", "name": "Ana"},
        {"user_id": "ta-5", "status": "Active",
         "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"]},
        {"user_id": "gone-1", "roles": ["Learner"], "status": "Inactive"},
    ]  # fmt: skip
    course = Course.objects.get()
    response = client.post(reverse("lti:sync_roster", args=[course.pk]), follow=True)
    assert "2 added" in response.content.decode()
    roles = dict(CourseRole.objects.values_list("user__lti_users__sub", "role"))
    assert roles == {"teacher-1": "instructor", "student-77": "student", "ta-5": "ta"}
    assert list(course.klass.memberships.values_list("student__lti_users__sub", flat=True)) == [
        "student-77"
    ]


@pytest.mark.django_db(transaction=True)
def test_a_launched_student_cannot_see_another_students_attempt(client, platform):
    quiz = make_quiz()
    student_launch(client, platform, quiz)
    attempt = take_and_submit(client, quiz, {"one": "true"})
    other = client.__class__()
    assert student_launch(other, platform, quiz, sub="student-43").status_code == 302
    for name in ("quizzes:review", "quizzes:take", "quizzes:summary"):
        assert other.get(reverse(name, args=[attempt.pk])).status_code == 404
    assert client.get(reverse("quizzes:review", args=[attempt.pk])).status_code == 200


# -- marks the review holds back --------------------------------------------------------


def send_scores() -> None:
    """The sender as cron runs it every minute."""
    call_command("lti_send_scores", stdout=StringIO())


def held(body: dict) -> bool:
    """A score the platform is told of without a value: the work is in, no grade yet
    (and any grade sent before is cleared)."""
    return (
        "scoreGiven" not in body
        and body["activityProgress"] == "Completed"
        and body["gradingProgress"] == "Pending"
    )


@pytest.mark.django_db(transaction=True)
def test_marks_released_by_hand_reach_the_line_item_and_withholding_clears_them(
    client, platform, carol
):
    quiz = make_quiz(slug="released-later")
    Quiz.objects.filter(pk=quiz.pk).update(review_after=Quiz.ReviewAfter.MANUAL)
    student_launch(client, platform, quiz)
    take_and_submit(client, quiz, {"one": "true", "two": "true"})
    [(_, _, body)] = platform.scores
    assert held(body)  # the student may not see the mark, so the LMS is not given it

    teacher = client_for(carol)
    release = reverse("teach:quiz_release", args=[quiz.pk])
    assert teacher.post(release, {"release": "marks"}).status_code == 302
    assert ScoreSend.objects.filter(state=ScoreSend.State.WAITING).count() == 1
    send_scores()
    body = platform.scores[-1][2]
    assert body["scoreGiven"] == 2.0 and body["scoreMaximum"] == 2.0
    assert body["gradingProgress"] == "FullyGraded" and body["userId"] == "student-42"
    send_scores()
    assert len(platform.scores) == 2  # sent once

    assert teacher.post(release, {"release": "withhold"}).status_code == 302
    send_scores()
    assert len(platform.scores) == 3 and held(platform.scores[-1][2])


@pytest.mark.django_db(transaction=True)
def test_a_release_queues_a_whole_class_in_the_queries_it_takes_for_one_student(client, platform):
    """The instructor's click queues every student's score at once: four students take
    the same queries as one (it used to be about six more per student)."""
    quiz = make_quiz(slug="released-to-all")
    Quiz.objects.filter(pk=quiz.pk).update(review_after=Quiz.ReviewAfter.MANUAL)

    def release(released: bool) -> int:
        when = timezone.now() if released else None
        Quiz.objects.filter(pk=quiz.pk).update(marks_released_at=when)
        with CaptureQueriesContext(connection) as queries:
            queue_scores_for_quiz(Quiz, quiz=Quiz.objects.get(pk=quiz.pk))
        send_scores()
        return len(queries)

    student_launch(client, platform, quiz, sub="student-1")
    take_and_submit(client, quiz, {"one": "true", "two": "true"})
    assert held(platform.scores[-1][2])
    for_one = release(True)
    assert len(platform.scores) == 2 and platform.scores[-1][2]["scoreGiven"] == 2.0
    for number in (2, 3, 4):
        student = Client()
        student_launch(student, platform, quiz, sub=f"student-{number}")
        take_and_submit(student, quiz, {"one": "true", "two": "false"})
    assert len(platform.scores) == 5  # released: their marks went out as they submitted
    for_four = release(False)
    withheld = [body for _, _, body in platform.scores[5:]]
    assert all(held(body) for body in withheld)
    assert sorted(body["userId"] for body in withheld) == [f"student-{n}" for n in range(1, 5)]
    assert for_four == for_one


@pytest.mark.django_db(transaction=True)
def test_hiding_marks_in_the_settings_withholds_them_in_the_lms_and_showing_sends_them(
    client, platform, carol
):
    """The review setting decides what students see; the LMS follows a change of it as it
    follows a release by hand."""
    from apps.teaching.forms import QuizSettingsForm

    quiz = make_quiz(slug="settings-change")
    student_launch(client, platform, quiz)
    take_and_submit(client, quiz, {"one": "true", "two": "true"})
    assert platform.scores[-1][2]["scoreGiven"] == 2.0  # shown on submit, so sent

    teacher = client_for(carol)
    settings = reverse("teach:quiz_settings", args=[quiz.pk])

    def review_after(value) -> None:
        form = QuizSettingsForm(instance=Quiz.objects.get(pk=quiz.pk))
        data = {name: form[name].value() for name in form.fields}
        data = {name: value for name, value in data.items() if value is not None}
        assert teacher.post(settings, {**data, "review_after": value}).status_code == 302
        send_scores()

    review_after(Quiz.ReviewAfter.MANUAL)
    assert len(platform.scores) == 2 and held(platform.scores[-1][2])
    review_after(Quiz.ReviewAfter.SUBMIT)
    assert len(platform.scores) == 3 and platform.scores[-1][2]["scoreGiven"] == 2.0
    review_after(Quiz.ReviewAfter.SUBMIT)  # nothing changed: nothing more is sent
    assert len(platform.scores) == 3


@pytest.mark.django_db(transaction=True)
def test_marks_shown_after_the_close_go_out_once_the_quiz_has_closed(client, platform):
    quiz = make_quiz(slug="shown-at-close")
    Quiz.objects.filter(pk=quiz.pk).update(
        review_after=Quiz.ReviewAfter.CLOSE, closes_at=timezone.now() + timedelta(hours=1)
    )
    student_launch(client, platform, quiz)
    take_and_submit(client, quiz, {"one": "true", "two": "false"})
    assert held(platform.scores[-1][2])
    send_scores()
    assert len(platform.scores) == 1  # not closed yet: nothing more
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    send_scores()
    body = platform.scores[-1][2]
    assert body["scoreGiven"] == 1.0 and body["gradingProgress"] == "FullyGraded"
    send_scores()
    assert len(platform.scores) == 2


@pytest.mark.django_db(transaction=True)
def test_a_teacher_of_the_courses_class_launching_as_a_learner_is_refused(client, platform):
    from apps.classes.models import Teacher
    from apps.classes.services import add_teacher

    quiz = make_quiz()
    launch_with(
        client, platform,
        lambda nonce: platform.id_token(platform.claims(nonce, sub="ta-9", **{
            CLAIM + "roles": [INSTRUCTOR],
            CLAIM + "custom": {"regimes_item": f"quiz:{quiz.slug}"}})),
    )  # fmt: skip
    course = Course.objects.get()
    ta = User.objects.get(lti_users__sub="ta-9")
    add_teacher(course.klass, ta, Teacher.Role.ASSISTANT)  # a curator did, in the teaching area
    response = student_launch(client.__class__(), platform, quiz, sub="ta-9")
    assert response.status_code == 403
    assert "so you cannot also join it as a student" in response.content.decode()
    assert not course.klass.memberships.exists()
    assert CourseRole.objects.get(user=ta).role == CourseRole.Role.INSTRUCTOR
