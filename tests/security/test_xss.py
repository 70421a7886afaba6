"""XSS: a battery of payloads through every field a user or author controls comes out
inert on every page that shows it, htmx partials and admin pages included.

Authors: lesson, theory, glossary, source, comparison and case text (Markdown and plain
fields), quiz settings, questions, answers and feedback imported as GIFT in each of
its four text formats. Users: class names, essay answers, predictions, search queries,
lab parameters, sign-up and log-in fields, query strings.
"""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.cases.models import Actor, Case, CasePrediction, CaseReading, TimelineEvent
from apps.classes.models import Assignment, Class
from apps.core.markup import render_inline, render_markdown, sanitize_html
from apps.lab import content_files as lab_files
from apps.lab.forms import LabForm
from apps.lab.scenarios import SCENARIOS
from apps.lessons.models import (
    ComparisonCell,
    ComparisonDimension,
    GlossaryTerm,
    Lesson,
    Source,
    Theory,
)
from apps.quizzes.gift import _escape as gift_escape
from apps.quizzes.models import Attempt, Question, Quiz, Response, TextFormat, render_text
from apps.site import search
from tests.security.conftest import client_as
from tests.security.inert import MARK, problems_in
from tests.teaching.conftest import import_gift_text

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('XSS1')</script>",
    "<img src=x onerror=alert('XSS2')>",
    "<svg onload=alert('XSS3')><script>alert('XSS3')</script></svg>",
    "<a href=\"javascript:alert('XSS4')\">click me</a>",
    "<a href=\"  JaVaScRiPt:alert('XSS5')\">click me</a>",
    '<div hx-get="/admin/?XSS6" hx-trigger="load">x</div>',
    '<button hx-post="/accounts/logout/?XSS7" hx-trigger="load">x</button>',
    "<p style=\"background:url(javascript:alert('XSS8'))\" onclick=\"alert('XSS8')\">x</p>",
    "<iframe src=\"javascript:alert('XSS9')\"></iframe>",
    "[click me](javascript:alert('XSS10'))",
    "[click me](&#106;avascript:alert('XSS11'))",
    "[ref link][evil]\n\n[evil]: javascript:alert('XSS12')",
    "<javascript:alert('XSS13')>",
    "![image](x\" onerror=\"alert('XSS14'))",
    '[click me](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg== "XSS15")',
    "\"><script>alert('XSS16')</script>",
    "'><img src=x onerror=alert('XSS17')>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('XSS18')>",
    "<form action=\"javascript:alert('XSS19')\"><button>x</button></form>",
    "{{ 7*7 }}XSS20{% csrf_token %}",
    '<base href="//evil.example/XSS21">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'XSS22\')">',
    "<object data=\"javascript:alert('XSS23')\"></object>",
    "<a href=\"vbscript:msgbox('XSS24')\">x</a>",
    '<div hx-on:click="alert(\'XSS25\')" data-hx-get="/XSS25">x</div>',
    "<input autofocus onfocus=alert('XSS26')>",
    '<a href="/ok" hx-vals=\'{"XSS27": 1}\'>x</a>',
    "[a](<javascript:alert('XSS28')>) and <https://example.com/XSS28>",
    "<details open ontoggle=alert('XSS29')>x</details>",
    "<a href=\"java&#x09;script:alert('XSS30')\">x</a>",
]
ALL = "\n\n".join(PAYLOADS)  # for long (Markdown) fields
SHORT = "\"'><svg onload=alert('XSS')><script>alert('XSS')</script>"  # for names, titles
HX = {"HTTP_HX_REQUEST": "true"}


def scan(client, url, method="get", data=None, expect_mark=True, **extra) -> list[str]:
    response = getattr(client, method)(url, data or {}, **extra)
    where = f"{method.upper()} {url}{' (htmx)' if extra else ''}"
    if response.status_code >= 500:
        return [f"{where}: {response.status_code}"]
    if response.status_code in (301, 302):
        return []
    html = response.content.decode()
    problems = [f"{where}: {p}" for p in problems_in(html)]
    if expect_mark and MARK not in html and response.status_code == 200:
        problems.append(f"{where}: the payload is not on the page at all")
    return problems


def scan_all(client, urls, **kwargs) -> list[str]:
    problems = []
    for url in urls:
        problems += scan(client, url, **kwargs)
        problems += scan(client, url, **{**kwargs, "expect_mark": False}, **HX)
    return problems


# --------------------------------------------------------------------------------------
# The sanitizer itself


def test_every_payload_renders_inert_from_markdown():
    for payload in PAYLOADS:
        assert problems_in(render_markdown(payload).html) == [], payload
        assert problems_in(render_inline(payload)) == [], payload
        for fmt in TextFormat.values:
            assert problems_in(render_text(payload, fmt)) == [], (fmt, payload)


TAGS = ["a", "img", "svg", "script", "div", "p", "iframe", "math", "style", "form", "b", "x"]
ATTRIBUTES = ["href", "src", "onerror", "onload", "hx-get", "hx-on:click", "style", "id"]
VALUES = ["javascript:alert(1)", " JaVaScRiPt:x", "data:text/html,x", "/ok", 'x" onload="y']


@st.composite
def html_soup(draw):
    """Random, often broken, HTML built from the pieces attacks are made of."""
    parts = []
    for _ in range(draw(st.integers(0, 8))):
        tag = draw(st.sampled_from(TAGS))
        attrs = "".join(
            f' {draw(st.sampled_from(ATTRIBUTES))}="{draw(st.sampled_from(VALUES))}"'
            for _ in range(draw(st.integers(0, 3)))
        )
        closing = draw(st.sampled_from(["", f"</{tag}>", "/>"]))
        text = draw(st.text(alphabet="<>&\"'=/ ab[]()#:", max_size=12))
        parts.append(f"<{tag}{attrs}>{text}{closing}")
    return "".join(parts)


@settings(max_examples=150, deadline=None)
@given(html_soup())
def test_sanitizing_random_html_is_idempotent_and_inert(soup):
    once = sanitize_html(soup)
    assert sanitize_html(once) == once
    assert problems_in(once.replace("alert", "XSS")) == []


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_rendering_markdown_twice_changes_nothing_more(text):
    html = render_markdown(text).html
    assert sanitize_html(html) == html


# --------------------------------------------------------------------------------------
# Curated content: every Markdown and plain field of every kind of page


@pytest.fixture
def authored(world):
    """Content in which every author-controlled field carries the payloads."""
    theory = Theory.objects.create(
        slug="xss-theory", title=SHORT, order=9, status="published", thesis=ALL,
        assumptions=[SHORT], thinkers=[{"name": SHORT, "contribution": SHORT}],
        how_security=ALL, exemplar=ALL, weakness=ALL, body=ALL,
    )  # fmt: skip
    term = GlossaryTerm.objects.create(
        slug="xss-term", term=SHORT, definition=ALL, status="published"
    )
    source = Source.objects.create(
        key="xss-source", authors=SHORT, year=2000, title=SHORT, publication=SHORT, note=ALL
    )
    case = Case.objects.create(
        slug="xss-case", title=SHORT, period=SHORT[:60], status="published", summary=ALL,
        body=ALL, discussion=[SHORT],
        interpretations={"points": [SHORT], "views": [
            {"slug": "v", "title": SHORT, "holders": SHORT, "summary": SHORT, "answers": [SHORT]},
            {"slug": "w", "title": SHORT, "holders": SHORT, "summary": SHORT, "answers": [SHORT]},
        ]},
    )  # fmt: skip
    lesson = Lesson.objects.create(
        slug="xss-lesson", title=SHORT, order=50, theory=theory, status="published",
        summary=ALL, objectives=[SHORT], takeaways=[SHORT], misconception=ALL, body=ALL,
    )  # fmt: skip
    lesson.key_terms.add(term)
    lesson.sources.add(source)
    case.lessons.add(lesson)
    case.key_terms.add(term)
    case.sources.add(source)
    Actor.objects.create(case=case, name=SHORT, kind="state", role=ALL)
    TimelineEvent.objects.create(
        case=case, date=timezone.now().date(), title=SHORT, kind="crisis", section="x",
        description=ALL,
    )  # fmt: skip
    CaseReading.objects.create(
        case=case, theory=theory, prediction=ALL, explains=ALL, misses=ALL, verdict=ALL
    )
    dimension = ComparisonDimension.objects.create(
        slug="xss-dimension", title=SHORT, order=9, status="published"
    )
    ComparisonCell.objects.create(dimension=dimension, theory=theory, summary=ALL, detail=ALL)
    search.rebuild_index()
    return {"theory": theory, "term": term, "case": case, "lesson": lesson,
            "dimension": dimension, "source": source}  # fmt: skip


def test_curated_content_is_inert_on_every_page(world, authored):
    lesson, case, theory = authored["lesson"], authored["case"], authored["theory"]
    pages = [
        "/", "/lessons/", lesson.get_absolute_url(), theory.get_absolute_url(), "/glossary/",
        authored["term"].get_absolute_url(), "/sources/", "/cases/", case.get_absolute_url(),
        f"{case.get_absolute_url()}?lens=xss-theory",
        f"{case.get_absolute_url()}?lens=xss-theory&with=realism",
        "/compare/?views=xss-theory&views=realism&expand=xss-dimension:xss-theory",
        "/search/?q=XSS1", "/search/?q=alert",
    ]  # fmt: skip
    # A reading shows only once predicted; carol's predictions carry the payload too.
    for reading in case.readings.all():
        CasePrediction.objects.create(
            user=world.user("carol"), case=case, theory=reading.theory, text=ALL
        )
    problems = []
    for persona in ("anonymous", "carol"):
        problems += scan_all(client_as(world, persona), pages)
    problems += scan(client_as(world, "anonymous"), "/compare/xss-dimension/xss-theory/", **HX)
    assert problems == []


def test_the_admin_shows_authored_content_inert(world, authored):
    carol = client_as(world, "carol")
    pages = [
        f"/admin/lessons/lesson/{authored['lesson'].pk}/change/",
        f"/admin/lessons/theory/{authored['theory'].pk}/change/",
        f"/admin/lessons/glossaryterm/{authored['term'].pk}/change/",
        f"/admin/lessons/source/{authored['source'].pk}/change/",
        f"/admin/lessons/comparisondimension/{authored['dimension'].pk}/change/",
        f"/admin/cases/case/{authored['case'].pk}/change/",
        "/admin/lessons/lesson/",
        "/admin/cases/case/?q=XSS",
    ]
    problems = [p for url in pages for p in scan(carol, url)]
    problems += scan(carol, "/admin/markdown-preview/", "post", {"text": ALL})
    assert problems == []


# --------------------------------------------------------------------------------------
# Quizzes: questions, answers and feedback imported as GIFT, in every text format


def gift_with_payloads(fmt: str) -> str:
    e = gift_escape
    f = f"[{fmt}]"
    return "\n\n".join([
        f"::{e(SHORT)} single:: {f}{e(ALL)} {{\n={e(SHORT)} right#{e(ALL)}\n"
        f"~{e(SHORT)} wrong#{e(ALL)}\n####{e(ALL)}\n}}",
        f"::multiple:: {f}{e(ALL)} {{\n~%50%{e(SHORT)} a#{e(ALL)}\n~%50%{e(SHORT)} b#{e(ALL)}\n"
        f"~%-100%{e(SHORT)} c#{e(ALL)}\n}}",
        f"::truefalse:: {f}{e(ALL)} {{TRUE#{e(ALL)}#{e(ALL)}####{e(ALL)}}}",
        f"::short:: {f}{e(ALL)} {{\n={e(SHORT)}#{e(ALL)}\n}}",
        f"::numerical:: {f}{e(ALL)} {{#1853:0#{e(ALL)}}}",
        f"::matching:: {f}{e(ALL)} {{\n={e(SHORT)} one -> {e(SHORT)} 1\n"
        f"={e(SHORT)} two -> {e(SHORT)} 2\n={e(SHORT)} three -> {e(SHORT)} 3\n}}",
        f"::missingword:: {f}{e(SHORT)} {{~{e(SHORT)} x ={e(SHORT)} y}} {e(SHORT)}.",
        f"::essay:: {f}{e(ALL)} {{####{e(ALL)}}}",
        f"::description:: {f}{e(ALL)}",
    ])  # fmt: skip


def import_through_the_teaching_area(client, quiz: Quiz, gift: str) -> list[str]:
    url = f"/teach/quizzes/{quiz.pk}/import/"
    problems = scan(client, url, "post", {"text": gift})
    response = import_gift_text(client, url, gift)
    assert response.status_code == 302, response.content.decode()[:2000]
    return problems


@pytest.mark.parametrize("fmt", [f.value for f in TextFormat])
def test_questions_answers_and_feedback_are_inert_everywhere(world, fmt):
    ingrid, alice = client_as(world, "ingrid"), client_as(world, "alice")
    quiz = Quiz.objects.create(
        slug=f"xss-{fmt}", title=SHORT, description=ALL, owner=world.user("ingrid"),
        feedback_mode="immediate",
    )  # fmt: skip
    problems = import_through_the_teaching_area(ingrid, quiz, gift_with_payloads(fmt))
    assert quiz.questions.count() == 9
    quiz.status = "published"
    quiz.save()
    now = timezone.now()
    Assignment.objects.create(
        klass=world.klass, quiz=quiz, opens_at=now - timedelta(1), due_at=now + timedelta(1)
    )
    questions = list(quiz.questions.current().order_by("position"))
    teach_pages = [
        "/teach/", f"/teach/quizzes/{quiz.pk}/", f"/teach/quizzes/{quiz.pk}/settings/",
        *(f"/teach/quizzes/{quiz.pk}/questions/{q.pk}/" for q in questions),
        *(f"/teach/quizzes/{quiz.pk}/preview/?q={n}" for n in range(1, 10)),
    ]  # fmt: skip
    problems += scan_all(ingrid, teach_pages)

    # The same questions in a second quiz, linked through the bank: its page, the editor's
    # notice naming the first quiz, and the bank's uses and versions.
    other = Quiz.objects.create(slug=f"xss-{fmt}-2", title=SHORT, owner=world.user("ingrid"))
    for question in questions:
        ingrid.post(f"/teach/bank/{question.pk}/add/", {"quiz": other.pk})
    linked = list(other.questions.current())
    assert len(linked) == 9 and all(q.in_other_quizzes().exists() for q in linked)
    problems += scan_all(ingrid, [
        "/teach/bank/", f"/teach/quizzes/{other.pk}/",
        *(f"/teach/quizzes/{other.pk}/questions/{q.pk}/" for q in linked),
    ])  # fmt: skip

    # alice takes it: every question, Check where it can, typed answers with payloads.
    start = alice.post(f"/quizzes/{quiz.slug}/start/")
    take = start["Location"]
    attempt = Attempt.objects.get(quiz=quiz, user=world.user("alice"))
    by_id = {q.pk: q for q in questions}
    for slot, question_id in enumerate(attempt.question_order, start=1):
        question = by_id[question_id]
        url = f"{take}?q={slot}"
        answer = {"answer": SHORT}
        if (
            question.kind in (Question.Kind.SINGLE, Question.Kind.MISSINGWORD)
            or question.kind == Question.Kind.TRUEFALSE
        ):
            answer = {"answer": question.choice_list[0].pk}
        elif question.kind == Question.Kind.MULTIPLE:
            answer = {"answer": [c.pk for c in question.choice_list]}
        elif question.kind == Question.Kind.MATCHING:
            answer = {f"match-{c.pk}": question.match_options[0] for c in question.choice_list}
        elif question.kind == Question.Kind.NUMERICAL:
            answer = {"answer": "1853"}
        problems += scan_all(alice, [url])
        problems += scan(alice, url, "post", answer, expect_mark=False, **HX)
        if question.grades_itself:
            problems += scan(alice, url, "post", {**answer, "action": "check"}, **HX)
        problems += scan(alice, url)
        problems += scan(ingrid, f"/teach/quizzes/{quiz.pk}/preview/?q={slot}", "post",
                         {**answer, "action": "check"}, **HX)  # fmt: skip
    problems += scan(alice, f"/quizzes/attempts/{attempt.pk}/summary/")
    alice.post(f"/quizzes/attempts/{attempt.pk}/submit/")
    essay = Response.objects.get(attempt=attempt, question__kind=Question.Kind.ESSAY)
    ingrid.post(f"/teach/grading/{essay.pk}/", {"score": "1", "comment": ALL})
    for url in (f"/quizzes/attempts/{attempt.pk}/review/", f"/quizzes/{quiz.slug}/",
                "/quizzes/", "/classes/assigned/"):  # fmt: skip
        problems += scan(alice, url)
    for url in (
        f"/quizzes/attempts/{attempt.pk}/review/", f"/teach/grading/{essay.pk}/",
        "/teach/grading/", f"/teach/quizzes/{quiz.pk}/statistics/",
        f"/teach/classes/{world.klass.pk}/gradebook/", f"/teach/classes/{world.klass.pk}/",
    ):  # fmt: skip
        problems += scan(ingrid, url)
    carol = client_as(world, "carol")
    for url in (f"/admin/quizzes/quiz/{quiz.pk}/change/",
                f"/admin/quizzes/question/{questions[0].pk}/change/",
                f"/admin/quizzes/attempt/{attempt.pk}/change/"):  # fmt: skip
        problems += scan(carol, url)
    export = ingrid.get(f"/teach/quizzes/{quiz.pk}/export/")
    assert export["Content-Type"].startswith("text/plain")
    assert problems == []


# --------------------------------------------------------------------------------------
# What users type


def test_class_names_are_inert_for_the_instructor_and_the_students(world):
    ingrid, alice = client_as(world, "ingrid"), client_as(world, "alice")
    response = ingrid.post("/teach/classes/new/", {"name": SHORT[:120]})
    assert response.status_code == 302
    klass = Class.objects.get(name=SHORT[:120])
    problems = scan_all(ingrid, ["/teach/", f"/teach/classes/{klass.pk}/",
                                 f"/teach/classes/{klass.pk}/gradebook/"])  # fmt: skip
    problems += scan(alice, f"/classes/join/{klass.join_code}/")
    alice.post(f"/classes/join/{klass.join_code}/")
    problems += scan(alice, "/classes/assigned/")
    problems += scan(client_as(world, "root"), f"/admin/classes/class/{klass.pk}/change/",
                     expect_mark=False)  # fmt: skip
    csv = ingrid.get(f"/teach/classes/{klass.pk}/gradebook.csv").content.decode()
    assert "\n=" not in csv and "\n+" not in csv and "\n@" not in csv
    assert problems == []


def test_essay_answers_are_inert_for_student_instructor_and_curator(world):
    alice = client_as(world, "alice")
    attempt = world.open_attempt
    essay_slot = next(
        n for n, qid in enumerate(attempt.question_order, 1)
        if Question.objects.get(pk=qid).kind == Question.Kind.ESSAY
    )  # fmt: skip
    url = f"/quizzes/attempts/{attempt.pk}/?q={essay_slot}"
    problems = scan(alice, url, "post", {"answer": ALL}, expect_mark=False, **HX)
    problems += scan(alice, url)
    alice.post(f"/quizzes/attempts/{attempt.pk}/submit/")
    problems += scan(alice, f"/quizzes/attempts/{attempt.pk}/review/")
    problems += scan(client_as(world, "carol"), f"/quizzes/attempts/{attempt.pk}/review/")
    problems += scan(client_as(world, "carol"), f"/admin/quizzes/attempt/{attempt.pk}/change/")
    response = Response.objects.get(
        attempt=attempt, question_id=attempt.question_order[essay_slot - 1]
    )
    problems += scan(client_as(world, "root"), f"/teach/grading/{response.pk}/")
    assert problems == []


def test_predictions_are_inert(world):
    client = client_as(world, "anonymous")
    url = world.case.get_absolute_url()
    problems = scan(client, f"{url}predict/", "post", {"lens": "realism", "text": ALL[:2000]})
    problems += scan(
        client, f"{url}predict/", "post", {"lens": "realism", "text": ALL[:2000]}, **HX
    )
    problems += scan(client, f"{url}?lens=realism")
    problems += scan(client, f"{url}predict/", "post", {"lens": SHORT, "text": ""},
                     expect_mark=False)  # fmt: skip
    assert problems == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_queries_are_inert(world, payload):
    client = client_as(world, "anonymous")
    problems = scan(client, "/search/", data={"q": payload}, expect_mark=False)
    problems += scan(client, "/search/", data={"q": payload}, expect_mark=False, **HX)
    assert problems == []


def test_lab_parameters_are_inert(world):
    client = client_as(world, "anonymous")
    problems = []
    for name in LabForm.base_fields:
        for payload in (SHORT, PAYLOADS[3]):
            problems += scan(client, "/lab/", data={name: payload}, expect_mark=False)
            problems += scan(client, "/lab/", data={name: payload}, expect_mark=False, **HX)
    lab_files.load(django_settings.BASE_DIR / "content", [])  # the scenarios' words
    scenario = SCENARIOS[0]
    url = f"/lab/scenarios/{scenario.slug}/"
    assert client.get(url).status_code == 200  # the scan below reads a real page
    for name in ("predicted", "skip", "run", scenario.lever.name, "seed", "rounds"):
        data = {name: SHORT, "run": "1"}
        problems += scan(client, url, data=data, expect_mark=False)
    assert problems == []


def test_query_strings_echoed_into_pages_are_inert(world):
    client = client_as(world, "alice")
    q = SHORT
    urls = [
        f"/compare/?views={q}&dims={q}&expand={q}",
        f"{world.case.get_absolute_url()}?lens={q}&with={q}&kinds={q}&reveal={q}",
        f"/quizzes/attempts/{world.open_attempt.pk}/?q={q}",
        f"/accounts/login/?next={q}",
        f"/lessons/?{q}={q}",
    ]
    problems = []
    for url in urls:
        problems += scan(client, url, expect_mark=False)
        problems += scan(client, url, expect_mark=False, **HX)
    problems += scan(client_as(world, "ingrid"), f"/teach/grading/?quiz={q}", expect_mark=False)
    problems += scan(client_as(world, "anonymous"), f"/{q}/", expect_mark=False)
    assert problems == []


def test_account_forms_echo_what_was_typed_inertly(world):
    anonymous = client_as(world, "anonymous")
    problems = scan(anonymous, "/accounts/signup/", "post", {
        "username": SHORT, "email": SHORT, "password1": SHORT, "password2": SHORT,
    }, expect_mark=False)  # fmt: skip
    problems += scan(anonymous, "/accounts/login/", "post", {"username": SHORT, "password": "x"},
                     expect_mark=False)  # fmt: skip
    problems += scan(anonymous, "/accounts/password_reset/", "post", {"email": SHORT},
                     expect_mark=False)  # fmt: skip
    problems += scan(client_as(world, "alice"), "/classes/join/", "post", {"code": SHORT},
                     expect_mark=False)  # fmt: skip
    assert problems == []


def test_quiz_settings_written_by_an_instructor_are_inert(world):
    ingrid = client_as(world, "ingrid")
    quiz = world.own_quiz
    form = {
        "title": SHORT, "description": ALL, "status": "published", "grade_method": "highest",
        "feedback_mode": "deferred", "review_after": "submit", "review_score": "on",
        "review_answers": "on", "review_feedback": "on", "pass_mark": "50", "attempts_allowed": "0",
    }  # fmt: skip
    response = ingrid.post(f"/teach/quizzes/{quiz.pk}/settings/", form)
    assert response.status_code == 302, response.context["form"].errors
    problems = scan_all(ingrid, ["/teach/", f"/teach/quizzes/{quiz.pk}/"])
    problems += scan_all(client_as(world, "alice"), ["/quizzes/", f"/quizzes/{quiz.slug}/",
                                                     "/classes/assigned/"])  # fmt: skip
    assert problems == []


def test_the_page_scanner_catches_what_it_should():
    """The scanner is the test's eyes: prove it sees each kind of live payload."""
    for html in [
        "<script>alert(1)</script>", '<img src=x onerror="y">', '<a href=" javascript:x">',
        '<div hx-get="/XSS">', "<object></object>", '<form action="data:text/html,x">',
        '<meta http-equiv="refresh" content="0">', "<iframe></iframe>", '<p style="XSS">',
        "<base href=/>", "<a href='java\tscript:x'>", '<div hx-on:click="x">',
    ]:  # fmt: skip
        assert problems_in(html), html
    assert (
        problems_in('<script src="/static/js/app.js"></script><img src="data:image/png;x">') == []
    )
