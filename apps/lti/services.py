"""Everything the LTI tool writes: a launch's accounts, course, roles and graded link
(all or nothing), the score queue and its sending, and the roster sync."""

import hashlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from lti_tool.models import LtiContext, LtiDeployment, LtiRegistration, LtiUser
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector

from apps.classes.models import Membership
from apps.classes.services import JoinError, create_class, join_class
from apps.lti import catalogue
from apps.lti.launch import CLAIM, LEEWAY_SECONDS, LaunchRefused, platform_session
from apps.lti.models import Course, CourseRole, GradedLink, ScoreSend, UsedNonce
from apps.quizzes.grades import EMPTY, summaries
from apps.quizzes.models import Attempt, Quiz

log = logging.getLogger(__name__)

AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
DEEP_LINKING_SETTINGS = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
ITEM_PARAMETER = "regimes_item"
MAX_BACKOFF = timedelta(hours=6)

# LIS context roles (short or full form) that teach; the TA is a sub-role of Instructor.
TA_ROLE = "Instructor#TeachingAssistant"
TEACHING_ROLES = ("membership#Instructor", "membership#ContentDeveloper")


def course_role(roles: list[str]) -> str:
    """The course role for an LMS role list: TA, instructor, else student. Institution
    and system roles (Administrator at the institution…) give nothing here."""
    full = [r if "/" in r else f"http://purl.imsglobal.org/vocab/lis/v2/membership#{r}"
            for r in roles]  # fmt: skip
    if any(r.endswith(TA_ROLE) for r in full):
        return CourseRole.Role.TA
    if any(r.endswith(teaching) for r in full for teaching in TEACHING_ROLES):
        return CourseRole.Role.INSTRUCTOR
    return CourseRole.Role.STUDENT


@dataclass(frozen=True)
class LaunchResult:
    user: object
    course: Course
    role: str
    item: catalogue.Item | None
    deep_linking: dict | None  # what the picking page needs to answer the platform


def check_claims(body: dict) -> None:
    """Claims this tool needs beyond the library's checks, refused before any write."""
    context = body.get(CLAIM + "context")
    if not isinstance(context, dict) or not context.get("id"):
        raise LaunchRefused("The launch has no course context (the context claim's id).")
    if not isinstance(body.get(CLAIM + "roles"), list):
        raise LaunchRefused("The launch's roles claim is missing or not a list.")


def _local_username(issuer: str, sub: str) -> str:
    return "lti-" + hashlib.sha256(f"{issuer}\n{sub}".encode()).hexdigest()[:24]


def local_user(registration: LtiRegistration, sub: str, claims: dict):
    """The local account of an LMS user, found by issuer and subject only (an e-mail
    address is never used to match: two LMSs may both claim the same address)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=_local_username(registration.issuer, sub),
        defaults={
            "first_name": (claims.get("given_name") or "")[:150],
            "last_name": (claims.get("family_name") or "")[:150],
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    LtiUser.objects.update_or_create(
        registration=registration,
        sub=sub,
        defaults={
            "auth_user": user,
            "name": (claims.get("name") or "")[:500],
            "given_name": (claims.get("given_name") or "")[:500],
            "family_name": (claims.get("family_name") or "")[:500],
        },
    )
    return user


def _platform_owner(registration: LtiRegistration):
    """The account that owns a platform's classes: it cannot sign in, and LMS instructors
    act on the class through their course role, never as its owner."""
    User = get_user_model()
    owner, _ = User.objects.get_or_create(
        username=f"lti-platform-{registration.pk}",
        defaults={"is_active": False, "last_name": registration.name[:150]},
    )
    return owner


def _course(deployment: LtiDeployment, context_claim: dict, body: dict) -> Course:
    ags = body.get(AGS) or {}
    nrps = body.get(NRPS) or {}
    defaults = {
        "title": (context_claim.get("title") or "")[:500],
        "label": (context_claim.get("label") or "")[:255],
        "lineitems_url": ags.get("lineitems", "")[:200],
        "can_publish_scores": SCORE_SCOPE in ags.get("scope", []),
    }
    if nrps.get("context_memberships_url"):
        defaults["memberships_url"] = nrps["context_memberships_url"][:200]
    context, _ = LtiContext.objects.update_or_create(
        deployment=deployment, id_on_platform=context_claim["id"][:255], defaults=defaults
    )
    course = Course.objects.filter(context=context).select_related("klass").first()
    if course is None:
        name = context.title or context.label or f"Course {context.id_on_platform}"
        klass = create_class(_platform_owner(deployment.registration), name[:120])
        course = Course.objects.create(context=context, klass=klass)
    return course


def set_role(course: Course, user, role: str) -> None:
    CourseRole.objects.update_or_create(course=course, user=user, defaults={"role": role})
    if role == CourseRole.Role.STUDENT:
        join_class(user, course.klass)
    else:
        # Staff of the course are not graded in it.
        Membership.objects.filter(klass=course.klass, student=user).delete()


def _graded_link(course: Course, body: dict, item: catalogue.Item) -> None:
    ags = body.get(AGS) or {}
    quiz = catalogue.quiz_for(item)
    if quiz is None or not ags.get("lineitem") or SCORE_SCOPE not in ags.get("scope", []):
        return
    GradedLink.objects.update_or_create(
        course=course,
        resource_link_id=body[CLAIM + "resource_link"]["id"][:255],
        defaults={
            "quiz": quiz,
            "lineitem_url": ags["lineitem"][:500],
            "score_maximum": item.score_maximum or 1.0,
        },
    )


def record_launch(launch) -> LaunchResult:
    """Write what a validated launch means, all or nothing: the used nonce (a replay is
    refused here), the LMS user and local account, the course and its class, the role in
    it, and a graded quiz's line item."""
    body = launch.get_launch_data()
    check_claims(body)
    config = launch.get_tool_conf()
    registration, deployment = config.registration, config.deployment
    message_type = body[CLAIM + "message_type"]
    item = None
    if message_type == "LtiResourceLinkRequest":
        ref = (body.get(CLAIM + "custom") or {}).get(ITEM_PARAMETER, "")
        item = catalogue.resolve(ref)
        if item is None:
            raise LaunchRefused(
                f"The link names no published page of this site (custom parameter "
                f"{ITEM_PARAMETER} = “{ref}”). Ask the instructor to place it again."
            )
    try:
        with transaction.atomic():
            UsedNonce.objects.create(
                issuer=registration.issuer,
                nonce=body["nonce"][:255],
                expires_at=datetime.fromtimestamp(body["exp"], UTC)
                + timedelta(seconds=LEEWAY_SECONDS),
            )
            user = local_user(registration, body["sub"], body)
            course = _course(deployment, body[CLAIM + "context"], body)
            role = course_role(body[CLAIM + "roles"])
            set_role(course, user, role)
            if item is not None:
                _graded_link(course, body, item)
    except IntegrityError as error:
        raise LaunchRefused("This launch was already used (its nonce was seen before).") from error
    except JoinError as error:
        # The course's class lists them among its teachers (added in the teaching area).
        raise LaunchRefused(str(error)) from error
    deep_linking = None
    if message_type == "LtiDeepLinkingRequest":
        deep_linking = {
            "registration": registration.pk,
            "deployment_id": deployment.deployment_id,
            "settings": body[DEEP_LINKING_SETTINGS],
            "course": course.pk,
        }
    return LaunchResult(user, course, role, item, deep_linking)


def forget_expired_nonces(now=None) -> int:
    now = now or timezone.now()
    return UsedNonce.objects.filter(expires_at__lt=now).delete()[0]


# Scores -----------------------------------------------------------------------------


def _scores_for(link: GradedLink, users, now) -> dict[int, tuple[float | None, str]]:
    """{user id: (scoreGiven, gradingProgress)} for each of `users` who has submitted an
    attempt at the link's quiz, from their kept grade. While a student may not see their
    marks (the quiz's review setting, their own close, no release yet) the score is held
    back: no value, Pending, which tells the platform the work is in and clears a grade it
    was given before the marks were withheld again. Pending too while an essay waits for
    its grade. The same queries for any number of students, except that a quiz whose
    review waits for its close reads each student's own close (as scores_shown does)."""
    quiz = link.quiz
    found = summaries([user.pk for user in users], [quiz.pk])
    own_close_matters = quiz.review_after == Quiz.ReviewAfter.CLOSE
    scores = {}
    for user in users:
        summary = found.get((user.pk, quiz.pk), EMPTY)
        percent = summary.kept_grade(quiz)
        if percent is None:
            continue
        rules = quiz.rules_for(user) if own_close_matters else quiz.own_rules
        if not quiz.scores_visible(now, rules):
            scores[user.pk] = (None, "Pending")
            continue
        progress = "Pending" if summary.awaiting_grading else "FullyGraded"
        scores[user.pk] = (round(percent * link.score_maximum / 100, 4), progress)
    return scores


def queue_scores(link: GradedLink, users, now=None) -> list[ScoreSend]:
    """Queue each student's current score for the link, unless the platform was already
    told (or is about to be told) the same thing; a waiting older score is superseded.
    Returns the sends queued. A handful of queries however many students: a whole class
    is released with one click."""
    scores = _scores_for(link, users, now or timezone.now())
    lti_users = LtiUser.objects.filter(
        registration=link.course.context.deployment.registration, auth_user__in=list(scores)
    ).order_by("pk")
    by_student: dict[int, LtiUser] = {}
    for lti_user in lti_users:  # the first, should a student have two on one platform
        by_student.setdefault(lti_user.auth_user_id, lti_user)
    if not by_student:
        return []
    with transaction.atomic():
        # The newest send of each student that counts, locked: a concurrent queueing for
        # the same student waits here rather than deciding on what this one replaces.
        latest: dict[int, ScoreSend] = {}
        sends = (
            ScoreSend.objects.select_for_update()
            .filter(link=link, lti_user__in=list(by_student.values()))
            .exclude(state=ScoreSend.State.SUPERSEDED)
        )
        for send in sends:  # newest first (ScoreSend's order)
            latest.setdefault(send.lti_user_id, send)
        new, replaced = [], []
        for student, lti_user in by_student.items():
            given, progress = scores[student]
            send = ScoreSend(
                link=link,
                lti_user=lti_user,
                score_given=given,
                score_maximum=link.score_maximum,
                grading_progress=progress,
            )
            before = latest.get(lti_user.pk)
            if before is not None and before.same_score_as(send):
                continue
            if before is not None and before.state == ScoreSend.State.WAITING:
                replaced.append(before.pk)
            new.append(send)
        if replaced:
            ScoreSend.objects.filter(pk__in=replaced).update(state=ScoreSend.State.SUPERSEDED)
        return ScoreSend.objects.bulk_create(new)


def queue_score(link: GradedLink, user, now=None) -> ScoreSend | None:
    """queue_scores for one student: the send queued, or None."""
    queued = queue_scores(link, [user], now)
    return queued[0] if queued else None


LINK_RELATED = ("course__context__deployment__registration", "quiz")


def queue_scores_for_attempt(sender, attempt: Attempt, **kwargs) -> None:
    """Receiver of quizzes' attempt_graded: queue the student's score on every graded link
    of that quiz in the courses they study in, then try to send at once."""
    # Most graded attempts have no link at all (a quiz taken on the site): a plain query
    # says so, sparing them the five joins of the links' full read (1.8 -> 0.75 ms).
    ids = list(
        GradedLink.objects.filter(
            quiz_id=attempt.quiz_id,
            course__roles__user_id=attempt.user_id,
            course__roles__role=CourseRole.Role.STUDENT,
        ).values_list("pk", flat=True)
    )
    if not ids:
        return
    links = GradedLink.objects.filter(pk__in=ids).select_related(*LINK_RELATED)
    queued = [send for link in links if (send := queue_score(link, attempt.user))]
    if queued:
        send_due_scores(ids=[send.pk for send in queued])


def queue_scores_for_quiz(sender, quiz, **kwargs) -> None:
    """Receiver of quizzes' release_changed: queue the score of every student of the
    quiz's graded links who has submitted an attempt (released marks go out; withheld
    ones are held back again). They go with the sender's next run (lti_send_scores, every
    minute): a whole course is too many calls to the platform to make while the
    instructor waits."""
    User = get_user_model()
    for link in GradedLink.objects.filter(quiz=quiz).select_related(*LINK_RELATED):
        students = User.objects.filter(
            lti_course_roles__course=link.course,
            lti_course_roles__role=CourseRole.Role.STUDENT,
            quiz_attempts__quiz=quiz,
            quiz_attempts__state=Attempt.State.SUBMITTED,
        ).distinct()
        queue_scores(link, list(students))


def queue_scores_now_shown(now=None) -> int:
    """Queue the scores held back from the platform whose students may see their marks
    by now: the quiz closed for them, its review setting changed, or a release went out
    that the receiver above did not queue. Only held scores that are the latest for their
    student and link, on quizzes that show scores by a rule that can now hold, are
    looked at. Returns how many were queued."""
    now = now or timezone.now()
    later = ScoreSend.objects.filter(
        link=OuterRef("link"), lti_user=OuterRef("lti_user"), pk__gt=OuterRef("pk")
    ).exclude(state=ScoreSend.State.SUPERSEDED)
    could_show = (
        Q(link__quiz__review_after=Quiz.ReviewAfter.SUBMIT)
        | Q(link__quiz__review_after=Quiz.ReviewAfter.CLOSE, link__quiz__closes_at__lte=now)
        | Q(link__quiz__marks_released_at__isnull=False)
    )
    held = (
        ScoreSend.objects.filter(score_given__isnull=True, lti_user__auth_user__isnull=False)
        .exclude(state=ScoreSend.State.SUPERSEDED)
        .exclude(Exists(later))
        .filter(could_show, link__quiz__review_score=True)
        .select_related(*(f"link__{name}" for name in LINK_RELATED), "lti_user__auth_user")
    )
    links, students = {}, defaultdict(list)
    for send in held:
        links[send.link_id] = send.link
        students[send.link_id].append(send.lti_user.auth_user)
    return sum(len(queue_scores(links[pk], students[pk], now)) for pk in links)


def backoff(tries: int) -> timedelta:
    """1, 2, 4… minutes after each failure, at most six hours apart."""
    return min(timedelta(minutes=2 ** (tries - 1)), MAX_BACKOFF)


def _post_score(send: ScoreSend) -> None:
    registration = send.link.course.context.deployment.registration.to_registration()
    connector = ServiceConnector(registration, requests_session=platform_session())
    service = AssignmentsGradesService(
        connector, {"scope": [SCORE_SCOPE], "lineitem": send.link.lineitem_url}
    )
    grade = (
        Grade()
        .set_user_id(send.lti_user.sub)
        .set_activity_progress(send.activity_progress)
        .set_grading_progress(send.grading_progress)
        .set_timestamp(send.created_at.isoformat())
    )
    # A held score goes without a value (and so without a maximum, which AGS pairs with
    # it): the platform then clears any score it was given before.
    if not send.held:
        grade.set_score_given(send.score_given).set_score_maximum(send.score_maximum)
    service.put_grade(grade)


def _failure_text(error: Exception) -> str:
    response = getattr(error, "response", None)
    if response is not None:
        return f"The platform answered HTTP {response.status_code}."[:500]
    return f"{type(error).__name__}: {error}"[:500]


def send_due_scores(now=None, ids=None) -> tuple[int, int]:
    """Send the waiting scores that are due (or the given ones): (sent, failed). Each row
    is locked while it is sent, so two senders never send it twice."""
    now = now or timezone.now()
    sent = failed = 0
    rows = ScoreSend.objects.due(now) if ids is None else ScoreSend.objects.filter(pk__in=ids)
    for pk in rows.values_list("pk", flat=True):
        with transaction.atomic():
            send = (
                ScoreSend.objects.select_for_update(skip_locked=True)
                .select_related("link__course__context__deployment__registration", "lti_user")
                .filter(pk=pk, state=ScoreSend.State.WAITING)
                .first()
            )
            if send is None:
                continue
            send.tries += 1
            try:
                _post_score(send)
            except Exception as error:  # noqa: BLE001 - any failure waits for the next try
                send.last_error = _failure_text(error)
                send.next_try_at = now + backoff(send.tries)
                failed += 1
                log.warning("LTI score %s not sent: %s", send.pk, send.last_error)
            else:
                send.state = ScoreSend.State.SENT
                send.sent_at = now
                send.last_error = ""
                sent += 1
            send.save()
    return sent, failed


# Roster ------------------------------------------------------------------------------


def sync_roster(course: Course) -> dict[str, int]:
    """Bring the course's roles and class memberships in line with the platform's roster
    (NRPS). Members the platform lists as inactive leave the class."""
    context = course.context
    if not context.memberships_url:
        raise LtiException("The platform did not offer its roster service for this course.")
    registration = context.deployment.registration
    connector = ServiceConnector(
        registration.to_registration(), requests_session=platform_session()
    )
    service = NamesRolesProvisioningService(
        connector, {"context_memberships_url": context.memberships_url}
    )
    members = service.get_members()
    counts = {"added": 0, "updated": 0, "removed": 0}
    with transaction.atomic():
        for member in members:
            sub = member.get("user_id")
            if not sub:
                continue
            user = local_user(registration, sub, member)
            existing = CourseRole.objects.filter(course=course, user=user).first()
            if member.get("status", "Active") != "Active":
                if existing is not None:
                    existing.delete()
                    Membership.objects.filter(klass=course.klass, student=user).delete()
                    counts["removed"] += 1
                continue
            set_role(course, user, course_role(member.get("roles", [])))
            counts["updated" if existing else "added"] += 1
        course.roster_synced_at = timezone.now()
        course.save(update_fields=["roster_synced_at"])
    return counts


def course_for_staff(user, course_id: int) -> Course | None:
    """The course, when `user` teaches or assists in it."""
    staff = CourseRole.objects.staff().filter(user=user)
    return (
        Course.objects.filter(pk=course_id, roles__in=staff)
        .select_related("klass", "context__deployment__registration")
        .first()
    )
