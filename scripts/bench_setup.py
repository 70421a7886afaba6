"""Fixtures and in-process measurements for scripts/bench.py (runs with Django set up)."""

import contextlib
import random
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

EXAM_SLUG = "bench-exam"
QUESTIONS = 10
PASSWORD = "bench-student-pass-9"


def _client(user=None):
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    if user is not None:
        client.force_login(user)
    return client


def _exam():
    from apps.quizzes.models import Choice, Question, Quiz

    Quiz.objects.filter(slug=EXAM_SLUG).delete()
    quiz = Quiz.objects.create(
        slug=EXAM_SLUG, title="Bench exam", status="published", feedback_mode="deferred",
        shuffle_choices=False,
    )  # fmt: skip
    for position in range(1, QUESTIONS + 1):
        question = Question.objects.create(
            quiz=quiz, position=position, kind=Question.Kind.SINGLE, text=f"Question {position}?"
        )
        Choice.objects.bulk_create(
            Choice(question=question, position=i, text=f"Option {i}", fraction=1.0 if i == 0 else 0)
            for i in range(4)
        )
    return quiz


def _session_cookie(user) -> str:
    """A signed-in session made directly, as if the student had logged in beforehand."""
    client = _client(user)
    return client.cookies["sessionid"].value


def prepare(root: Path, students: int) -> dict:
    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group, User

    from apps.core.roles import Role
    from apps.quizzes import services
    from apps.quizzes.models import Quiz
    from apps.quizzes.presentation import names_for_attempt

    exam = _exam()
    User.objects.filter(username__startswith="bench-").delete()
    password = make_password(PASSWORD)  # hashed once: one hash costs ~0.4 s by design
    User.objects.bulk_create(
        User(username=f"bench-{i:03d}", email=f"bench-{i:03d}@example.com", password=password)
        for i in range(students)
    )
    users = list(User.objects.filter(username__startswith="bench-").order_by("username"))
    Group.objects.get(name=Role.STUDENT.value).user_set.add(*users)  # bulk_create sends no signal
    probe = User.objects.create_user("bench-probe", password=PASSWORD)
    questions = list(exam.questions.order_by("position").prefetch_related("choices"))

    # A probe attempt for the steady-state question page, save and (repeated) submit.
    open_attempt = services.start_attempt(exam, probe)
    done_quiz = Quiz.objects.get(slug="how-regimes-work")
    finished = services.submit_attempt(services.start_attempt(done_quiz, probe))
    probe_client = _client(probe)
    probe_client.get("/")
    csrf = probe_client.cookies["csrftoken"].value
    cookie = f"sessionid={probe_client.cookies['sessionid'].value}; csrftoken={csrf}"
    # Options go by the opaque names the attempt's page gives them (the bench and the
    # server share the secret they are drawn with).
    first = questions[0].choices.order_by("position").first()
    first_choice = names_for_attempt(open_attempt).name(first.pk)

    lesson_path = "/lessons/how-regimes-work/"
    html = _client().get(lesson_path).content
    reference = Path(settings.STATIC_ROOT) / "bench" / "lesson.html"
    reference.parent.mkdir(parents=True, exist_ok=True)
    reference.write_bytes(html)

    authed = {"WRK_COOKIE": cookie, "WRK_CSRF": csrf}
    pages = {
        "home": ("/", {}),
        "lesson": (lesson_path, {}),
        "case": ("/cases/concert-of-europe/", {}),
        "compare": ("/compare/", {}),
        "compare (htmx partial)": ("/compare/?views=realism&views=regimes", {"WRK_HTMX": "1"}),
        "glossary": ("/glossary/", {}),
        "search": ("/search/?q=deterrence", {}),
        "quiz question": (f"/quizzes/attempts/{open_attempt.pk}/?q=1", authed),
        "answer save (POST)": (
            f"/quizzes/attempts/{open_attempt.pk}/?q=1",
            {**authed, "WRK_METHOD": "POST", "WRK_HTMX": "1", "WRK_BODY": f"answer={first_choice}"},
        ),
        "quiz submit (POST)": (
            f"/quizzes/attempts/{finished.pk}/submit/",
            {**authed, "WRK_METHOD": "POST", "WRK_BODY": ""},
        ),
        "lab tournament": (
            "/lab/?s=tit-for-tat&s=always-defect&s=grim-trigger&s=win-stay-lose-shift&w=0.9",
            {},
        ),
    }
    return {
        "pages": pages,
        "probe_id": probe.pk,
        "static_reference": "/static/bench/lesson.html",
        "lesson_assets": [
            "/static/css/site.css",
            "/static/js/app.js",
            "/static/js/vendor/htmx-2.0.11.min.js",
        ],  # fmt: skip
        "partials": {  # path, and the element htmx swaps
            "compare table": ("/compare/?views=realism&views=regimes", "comparison"),
            "compare cell": ("/compare/drivers/realism/", "cell-drivers-realism"),
            "search results": ("/search/?q=deterrence", "results"),
            "case readings": ("/cases/concert-of-europe/?lens=regimes&reveal=1", "readings"),
            "case timeline": ("/cases/concert-of-europe/?kinds=war", "timeline"),
        },
        "exam_id": exam.pk,
        "students": [(u.pk, _session_cookie(u)) for u in users],
        "usernames": {u.pk: u.username for u in users},
        "questions": [[c.pk for c in q.choices.all()] for q in questions],
    }


def query_counts(fixtures: dict) -> dict[str, int]:
    """Queries to render each page: a query parameter no view reads keeps the whole-page
    cache out of it (fragment caches stay warm, as in steady use). The signed-in pages
    share one client, warmed first: signing in drops the user's cached copy, which the
    next request reads again, while wrk's requests all find it in the cache."""
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    signed_in = _client(User.objects.get(pk=fixtures["probe_id"]))
    signed_in.get("/")
    counts = {}
    for name, (page, env) in fixtures["pages"].items():
        path = page + ("&" if "?" in page else "?") + f"rendered={time.monotonic_ns()}"
        client = signed_in if "WRK_COOKIE" in env else _client()
        headers = {"HTTP_HX_REQUEST": "true"} if env.get("WRK_HTMX") else {}
        with CaptureQueriesContext(connection) as queries:
            if env.get("WRK_METHOD") == "POST":
                body = dict(p.split("=") for p in env["WRK_BODY"].split("&") if p)
                client.post(path, body, **headers)
            else:
                client.get(path, **headers)
        counts[name] = len(queries)
    return counts


def in_process_timings() -> dict[str, float]:
    from apps.quizzes.gift import GiftSyntaxError, parse_gift

    def best_of(fn, times=5) -> float:
        best = float("inf")
        for _ in range(times):
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        return best * 1000

    questions = "".join(
        f"::Q{i}::What is {i}?{{=yes#ok ~no#\\{{x\\}} ~%50%maybe}}\n\n" for i in range(2000)
    )
    adversarial = {
        "GIFT parse, 100 KB of questions": questions[:100_000].rsplit("\n\n", 1)[0],
        "GIFT parse, 100 KB of '{'": "{" * 100_000,
        "GIFT parse, 100 KB of backslashes": "\\" * 100_000,
        "GIFT parse, 100 KB of escaped braces": "\\{\\}" * 25_000,
    }

    def parse(text):
        with contextlib.suppress(GiftSyntaxError):
            parse_gift(text)

    timings = {name: best_of(lambda t=text: parse(t)) for name, text in adversarial.items()}
    # Short-answer wildcards against the longest answer a student can send (500
    # characters): the worst cases for a backtracking matcher, graded here in linear time.
    from apps.quizzes.grading import grade_short

    def accepted(*patterns):
        return [SimpleNamespace(text=p, fraction=1.0, feedback_html="") for p in patterns]

    wildcards = {
        "Wildcard grading, *a*a*a*b vs 500 chars": (accepted("*a*a*a*b"), "a" * 500),
        "Wildcard grading, 50 patterns * 20 stars": (
            accepted(*["*a" * 20 + f"*z{i}" for i in range(50)]), "a" * 499 + "b"),
    }  # fmt: skip
    timings |= {
        name: best_of(lambda c=choices, t=typed: grade_short(c, t))
        for name, (choices, typed) in wildcards.items()
    }
    try:
        from apps.lab.bench import timings as lab_timings
    except ImportError:
        return timings
    return timings | lab_timings()


# The exam burst, as a class of 300 meets it at 10:00: every student opens the quiz within
# ARRIVAL seconds, then reads each question's page and answers it after THINK seconds
# (students take far longer, so this is harsher than a lecture hall), then submits.
# SATURATION students then do the same with no pause at all: the most the server sustains.
ARRIVAL = 5.0
THINK = (3.0, 9.0)
SATURATION = 60


def _percentiles(values: list[float]) -> dict:
    ordered = sorted(values) or [0]

    def pick(p):
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    return {"count": len(values), "p50_ms": pick(50), "p95_ms": pick(95), "p99_ms": pick(99)}


SIGN_IN_TIMEOUT_S = 60  # a sign-in queued behind a burst of password hashes


def _run_students(
    base: str, students: list, plan: dict, pace, usernames: dict | None = None, cpu=None
) -> dict:
    """Each student (in a thread of their own) starts the exam, saves the planned answer to
    every question and submits; `pace(user_id, step)` says how long to wait first. With
    `usernames` ({user id: username}) each first signs in through the log-in form, with no
    session of their own."""
    import httpx

    from apps.quizzes.presentation import OptionNames

    timings = {"sign_in": [], "start": [], "page": [], "save": [], "submit": []}
    errors, retried = [], []

    def timed(step, send):
        began = time.perf_counter()
        for attempt in range(3):
            try:
                response = send()
                break
            except httpx.TransportError as exc:
                # As a browser does when a kept-alive connection was closed under it (and
                # as the page's autosave does for any failure): every step is safe to repeat.
                if attempt == 2:
                    raise
                retried.append(f"{step}: {type(exc).__name__}")
        timings[step].append((time.perf_counter() - began) * 1000)
        if response.status_code >= 400:
            errors.append(f"{step} {response.status_code}")
        return response

    def sign_in(http, user_id) -> bool:
        http.get("/accounts/login/", timeout=SIGN_IN_TIMEOUT_S)
        response = timed("sign_in", lambda: http.post(
            "/accounts/login/", data={"username": usernames[user_id], "password": PASSWORD},
            headers={"X-CSRFToken": http.cookies["csrftoken"]}, timeout=SIGN_IN_TIMEOUT_S))  # fmt: skip
        if response.status_code != 302:
            errors.append(f"sign-in {response.status_code}")
        return response.status_code == 302

    def student(args):
        user_id, session = args
        cookies = {} if usernames else {"sessionid": session}
        with httpx.Client(base_url=base, cookies=cookies, timeout=30) as http:
            time.sleep(pace(user_id, 0))
            if usernames and not sign_in(http, user_id):
                return
            http.get("/quizzes/bench-exam/")
            csrf = {"X-CSRFToken": http.cookies["csrftoken"]}
            started = timed("start", lambda: http.post("/quizzes/bench-exam/start/", headers=csrf))
            attempt_url = started.headers.get("location", "").split("?")[0]
            if not attempt_url:
                errors.append("start gave no attempt")
                return
            names = OptionNames("attempt:" + attempt_url.rstrip("/").rsplit("/", 1)[-1])
            for slot, choice in enumerate(plan[user_id], start=1):
                timed("page", lambda s=slot: http.get(f"{attempt_url}?q={s}"))
                time.sleep(pace(user_id, slot))
                option = names.name(choice)
                timed("save", lambda s=slot, c=option: http.post(
                    f"{attempt_url}?q={s}", data={"answer": c},
                    headers={**csrf, "HX-Request": "true"}))  # fmt: skip
            timed("submit", lambda: http.post(f"{attempt_url}submit/", headers=csrf))

    def guarded(args):
        try:
            student(args)
        except Exception as exc:  # noqa: BLE001 - a failed student is counted, not fatal
            errors.append(f"{type(exc).__name__}: {exc}")

    began, cpu_before = time.perf_counter(), cpu() if cpu else 0.0
    with ThreadPoolExecutor(max_workers=len(students)) as pool:
        list(pool.map(guarded, students))
    return {
        "seconds": time.perf_counter() - began,
        "cpu_s": (cpu() - cpu_before) if cpu else None,  # the app's CPU for the whole run
        "errors": len(errors),
        "error_samples": errors[:5],
        "retried": len(retried),
        **{step: _percentiles(values) for step, values in timings.items()},
    }


def _lost_answers(fixtures: dict, plan: dict, since=None) -> tuple[int, int]:
    """(answers not stored as the student last saved them, submitted attempts), counting
    the attempts started since `since` (default: all)."""
    from apps.quizzes.models import Attempt, Choice, Response

    attempts = Attempt.objects.filter(quiz_id=fixtures["exam_id"], user_id__in=plan)
    if since is not None:
        attempts = attempts.filter(started_at__gte=since)
    submitted = attempts.filter(state=Attempt.State.SUBMITTED).count()
    kept = {
        (r.attempt.user_id, r.question_id): r.answer
        for r in Response.objects.filter(attempt__in=attempts).select_related("attempt")
    }
    question_of = dict(Choice.objects.filter(pk__in=[c for cs in fixtures["questions"] for c in cs])
                       .values_list("pk", "question_id"))  # fmt: skip
    lost = sum(
        1
        for user_id, choices in plan.items()
        for choice in choices
        if kept.get((user_id, question_of[choice])) != choice
    )
    return lost, submitted


SIGN_INS = 20


def sign_ins(base: str) -> dict:
    """SIGN_INS students sign in one after another through the log-in form: what one
    sign-in costs (the password hash is slow on purpose), before the exam's load."""
    import httpx

    timings = []
    for i in range(SIGN_INS):
        with httpx.Client(base_url=base, timeout=30) as http:
            http.get("/accounts/login/")
            began = time.perf_counter()
            response = http.post(
                "/accounts/login/",
                data={"username": f"bench-{i:03d}", "password": PASSWORD},
                headers={"X-CSRFToken": http.cookies["csrftoken"]},
            )
            timings.append((time.perf_counter() - began) * 1000)
            if response.status_code != 302:
                raise RuntimeError(f"sign-in failed: {response.status_code}")
    return _percentiles(timings)


def exam_burst(base: str, fixtures: dict, cpu=None) -> dict:
    """The burst at a human (if hurried) pace, checked against the database, then the
    same flow with no pauses for the server's ceiling. `cpu()`, when given, reads the app
    server's CPU seconds so far."""
    rng = random.Random(7)
    students = fixtures["students"]
    plan = {pk: [rng.choice(choices) for choices in fixtures["questions"]] for pk, _ in students}
    arrival = {pk: rng.uniform(0, ARRIVAL) for pk, _ in students}
    think = {(pk, slot): rng.uniform(*THINK) for pk, _ in students
             for slot in range(1, len(fixtures["questions"]) + 1)}  # fmt: skip

    def paced(user_id, step):
        return arrival[user_id] if step == 0 else think[user_id, step]

    burst = _run_students(base, students, plan, paced, cpu=cpu)
    lost, submitted = _lost_answers(fixtures, plan)
    # The first SATURATION students sit it again (a second attempt) without pausing.
    ceiling = _run_students(base, students[:SATURATION], plan, lambda user_id, step: 0, cpu=cpu)
    requests = sum(ceiling[step]["count"] for step in ("start", "page", "save", "submit"))
    return {
        "students": len(plan),
        "questions": len(fixtures["questions"]),
        "model": {"arrival_s": ARRIVAL, "think_s": list(THINK)},
        "lost_answers": lost,
        "submitted": submitted,
        **burst,
        "saturation": {
            "students": SATURATION,
            "requests_per_s": requests / ceiling["seconds"],
            **ceiling,
        },
    }


SIGN_IN_ARRIVAL = 60.0


def exam_burst_with_sign_in(base: str, fixtures: dict, cpu=None) -> dict:
    """The burst again (a new attempt each, new answers), but nobody is signed in: every
    student arrives within SIGN_IN_ARRIVAL seconds and signs in through the log-in form
    (one deliberately slow password hash each) before opening the quiz."""
    from django.utils import timezone

    rng = random.Random(8)
    students = fixtures["students"]
    plan = {pk: [rng.choice(choices) for choices in fixtures["questions"]] for pk, _ in students}
    arrival = {pk: rng.uniform(0, SIGN_IN_ARRIVAL) for pk, _ in students}
    think = {(pk, slot): rng.uniform(*THINK) for pk, _ in students
             for slot in range(1, len(fixtures["questions"]) + 1)}  # fmt: skip

    def paced(user_id, step):
        return arrival[user_id] if step == 0 else think[user_id, step]

    since = timezone.now()
    burst = _run_students(base, students, plan, paced, usernames=fixtures["usernames"], cpu=cpu)
    lost, submitted = _lost_answers(fixtures, plan, since=since)
    return {
        "students": len(plan),
        "questions": len(fixtures["questions"]),
        "model": {"arrival_s": SIGN_IN_ARRIVAL, "think_s": list(THINK)},
        "lost_answers": lost,
        "submitted": submitted,
        **burst,
    }
