"""Search for learners: course pages first, and quiz material (explanations, marking
guides) only for a student who has completed that quiz."""

import pytest
from django.utils import timezone

from apps.quizzes.models import Attempt, Question, Quiz
from tests.quizzes.conftest import client_for

pytestmark = pytest.mark.django_db

# A phrase only the how-regimes-work quiz's explanations use, besides the lesson itself.
PHRASE = "/search/?q=hundreds of separate bargains"


def results(client, url=PHRASE) -> str:
    html = client.get(url).content.decode()
    return html[html.index("<main") :]


def completed(user, slug: str) -> None:
    Attempt.objects.create(
        quiz=Quiz.objects.get(slug=slug), user=user, number=1, state="submitted",
        submitted_at=timezone.now(), score=1, max_score=1,
    )  # fmt: skip


def test_anonymous_visitors_never_see_quiz_material(client, content):
    assert "Quiz explanation" not in results(client)
    assert "Quiz explanation" not in results(client, "/search/?q=transaction costs")


def test_a_student_sees_a_quizs_explanations_only_after_completing_it(content, alice):
    client = client_for(alice)
    assert "Quiz explanation" not in results(client)
    completed(alice, "how-regimes-work")
    page = results(client)
    assert "Quiz explanation" in page and "/quizzes/how-regimes-work/" in page
    completed(alice, "two-views-of-security")  # another quiz opens only its own material
    assert "/quizzes/two-views-of-security/" not in results(client)


def test_course_pages_rank_above_quiz_material(content, alice):
    completed(alice, "how-regimes-work")
    page = results(client_for(alice), "/search/?q=transaction costs")
    assert page.index("How regimes work") < page.index("Quiz explanation")


def test_an_edited_explanation_is_found_at_once(content, alice, django_capture_on_commit_callbacks):
    """A question's save rebuilds the index when it commits, as a lesson's does."""
    completed(alice, "how-regimes-work")
    question = Question.objects.filter(quiz__slug="how-regimes-work", current=True).first()
    question.general_feedback = "Zanzibar marmalade explains nothing."
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        question.save()
    assert len(callbacks) == 1  # one rebuild, however many rows the save touched
    assert "Quiz explanation" in results(client_for(alice), "/search/?q=zanzibar marmalade")


def group_titles(page: str) -> list[str]:
    import re

    return re.findall(r'class="result-group-title">([^<]+?) <span', page)


def test_results_are_grouped_by_kind_with_what_a_learner_reads_first(client, content):
    page = results(client, "/search/?q=Krasner")
    groups = group_titles(page)
    assert groups[:4] == ["Lessons", "Cases", "Glossary", "Sources"]
    assert groups.index("Sources") < groups.index("Theories")
    assert "/sources/#krasner-1983" in page  # the sources are searched too


def test_quiz_material_comes_last_as_its_own_group(content, alice):
    completed(alice, "how-regimes-work")
    groups = group_titles(results(client_for(alice), "/search/?q=transaction costs"))
    assert groups[-1] == "Quiz explanations" and groups[0] == "Lessons"


@pytest.mark.postgres
def test_a_misspelling_gets_a_did_you_mean_from_the_indexed_words(client, content):
    page = results(client, "/search/?q=colective security")
    assert "0 results" in page
    assert (
        'Did you mean <a href="/search/?q=collective%20security">collective security</a>?' in page
    )
    assert "0 results" not in results(client, "/search/?q=collective security")
    assert "Did you mean" not in results(client, "/search/?q=collective security")
    # A word nothing resembles gets no hint, and neither does a correct word.
    assert "Did you mean" not in results(client, "/search/?q=xyzzy")


def test_without_postgresql_search_still_works_and_offers_no_suggestion(
    client, content, monkeypatch
):
    """SQLite (the laptop default) has no pg_trgm: a plain substring search, no hint."""
    from types import SimpleNamespace

    from apps.site import search

    monkeypatch.setattr(search, "connection", SimpleNamespace(vendor="sqlite"))
    assert search.suggestion(None, "colective security") is None
    page = results(client, "/search/?q=colective security")
    assert "Did you mean" not in page and "0 results" in page
    page = results(client, "/search/?q=Krasner")
    assert group_titles(page)[0] == "Lessons" and "Sources" in group_titles(page)
