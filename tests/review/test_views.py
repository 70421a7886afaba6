"""The review page over HTTP: a session without JavaScript, ratings posted twice, the
retention form's errors, the forecast, another student's cards, and a query count that
does not grow with the number of cards."""

import re
from datetime import timedelta

import fsrs
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.lessons.models import ComparisonCell, GlossaryTerm
from apps.review import services
from apps.review.models import Card, ReviewLog, ReviewSettings
from apps.review.presentation import names_for_card
from tests.quizzes.conftest import (
    RADIO,
    choice_id,
    client_for,
    questions_by_title,
    quiz_from_gift,
)

pytestmark = pytest.mark.django_db

SESSION = reverse("review:session")


def rate_url(card) -> str:
    return reverse("review:rate", args=[card.pk])


def test_a_new_student_is_offered_to_start(content, alice):
    page = client_for(alice).get(SESSION).content.decode()
    assert "Start reviewing" in page
    assert not Card.objects.exists()


def test_a_session_without_javascript_start_reveal_rate(content, alice):
    client = client_for(alice)
    response = client.post(reverse("review:start"), follow=True)
    page = response.content.decode()
    assert f"Added {services.NEW_PER_DAY} new cards" in page
    first = Card.objects.filter(user=alice).order_by("due", "pk").first()
    # The answer is in a <details> the browser opens without a script, the ratings are
    # real submit buttons, and the form names the card's version.
    assert '<details class="review-answer">' in page
    assert first.term.term in page
    assert f'action="{rate_url(first)}"' in page
    assert re.search(r'<button type="submit" name="rating" value="3"', page)
    assert 'name="version" value="0"' in page
    before = timezone.now()
    response = client.post(rate_url(first), {"rating": 3, "version": 0})
    assert response.status_code == 302 and response["Location"] == SESSION
    first.refresh_from_db()
    expected, _ = fsrs.Scheduler(enable_fuzzing=False).review_card(
        fsrs.Card(card_id=1, due=before), fsrs.Rating.Good, first.last_review
    )
    assert first.due == expected.due and first.version == 1
    # The next card is shown; the rated one is due again in ten minutes.
    page = client.get(SESSION).content.decode()
    assert first.term.term not in page.split('id="card-front"')[1].split("</div>")[0]


def test_the_same_rating_posted_twice_is_recorded_once(content, alice):
    services.add_new_cards(alice)
    card = Card.objects.filter(user=alice).first()
    client = client_for(alice)
    client.post(rate_url(card), {"rating": 1, "version": 0})
    page = client.post(rate_url(card), {"rating": 1, "version": 0}, follow=True)
    assert "already recorded" in page.content.decode()
    assert ReviewLog.objects.filter(card=card).count() == 1
    card.refresh_from_db()
    assert card.version == 1


def test_a_bad_rating_names_the_field_and_records_nothing(content, alice):
    services.add_new_cards(alice)
    card = Card.objects.filter(user=alice).first()
    page = client_for(alice).post(rate_url(card), {"rating": 9, "version": 0}, follow=True)
    assert "Rating: Choose Again, Hard, Good or Easy." in page.content.decode()
    assert not ReviewLog.objects.exists()


@pytest.mark.parametrize(
    "value, error",
    [
        ("97", "at most 95%"),
        ("70", "at least 80%"),
        ("", "between 80 and 95"),
        ("x", "whole number"),
    ],
)
def test_retention_out_of_range_is_shown_with_its_error_and_not_saved(alice, value, error):
    response = client_for(alice).post(reverse("review:settings"), {"retention": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page and 'aria-invalid="true"' in page
    assert not ReviewSettings.objects.exists()


def test_retention_is_saved(alice):
    response = client_for(alice).post(reverse("review:settings"), {"retention": "85"}, follow=True)
    assert "aim for 85% recall" in response.content.decode()
    assert ReviewSettings.objects.get(user=alice).desired_retention == pytest.approx(0.85)


def test_the_forecast_counts_each_day_and_has_a_text_alternative(content, alice):
    now = timezone.now()
    terms = list(GlossaryTerm.objects.published()[:6])
    for offset, term in zip([-3, 0, 0, 1, 1, 8], terms, strict=True):
        due = now + timedelta(days=offset)
        Card.objects.create(user=alice, kind="term", term=term, due=due, introduced_at=now)
    page = client_for(alice).get(SESSION).content.decode()
    svg = page.split('<svg class="forecast-chart"')[1].split("</svg>")[0]
    assert '<title id="forecast-title">' in svg and '<desc id="forecast-desc">' in svg
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(\d+)</td></tr>', page)
    counts = [int(n) for _, n in rows]
    # Overdue and due today count today; the card 8 days out is beyond the week.
    assert counts[0] >= 2 and counts[0] + counts[1] == 5 and sum(counts) == 5
    assert len(rows) == 7 and rows[0][0] == "Today"


def question_card(user, quiz_slug="review-quiz", title="single", **quiz_settings):
    quiz = quiz_from_gift(slug=quiz_slug, **quiz_settings)
    question = questions_by_title(quiz)[title]
    now = timezone.now()
    card = Card.objects.create(user=user, kind="question", question=question, due=now,
                               introduced_at=now)  # fmt: skip
    return card, question


def test_a_wrong_question_comes_back_as_a_question_with_opaque_shuffled_options(content, alice):
    card, question = question_card(alice, shuffle_choices=True)
    page = client_for(alice).get(SESSION).content.decode()
    assert "rely on themselves" in page
    shown = [value for _, value, _ in RADIO.findall(page)]
    names = names_for_card(card)
    assert sorted(shown) == sorted(names.name(c.pk) for c in question.choice_list)
    assert not set(shown) & {str(c.pk) for c in question.choice_list}
    assert "is-right" not in page and "Correct" not in page.split("<details")[0]
    # After a rating the names are new: a page kept from before says nothing now.
    services.rate_card(alice, card.pk, 1, 0)
    card.refresh_from_db()
    assert names_for_card(card).name(question.choice_list[0].pk) != names.name(
        question.choice_list[0].pk
    )


def test_checking_a_question_grades_it_saves_nothing_and_opens_the_ratings(content, alice):
    card, question = question_card(alice)
    client = client_for(alice)
    wrong = names_for_card(card).name(choice_id(question, "Collective security"))
    response = client.post(reverse("review:check", args=[card.pk]),
                           {"version": 0, "answer": wrong})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="verdict verdict-incorrect"' in page
    assert "No: it promises help from all." in page  # the option's own feedback
    assert '<details class="review-answer" open>' in page
    assert "/lessons/two-views-of-security/#self-help" in page  # the explanation
    assert f'action="{rate_url(card)}"' in page
    card.refresh_from_db()
    assert card.version == 0 and not ReviewLog.objects.exists()

    right = names_for_card(card).name(choice_id(question, "Realism"))
    page = client.post(reverse("review:check", args=[card.pk]),
                       {"version": 0, "answer": right}).content.decode()  # fmt: skip
    assert 'class="verdict verdict-correct"' in page


def test_checking_without_an_answer_asks_for_one(content, alice):
    card, _ = question_card(alice)
    page = client_for(alice).post(reverse("review:check", args=[card.pk]), {"version": 0})
    assert "Answer the question before checking it." in page.content.decode()


def test_a_typed_answer_is_checked_too(content, alice):
    card, _ = question_card(alice, title="short")
    page = client_for(alice).post(reverse("review:check", args=[card.pk]),
                                  {"version": 0, "answer": "Lipson"}).content.decode()  # fmt: skip
    assert 'class="verdict verdict-correct"' in page


def test_a_check_from_before_the_last_rating_goes_back_to_the_session(content, alice):
    card, question = question_card(alice)
    services.rate_card(alice, card.pk, 1, 0)
    response = client_for(alice).post(reverse("review:check", args=[card.pk]),
                                      {"version": 0, "answer": "x"})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == SESSION


def test_another_students_card_does_not_exist_for_them(content, alice, bob):
    services.add_new_cards(alice)
    card = Card.objects.filter(user=alice).first()
    client = client_for(bob)
    assert client.post(rate_url(card), {"rating": 3, "version": 0}).status_code == 404
    assert client.post(rate_url(card), {"rating": 99}).status_code == 404
    page = client.get(SESSION).content.decode()
    assert card.term.term not in page and "Start reviewing" in page
    assert not ReviewLog.objects.exists()


def test_anonymous_visitors_are_asked_to_log_in(db):
    from django.test import Client

    response = Client().get(SESSION)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("kind", ["term", "cell"])
def test_the_pages_queries_do_not_grow_with_the_number_of_cards(
    content, alice, django_assert_num_queries, kind
):
    client = client_for(alice)
    now = timezone.now()
    items = (
        list(GlossaryTerm.objects.published())
        if kind == "term"
        else list(ComparisonCell.objects.all())
    )

    def cards(n):
        Card.objects.filter(user=alice).delete()
        for index, item in enumerate(items[:n]):
            Card.objects.create(user=alice, kind=kind, due=now - timedelta(minutes=index),
                                introduced_at=now, **{kind: item})  # fmt: skip

    services.set_retention(alice, 0.9)
    cards(2)
    client.get(SESSION)  # warm the session and the template cache
    with CaptureQueriesContext(connection) as few:
        client.get(SESSION)
    assert len(few.captured_queries) <= 10
    cards(min(len(items), 30))
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(SESSION).status_code == 200


def test_a_student_with_only_wrong_answers_is_offered_the_rest(content, alice):
    question_card(alice)
    page = client_for(alice).get(SESSION).content.decode()
    assert "These cards come from questions you got wrong" in page
    assert f'action="{reverse("review:start")}"' in page
