"""Forms never answer with a server error: hypothesis posts (and, for GET forms, queries)
made of the forms' own field names and hostile values to every view, as every persona
who can reach it. Every answer must be 2xx, 3xx, 400, 403, 404, 405, 409 or 413."""

from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.access import DENIALS, checks_for
from tests.security.conftest import client_as, isolated
from tests.security.routes import all_routes
from tests.security.world import PERSONAS

pytestmark = pytest.mark.django_db

ACCEPTABLE = {200, 201, 204, 301, 302, 303, 304, 400, 403, 404, 405, 409, 413, 429}
# Names views read straight from request.GET/POST, beside the forms' own fields.
COMMON_NAMES = [
    "answer", "action", "go", "text", "lens", "with", "reveal", "kinds", "q", "step", "code",
    "name", "next", "kind", "complete", "quiz", "class", "sort", "dir", "expanded", "views",
    "dims", "expand", "position", "direction", "score", "comment", "file",
]  # fmt: skip
FORM_ROUTES = [r.key for r in all_routes() if not r.pattern.startswith("admin/")] + [
    "markdown-preview"
]
ADMIN_FORMS = [
    ("carol", "/admin/lessons/lesson/add/"),
    ("carol", "/admin/cases/case/add/"),
    ("carol", "/admin/quizzes/quiz/add/"),
    ("carol", "/admin/lessons/comparisondimension/add/"),
    ("root", "/admin/auth/user/add/"),
    ("root", "/admin/auth/group/add/"),
]

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="\x00\x01<>&'\"%;-=a1 ", max_size=10),
    st.sampled_from([
        "", " ", "\x00", "a\x00b", "\ud7ff", "🙂" * 50, "-1", "0", "999999999999999999999",
        "1e309", "nan", "inf", "-inf", "3.5", "2026-02-30", "2026-01-01T25:61", "true", "on",
        "../../etc/passwd", "%00", "<script>", "' OR 1=1 --", "x" * 5000, "[]", "{}", "null",
        "summary", "check", "confirm", "1", "2",
    ]),
)  # fmt: skip


class _FieldNames(HTMLParser):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in ("input", "select", "textarea", "button") and values.get("name"):
            self.names.add(values["name"])


_names_cache: dict[tuple, list[str]] = {}


def field_names(client, url: str, key: tuple) -> list[str]:
    if key not in _names_cache:
        parser = _FieldNames()
        response = client.get(url)
        if response.get("Content-Type", "").startswith("text/html"):
            parser.feed(response.content.decode())
        parser.names.discard("csrfmiddlewaretoken")
        _names_cache[key] = sorted(parser.names)
    return _names_cache[key]


@st.composite
def form_data(draw, names: list[str]):
    """A value (or several) for every field of the page's forms, and a few other names."""
    keys = names + draw(st.lists(st.sampled_from(COMMON_NAMES), max_size=3, unique=True))
    data = {}
    for key in dict.fromkeys(keys):
        if draw(st.integers(0, 4)) == 0:
            data[key] = draw(st.lists(hostile_text, min_size=1, max_size=3))
        elif draw(st.integers(0, 5)):
            data[key] = draw(hostile_text)
    if "file" in keys and draw(st.booleans()):
        content = draw(st.binary(max_size=200))
        data["file"] = SimpleUploadedFile("quiz.gift", content, "text/plain")
    return data


def reaching(check, method: str) -> list[str]:
    """The personas a request gets through to the view for (anonymous if nobody)."""
    table = check.post if method == "post" and check.post is not None else check.get
    personas = [
        p for p in PERSONAS
        if not (DENIALS & (table[p] if isinstance(table[p], frozenset) else {table[p]}))
    ]  # fmt: skip
    return personas or ["anonymous"]


def _routes_by_key():
    return {r.key: r for r in all_routes()}


def describe(response) -> str:
    exc = getattr(response, "exc_info", None)
    return f"{response.status_code} {exc[1]!r}" if exc else str(response.status_code)


@pytest.mark.parametrize("key", FORM_ROUTES)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_post_or_query_to_a_view_is_a_server_error(world, key, data):
    route = _routes_by_key()[key]
    variants = checks_for(route)
    variant = data.draw(st.sampled_from(sorted(variants)), label="variant")
    check = variants[variant]
    url = route.url(check.kwargs(world))
    persona = data.draw(st.sampled_from(reaching(check, "post")), label="persona")
    client = client_as(world, persona)
    names = field_names(client, url, (key, variant, persona))
    fields = data.draw(form_data(names), label="fields")
    htmx = data.draw(st.booleans(), label="htmx")
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    query = {k: v for k, v in fields.items() if k != "file"}
    for method, sent in (("get", query), ("post", fields)):
        response = isolated(client, method, url, sent, **extra)
        assert response.status_code in ACCEPTABLE, (
            f"{method.upper()} {url} as {persona}: {describe(response)}"
        )


@pytest.mark.parametrize("persona,url", ADMIN_FORMS)
@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_post_to_an_admin_form_is_a_server_error(world, persona, url, data):
    client = client_as(world, persona)
    names = field_names(client, url, ("admin", url, persona))
    fields = data.draw(form_data(names), label="fields")
    response = isolated(client, "post", url, fields)
    assert response.status_code in ACCEPTABLE, f"POST {url} as {persona}: {describe(response)}"


# Long enough to overflow every field's limit, short enough that a form's fields and the
# common names together (under 65) stay below the 1 MB body limit: the POST reaches the
# form rather than the 413 (tests/security/test_limits.py covers that one).
LONG_TEXT = "x" * 15_000


@pytest.mark.parametrize("value", ["a\x00b", LONG_TEXT, "9" * 40])
def test_every_field_of_every_form_survives_one_hostile_value(world, value):
    """Deterministically, beside the random search: NUL bytes (PostgreSQL refuses them in
    text), very long text and huge numbers in every field of every form at once."""
    routes = _routes_by_key()
    failures = []
    for key in FORM_ROUTES:
        route = routes[key]
        for variant, check in checks_for(route).items():
            url = route.url(check.kwargs(world))
            persona = reaching(check, "post")[-1]
            client = client_as(world, persona)
            names = field_names(client, url, (key, variant, persona)) + COMMON_NAMES
            fields = dict.fromkeys(names, value)
            if value == LONG_TEXT:
                body = len(fields) * len(value)
                assert body < django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE, f"{url}: {body} bytes"
            for method in ("get", "post"):
                response = isolated(client, method, url, fields)
                if response.status_code not in ACCEPTABLE:
                    failures.append(f"{method.upper()} {url} as {persona}: {describe(response)}")
    assert failures == []
