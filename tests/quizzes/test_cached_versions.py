"""The take page and the autosave read each question version from the cache
(`services.question_with_choices`), one copy for every attempt that shows it. So the copy
holds nothing of any one attempt (its option order, its option names), and it goes when a
version that no attempt uses any more is edited in place."""

import re

import pytest

from apps.quizzes import services
from apps.quizzes.models import Attempt, Choice
from tests.quizzes.conftest import client_for, option, questions_by_title, quiz_from_gift

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
SIX = "::six:: Pick the first {=First ~Second ~Third ~Fourth ~Fifth ~Sixth}\n"


def take_url(attempt) -> str:
    return f"/quizzes/attempts/{attempt.pk}/?q=1"


def shown(page: str) -> list[tuple[str, str]]:
    """(value, label) of each option, in the page's order."""
    return re.findall(r'value="([0-9a-f]{16})"[^>]*>\s*<label for="option-\1">([^<]+)', page)


def test_attempts_share_a_cached_version_but_each_page_shows_its_own_order_and_names(
    alice, bob, django_assert_num_queries
):
    quiz = quiz_from_gift(SIX, slug="shared-version", shuffle_choices=True)
    question = questions_by_title(quiz)["six"]
    authored = [choice.pk for choice in question.choice_list]
    mine, theirs = services.start_attempt(quiz, alice), services.start_attempt(quiz, bob)
    # Two orders that differ everywhere, whatever the draw gave.
    Attempt.objects.filter(pk=mine.pk).update(choice_order={str(question.pk): authored})
    reverse = authored[::-1]
    Attempt.objects.filter(pk=theirs.pk).update(choice_order={str(question.pk): reverse})
    mine.refresh_from_db()
    theirs.refresh_from_db()

    first = client_for(alice).get(take_url(mine)).content.decode()
    bob_client = client_for(bob)
    bob_client.get("/")  # signs in; the question below must come from the cache
    with django_assert_num_queries(2):  # the attempt and its responses, no question
        second = bob_client.get(take_url(theirs)).content.decode()

    texts = {choice.pk: choice.text for choice in question.choice_list}
    assert [label for _, label in shown(first)] == [texts[pk] for pk in authored]
    assert [label for _, label in shown(second)] == [texts[pk] for pk in reverse]
    assert [name for name, _ in shown(first)] == [
        option(mine, question, texts[pk]) for pk in authored
    ]
    assert [name for name, _ in shown(second)] == [
        option(theirs, question, texts[pk]) for pk in reverse
    ]
    assert not {name for name, _ in shown(first)} & {name for name, _ in shown(second)}
    # The shared copy kept the author's order: neither page's order went into it.
    assert [c.pk for c in services.question_with_choices(question.pk).choice_list] == authored


def test_an_unused_version_edited_in_place_is_shown_and_answered_as_edited(alice, bob):
    quiz = quiz_from_gift(SIX, slug="edited-version")
    question = questions_by_title(quiz)["six"]
    abandoned = services.start_attempt(quiz, alice)
    client_for(alice).get(take_url(abandoned))  # the version is now in the cache
    # The only attempt that used it goes (its student's account was deleted), so the
    # next edit changes the version in place, choices and all (new rows, new ids).
    abandoned.delete()
    question.text = "Pick the seventh"
    choices = [Choice(text=f"Option {n}", fraction=1.0 if n == 7 else 0) for n in (7, 8)]
    edited = services.save_question(question, choices)
    assert edited.pk == question.pk and edited.version == question.version

    attempt = services.start_attempt(quiz, bob)
    client = client_for(bob)
    page = client.get(take_url(attempt)).content.decode()
    assert "Pick the seventh" in page and "First" not in page
    assert [label for _, label in shown(page)] == ["Option 7", "Option 8"]
    saved = client.post(take_url(attempt), {"answer": option(attempt, edited, "Option 7")}, **HX)
    assert saved.status_code == 200 and "Saved" in saved.content.decode()
    assert services.submit_attempt(attempt).score == 1
