import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
    assert again == 0 and same == html
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
    assert "Mark lesson complete" in html


@pytest.mark.django_db
def test_htmx_partials_and_full_pages_are_cached_apart(client, content):
    _, full = queries_for(client, "/compare/?views=realism")
    _, partial = queries_for(client, "/compare/?views=realism", HTTP_HX_REQUEST="true")
    assert "<html" in full and "<html" not in partial


@pytest.mark.django_db
def test_pages_that_set_a_cookie_are_not_stored(client, content):
    # The case page carries a prediction form, hence a CSRF cookie: it must stay per visitor.
    first, _ = queries_for(client, "/cases/concert-of-europe/")
    client.cookies.clear()
    again, _ = queries_for(client, "/cases/concert-of-europe/")
    assert again == first
