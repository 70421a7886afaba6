import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.core import page_cache
from apps.lessons.models import Lesson


def queries_for(client, path, **headers) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.django_db
def test_a_cookieless_visitor_gets_the_cached_page_the_second_time(client, content):
    first, html = queries_for(client, "/lessons/how-regimes-work/")
    assert first > 0
    again, same = queries_for(client, "/lessons/how-regimes-work/")
    # Its check forms' CSRF tokens are masked afresh for each response.
    assert again == 0 and without_tokens(same) == without_tokens(html)
    assert "X-CSRFToken" not in html  # nothing personal in a shared page


@pytest.mark.django_db
def test_an_edit_is_visible_at_once(client, content):
    queries_for(client, "/lessons/how-regimes-work/")
    lesson = Lesson.objects.get(slug="how-regimes-work")
    lesson.title = "How regimes really work"
    lesson.save()
    _, html = queries_for(client, "/lessons/how-regimes-work/")
    assert "How regimes really work" in html


@pytest.mark.django_db
def test_signed_in_readers_are_never_served_from_the_cache(client, content, alice):
    queries_for(client, "/lessons/how-regimes-work/")
    client.force_login(alice)
    count, html = queries_for(client, "/lessons/how-regimes-work/")
    assert count > 0
    assert "Mark as read and stay here" in html


@pytest.mark.django_db
def test_htmx_partials_and_full_pages_are_cached_apart(client, content):
    _, full = queries_for(client, "/compare/?views=realism")
    _, partial = queries_for(client, "/compare/?views=realism", HTTP_HX_REQUEST="true")
    assert "<html" in full and "<html" not in partial


CASE = "/cases/concert-of-europe/"


def form_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', html)
    assert match, "the page has no prediction form"
    return match.group(1)


def predict(client, token: str):
    return client.post(
        CASE + "predict/",
        {"csrfmiddlewaretoken": token, "lens": "realism", "text": "Power decides."},
    )


@pytest.mark.django_db
def test_a_page_with_a_form_is_cached_and_each_visitor_gets_a_working_token(content):
    first_visitor, second_visitor = (
        Client(enforce_csrf_checks=True),
        Client(enforce_csrf_checks=True),
    )
    first, first_html = queries_for(first_visitor, CASE)
    again, second_html = queries_for(second_visitor, CASE)
    assert first > 0 and again == 0
    first_token, second_token = form_token(first_html), form_token(second_html)
    assert first_token != second_token
    assert first_visitor.cookies["csrftoken"].value != second_visitor.cookies["csrftoken"].value
    # Each token works with its own visitor's cookie, and only there.
    assert predict(second_visitor, first_token).status_code == 403
    assert predict(second_visitor, second_token).status_code == 302
    assert predict(first_visitor, first_token).status_code == 302


@pytest.mark.django_db
def test_a_returning_visitor_keeps_their_csrf_secret_on_a_cached_page(content):
    visitor = Client(enforce_csrf_checks=True)
    queries_for(visitor, CASE)
    secret = visitor.cookies["csrftoken"].value
    count, html = queries_for(visitor, CASE)
    assert count == 0
    assert visitor.cookies["csrftoken"].value == secret
    assert predict(visitor, form_token(html)).status_code == 302


@pytest.mark.django_db
def test_a_visitor_with_a_session_is_not_served_from_the_cache(content):
    visitor = Client()
    queries_for(visitor, CASE)
    predict(visitor, form_token(queries_for(visitor, CASE)[1]))
    count, html = queries_for(visitor, CASE + "?lens=realism")
    assert count > 0
    assert "Power decides." in html


def test_a_page_holding_a_token_outside_a_form_field_is_not_stored():
    leaky = HttpResponse(b'<div data-token="' + b"a1" * 32 + b'">')
    assert page_cache._storable(leaky) is None
    form = HttpResponse(b'<input name="csrfmiddlewaretoken" value="' + b"a1" * 32 + b'">')
    assert page_cache._storable(form) == [b'<input name="csrfmiddlewaretoken" value="', b'">']


def test_a_response_setting_any_other_cookie_is_not_stored():
    response = HttpResponse(b"<p>Hello</p>")
    response.set_cookie("messages", "x")
    assert page_cache._storable(response) is None


@pytest.mark.django_db
def test_two_partials_of_one_url_are_cached_apart(client, content):
    url = CASE + "?lens=regimes"
    _, readings = queries_for(client, url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="readings")
    _, timeline = queries_for(client, url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="timeline")
    assert 'class="timeline"' in timeline and 'class="timeline"' not in readings
    assert "predict first" in readings and "predict first" not in timeline


@pytest.mark.django_db
def test_an_edit_made_on_another_server_shows_here_within_the_version_window(
    client, content, monkeypatch
):
    queries_for(client, "/lessons/how-regimes-work/")
    cache.incr(page_cache.VERSION_KEY)  # another app server's edit moves the shared version
    assert queries_for(client, "/lessons/how-regimes-work/")[0] == 0  # this process's copy
    monkeypatch.setattr(page_cache, "VERSION_SECONDS", 0)  # the window has passed
    assert queries_for(client, "/lessons/how-regimes-work/")[0] > 0


# Query parameters: a page is keyed only on those its view reads.


@pytest.mark.django_db
def test_parameters_the_page_does_not_read_share_one_copy(client, content):
    first, html = queries_for(client, "/lessons/how-regimes-work/?utm_source=one")
    assert first > 0
    for variant in ("?utm_source=two", "?utm_campaign=x&fbclid=y", ""):
        again, same = queries_for(client, "/lessons/how-regimes-work/" + variant)
        assert again == 0 and without_tokens(same) == without_tokens(html), variant


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path, first, second",
    [
        ("/search/", "q=realism", "q=regime"),
        ("/compare/", "views=realism", "views=regimes"),
        ("/cases/league-and-abyssinia/", "lens=realism", "lens=regimes"),
        ("/lessons/", "", "by=theory"),
    ],
)
def test_parameters_the_page_reads_still_key_it(client, content, path, first, second):
    _, one = queries_for(client, f"{path}?{first}")
    count, other = queries_for(client, f"{path}?{second}")
    assert count > 0 and without_tokens(other) != without_tokens(one)
    count, again = queries_for(client, f"{path}?{first}&utm_source=mail")
    assert count == 0 and without_tokens(again) == without_tokens(one)
    count, again = queries_for(client, f"{path}?{second}")
    assert count == 0 and without_tokens(again) == without_tokens(other)


def without_tokens(html: str) -> str:
    return page_cache.ANY_TOKEN.sub(b"", html.encode()).decode()


def test_a_view_that_looks_at_the_whole_query_is_keyed_on_all_of_it():
    from django.http import QueryDict

    reads: set[str] = set()
    query = page_cache._ReadLog(QueryDict("a=1&b=2"), reads)
    query.get("a")
    "c" in query  # noqa: B015 - asking is reading
    assert reads == {"a", "c"}
    copy = query.copy()
    copy.appendlist("d", "4")  # a form filling in a default
    copy.getlist("d")
    assert reads == {"a", "c", "d"}
    dict(query.items())
    assert page_cache.ALL in reads
