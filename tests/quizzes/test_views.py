import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from apps.quizzes import services
from apps.quizzes.models import Attempt, Quiz
from tests.quizzes.conftest import (
    choice_id,
    client_for,
    match_field,
    option,
    questions_by_title,
    quiz_from_gift,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def take_url(attempt, slot=None):
    url = f"/quizzes/attempts/{attempt.pk}/"
    return url if slot is None else f"{url}?q={slot}"


def slot_of(attempt, title):
    question = attempt.quiz.questions.get(title=title, current=True)
    return attempt.slot_of(question.pk)


def test_the_list_shows_published_quizzes_only(client, quiz):
    quiz_from_gift(slug="hidden-draft", status="draft")
    page = client.get("/quizzes/").content.decode()
    assert "Every Kind" in page
    assert "Hidden Draft" not in page


def test_anonymous_visitors_see_the_intro_and_a_sign_in_link(client, quiz):
    response = client.get("/quizzes/every-kind/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Log in to take this quiz" in page
    assert "/accounts/login/?next=/quizzes/every-kind/" in page
    assert "Realism" not in page  # no question reaches an anonymous visitor


def test_anonymous_visitors_cannot_start(client, quiz):
    response = client.post("/quizzes/every-kind/start/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert not Attempt.objects.exists()


def test_a_draft_quiz_is_a_404_for_students_but_visible_to_curators(alice, carol):
    quiz_from_gift(slug="draft-quiz", status="draft")
    assert client_for(alice).get("/quizzes/draft-quiz/").status_code == 404
    assert client_for(alice).post("/quizzes/draft-quiz/start/").status_code == 404
    assert client_for(carol).get("/quizzes/draft-quiz/").status_code == 200


def test_start_redirects_to_the_first_question_and_resumes_the_open_attempt(alice, quiz):
    client = client_for(alice)
    first = client.post("/quizzes/every-kind/start/")
    attempt = Attempt.objects.get()
    assert first.url == take_url(attempt)
    assert client.post("/quizzes/every-kind/start/").url == take_url(attempt)
    assert "Continue attempt 1" in client.get("/quizzes/every-kind/").content.decode()


def test_start_is_post_only(alice, quiz):
    assert client_for(alice).get("/quizzes/every-kind/start/").status_code == 405


def test_start_explains_when_no_attempts_are_left(alice):
    quiz = quiz_from_gift(slug="once", attempts_allowed=1)
    client = client_for(alice)
    services.submit_attempt(services.start_attempt(quiz, alice))
    response = client.post("/quizzes/once/start/", follow=True)
    assert "used all the attempts" in response.content.decode()
    assert Attempt.objects.count() == 1


@pytest.mark.parametrize(
    "path", ["", "?q=2", "summary/", "review/"], ids=["take", "slot", "summary", "review"]
)
def test_another_students_attempt_is_a_404(alice, bob, quiz, path):
    attempt = services.start_attempt(quiz, alice)
    assert client_for(bob).get(take_url(attempt) + path).status_code == 404


def test_another_students_attempt_cannot_be_saved_or_submitted(alice, bob, quiz):
    attempt = services.start_attempt(quiz, alice)
    bobs = client_for(bob)
    assert bobs.post(take_url(attempt, 1), {"answer": "1"}).status_code == 404
    assert bobs.post(f"/quizzes/attempts/{attempt.pk}/submit/").status_code == 404
    attempt.refresh_from_db()
    assert attempt.in_progress
    assert bobs.get("/quizzes/attempts/999999/review/").status_code == 404


def test_a_submitted_attempt_of_someone_else_is_a_404_too(alice, bob, quiz):
    attempt = services.submit_attempt(services.start_attempt(quiz, alice))
    assert client_for(bob).get(f"/quizzes/attempts/{attempt.pk}/review/").status_code == 404


def test_curators_and_the_quiz_owner_may_review_an_attempt(alice, carol, ingrid, ivan):
    quiz = quiz_from_gift(slug="ingrids", owner=ingrid)
    attempt = services.submit_attempt(services.start_attempt(quiz, alice))
    review = f"/quizzes/attempts/{attempt.pk}/review/"
    assert client_for(carol).get(review).status_code == 200
    assert client_for(ingrid).get(review).status_code == 200
    assert client_for(ivan).get(review).status_code == 404
    # Looking is not answering: the attempt is still only alice's to take.
    assert client_for(carol).get(take_url(attempt)).status_code == 404


def test_attempt_pages_ask_anonymous_visitors_to_log_in(client, alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    for url in (take_url(attempt), f"{take_url(attempt)}summary/", f"{take_url(attempt)}review/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_a_whole_attempt_works_without_javascript(alice, quiz):
    client = client_for(alice)
    attempt_url = client.post("/quizzes/every-kind/start/").url
    attempt = Attempt.objects.get()
    qs = questions_by_title(quiz)
    answers = {
        "single": {"answer": option(attempt, qs["single"], "Realism")},
        "multiple": {
            "answer": [option(attempt, qs["multiple"], t) for t in ("Shared norms", "Reciprocity")]
        },
        "truefalse": {"answer": option(attempt, qs["truefalse"], "true")},
        "short": {"answer": "LIPSON"},
        "numerical": {"answer": "1853"},
        "matching": {match_field(attempt, c): c.match_text for c in qs["matching"].choice_list},
        "missingword": {"answer": option(attempt, qs["missingword"], "1815")},
        "essay": {"answer": "Rules, not a building."},
    }
    for title, data in answers.items():
        slot = slot_of(attempt, title)
        nxt = slot + 1 if slot < 8 else "summary"
        response = client.post(f"{attempt_url}?q={slot}", {**data, "go": str(nxt)})
        assert response.status_code == 302
        expected = f"{attempt_url}?q={nxt}" if nxt != "summary" else f"{attempt_url}summary/"
        assert response.url == expected
    summary = client.get(f"{attempt_url}summary/").content.decode()
    assert "answered <strong>8 of 8</strong>" in summary
    result = client.post(f"{attempt_url}submit/", follow=True)
    page = result.content.decode()
    assert result.redirect_chain[-1][0] == f"{attempt_url}review/"
    assert "87.5%" in page or "88%" in page
    assert "Provisional" in page  # the essay still needs a person
    assert "Awaiting grading" in page
    # Once submitted, the take page only leads to the review.
    assert client.get(attempt_url).url == f"{attempt_url}review/"


def test_the_answer_shows_again_after_a_reload(alice, quiz):
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    slot = slot_of(attempt, "short")
    client.post(take_url(attempt, slot), {"answer": "Lipson"}, **HX)
    assert 'value="Lipson"' in client.get(take_url(attempt, slot)).content.decode()
    slot = slot_of(attempt, "single")
    realism = option(attempt, questions_by_title(quiz)["single"], "Realism")
    client.post(take_url(attempt, slot), {"answer": realism}, **HX)
    page = client.get(take_url(attempt, slot)).content.decode()
    assert re.search(rf'value="{realism}"\s+checked', page)


def test_an_htmx_save_answers_with_the_save_status_only(alice, quiz):
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    response = client.post(take_url(attempt, slot_of(attempt, "short")), {"answer": "x"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith('<p id="save-status"')
    assert "Saved" in body


def test_a_save_refused_for_a_closed_attempt_redirects_htmx_to_the_review(alice):
    quiz = quiz_from_gift(slug="timed", time_limit=1)
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    response = client.post(take_url(attempt, 1), {"answer": "x"}, **HX)
    assert response.headers["HX-Redirect"] == f"/quizzes/attempts/{attempt.pk}/review/"
    attempt.refresh_from_db()
    assert attempt.timed_out and not attempt.in_progress


def test_opening_an_overdue_attempt_closes_it_and_says_so(alice):
    quiz = quiz_from_gift(slug="timed", time_limit=1)
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    response = client.get(take_url(attempt), follow=True)
    assert "Time ran out" in response.content.decode()


def test_a_tampered_choice_is_refused(alice, quiz):
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    response = client.post(take_url(attempt, slot_of(attempt, "single")), {"answer": "999999"})
    assert response.status_code == 400


def test_a_repeated_submit_shows_the_same_result(alice, quiz):
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    first = client.post(f"/quizzes/attempts/{attempt.pk}/submit/")
    submitted_at = Attempt.objects.get().submitted_at
    second = client.post(f"/quizzes/attempts/{attempt.pk}/submit/")
    assert first.url == second.url == f"/quizzes/attempts/{attempt.pk}/review/"
    assert Attempt.objects.get().submitted_at == submitted_at


def test_immediate_check_without_javascript_shows_the_feedback(alice):
    quiz = quiz_from_gift(slug="immediate", feedback_mode="immediate")
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    slot = slot_of(attempt, "single")
    realism = option(attempt, questions_by_title(quiz)["single"], "Realism")
    response = client.post(take_url(attempt, slot), {"answer": realism, "action": "check"})
    assert response.url == take_url(attempt, slot)
    page = client.get(response.url).content.decode()
    assert "self-help under anarchy" in page
    assert "/lessons/two-views-of-security/#self-help" in page
    assert "Check answer" not in page


def test_immediate_check_with_htmx_swaps_the_answer_form(alice):
    quiz = quiz_from_gift(slug="immediate", feedback_mode="immediate")
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    slot = slot_of(attempt, "short")
    response = client.post(take_url(attempt, slot), {"answer": "Charles", "action": "check"}, **HX)
    body = response.content.decode()
    assert body.strip().startswith('<form id="answer-form"')
    assert "Partly correct" in body and "his family name" in body
    assert "disabled" in body


def test_checking_an_empty_answer_explains_itself(alice):
    quiz = quiz_from_gift(slug="immediate", feedback_mode="immediate")
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    response = client.post(take_url(attempt, 1), {"action": "check"}, **HX)
    assert "Answer the question before checking it" in response.content.decode()


def test_deferred_review_respects_after_close(alice):
    quiz = quiz_from_gift(
        slug="later", review_after="close", closes_at=timezone.now() + timedelta(days=1)
    )
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    services.submit_attempt(attempt)
    page = client.get(f"/quizzes/attempts/{attempt.pk}/review/").content.decode()
    assert "once the quiz closes" in page
    assert "self-help under anarchy" not in page
    assert "%" not in page.split("<main", 1)[1].split("</main>")[0]
    Quiz.objects.filter(pk=quiz.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    page = client.get(f"/quizzes/attempts/{attempt.pk}/review/").content.decode()
    assert "Your result" in page


def test_the_intro_shows_attempt_history_and_the_kept_grade(alice):
    quiz = quiz_from_gift(slug="history", grade_method="highest")
    client = client_for(alice)
    qs = questions_by_title(quiz)
    for picked in ("Realism", "Collective security"):
        attempt = services.start_attempt(quiz, alice)
        services.save_response(attempt, qs["single"].pk, choice_id(qs["single"], picked))
        services.submit_attempt(attempt)
    page = client.get("/quizzes/history/").content.decode()
    assert "Grade kept (highest grade): <strong>13%</strong>" in page
    assert page.count("Review<span") == 2
    assert "13%" in client.get("/quizzes/").content.decode()
    # A third attempt under way leaves the grade kept on the intro.
    services.start_attempt(quiz, alice)
    page = client.get("/quizzes/history/").content.decode()
    assert "Grade kept (highest grade): <strong>13%</strong>" in page and "Continue" in page


def test_the_intro_grades_an_attempt_left_open_past_its_deadline(alice):
    """The student's only attempt ran out of time with nobody on the page: the intro
    closes it at its deadline, lists it as done and shows the grade it earned."""
    quiz = quiz_from_gift(slug="ran-out", time_limit=1)
    qs = questions_by_title(quiz)
    attempt = services.start_attempt(quiz, alice)
    services.save_response(attempt, qs["single"].pk, choice_id(qs["single"], "Realism"))
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
    page = client_for(alice).get("/quizzes/ran-out/").content.decode()
    assert "Grade kept" in page and "<strong>13%</strong>" in page
    assert "Continue" not in page and "Review<span" in page
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED and attempt.timed_out


def test_the_review_shows_answers_correct_answers_feedback_and_explanation(alice, quiz):
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    qs = questions_by_title(quiz)
    services.save_response(attempt, qs["short"].pk, "Charles")
    services.submit_attempt(attempt)
    page = client.get(f"/quizzes/attempts/{attempt.pk}/review/").content.decode()
    assert '<q class="typed-answer">Charles</q>' in page
    assert "<q>Lipson</q>" in page  # the accepted answer
    assert "Half: his family name" in page
    assert 'href="/lessons/two-views-of-security/#self-help"' in page


def test_review_options_can_hide_answers_and_feedback(alice):
    quiz = quiz_from_gift(slug="sparse", review_answers=False, review_feedback=False)
    client = client_for(alice)
    attempt = services.submit_attempt(services.start_attempt(quiz, alice))
    page = client.get(f"/quizzes/attempts/{attempt.pk}/review/").content.decode()
    assert "Your result" in page
    assert "<q>Lipson</q>" not in page
    assert "self-help under anarchy" not in page
    assert "Correct match" not in page


def test_an_autosave_from_a_signed_out_browser_is_refused_not_redirected(client, alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    response = client.post(take_url(attempt, 1), {"answer": "x"}, **HX)
    assert response.status_code == 403
    assert "login" not in response.headers.get("Location", "")


def test_an_autosave_for_a_checked_answer_says_it_is_locked(alice):
    quiz = quiz_from_gift(slug="immediate", feedback_mode="immediate")
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    slot = slot_of(attempt, "short")
    client.post(take_url(attempt, slot), {"answer": "Lipson", "action": "check"}, **HX)
    stale_tab = client.post(take_url(attempt, slot), {"answer": "Charles"}, **HX)
    assert "can no longer change" in stale_tab.content.decode()
    assert attempt.responses.get(question__title="short").answer == "Lipson"
    # Moving on from the checked question without JavaScript is no error.
    moved = client.post(take_url(attempt, slot), {"go": str(slot + 1)}, follow=True)
    assert "can no longer change" not in moved.content.decode()


def test_a_text_only_item_is_shown_but_neither_answered_nor_scored(alice):
    quiz = quiz_from_gift(
        "Read this first: regimes are rules.\n\n::q:: Pick A {=A ~B}\n", slug="note"
    )
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    assert attempt.max_score == 1
    page = client.get(take_url(attempt, 1)).content.decode()
    assert '<h1 class="question-heading">Note</h1>' in page and "regimes are rules" in page
    assert 'name="answer"' not in page
    assert 'aria-label="Note"' in page
    assert '<span id="qnav-name-2" hidden>Question 1,</span>' in page
    assert '<span class="visually-hidden">not answered</span>' in page
    # The note is not numbered as a question: the question after it is question 1 of 1.
    second = client.get(take_url(attempt, 2)).content.decode()
    assert '>Question 1 <span class="question-of">of 1</span></h1>' in second
    summary = client.get(f"{take_url(attempt)}summary/").content.decode()
    assert "answered <strong>0 of 1</strong>" in summary
    assert ">Question 1</a>" in summary and "Question 2" not in summary
    services.submit_attempt(attempt)
    review = client.get(f"{take_url(attempt)}review/").content.decode()
    assert re.findall(r'<h3 id="review-\d">([^<]+)</h3>', review) == ["Note", "Question 1"]


def test_times_are_shown_in_the_sites_time_zone_and_name_it(client, settings):
    settings.TIME_ZONE = "America/New_York"
    opens = datetime(2030, 1, 9, 15, 0, tzinfo=UTC)
    quiz_from_gift(opens_at=opens, closes_at=opens + timedelta(days=1))
    html = client.get("/quizzes/every-kind/").content.decode()
    assert "9 Jan 2030, 10:00 EST" in html
    assert "10 Jan 2030, 10:00 EST" in html
    assert "UTC" not in html


def test_the_list_offers_to_continue_an_open_attempt(alice, quiz):
    client = client_for(alice)
    assert "Not attempted yet" in client.get("/quizzes/").content.decode()
    services.start_attempt(quiz, alice)
    page = client.get("/quizzes/").content.decode()
    assert "Continue your attempt" in page and "Not attempted yet" not in page


def test_an_attempts_pages_are_never_stored_and_send_a_submitted_one_to_its_result(alice):
    quiz = quiz_from_gift()
    attempt = services.start_attempt(quiz, alice)
    client = client_for(alice)
    for url in (f"/quizzes/attempts/{attempt.pk}/", f"/quizzes/attempts/{attempt.pk}/summary/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
    submitted = services.submit_attempt(attempt)
    response = client.get(f"/quizzes/attempts/{attempt.pk}/summary/")
    assert response.status_code == 302 and response.url == submitted.get_absolute_url()
    assert response.url.endswith("/review/")
    assert "Check before you submit" not in client.get(response.url).content.decode()


def test_an_autosave_updates_its_slot_in_the_question_list_out_of_band(alice):
    quiz = quiz_from_gift("Read this first.\n\n::q:: Type it {=word}\n", slug="oob")
    client = client_for(alice)
    attempt = services.start_attempt(quiz, alice)
    reply = client.post(take_url(attempt, 2), {"answer": "word"}, **HX).content.decode()
    assert reply.lstrip().startswith('<p id="save-status"') and "Saved" in reply
    assert (
        '<span id="slot-state-2" class="slot-state is-answered" hx-swap-oob="true">'
        '<span class="answered-mark" aria-hidden="true">✓</span>'
        '<span class="visually-hidden">answered</span></span>'
    ) in reply
    emptied = client.post(take_url(attempt, 2), {"answer": ""}, **HX).content.decode()
    assert (
        '<span id="slot-state-2" class="slot-state" hx-swap-oob="true">'
        '<span class="visually-hidden">not answered</span></span>'
    ) in emptied
    # Without JavaScript the whole page says the same.
    page = client.get(take_url(attempt, 1)).content.decode()
    assert '<span id="slot-state-2" class="slot-state">' in page
    assert "hx-swap-oob" not in page
