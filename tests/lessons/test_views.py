import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.page_cache import bump_content_version
from apps.lessons.models import GlossaryTerm, Lesson, LessonProgress
from tests.lessons.conftest import make_lessons

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.django_db
def test_the_lesson_list_follows_the_course_in_order(client, content):
    html = client.get("/lessons/").content.decode()
    lessons = list(Lesson.objects.order_by("order"))
    places = [html.index(f'href="{lesson.get_absolute_url()}"') for lesson in lessons]
    assert places == sorted(places) and len(lessons) == 8
    assert 'aria-current="page">In course order' in html
    assert "group-realism" not in html


@pytest.mark.django_db
def test_the_lesson_list_groups_lessons_by_theory(client, content):
    html = client.get("/lessons/?by=theory").content.decode()
    assert (
        html.index("group-realism")
        < html.index("group-collective-security")
        < html.index("group-regimes")
    )
    for lesson in Lesson.objects.all():
        assert lesson.get_absolute_url() in html
    assert 'aria-current="page">By theory' in html


@pytest.mark.django_db
def test_a_lesson_has_everything_the_course_promises(client, content):
    lesson = Lesson.objects.get(slug="how-regimes-work")
    html = client.get(lesson.get_absolute_url()).content.decode()
    assert 'id="why-this-matters"' in html  # stable anchors
    assert 'href="#why-this-matters"' in html  # table of contents
    assert "/glossary/" in html  # linked key terms
    assert "Key takeaways" in html and "A common misconception" in html
    assert "min read" in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    assert "/sources/#" in html
    assert "Check your understanding" in html


@pytest.mark.django_db
def test_drafts_are_hidden_from_students_and_shown_to_curators(client, theory, alice, carol):
    [draft] = make_lessons(theory, 1, status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(alice)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.get_absolute_url() not in client.get("/lessons/").content.decode()
    client.force_login(carol)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft — only curators" in response.content.decode()


@pytest.mark.django_db
def test_marking_a_lesson_complete_without_javascript(client, theory, alice):
    [lesson] = make_lessons(theory, 1)
    client.force_login(alice)
    response = client.post(f"/lessons/{lesson.slug}/complete/", {"complete": "1"})
    assert response.status_code == 302
    assert LessonProgress.objects.filter(user=alice, lesson=lesson).exists()
    assert "1 of 1" in client.get("/lessons/").content.decode()
    client.post(f"/lessons/{lesson.slug}/complete/", {"complete": "0"})
    assert LessonProgress.objects.get().state == LessonProgress.State.READING
    assert "0 of 1" in client.get("/lessons/").content.decode()


@pytest.mark.django_db
def test_marking_complete_with_htmx_returns_only_the_partial(client, theory, alice):
    [lesson] = make_lessons(theory, 1)
    client.force_login(alice)
    response = client.post(f"/lessons/{lesson.slug}/complete/", {"complete": "1"}, **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="completion"')
    assert "You have read this lesson" in html
    assert "<html" not in html


@pytest.mark.django_db
def test_marking_complete_twice_keeps_one_row(client, theory, alice):
    [lesson] = make_lessons(theory, 1)
    client.force_login(alice)
    for _ in range(2):
        client.post(f"/lessons/{lesson.slug}/complete/", {"complete": "1"})
    assert LessonProgress.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in_to_track_progress(client, theory):
    [lesson] = make_lessons(theory, 1)
    response = client.post(f"/lessons/{lesson.slug}/complete/", {"complete": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert LessonProgress.objects.count() == 0


@pytest.mark.django_db
def test_progress_is_per_student(client, theory, alice, bob):
    [lesson] = make_lessons(theory, 1)
    LessonProgress.objects.create(user=alice, lesson=lesson, state=LessonProgress.State.READ)
    client.force_login(bob)
    assert "0 of 1" in client.get("/lessons/").content.decode()


@pytest.mark.django_db
def test_the_glossary_runs_a_to_z_and_each_term_lists_where_it_is_used(client, content):
    html = client.get("/glossary/").content.decode()
    assert GlossaryTerm.objects.count() >= 30
    assert 'href="#letter-A"' in html and 'href="#letter-S"' in html
    term = client.get("/glossary/security-dilemma/").content.decode()
    assert "Where it is used" in term
    assert "/lessons/security-dilemma-and-deterrence/" in term


@pytest.mark.django_db
def test_the_sources_page_lists_every_source_with_an_anchor(client, content):
    html = client.get("/sources/").content.decode()
    assert 'id="krasner-1983"' in html and 'id="lipson-1995"' in html


@pytest.mark.django_db
def test_theory_pages_show_thesis_thinkers_and_weakness(client, content):
    html = client.get("/theories/realism/").content.decode()
    assert "Morgenthau" in html and "Main weakness" in html and "Core assumptions" in html


@pytest.mark.django_db
def test_compare_shows_all_three_views_by_default(client, content):
    html = client.get("/compare/").content.decode()
    for slug in ("realism", "collective-security", "regimes"):
        assert f'class="badge theory-{slug}" href="/theories/{slug}/"' in html
    assert "How it reads: The Concert of Europe" in html


@pytest.mark.django_db
def test_compare_filters_views_and_dimensions_from_the_url(client, content):
    html = client.get("/compare/?views=realism&views=regimes&dims=drivers").content.decode()
    table = html[html.index('id="comparison"') : html.index('id="cross-case"')]
    assert 'href="/theories/collective-security/"' not in table
    assert table.count("<tr>") == 2  # header + one dimension


@pytest.mark.django_db
def test_compare_with_htmx_returns_only_the_table(client, content):
    html = client.get("/compare/?views=realism", **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="comparison"')
    assert "<html" not in html


@pytest.mark.django_db
def test_a_cell_expands_in_place_and_without_javascript(client, content):
    partial = client.get("/compare/drivers/realism/", **HTMX).content.decode()
    assert 'class="cell-detail"' in partial and "Show less" in partial
    full = client.get("/compare/?expand=drivers:realism").content.decode()
    assert full.count('class="cell-detail"') == 1
    assert client.get("/compare/drivers/nothing/", **HTMX).status_code == 404


@pytest.mark.django_db
def test_compare_reads_one_theory_across_the_cases(client, content):
    html = client.get("/compare/?across=regimes").content.decode()
    section = html[html.index('id="cross-case"') :]
    assert section.count("?lens=regimes#readings") == 3


@pytest.mark.django_db
def test_search_finds_lessons_and_terms_and_highlights(client, content):
    html = client.get("/search/?q=deterrence").content.decode()
    assert "<mark>" in html.lower()
    assert "/lessons/security-dilemma-and-deterrence/" in html
    partial = client.get("/search/?q=deterrence", **HTMX).content.decode()
    assert partial.lstrip().startswith('<section id="results"')


@pytest.mark.django_db
def test_search_escapes_the_query(client, content):
    html = client.get("/search/?q=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_search_ranks_titles_above_body_mentions(client, content):
    html = client.get("/search/?q=security dilemma").content.decode()
    results = html[html.index('<ol class="results">') :]
    # Within the first group (lessons), the lesson titled with the phrase comes first.
    first_title = results[results.index("<h4>") : results.index("</h4>")]
    assert "ecurity dilemma" in first_title


PAGES = ("/lessons/", "/lessons/lesson-1/", "/glossary/", "/sources/", "/compare/",
         "/glossary/anarchy/", "/theories/realism/", "/search/?q=lesson")  # fmt: skip


def query_counts(client) -> dict[str, int]:
    cache.clear()  # measure the views, not the anonymous page cache
    counts = {}
    for path in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[path] = len(queries)
    return counts


@pytest.mark.django_db
def test_page_queries_do_not_grow_with_content(client, theory, alice):
    """Same number of queries with 5 or 60 lessons and terms; anonymous pages stay small."""
    make_lessons(theory, 5)
    small_anonymous = query_counts(client)
    client.force_login(alice)
    small = query_counts(client)
    client.logout()
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(slug=f"t{i}", term=f"Term {i}", definition="x", status="published")
        for i in range(55)
    )
    Lesson.objects.bulk_create(
        Lesson(slug=f"extra-{i}", title=f"Extra {i}", order=100 + i, theory=theory,
               status="published", summary="s", body="b")
        for i in range(55)
    )  # fmt: skip
    bump_content_version()  # bulk_create sends no signal; a curated save would bump it
    assert query_counts(client) == small_anonymous
    client.force_login(alice)
    assert query_counts(client) == small
    # The lesson page is the largest: the lesson, its terms, sources, siblings, quiz, cases
    # and checks (plus their options when it has checks).
    assert max(small_anonymous.values()) <= 7, small_anonymous


@pytest.mark.django_db
def test_a_lesson_links_its_quiz(client, content):
    html = client.get("/lessons/how-regimes-work/").content.decode()
    assert 'href="/quizzes/how-regimes-work/"' in html


@pytest.mark.django_db
def test_the_lesson_list_says_how_long_lessons_take_from_their_own_figures(client, content):
    minutes = sorted(Lesson.objects.values_list("reading_minutes", flat=True))
    html = client.get("/lessons/").content.decode()
    assert f"Each takes {minutes[0]}–{minutes[-1]} minutes to read." in html
    for lesson in Lesson.objects.all():
        lesson.body = "word " * 200 * 3
        lesson.save()
    bump_content_version()
    html = client.get("/lessons/").content.decode()
    assert "Each takes about 3 minutes to read." in html
