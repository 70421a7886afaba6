import copy
import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from tests.security.world import build_world

CSRF_VALUES = [
    re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'),
    re.compile(r'("X-CSRFToken": ")[^"]+'),
]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world per module, built once inside a transaction that is rolled back at the
    end. Each test's own changes roll back to it (pytest-django nests a savepoint)."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            built = build_world()
            yield built
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def client_as(world, persona: str, **defaults) -> Client:
    client = Client(raise_request_exception=False, **defaults)
    user = world.user(persona)
    if user.is_authenticated:
        client.force_login(user)
    return client


def isolated(client: Client, method: str, url: str, data=None, **extra):
    """One request whose writes are rolled back, so the next starts from the same world;
    the client's cookies are put back too (a log-out must not sign the next request out)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = getattr(client, method)(url, data or {}, **extra)
        transaction.set_rollback(True)
    client.cookies = cookies
    return response


def without_tokens(html: str, *paths: str) -> str:
    """A page with its per-request CSRF tokens blanked, and `paths` (the page's own URL,
    as in a log-in link's ?next=) replaced by a placeholder, so two renders compare."""
    for pattern in CSRF_VALUES:
        html = pattern.sub(r"\1", html)
    for path in paths:
        html = html.replace(quote(path), "<path>").replace(path, "<path>")
    return html
