import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.cases.views import PREDICTIONS
from apps.quizzes.models import Quiz
from tests.cases.conftest import INTERPRETATIONS, make_case

pytestmark = pytest.mark.django_db

URL = "/cases/league-and-abyssinia/"


def htmx(target: str) -> dict:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": target}


def predict(client, lens: str, text: str = "A guess.", **headers):
    return client.post(URL + "predict/", {"lens": lens, "text": text}, **headers)


def page(client, query: str = "", **headers) -> str:
    response = client.get(URL + query, **headers)
    assert response.status_code == 200
    return response.content.decode()


def event_titles(html: str) -> list[str]:
    return re.findall(r'<p class="event-title">([^<]+)</p>', html)


# The list


def test_the_case_list_shows_each_case_with_its_counts_and_lessons(client, case):
    html = client.get("/cases/").content.decode()
    assert case.get_absolute_url() in html
    assert case.title in html and case.period in html and case.summary in html
    assert "5 events · 2 actors" in html
    assert "/lessons/why-collective-security-failed/" in html


def test_the_case_list_orders_cases_and_hides_drafts_from_students(client, alice):
    make_case("concert-of-europe", order=2)
    make_case("league-and-abyssinia", order=1)
    make_case("us-soviet-cold-war", order=3, status="draft")
    client.force_login(alice)
    html = client.get("/cases/").content.decode()
    assert html.index("/cases/league-and-abyssinia/") < html.index("/cases/concert-of-europe/")
    assert "/cases/us-soviet-cold-war/" not in html


def test_curators_see_drafts_in_the_list_marked_as_drafts(client, carol):
    make_case(status="draft")
    client.force_login(carol)
    html = client.get("/cases/").content.decode()
    assert URL in html and "draft-badge" in html


def test_the_case_list_query_count_does_not_grow_with_cases(client, django_assert_max_num_queries):
    make_case("one")
    with CaptureQueriesContext(connection) as one:
        client.get("/cases/")
    for slug in ("two", "three", "four"):
        make_case(slug)
    with django_assert_max_num_queries(len(one)):
        client.get("/cases/")


# The case page


def test_the_case_page_has_every_part_a_case_promises(client, case):
    Quiz.objects.create(slug="abyssinia-check", title="Check", case=case, status="published")
    html = page(client)
    assert "<h1" in html and case.title in html and case.period in html
    assert f'<p class="lede">{case.summary}</p>' in html
    assert "Haile Selassie" in html and ">Person</span>" in html and ">State</span>" in html
    for anchor in ("covenant", "manchuria", "abyssinia"):
        assert f'id="{anchor}"' in html  # the narrative's sections
        assert f'href="#{anchor}"' in html  # table of contents and event links
    assert '<ol class="timeline">' in html
    assert "Read this case as…" in html
    assert "Why did sanctions fail?" in html
    assert 'href="/lessons/why-collective-security-failed/"' in html
    assert 'href="/glossary/sanctions/"' in html
    assert 'href="/sources/#lipson-1995"' in html
    assert 'href="/quizzes/abyssinia-check/"' in html  # its own quiz, whatever its slug
    assert "draft-banner" not in html


def test_an_unknown_case_is_a_404(client, case):
    assert client.get("/cases/no-such-case/").status_code == 404


def test_a_draft_case_is_invisible_to_students(client, alice):
    make_case(status="draft")
    assert client.get(URL).status_code == 404
    client.force_login(alice)
    assert client.get(URL).status_code == 404
    assert client.post(URL + "predict/", {"lens": "realism", "text": "x"}).status_code == 404


def test_curators_see_a_draft_case_with_a_banner(client, carol):
    make_case(status="draft")
    client.force_login(carol)
    html = page(client)
    assert 'class="draft-banner"' in html


def test_every_event_has_a_dated_entry_linking_to_its_section(client, case):
    html = page(client)
    assert '<time datetime="1920-01-10">10 January 1920</time>' in html  # day precision
    assert '<time datetime="1920-03">March 1920</time>' in html  # month precision
    assert '<time datetime="1920">1920</time>' in html  # year precision
    links = re.findall(r'<a class="event-link" href="#([\w-]+)"', html)
    assert len(links) == 5
    assert all(f'id="{anchor}"' in html for anchor in links)


# Readings


def test_before_the_reveal_the_first_lens_asks_for_a_prediction(client, case):
    html = page(client)
    assert "What would Realism expect here?" in html
    assert 'action="/cases/league-and-abyssinia/predict/"' in html
    assert "csrfmiddlewaretoken" in html
    assert "Skip and reveal" not in html and "reveal=1" not in html
    assert "Realism <strong>explains</strong>" not in html


def test_no_address_reveals_a_reading_without_a_prediction(client, case):
    for query in ("?lens=realism&reveal=1", "?lens=regimes&with=realism&reveal=1"):
        html = page(client, query)
        assert "<strong>explains</strong>" not in html and "verdict." not in html
    predict(client, "realism")
    html = page(client, "?lens=realism")
    assert "Realism <strong>explains</strong> the outcome." in html
    assert "Realism misses the details." in html
    assert "Realism verdict." in html
    assert 'action="/cases/league-and-abyssinia/predict/"' not in html


def test_switching_lens_shows_that_theory_and_marks_its_tab(client, case):
    predict(client, "regimes")
    html = page(client, "?lens=regimes")
    assert "Security regimes <strong>explains</strong>" in html
    assert "Realism <strong>explains</strong>" not in html
    current = re.findall(r'<a class="lens-tab theory-([\w-]+)"[^>]*aria-current="true"', html)
    assert current == ["regimes"]
    # Tabs are plain links enhanced with htmx, and keep the URL as the state.
    assert 'href="/cases/league-and-abyssinia/?lens=collective-security#readings"' in html
    assert 'hx-target="#readings"' in html and 'hx-push-url="true"' in html


def test_switching_lens_with_htmx_returns_only_the_readings_partial(client, case):
    predict(client, "collective-security")
    html = page(client, "?lens=collective-security", **htmx("readings"))
    assert "<html" not in html and "<h1" not in html
    assert "Collective security <strong>explains</strong>" in html
    assert 'class="lens-tabs"' in html
    assert "data-focus-after-swap" in html
    assert '<ol class="timeline">' not in html


def test_a_reading_set_beside_another_asks_for_its_prediction_first(client, case):
    predict(client, "realism")
    html = page(client, "?lens=realism&with=regimes")
    assert "reading-panels is-pair" in html
    assert "Realism <strong>explains</strong>" in html
    assert "Security regimes <strong>explains</strong>" not in html
    assert "What would Security regimes expect here?" in html
    # Its form carries the pair along, so the reveal keeps both side by side.
    assert '<input type="hidden" name="with" value="realism">' in html
    response = client.post(URL + "predict/", {"lens": "regimes", "with": "realism", "text": "x"})
    assert response.url == URL + "?lens=regimes&with=realism#readings"


def test_two_readings_side_by_side(client, case):
    predict(client, "realism")
    predict(client, "regimes")
    html = page(client, "?lens=realism&with=regimes")
    assert "reading-panels is-pair" in html
    assert "Realism <strong>explains</strong>" in html
    assert "Security regimes <strong>explains</strong>" in html
    assert "Collective security <strong>explains</strong>" not in html
    assert 'href="/cases/league-and-abyssinia/?lens=realism#readings"' in html  # show one


@pytest.mark.parametrize(
    "query",
    ["?lens=marxism", "?lens=realism&with=realism", "?with=nonsense", "?lens=&reveal=yes"],
)
def test_unknown_or_repeated_lenses_are_ignored(client, case, query):
    html = page(client, query)
    assert "What would Realism expect here?" in html
    assert "is-pair" not in html


def test_a_prediction_is_stored_and_shown_beside_the_reading_without_javascript(client, case):
    response = client.post(
        URL + "predict/", {"lens": "regimes", "text": "Rules will not hold against Italy."}
    )
    assert response.status_code == 302
    assert response.url == URL + "?lens=regimes#readings"
    assert client.session[PREDICTIONS] == {
        "league-and-abyssinia": {"regimes": "Rules will not hold against Italy."}
    }
    html = page(client, "?lens=regimes")
    assert "Your prediction" in html and "Rules will not hold against Italy." in html
    assert "Security regimes <strong>explains</strong>" in html


def test_a_prediction_with_htmx_returns_the_readings_and_pushes_the_url(client, case):
    response = client.post(
        URL + "predict/", {"lens": "realism", "text": "Power wins."}, **htmx("readings")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.headers["HX-Push-Url"] == URL + "?lens=realism#readings"
    assert "<html" not in html
    assert "Your prediction" in html and "Power wins." in html
    assert "Realism <strong>explains</strong>" in html


def test_a_prediction_keeps_the_timeline_filter(client, case):
    response = client.post(
        URL + "predict/", {"lens": "realism", "text": "Power wins.", "kinds": ["war"]}
    )
    assert response.url == URL + "?lens=realism&kinds=war#readings"


def test_an_empty_prediction_is_refused_and_nothing_is_stored(client, case):
    response = client.post(URL + "predict/", {"lens": "realism", "text": "   "})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in html and 'aria-invalid="true"' in html
    assert PREDICTIONS not in client.session


def test_a_prediction_for_an_unknown_lens_is_not_stored(client, case):
    response = client.post(URL + "predict/", {"lens": "marxism", "text": "Class war."})
    assert response.status_code == 200
    assert PREDICTIONS not in client.session


def test_predictions_belong_to_one_case_and_one_visitor(client, case):
    make_case("concert-of-europe", order=2)
    client.post(URL + "predict/", {"lens": "realism", "text": "Power wins."})
    other = client.get("/cases/concert-of-europe/").content.decode()
    assert "Power wins." not in other and "What would Realism expect here?" in other
    client.logout()
    assert "Power wins." not in page(client)


def test_predicting_needs_a_post(client, case):
    assert client.get(URL + "predict/").status_code == 405


# Timeline


def test_the_timeline_shows_every_event_and_offers_the_kinds_it_has(client):
    make_case(events=4)  # treaty, crisis, war, conference: no revolt
    html = page(client)
    assert len(event_titles(html)) == 4
    assert "Showing 4 of 4 events" in html
    assert 'value="conference"' in html and 'value="revolt"' not in html


def test_filtering_the_timeline_by_kind_without_javascript(client, case):
    html = page(client, "?kinds=war&kinds=treaty")
    assert event_titles(html) == ["Event 0 (treaty)", "Event 2 (war)"]
    assert "Showing 2 of 5 events" in html
    assert re.search(r'value="war" checked', html) and not re.search(
        r'value="crisis" checked', html
    )
    # The form submits to the page itself and lands on the timeline.
    assert 'action="/cases/league-and-abyssinia/#timeline"' in html


def test_filtering_the_timeline_with_htmx_returns_only_the_timeline(client, case):
    html = page(client, "?kinds=crisis", **htmx("timeline"))
    assert "<html" not in html and "Read this case as" not in html
    assert event_titles(html) == ["Event 1 (crisis)"]
    assert "Showing 1 of 5 events" in html


@pytest.mark.parametrize("query", ["?kinds=earthquake", "?kinds=", "?kinds=revolt&kinds=revolt"])
def test_unknown_kinds_are_ignored(client, query):
    make_case(events=4)  # has no revolt
    html = page(client, query)
    assert "Showing 4 of 4 events" in html


def test_the_timeline_and_the_readings_keep_each_others_state(client, case):
    html = page(client, "?lens=regimes&with=realism&kinds=war")
    # Filtering the timeline carries the reading along ...
    assert '<input type="hidden" name="lens" value="regimes">' in html
    assert '<input type="hidden" name="with" value="realism">' in html
    # ... and switching lens keeps the timeline filter.
    assert 'href="/cases/league-and-abyssinia/?lens=realism&amp;kinds=war#readings"' in html


def test_an_htmx_swap_keeps_the_state_of_the_other_partial_from_the_current_url(client, case):
    # The tabs were rendered before the timeline was filtered, so they do not carry kinds=war;
    # the page's current URL does.
    current = {"HTTP_HX_CURRENT_URL": f"http://testserver{URL}?kinds=war&lens=realism#timeline"}
    response = client.get(URL + "?lens=regimes", **htmx("readings"), **current)
    assert response.headers["HX-Push-Url"] == URL + "?lens=regimes&kinds=war#readings"
    assert 'href="/cases/league-and-abyssinia/?lens=realism&amp;kinds=war#readings"' in (
        response.content.decode()
    )
    # A timeline request brings its own kinds (and stale reading fields, which are ignored).
    current = {"HTTP_HX_CURRENT_URL": f"http://testserver{URL}?lens=regimes&with=realism"}
    response = client.get(URL + "?lens=realism&kinds=crisis", **htmx("timeline"), **current)
    assert (
        response.headers["HX-Push-Url"] == URL + "?lens=regimes&with=realism&kinds=crisis#timeline"
    )
    assert event_titles(response.content.decode()) == ["Event 1 (crisis)"]


def test_an_htmx_request_for_an_unknown_target_gets_the_whole_page(client, case):
    html = page(client, **htmx("main"))
    assert "<html" in html


# Interpretations


def test_interpretations_are_compared_in_a_table_point_by_point(client):
    make_case(interpretations=INTERPRETATIONS)
    html = page(client)
    assert "<caption" in html
    assert '<th scope="col">Deterrence without a regime</th>' in html
    assert '<th scope="row">Were there shared rules?</th>' in html
    row = re.search(r'<th scope="row">Did restraint outlast its interest\?</th>(.*?)</tr>', html)
    assert row and re.findall(r"<td>(.*?)</td>", row.group(1)) == ["No.", "Sometimes."]
    assert 'href="#interpretations"' in html


def test_cases_without_interpretations_have_no_table(client, case):
    assert "<table" not in page(client)


# Queries


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_page_query_count_does_not_grow_with_events(client, django_assert_max_num_queries):
    small = make_case("small", events=3)
    large = make_case("large", events=40)
    assert count_queries(client, small.get_absolute_url()) == count_queries(
        client, large.get_absolute_url()
    )
    with django_assert_max_num_queries(10):
        client.get(large.get_absolute_url() + "?lens=regimes&with=realism&kinds=war")


def test_the_query_count_is_constant_for_a_visitor_with_predictions(client, alice):
    small = make_case("small", events=3)
    large = make_case("large", events=40)
    client.force_login(alice)
    for case in (small, large):
        client.post(case.get_absolute_url() + "predict/", {"lens": "realism", "text": "x"})
    assert count_queries(client, small.get_absolute_url()) == count_queries(
        client, large.get_absolute_url()
    )


def test_where_the_case_fits_is_cached_and_follows_every_curated_change(
    client, alice, carol, django_assert_max_num_queries
):
    case = make_case()
    client.force_login(alice)  # signed in: the whole page is not cached, the links are
    assert "Why collective security failed" in page(client)
    with django_assert_max_num_queries(7):  # the student's own predictions are one of them
        assert "Sanctions" in page(client)
    lesson = case.lessons.get()
    lesson.title = "Why the League failed"
    lesson.save()
    assert "Why the League failed" in page(client)
    case.key_terms.clear()  # a link removed, with no save of any model
    assert 'class="inline-list term-links"' not in page(client)
    lesson.status = "draft"
    lesson.save()
    assert "Why the League failed" not in page(client)
    client.force_login(carol)  # curators see drafts, from their own cached copy
    assert "Why the League failed" in page(client)


def test_a_case_without_a_quiz_offers_none(client, case):
    assert "Take the quiz" not in page(client)
