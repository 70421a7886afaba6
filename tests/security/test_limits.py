"""Oversized bodies and uploads get a clear 413 (or 400) that states the limit, on every
form view, before anything reads them."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.admin import MAX_PREVIEW_CHARS
from apps.teaching.forms import GIFT_LIMIT
from tests.security.access import checks_for
from tests.security.conftest import client_as, isolated
from tests.security.routes import all_routes
from tests.security.test_forms_never_500 import FORM_ROUTES, reaching

pytestmark = pytest.mark.django_db

LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
LIMIT_TEXT = "1 MB"
HX = {"HTTP_HX_REQUEST": "true"}


def text_of(response) -> str:
    return response.content.decode().replace("\xa0", " ")


def test_the_limit_is_the_one_the_pages_name():
    assert LIMIT == 1024 * 1024


@pytest.mark.parametrize("htmx", [False, True])
def test_every_form_view_refuses_an_oversized_body_with_413_naming_the_limit(world, htmx):
    routes = {r.key: r for r in all_routes()}
    body = {"text": "x" * (LIMIT + 1)}
    wrong = []
    for key in FORM_ROUTES:
        route = routes[key]
        for check in checks_for(route).values():
            url = route.url(check.kwargs(world))
            persona = reaching(check, "post")[-1]
            response = isolated(
                client_as(world, persona), "post", url, body, **(HX if htmx else {})
            )
            if response.status_code != 413 or LIMIT_TEXT not in text_of(response):
                wrong.append(f"POST {url} as {persona}: {response.status_code}")
    assert wrong == []


def test_an_oversized_upload_is_refused_before_it_is_read(world):
    quiz = world.own_draft
    upload = SimpleUploadedFile("bank.gift", b"// comment\n" * 200_000, "text/plain")
    response = client_as(world, "ingrid").post(
        f"/teach/quizzes/{quiz.pk}/import/", {"file": upload}
    )
    assert response.status_code == 413
    html = text_of(response)
    assert f"over the limit of {LIMIT_TEXT}" in html
    assert "Too large to send" in html and "site.css" in html  # the site's own error page
    assert "Content-Security-Policy" in response.headers


def test_a_gift_file_over_its_own_limit_is_a_413_naming_it(world):
    quiz = world.own_draft
    size = GIFT_LIMIT + 10_000
    upload = SimpleUploadedFile("bank.gift", b"/" * size, "text/plain")
    response = client_as(world, "ingrid").post(
        f"/teach/quizzes/{quiz.pk}/import/", {"file": upload}
    )
    assert response.status_code == 413
    assert f"the limit is {GIFT_LIMIT // 1024} KB" in response.content.decode()
    pasted = client_as(world, "ingrid").post(
        f"/teach/quizzes/{quiz.pk}/import/", {"text": "/" * size}
    )
    assert pasted.status_code == 413
    assert f"{GIFT_LIMIT // 1024} KB" in pasted.content.decode()


def test_too_many_fields_is_a_400_naming_the_limit(world):
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client_as(world, "alice").post("/accounts/login/", fields)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} fields" in html
    assert "site.css" in html


def test_the_markdown_preview_states_its_own_limit(world):
    response = client_as(world, "carol").post(
        "/admin/markdown-preview/", {"text": "x" * (MAX_PREVIEW_CHARS + 1)}
    )
    assert response.status_code == 413
    assert f"{MAX_PREVIEW_CHARS} characters" in response.content.decode()


def test_a_body_just_under_the_limit_is_read_as_usual(world):
    response = client_as(world, "alice").post("/search/", {"q": "x" * (LIMIT - 1000)})
    assert response.status_code in (200, 405)
