"""Every URL pattern of the project, for every persona: the expected status, no
unexpected 200, never a 500, and another user's private objects indistinguishable from
objects that do not exist."""

import pytest

from tests.security.access import ADMIN_LOGIN, DENIALS, LOGIN, Check, checks_for
from tests.security.conftest import client_as, isolated, without_tokens
from tests.security.routes import all_routes
from tests.security.world import PERSONAS

pytestmark = pytest.mark.django_db


def outcome(response):
    """The status, with a redirect to a log-in page named as such."""
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location.startswith("/admin/login/"):
            return ADMIN_LOGIN
    return response.status_code


def matches(expect, got) -> bool:
    return got in expect if isinstance(expect, frozenset) else got == expect


def post_expectation(check: Check, persona: str):
    """What a POST must get: as listed, else refused wherever the GET is refused (or 405,
    as a method check may come first), else anything but a server error."""
    if check.post is not None:
        return check.post[persona]
    get = check.get[persona]
    refusals = DENIALS & (get if isinstance(get, frozenset) else {get})
    if refusals:
        return frozenset(refusals | {405})
    return frozenset({200, 201, 204, 302, 303, 400, 405, 409, 413})


def variants(world):
    """(route, variant name, check, url) for every route and variant."""
    for route in all_routes():
        for name, check in checks_for(route).items():
            url = route.url(check.kwargs(world))
            yield route, name, check, url


def test_every_route_has_an_expectation_and_reaches_its_view(world):
    routes = all_routes()
    assert len(routes) > 100
    problems = []
    for route in routes:
        try:
            checks = checks_for(route)
        except LookupError as exc:
            problems.append(str(exc))
            continue
        for name, check in checks.items():
            assert set(check.get) == set(PERSONAS), (route.key, name)
            url = route.url(check.kwargs(world))
            if not route.reaches(url):
                problems.append(f"{route.key} [{name}]: {url} is answered by another pattern")
    assert problems == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url_answers_each_persona_as_the_matrix_says(world, persona):
    client = client_as(world, persona)
    wrong = []
    for route, name, check, url in variants(world):
        for method, expect in (
            ("get", check.get[persona]),
            ("post", post_expectation(check, persona)),
        ):
            got = outcome(isolated(client, method, url))
            if not matches(expect, got):
                wrong.append(
                    f"{method.upper()} {url} ({route.key} [{name}]): {got}, expected {expect}"
                )
    assert wrong == [], f"{len(wrong)} unexpected answers for {persona}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("persona", PERSONAS)
def test_private_objects_look_exactly_like_missing_ones(world, persona):
    """Where a persona is refused an object, the answer is the one for an id or slug that
    names nothing: same status, same page."""
    client = client_as(world, persona)
    compared, differ = 0, []
    for route, name, check, url in variants(world):
        if check.missing is None or check.get[persona] not in (403, 404):
            continue
        missing_url = route.url(check.missing(world))
        real = isolated(client, "get", url)
        absent = isolated(client, "get", missing_url)
        compared += 1
        if real.status_code != absent.status_code or without_tokens(
            real.content.decode(), url
        ) != without_tokens(absent.content.decode(), missing_url):
            differ.append(f"{url} ({real.status_code}) vs {missing_url} ({absent.status_code})")
    assert differ == []
    if persona in ("bob", "ivan"):
        assert compared >= 5
