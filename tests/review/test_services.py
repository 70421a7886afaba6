"""Cards, ratings and the log: due dates against `fsrs` itself, idempotent ratings, the
daily new cards, answers from quizzes."""

from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from apps.lessons.models import GlossaryTerm
from apps.quizzes import services as quizzes
from apps.quizzes.signals import questions_answered
from apps.review import services
from apps.review.models import Card, Rating, ReviewLog, ReviewSettings
from tests.quizzes.conftest import choice_id, questions_by_title, quiz_from_gift

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def term_card(user, slug="anarchy", when=T0) -> Card:
    term = GlossaryTerm.objects.get(slug=slug)
    return Card.objects.create(user=user, kind="term", term=term, due=when, introduced_at=when)


def expected_after(ratings: list[tuple[int, datetime]], retention=0.9) -> fsrs.Card:
    """The card `fsrs` itself schedules for these ratings, fuzzing off."""
    scheduler = fsrs.Scheduler(desired_retention=retention, enable_fuzzing=False)
    card = fsrs.Card(card_id=1, due=T0)
    for rating, when in ratings:
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), when)
    return card


def test_each_rating_moves_the_due_date_as_fsrs_schedules_it(content, alice):
    card = term_card(alice)
    ratings = [
        (Rating.GOOD, T0),
        (Rating.GOOD, T0 + timedelta(minutes=12)),
        (Rating.HARD, T0 + timedelta(days=3)),
        (Rating.AGAIN, T0 + timedelta(days=12)),
        (Rating.EASY, T0 + timedelta(days=12, minutes=15)),
    ]
    for number, (rating, when) in enumerate(ratings):
        card, recorded = services.rate_card(alice, card.pk, rating, number, now=when)
        assert recorded
        expected = expected_after(ratings[: number + 1])
        assert card.due == expected.due
        assert card.state == expected.state
        assert card.stability == pytest.approx(expected.stability)
        assert card.difficulty == pytest.approx(expected.difficulty)
    assert card.state == fsrs.State.Review  # the sequence went through relearning and back


def test_the_students_retention_is_the_schedulers(content, alice):
    services.set_retention(alice, 0.82, now=T0)
    card = term_card(alice)
    for number, when in enumerate([T0, T0 + timedelta(minutes=15), T0 + timedelta(days=9)]):
        card, _ = services.rate_card(alice, card.pk, Rating.GOOD, number, now=when)
    low = expected_after([(3, T0), (3, T0 + timedelta(minutes=15)),
                          (3, T0 + timedelta(days=9))], retention=0.82)  # fmt: skip
    high = expected_after([(3, T0), (3, T0 + timedelta(minutes=15)),
                           (3, T0 + timedelta(days=9))], retention=0.95)  # fmt: skip
    assert card.due == low.due
    assert low.due > high.due  # lower retention, longer intervals


def test_a_rating_posted_twice_counts_once(content, alice):
    card = term_card(alice)
    first, recorded = services.rate_card(alice, card.pk, Rating.GOOD, 0, now=T0)
    again, recorded_again = services.rate_card(
        alice, card.pk, Rating.GOOD, 0, now=T0 + timedelta(seconds=2)
    )
    assert recorded and not recorded_again
    assert again.due == first.due == expected_after([(3, T0)]).due
    assert ReviewLog.objects.filter(card=card).count() == 1


def test_the_log_keeps_each_rating_as_it_happened_and_is_never_changed(content, alice):
    card = term_card(alice)
    services.rate_card(alice, card.pk, Rating.AGAIN, 0, now=T0)
    log = ReviewLog.objects.get(card=card)
    expected = expected_after([(1, T0)])
    assert (log.rating, log.state_before, log.state_after) == (1, 1, expected.state)
    assert (log.due_before, log.due_after, log.reviewed_at) == (T0, expected.due, T0)
    assert log.due_after.tzinfo is not None and log.due_after.utcoffset() == timedelta(0)
    log.rating = Rating.EASY
    with pytest.raises(ValidationError):
        log.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewLog.objects.create(card=card, user=alice, card_version=0, rating=3,
                                 state_before=1, state_after=1, due_before=T0,
                                 due_after=T0, reviewed_at=T0)  # fmt: skip


def test_one_card_per_student_and_item_and_exactly_one_item(content, alice, bob):
    term_card(alice)
    term_card(bob)  # another student's card for the same term is theirs
    with pytest.raises(IntegrityError), transaction.atomic():
        term_card(alice)
    term = GlossaryTerm.objects.get(slug="sanctions")
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.create(user=alice, kind="cell", term=term, due=T0, introduced_at=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.create(user=alice, kind="term", due=T0, introduced_at=T0)


def test_retention_outside_80_to_95_percent_is_refused_by_the_database(alice):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReviewSettings.objects.create(user=alice, desired_retention=0.97, started_at=T0)


def test_starting_gives_ten_new_cards_glossary_first_in_course_order(content, alice):
    added = services.add_new_cards(alice, now=T0)
    assert added.new == services.NEW_PER_DAY
    cards = list(Card.objects.filter(user=alice).order_by("pk"))
    assert [c.kind for c in cards] == ["term"] * services.NEW_PER_DAY
    first_lesson = [min(lesson.order for lesson in c.term.key_in_lessons.all()) for c in cards]
    assert first_lesson == sorted(first_lesson)
    assert all(c.due == T0 for c in cards)
    # The same day gives nothing more; the next day gives the next ten.
    assert services.add_new_cards(alice, now=T0 + timedelta(hours=3)).new == 0
    assert services.add_new_cards(alice, now=T0 + timedelta(days=1)).new == services.NEW_PER_DAY
    assert Card.objects.filter(user=alice).count() == 2 * services.NEW_PER_DAY


def test_which_view_cards_come_after_the_glossary_cells_and_readings_taking_turns(content, alice):
    terms = GlossaryTerm.objects.published()
    for term in terms:
        Card.objects.create(user=alice, kind="term", term=term, due=T0, introduced_at=T0)
    services.add_new_cards(alice, now=T0 + timedelta(days=1))
    kinds = list(Card.objects.filter(user=alice).exclude(kind="term").order_by("pk")
                 .values_list("kind", flat=True))  # fmt: skip
    assert kinds[:4] == ["cell", "reading", "cell", "reading"]


def test_starting_brings_back_every_question_answered_wrongly(content, alice):
    quiz = quiz_from_gift(slug="review-quiz")
    q = questions_by_title(quiz)
    attempt = quizzes.start_attempt(quiz, alice)
    quizzes.save_response(attempt, q["single"].pk, choice_id(q["single"], "Collective security"))
    quizzes.save_response(attempt, q["truefalse"].pk, choice_id(q["truefalse"], "true"))
    quizzes.submit_attempt(attempt)
    Card.objects.all().delete()  # as if answered before review existed
    added = services.add_new_cards(alice, now=T0)
    wrong = set(Card.objects.filter(user=alice, kind="question").values_list("question", flat=True))
    assert q["single"].pk in wrong and q["truefalse"].pk not in wrong
    assert q["essay"].pk not in wrong  # graded by an instructor, not a recall card
    assert added.questions == len(wrong)


def test_a_graded_quiz_feeds_review_wrong_is_again_right_is_good(
    content, alice, django_capture_on_commit_callbacks
):
    quiz = quiz_from_gift(slug="fed-quiz")
    q = questions_by_title(quiz)
    attempt = quizzes.start_attempt(quiz, alice)
    quizzes.save_response(attempt, q["single"].pk, choice_id(q["single"], "Collective security"))
    quizzes.save_response(attempt, q["truefalse"].pk, choice_id(q["truefalse"], "true"))
    with django_capture_on_commit_callbacks(execute=True):
        attempt = quizzes.submit_attempt(attempt)
    card = Card.objects.get(user=alice, question=q["single"])
    log = card.log.get()
    assert (log.rating, log.source) == (Rating.AGAIN, "quiz")
    submitted = attempt.submitted_at
    assert card.due == expected_after([(1, submitted)]).due
    # A question answered right at once needs no card.
    assert not Card.objects.filter(user=alice, question=q["truefalse"]).exists()

    # Right the next time: Good, on the same card.
    later = submitted + timedelta(days=2)
    questions_answered.send(sender=None, user=alice, answers=[(q["single"], True)],
                            answered_at=later, source="check")  # fmt: skip
    card.refresh_from_db()
    assert [(r.rating, r.source) for r in card.log.order_by("reviewed_at")] == [
        (Rating.AGAIN, "quiz"), (Rating.GOOD, "check")]  # fmt: skip
    assert card.due == expected_after([(1, submitted), (3, later)]).due


def many_choice_quiz(slug: str, count: int):
    gift = "\n\n".join(f"::q{n}:: Pick one {{=Right ~Wrong}}" for n in range(count))
    return quiz_from_gift(gift, slug=slug)


@pytest.mark.parametrize("count", [4, 24])
def test_a_submitted_quiz_is_recorded_in_one_pass_whatever_its_length(
    content, alice, count, django_assert_num_queries
):
    """A class submitting at the end of an exam: each submission's answers become
    ratings in one transaction of a fixed number of queries (it was six per question)."""
    quiz = many_choice_quiz(f"long-{count}", count)
    questions = list(quiz.questions.order_by("position"))
    half = count // 2
    for question in questions[:2]:  # two already have cards: one is answered right now
        Card.objects.create(user=alice, kind="question", question=question, due=T0,
                            introduced_at=T0)  # fmt: skip
    # Wrong on the first half (a card each, two of them existing), right on the rest
    # (the second existing card is among them: Good; the others need none).
    questions[1], questions[half] = questions[half], questions[1]
    answers = [(q, n >= half) for n, q in enumerate(questions)]
    # SAVEPOINT, the new cards, the cards read and locked, the retention, the cards
    # updated, the log written, RELEASE.
    with django_assert_num_queries(7):
        questions_answered.send(sender=None, user=alice, answers=answers, answered_at=T0,
                                source="quiz")  # fmt: skip
    cards = Card.objects.filter(user=alice, kind="question")
    assert cards.count() == half + 1
    ratings = sorted(ReviewLog.objects.filter(user=alice).values_list("rating", flat=True))
    assert ratings == [Rating.AGAIN] * half + [Rating.GOOD]


def test_due_count_counts_what_is_due_by_the_end_of_the_day(content, alice, bob):
    term_card(alice, "anarchy", T0 - timedelta(days=2))
    term_card(alice, "sanctions", T0.replace(hour=23))
    term_card(alice, "alliance", T0 + timedelta(days=1))
    term_card(bob, "anarchy", T0)
    assert services.due_count(alice, now=T0) == 2
    draft = GlossaryTerm.objects.get(slug="sanctions")
    draft.status = "draft"
    draft.save()
    assert services.due_count(alice, now=T0) == 1  # an unpublished term is not reviewed
