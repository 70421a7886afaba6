"""The access matrix: for every URL pattern, the status each persona must get.

Each route has one or more *variants* (which object its URL names: a published lesson,
a draft one, alice's attempt…), each with the expected answer to a GET for every
persona. POSTs are checked against the same table: where a GET is refused, a POST must
be refused the same way (or with 405); POST-only views list their POST answers.

Routes nobody listed are covered by rules: the whole admin (staff only; curators only
in the curated apps) and the teaching area (instructors and curators; others' objects
are 404). Any other new route fails `test_every_route_has_an_expectation` until it is
given a row here, so no URL can be forgotten.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import reversion
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from lti_tool.models import LtiRegistration
from reversion.models import Version

from apps.lab import content_files as lab_files
from apps.lab.models import LabScenario, LiveSession
from apps.lab.play import LEVELS
from apps.lab.scenarios import SCENARIOS
from apps.lab.services import create_session
from apps.quizzes.models import Question
from tests.security.routes import Route
from tests.security.world import PERSONAS, World

LOGIN = "login"  # 302 to /accounts/login/?next=…
ADMIN_LOGIN = "admin-login"  # 302 to /admin/login/?next=…
DENIALS = {LOGIN, ADMIN_LOGIN, 403, 404}
MISSING = 987654  # an id no object has
MISSING_SLUG = "no-such-thing"

Expect = int | str | frozenset


def one_of(*values) -> frozenset:
    return frozenset(values)


def row(anonymous, alice, bob, ingrid, ivan, tara, carol, root) -> dict[str, Expect]:
    return dict(
        zip(PERSONAS, (anonymous, alice, bob, ingrid, ivan, tara, carol, root), strict=True)
    )


def everyone(expect: Expect) -> dict[str, Expect]:
    return dict.fromkeys(PERSONAS, expect)


def signed_in(expect: Expect, anonymous: Expect = LOGIN) -> dict[str, Expect]:
    return {**everyone(expect), "anonymous": anonymous}


def curators_only(expect: Expect = 200, others: Expect = 404) -> dict[str, Expect]:
    """Drafts: curators (and the superuser) see them; for everyone else they do not exist."""
    return {**everyone(others), "carol": expect, "root": expect}


@dataclass
class Check:
    get: dict[str, Expect]
    post: dict[str, Expect] | None = None  # None: refused wherever GET is refused
    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    missing: Callable[[World], dict] | None = None  # the same URL naming nothing


def slug(obj_of: Callable[[World], object]) -> Callable[[World], dict]:
    return lambda w: {"slug": obj_of(w).slug}


GONE_SLUG = {"slug": MISSING_SLUG}


def attempt(which: str) -> Callable[[World], dict]:
    return lambda w: {"attempt_id": getattr(w, which).pk}


def no_attempt(w):
    return {"attempt_id": MISSING}


def _missing_slug(w):
    return GONE_SLUG


def live_code(w) -> dict:
    """ingrid's live session, nobody in it. Made on first use in each test, since the
    world is shared by a module's tests and each test's writes are rolled back."""
    ingrid = w.user("ingrid")
    session = LiveSession.objects.filter(instructor=ingrid).first() or create_session(ingrid)
    return {"code": session.code}


def lab_scenario(w) -> dict:
    """The first guided scenario, its words loaded (the security world has no content)."""
    if not LabScenario.objects.exists():
        lab_files.load(Path(settings.BASE_DIR) / "content", [])
    return {"slug": SCENARIOS[0].slug}


def _missing_live(w):
    return {"code": "ZZZZZZ"}


# Only the session's instructor controls it; for anyone else it does not exist.
LIVE_OWNER_GET = row(LOGIN, 404, 404, 200, 404, 404, 404, 404)


PUBLIC = Check(get=everyone(200))

# fmt: off
EXPECTED: dict[str, dict[str, Check]] = {
    "site:home": {"": PUBLIC},
    "site:me": {"": Check(get=signed_in(200))},
    "favicon": {"": Check(get=everyone(301), post=everyone(301))},
    "signup": {"": Check(get={**everyone(302), "anonymous": 200}, post={**everyone(302), "anonymous": 200})},
    "login": {"": Check(get=everyone(200), post=everyone(200))},
    "logout": {"": Check(get=everyone(405), post=everyone(302))},
    "password_change": {"": Check(get=signed_in(200), post=signed_in(200))},
    "password_change_done": {"": Check(get=signed_in(200))},
    "password_reset": {"": Check(get=everyone(200), post=everyone(200))},
    "password_reset_done": {"": PUBLIC},
    "password_reset_confirm": {"": Check(get=everyone(200), kwargs=lambda w: {"uidb64": "MQ", "token": "set-password"})},
    "password_reset_complete": {"": PUBLIC},
    "markdown-preview": {"": Check(
        get={**everyone(ADMIN_LOGIN), "carol": 405, "root": 405},
        post={**everyone(ADMIN_LOGIN), "carol": 200, "root": 200},
    )},

    "lessons:list": {"": PUBLIC},
    "site:lesson": {
        "published": Check(get=everyone(200), kwargs=slug(lambda w: w.lesson), missing=_missing_slug),
        "draft": Check(get=curators_only(), kwargs=slug(lambda w: w.draft_lesson), missing=_missing_slug),
    },
    # GET sends a browser back to the lesson; an empty POST shows the check asking for an answer.
    "site:lesson-check": {
        "published": Check(get=everyone(302), post=everyone(200),
                           kwargs=lambda w: {"slug": w.lesson.slug, "number": w.extra["checks"][1].position},
                           missing=lambda w: {"slug": w.lesson.slug, "number": MISSING}),
        "draft": Check(get=curators_only(302), post=curators_only(200),
                       kwargs=lambda w: {"slug": w.draft_lesson.slug, "number": w.extra["checks"][0].position},
                       missing=lambda w: {"slug": MISSING_SLUG, "number": 1}),
    },
    "lessons:complete": {
        "published": Check(get=signed_in(405), post=signed_in(302), kwargs=slug(lambda w: w.lesson)),
        "draft": Check(get=signed_in(405), post={**curators_only(302), "anonymous": LOGIN},
                       kwargs=slug(lambda w: w.draft_lesson)),
    },
    "lessons:progress": {
        # An empty report names no section: refused with the form's error.
        "published": Check(get=signed_in(405), post=signed_in(400), kwargs=slug(lambda w: w.lesson)),
        "draft": Check(get=signed_in(405), post={**curators_only(400), "anonymous": LOGIN},
                       kwargs=slug(lambda w: w.draft_lesson)),
    },
    "lessons:theory": {"": Check(get=everyone(200), kwargs=slug(lambda w: w.theory))},
    "lessons:glossary": {"": PUBLIC},
    "site:term": {
        "published": Check(get=everyone(200), kwargs=slug(lambda w: w.term)),
        "draft": Check(get=curators_only(), kwargs=slug(lambda w: w.draft_term), missing=_missing_slug),
    },
    "lessons:sources": {"": PUBLIC},
    "site:compare": {"": PUBLIC},
    # Without htmx a cell is a link into the comparison page.
    "site:compare-cell": {"": Check(get=everyone(302), kwargs=lambda w: {"dimension": w.dimension.slug, "theory": w.theory.slug})},
    "site:search": {"": PUBLIC},

    "cases:list": {"": PUBLIC},
    "cases:case": {
        "published": Check(get=everyone(200), kwargs=slug(lambda w: w.case)),
        "draft": Check(get=curators_only(), kwargs=slug(lambda w: w.draft_case), missing=_missing_slug),
    },
    "cases:predict": {
        # An empty prediction is shown again with its error, for anyone (predictions live
        # in the session, so anonymous visitors make them too).
        "published": Check(get=everyone(405), post=everyone(200), kwargs=slug(lambda w: w.case)),
        "draft": Check(get=everyone(405), post=curators_only(200), kwargs=slug(lambda w: w.draft_case)),
    },

    "cases:judge": {
        # Judging with nothing predicted is shown again with its error, for anyone.
        "published": Check(get=everyone(405), post=everyone(200), kwargs=slug(lambda w: w.case)),
        "draft": Check(get=everyone(405), post=curators_only(200), kwargs=slug(lambda w: w.draft_case)),
    },

    "lab:sandbox": {"": PUBLIC},
    "lab:scenarios": {"": PUBLIC},
    "lab:scenario": {"": Check(get=everyone(200), kwargs=lab_scenario, missing=_missing_slug)},
    "lab:play": {"": PUBLIC},
    # An empty prediction is shown again with its error; games live in the session.
    "lab:play_level": {"": Check(get=everyone(200), post=everyone(200), kwargs=lambda w: {"slug": LEVELS[0].slug})},
    "lab:play_move": {"": Check(get=everyone(405), post=everyone(302), kwargs=lambda w: {"slug": LEVELS[0].slug})},
    "lab:live_join": {"": Check(get=signed_in(200), post=signed_in(200))},
    "lab:live_new": {"": Check(get=row(LOGIN, 404, 404, 200, 200, 404, 404, 200),
                               post=row(LOGIN, 404, 404, 302, 302, 404, 404, 302))},
    # A student who has not joined is sent to the join form.
    "lab:live": {"ingrid's": Check(get=signed_in(302), kwargs=live_code)},
    "lab:live_move": {"ingrid's": Check(get=signed_in(405), post=signed_in(404), kwargs=live_code)},
    "lab:live_run": {"ingrid's": Check(get=LIVE_OWNER_GET, kwargs=live_code, missing=_missing_live)},
    "lab:live_levers": {"ingrid's": Check(get=signed_in(405), post=row(LOGIN, 404, 404, 400, 404, 404, 404, 404),
                                          kwargs=live_code, missing=_missing_live)},
    "lab:live_start": {"ingrid's": Check(get=signed_in(405), post=row(LOGIN, 404, 404, 302, 404, 404, 404, 404),
                                         kwargs=live_code, missing=_missing_live)},
    "lab:live_end": {"ingrid's": Check(get=signed_in(405), post=row(LOGIN, 404, 404, 302, 404, 404, 404, 404),
                                       kwargs=live_code, missing=_missing_live)},
    "lab:live_csv": {"ingrid's": Check(get=LIVE_OWNER_GET, kwargs=live_code, missing=_missing_live)},

    "quizzes:list": {"": PUBLIC},
    "quizzes:detail": {
        "course": Check(get=everyone(200), kwargs=slug(lambda w: w.course_quiz)),
        "course draft": Check(get=curators_only(), kwargs=slug(lambda w: w.draft_quiz), missing=_missing_slug),
        # ingrid's published quiz is assigned to her class, which alice is in.
        "assigned": Check(get=row(404, 200, 404, 200, 404, 404, 200, 200), kwargs=slug(lambda w: w.own_quiz),
                          missing=_missing_slug),
        "instructor's draft": Check(get=row(404, 404, 404, 200, 404, 404, 200, 200), kwargs=slug(lambda w: w.own_draft),
                                    missing=_missing_slug),
    },
    "quizzes:start": {
        "course": Check(get=signed_in(405), post=signed_in(302), kwargs=slug(lambda w: w.course_quiz)),
        "course draft": Check(get=signed_in(405), post={**curators_only(302), "anonymous": LOGIN},
                              kwargs=slug(lambda w: w.draft_quiz), missing=_missing_slug),
        "instructor's draft": Check(get=signed_in(405), post=row(LOGIN, 404, 404, 302, 404, 404, 302, 302),
                                    kwargs=slug(lambda w: w.own_draft), missing=_missing_slug),
    },
    # Only ever your own attempt is answered; anyone else's does not exist.
    "quizzes:take": {"alice's open attempt": Check(
        get=row(LOGIN, 200, 404, 404, 404, 404, 404, 404), post=row(LOGIN, 302, 404, 404, 404, 404, 404, 404),
        kwargs=attempt("open_attempt"), missing=no_attempt)},
    "quizzes:summary": {"alice's open attempt": Check(
        get=row(LOGIN, 200, 404, 404, 404, 404, 404, 404), kwargs=attempt("open_attempt"), missing=no_attempt)},
    "quizzes:submit": {"alice's open attempt": Check(
        get=signed_in(405), post=row(LOGIN, 302, 404, 404, 404, 404, 404, 404),
        kwargs=attempt("open_attempt"), missing=no_attempt)},
    # A review is seen by its student, the quiz's instructor, the class's teaching
    # assistant (tara grades alice's class), curators.
    "quizzes:review": {
        "submitted, ingrid's quiz": Check(get=row(LOGIN, 200, 404, 200, 404, 200, 200, 200),
                                          kwargs=attempt("submitted_attempt"), missing=no_attempt),
        "open, course quiz": Check(get=row(LOGIN, 302, 404, 404, 404, 404, 200, 200),
                                   kwargs=attempt("open_attempt"), missing=no_attempt),
    },

    # A self-assessment belongs to its student alone: for everyone else it does not exist.
    "quizzes:self_assess": {
        "alice's ungraded essay": Check(
            get=row(LOGIN, 200, 404, 404, 404, 404, 404, 404),
            post=row(LOGIN, 302, 404, 404, 404, 404, 404, 404),
            kwargs=lambda w: {"attempt_id": w.submitted_attempt.pk,
                              "number": w.submitted_attempt.slot_of(w.essay.question_id)},
            missing=lambda w: {"attempt_id": MISSING, "number": 1}),
        "not an essay": Check(
            get=row(LOGIN, 404, 404, 404, 404, 404, 404, 404),
            kwargs=lambda w: {"attempt_id": w.submitted_attempt.pk,
                              "number": w.submitted_attempt.slot_of(
                                  w.submitted_attempt.responses.get(question__title="single").question_id)}),
    },

    # Regrading changes students' marks: only the quiz's editors (its owner; curators for
    # any quiz, course quizzes included). An empty POST is answered with the form's error.
    # tara assists a class the quiz is assigned to, but a TA grades, never changes a quiz.
    "teach:quiz_regrade": {
        "ingrid's, with a corrected key": Check(
            get=row(LOGIN, 403, 403, 200, 404, 403, 200, 200), post=row(LOGIN, 403, 403, 200, 404, 403, 200, 200),
            kwargs=lambda w: {"quiz_id": w.own_quiz.pk}, missing=lambda w: {"quiz_id": MISSING}),
        "course quiz": Check(
            get=row(LOGIN, 403, 403, 404, 404, 403, 200, 200), post=row(LOGIN, 403, 403, 404, 404, 403, 302, 302),
            kwargs=lambda w: {"quiz_id": w.course_quiz.pk}),
    },

    "classes:join": {"": Check(get=signed_in(200), post=signed_in(200))},
    # The class's owner (ingrid) and its teaching assistant (tara) are told they teach it.
    "classes:join_code": {
        "ingrid's code": Check(get=row(LOGIN, 200, 200, 403, 200, 403, 200, 200),
                               post=row(LOGIN, 302, 302, 403, 302, 403, 302, 302),
                               kwargs=lambda w: {"code": w.klass.join_code}),
    },
    "classes:assigned": {"": Check(get=signed_in(200))},

    # Spaced review: everyone signed in has their own cards; another's card does not exist.
    "review:session": {"": Check(get=signed_in(200))},
    "review:start": {"": Check(get=signed_in(405), post=signed_in(302))},
    # An empty retention is shown again with its error.
    "review:settings": {"": Check(get=signed_in(405), post=signed_in(400))},
    # A post without the card's version is sent back to the session.
    "review:check": {"alice's card": Check(
        get=signed_in(405), post=row(LOGIN, 302, 404, 404, 404, 404, 404, 404),
        kwargs=lambda w: {"card_id": w.review_card.pk}, missing=lambda w: {"card_id": MISSING})},
    "review:rate": {"alice's card": Check(
        get=signed_in(405), post=row(LOGIN, 302, 404, 404, 404, 404, 404, 404),
        kwargs=lambda w: {"card_id": w.review_card.pk}, missing=lambda w: {"card_id": MISSING})},

    # An invitation link: anyone may open it (to sign up, or to accept as who they are);
    # a POST accepts it (an empty sign-up form is shown again). A wrong token is 404.
    "teach:invitation_accept": {
        "waiting": Check(get=everyone(200), post=signed_in(302, anonymous=200),
                         kwargs=lambda w: {"token": w.extra["invitation_token"]},
                         missing=lambda w: {"token": MISSING_SLUG}),
        "unknown": Check(get=everyone(404), post=everyone(404), kwargs=lambda w: {"token": MISSING_SLUG}),
    },

    # LTI: the platform's endpoints refuse a request without its parameters (4xx, never
    # 500); the picker needs a deep-linking launch in the session; a course page is for
    # that course's LMS instructors only (the world has none, so it is 404 for all).
    "lti:login": {"": Check(get=everyone(400), post=everyone(400))},
    "lti:launch": {"": Check(get=everyone(405), post=everyone(403))},
    "lti:jwks": {"": Check(get=everyone(200), post=everyone(405))},
    "lti:pick": {"": Check(get=everyone(403), post=everyone(403))},
    "lti:course": {"": Check(get=signed_in(404), kwargs=lambda w: {"course_id": MISSING})},
    "lti:sync_roster": {"": Check(get=signed_in(405), post=signed_in(404),
                                  kwargs=lambda w: {"course_id": MISSING})},
}
# fmt: on

# --------------------------------------------------------------------------------------
# The teaching area: instructors and curators; students are refused (403); another
# instructor's quiz, class or essay does not exist for them (404). tara, a student who
# assists ingrid's class, reaches only the grading side of that class (GRADING); every
# other teaching URL refuses her (403), and ingrid's other class does not exist for her.

TEACH_OBJECTS: dict[str, Callable[[World], object]] = {
    "quiz_id": lambda w: w.own_draft.pk,
    "question_id": lambda w: w.question_of(w.own_draft).pk,
    "class_id": lambda w: w.klass.pk,
    "membership_id": lambda w: w.membership.pk,
    "assignment_id": lambda w: w.assignment.pk,
    "response_id": lambda w: w.essay.pk,
    "attempt_id": lambda w: w.submitted_attempt.pk,
    "teacher_id": lambda w: w.extra["tara_teacher"].pk,
    "invitation_id": lambda w: w.extra["class_invitation"].pk,
}
# Routes about one kind of question name a question of that kind.
ROUTE_OBJECTS: dict[tuple[str, str], Callable[[World], object]] = {
    ("teach:rubric_edit", "question_id"): lambda w: (
        w.own_draft.questions.current().get(kind=Question.Kind.ESSAY).pk
    ),
}
# What an instructor may do with a course quiz they do not own (Quiz.teachable_by).
TEACHABLE = {"teach:quiz_preview", "teach:quiz_copy", "teach:quiz_export", "teach:quiz_statistics",
             "teach:quiz_statistics_csv"}  # fmt: skip
# What a teaching assistant may reach (teaching.views.access.grader_required). Regrading,
# releasing results and exceptions change the quiz or the class: refused to TAs (403).
GRADING = {
    "teach:dashboard", "teach:grading", "teach:grade_essay", "teach:attempt_detail", "teach:gradebook",
    "teach:gradebook_csv", "teach:assignment_gradebook", "teach:assignment_gradebook_csv",
    "teach:quiz_statistics", "teach:quiz_statistics_csv",
}  # fmt: skip
# Curators' and the superuser's alone.
CURATING = {"teach:invitations"}
# Only for quizzes with an owner: a course quiz lives in content/ (404 for everyone).
OWNED_ONLY = {"teach:quiz_delete", "teach:quiz_archive"}
OWNER_OK = one_of(200, 302, 400, 405)


def teach_checks(route: Route) -> dict[str, Check]:
    params = route.params
    unknown = [p for p in params if p not in TEACH_OBJECTS]
    if unknown:
        raise LookupError(f"{route.key}: no object for {unknown}; add it to TEACH_OBJECTS")

    def kwargs(w):
        return {p: ROUTE_OBJECTS.get((route.key, p), TEACH_OBJECTS[p])(w) for p in params}

    def missing(w):
        return {p: MISSING for p in params}

    grading = route.key in GRADING
    stranger = one_of(404, 405) if params else OWNER_OK
    tara = (OWNER_OK if params != ["quiz_id"] else one_of(404, 405)) if grading else 403
    expect = row(LOGIN, 403, 403, OWNER_OK, stranger, tara, OWNER_OK, OWNER_OK)
    if route.key in CURATING:
        expect = row(LOGIN, 403, 403, 403, 403, 403, OWNER_OK, OWNER_OK)
    checks = {"ingrid's": Check(get=expect, post=expect, kwargs=kwargs, missing=missing)}
    if params == ["quiz_id"]:
        mine = route.key in TEACHABLE
        refused = one_of(404, 405)
        curator = refused if route.key in OWNED_ONLY else OWNER_OK
        course = row(LOGIN, 403, 403, OWNER_OK if mine else refused, OWNER_OK if mine else refused,
                     refused if grading else 403, curator, curator)  # fmt: skip
        checks["course quiz"] = Check(
            get=course, post=course, kwargs=lambda w: {"quiz_id": w.course_quiz.pk}
        )
    if route.key in {"teach:quiz_statistics", "teach:quiz_statistics_csv"}:
        # ingrid's published quiz is assigned to the class tara assists.
        assigned = row(LOGIN, 403, 403, 200, 404, 200, 200, 200)
        checks["assigned quiz"] = Check(get=assigned, kwargs=lambda w: {"quiz_id": w.own_quiz.pk})
    if params == ["attempt_id"]:
        # An attempt by a student of ingrid's other class, which tara does not assist.
        other_attempt = row(LOGIN, 403, 403, OWNER_OK, stranger, one_of(404, 405) if grading else 403,
                            OWNER_OK, OWNER_OK)  # fmt: skip
        checks["ingrid's other class"] = Check(
            get=other_attempt,
            post=other_attempt,
            kwargs=lambda w: {"attempt_id": w.extra["other_class_attempt"].pk},
        )
    if params in (["class_id"], ["class_id", "assignment_id"]):
        other = row(LOGIN, 403, 403, OWNER_OK, stranger, one_of(404, 405) if grading else 403,
                    OWNER_OK, OWNER_OK)  # fmt: skip

        def other_kwargs(w):
            other_class = w.extra["other_class"]
            named = {"class_id": other_class.pk}
            if "assignment_id" in params:
                named["assignment_id"] = other_class.assignments.get().pk
            return named

        checks["ingrid's other class"] = Check(get=other, post=other, kwargs=other_kwargs)
    return checks


# --------------------------------------------------------------------------------------
# The admin: staff only. Curators reach the curated apps; users and groups are the
# superuser's alone (curators must not be able to give themselves or others a role).

CURATED_ADMIN_APPS = {"lessons", "cases", "quizzes"}
NOT_ADDABLE = {("quizzes", "attempt", "add"), ("quizzes", "attempt", "delete")}
NON_STAFF = ["anonymous", "alice", "bob", "ingrid", "ivan", "tara"]


def _admin_models() -> dict[str, type]:
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def _sample(model, w: World):
    """The object an admin URL of `model` names in these tests."""
    if model is User:
        return w.user("alice")
    if model is Group:
        return Group.objects.get(name="Instructor")
    if model is Question:
        return w.question_of(w.course_quiz)
    if model is LtiRegistration:
        return LtiRegistration.objects.get_or_create(
            issuer="https://lms.example.edu", client_id="regimes",
            defaults={"name": "Example LMS", "auth_url": "https://lms.example.edu/auth",
                      "token_url": "https://lms.example.edu/token",
                      "keyset_url": "https://lms.example.edu/jwks"},
        )[0]  # fmt: skip
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        raise LookupError(f"the world has no {model.__name__}; add one to build_world()")
    return obj


def _version(obj):
    version = Version.objects.get_for_object(obj).first()
    if version is None:
        with reversion.create_revision():
            obj.save()
        version = Version.objects.get_for_object(obj).first()
    return version.pk


def admin_checks(route: Route) -> dict[str, Check]:
    staff_only = dict.fromkeys(NON_STAFF, ADMIN_LOGIN)
    fixed = {
        "admin:index": 200,
        "admin:password_change": 200,
        "admin:password_change_done": 200,
        "admin:jsi18n": 200,
        "admin:autocomplete": 403,  # without its parameters
    }
    if route.key == "admin:login":
        return {"": Check(get={**everyone(200), "carol": 302, "root": 302})}
    if route.key == "admin:logout":
        # Signed-out visitors and non-staff are sent to the admin's front page.
        return {"": Check(get={**everyone(302), "carol": 405, "root": 405}, post=everyone(302))}
    if route.key in fixed:
        return {"": Check(get={**staff_only, "carol": fixed[route.key], "root": fixed[route.key]})}
    if route.key == "admin:view_on_site":
        return {"": Check(
            get={**staff_only, "carol": 302, "root": 302},
            kwargs=lambda w: {"content_type_id": _content_type(w.lesson), "object_id": w.lesson.pk},
        )}  # fmt: skip
    if route.key == "admin:app_list":
        return {
            app: Check(
                get={**staff_only, "carol": 200 if app in CURATED_ADMIN_APPS else 404, "root": 200},
                kwargs=lambda w, app=app: {"app_label": app},
            )
            for app in sorted({m._meta.app_label for m in admin.site._registry})
        }
    if route.pattern.endswith("(?P<url>.*)$"):
        return {"": Check(get={**staff_only, "carol": 404, "root": 404},
                          kwargs=lambda w: {"url": "no-such-page/"})}  # fmt: skip
    return _model_admin_checks(route, staff_only)


def _content_type(obj) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def _model_admin_checks(route: Route, staff_only: dict) -> dict[str, Check]:
    path = route.pattern.removeprefix("admin/")
    app_label, model_name = path.split("/")[:2]
    model = _admin_models().get(f"{app_label}_{model_name}")
    if model is None:
        raise LookupError(f"{route.key}: not a model admin URL; give it a row in EXPECTED")
    action = route.name.rpartition("_")[2] if route.name else "redirect"
    curated = app_label in CURATED_ADMIN_APPS
    allowed = 302 if action == "redirect" else 200
    carol = allowed if curated else (302 if action == "redirect" else 403)
    root = allowed
    if (app_label, model_name, action) in NOT_ADDABLE:
        carol = root = 403
    if route.name and "_draft_" in route.name:
        # The world's pages have no draft (tests/core/test_drafts.py makes one): nothing to
        # preview; publishing and discarding are posts that change nothing and go back.
        draft = {"preview": 404, "publish": 405, "discard": 405}[action]
        post = {**staff_only, "carol": 302, "root": 302} if action != "preview" else None
        return {
            "": Check(
                get={**staff_only, "carol": draft, "root": draft},
                post=post,
                kwargs=lambda w: {"object_id": _sample(model, w).pk},
            )
        }

    def kwargs(w):
        obj = _sample(model, w)
        values = {"object_id": obj.pk, "id": obj.pk}
        if action == "recover":
            values["_0"] = _version(obj)
        if action == "revision":
            values.update(_0=obj.pk, _1=_version(obj))
        return {p: values[p] for p in route.params}

    return {"": Check(get={**staff_only, "carol": carol, "root": root}, kwargs=kwargs)}


def checks_for(route: Route) -> dict[str, Check]:
    """The variants and expectations of one route; LookupError when nobody wrote them."""
    if route.key in EXPECTED:
        return EXPECTED[route.key]
    if route.namespace == "teach":
        return teach_checks(route)
    if route.pattern.startswith("admin/"):
        return admin_checks(route)
    raise LookupError(
        f"{route.key} ({route.pattern}) has no row in the access matrix "
        "(tests/security/access.py): say who may reach it"
    )
