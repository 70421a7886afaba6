"""export_content, then load_content into an emptied database, renders every page of the
course byte for byte as before: the content files hold everything the pages show."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from apps.cases.models import Case
from apps.lessons.models import ComparisonDimension, GlossaryTerm, Lesson, Theory
from apps.quizzes.models import Quiz
from tests.security.conftest import without_tokens

pytestmark = pytest.mark.django_db(transaction=True)

SEARCHES = ["regime", "Concert of Europe", "security dilemma", "Krasner", "sanctions"]


def course_pages() -> list[str]:
    """Every page anonymous visitors can read, found from the database."""
    pages = ["/", "/lessons/", "/glossary/", "/sources/", "/compare/", "/cases/", "/quizzes/"]
    pages += [lesson.get_absolute_url() for lesson in Lesson.objects.published()]
    pages += [theory.get_absolute_url() for theory in Theory.objects.published()]
    pages += [term.get_absolute_url() for term in GlossaryTerm.objects.published()]
    pages += [quiz.get_absolute_url() for quiz in Quiz.objects.published().for_course()]
    for case in Case.objects.published().prefetch_related("readings__theory"):
        pages.append(case.get_absolute_url())
        for reading in case.readings.all():
            pages.append(f"{case.get_absolute_url()}?lens={reading.theory.slug}")
    for dimension in ComparisonDimension.objects.published():
        for theory in Theory.objects.published():
            pages.append(f"/compare/?expand={dimension.slug}:{theory.slug}")
    pages += [f"/search/?q={query}" for query in SEARCHES]
    return pages


def render_all(pages: list[str]) -> dict[str, str]:
    cache.clear()
    client = Client()
    # A reading shows only once predicted: this visitor predicts every one first.
    for case in Case.objects.published().prefetch_related("readings__theory"):
        for reading in case.readings.all():
            data = {"lens": reading.theory.slug, "text": "A prediction."}
            assert client.post(f"{case.get_absolute_url()}predict/", data).status_code == 302
    rendered = {}
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        rendered[url] = without_tokens(response.content.decode())
    return rendered


def test_export_then_load_into_an_empty_database_renders_every_page_identically(tmp_path):
    call_command("load_content", verbosity=0)
    pages = course_pages()
    assert len(pages) > 90
    before = render_all(pages)

    call_command("export_content", dir=str(tmp_path), verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    assert not Lesson.objects.exists() and not Quiz.objects.exists()
    call_command("load_content", dir=str(tmp_path), verbosity=0)

    after = render_all(pages)
    different = [url for url in pages if before[url] != after[url]]
    assert different == []
