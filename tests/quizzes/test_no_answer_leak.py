"""No answer key, score or feedback reaches the browser before the rules allow it.

The quiz below hides SENTINEL-* strings in every secret place (answer feedback, general
feedback, accepted short answers, odd weights). A student then goes through every page
and response an attempt involves, and each body is scanned for them.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from apps.quizzes.models import Attempt
from tests.quizzes.conftest import (
    client_for,
    match_field,
    option,
    questions_by_title,
    quiz_from_gift,
)

SECRET_GIFT = """\
::s-single:: Which one is right? {
=Right answer#SENTINEL-FB-RIGHT
~Wrong answer#SENTINEL-FB-WRONG
####SENTINEL-GENERAL-SINGLE
}

::s-multiple:: Which are right? {
~%43.75%First#SENTINEL-FB-FIRST
~%56.25%Second#SENTINEL-FB-SECOND
~%-100%Third#SENTINEL-FB-THIRD
####SENTINEL-GENERAL-MULTIPLE
}

::s-truefalse:: Is it true?{TRUE#SENTINEL-TF-WRONG#SENTINEL-TF-RIGHT####SENTINEL-GENERAL-TF}

::s-short:: Type the word. {
=SENTINEL-SHORT-KEY#SENTINEL-FB-SHORT
=%50%SENTINEL-SHORT-HALF
####SENTINEL-GENERAL-SHORT
}

::s-numerical:: Which year? {#1853:0#SENTINEL-FB-NUMERICAL####SENTINEL-GENERAL-NUMERICAL}

::s-matching:: Match them. {
=Left one -> Zeta
=Left two -> Alpha
####SENTINEL-GENERAL-MATCHING
}

::s-missingword:: The blank {~wrong#SENTINEL-MW-WRONG =right#SENTINEL-MW-RIGHT} is here.

::s-essay:: Write. {####SENTINEL-GENERAL-ESSAY}
"""
SENTINEL = re.compile(r"SENTINEL-[A-Z0-9-]+|43\.75|0\.4375|56\.25|0\.5625")
HX = {"HTTP_HX_REQUEST": "true"}

pytestmark = pytest.mark.django_db


def secrets_in(response) -> set[str]:
    body = response.content.decode()
    return set(SENTINEL.findall(body)) | set(SENTINEL.findall(str(response.headers)))


class Recorder:
    """A client that scans every response it gets."""

    def __init__(self, client):
        self.client = client
        self.seen: list[tuple[str, set[str]]] = []

    def get(self, url, **extra):
        return self._scan(url, self.client.get(url, **extra))

    def post(self, url, data=None, **extra):
        return self._scan(url, self.client.post(url, data or {}, **extra))

    def _scan(self, url, response):
        self.seen.append((url, secrets_in(response)))
        return response

    def leaks(self):
        return [(url, found) for url, found in self.seen if found]


def answers_for(attempt) -> dict[str, dict]:
    qs = questions_by_title(attempt.quiz)

    def pick(title, text):
        return option(attempt, qs[title], text)

    return {
        "s-single": {"answer": pick("s-single", "Wrong answer")},
        "s-multiple": {"answer": [pick("s-multiple", "First"), pick("s-multiple", "Third")]},
        "s-truefalse": {"answer": pick("s-truefalse", "false")},
        "s-short": {"answer": "a guess"},
        "s-numerical": {"answer": "not a number"},
        "s-matching": {match_field(attempt, c): "Alpha" for c in qs["s-matching"].choice_list},
        "s-missingword": {"answer": pick("s-missingword", "wrong")},
        "s-essay": {"answer": "Some words."},
    }


def walk_an_attempt(recorder: Recorder, quiz, check: bool = False) -> Attempt:
    """Every page and request of an attempt up to (not including) the submission."""
    recorder.get("/quizzes/")
    recorder.get(f"/quizzes/{quiz.slug}/")
    start = recorder.post(f"/quizzes/{quiz.slug}/start/")
    attempt = Attempt.objects.get(quiz=quiz, state="in_progress")
    take = start.url
    answers = answers_for(attempt)
    for slot, question_id in enumerate(attempt.question_order, start=1):
        title = quiz.questions.get(pk=question_id).title
        url = f"{take}?q={slot}"
        recorder.get(url)
        recorder.get(url, **HX)
        recorder.post(url, answers[title], **HX)  # autosave
        recorder.post(url, {**answers[title], "go": str(slot)})  # no-JS save
        recorder.get(url)  # the reload shows the saved answer, and nothing else
        if check:
            recorder.post(url, {**answers[title], "action": "check"}, **HX)
    recorder.post(f"{take}?q=1", {"answer": "not-a-choice"})  # 400
    recorder.post(f"{take}?q=1", {"action": "check"}, **HX)  # refused check
    recorder.get(f"{take}?q=999")
    recorder.get(f"{take}?q=abc")
    recorder.get(f"{take}summary/")
    recorder.get(f"{take}review/", follow=True)  # still in progress: back to the questions
    recorder.get(f"/quizzes/{quiz.slug}/")
    return attempt


def test_nothing_secret_reaches_a_deferred_feedback_attempt(alice):
    quiz = quiz_from_gift(SECRET_GIFT, slug="secret", shuffle_choices=True)
    recorder = Recorder(client_for(alice))
    attempt = walk_an_attempt(recorder, quiz, check=True)  # checks are refused here
    assert len(recorder.seen) > 50
    assert recorder.leaks() == []

    review = recorder.post(f"/quizzes/attempts/{attempt.pk}/submit/", follow=True)
    # The scan itself works: after submitting, the review shows what the rules allow.
    assert {"SENTINEL-FB-WRONG", "SENTINEL-GENERAL-SINGLE", "SENTINEL-SHORT-KEY"} <= (
        secrets_in(review)
    )


def test_a_review_that_opens_after_the_close_shows_nothing_before_it(alice):
    quiz = quiz_from_gift(
        SECRET_GIFT,
        slug="secret-later",
        review_after="close",
        closes_at=timezone.now() + timedelta(days=2),
    )
    recorder = Recorder(client_for(alice))
    attempt = walk_an_attempt(recorder, quiz)
    recorder.post(f"/quizzes/attempts/{attempt.pk}/submit/", follow=True)
    recorder.get(f"/quizzes/attempts/{attempt.pk}/review/")
    recorder.get(f"/quizzes/{quiz.slug}/")
    recorder.get("/quizzes/")
    assert recorder.leaks() == []


def test_immediate_feedback_reveals_only_the_checked_questions_feedback(alice):
    quiz = quiz_from_gift(SECRET_GIFT, slug="secret-now", feedback_mode="immediate")
    client = client_for(alice)
    start = client.post("/quizzes/secret-now/start/")
    attempt = Attempt.objects.get()
    qs = questions_by_title(quiz)
    single_slot = attempt.slot_of(qs["s-single"].pk)
    answers = answers_for(attempt)

    for slot in range(1, 9):
        assert secrets_in(client.get(f"{start.url}?q={slot}")) == set()
    checked = client.post(
        f"{start.url}?q={single_slot}", {**answers["s-single"], "action": "check"}, **HX
    )
    allowed = {"SENTINEL-FB-WRONG", "SENTINEL-GENERAL-SINGLE"}
    assert secrets_in(checked) == allowed  # not the right answer's feedback
    assert secrets_in(client.get(f"{start.url}?q={single_slot}")) == allowed
    for slot in range(1, 9):
        if slot != single_slot:
            assert secrets_in(client.get(f"{start.url}?q={slot}")) == set()
    assert secrets_in(client.get(f"{start.url}summary/")) == set()


# The same secrets as checks inside a lesson (every kind a check may be: not essays).
SECRET_CHECKS = re.sub(
    r"####(SENTINEL-GENERAL-[A-Z]+)",
    r"####\1 See [Part](/lessons/secret-lesson/\\#part).",
    SECRET_GIFT.split("::s-essay::")[0],
).replace(
    "::s-missingword:: The blank {~wrong#SENTINEL-MW-WRONG =right#SENTINEL-MW-RIGHT} is here.",
    "::s-missingword:: The blank {~wrong#SENTINEL-MW-WRONG =right#SENTINEL-MW-RIGHT"
    "####See [Part](/lessons/secret-lesson/\\#part).} is here.",
)


@pytest.fixture
def secret_lesson(db, tmp_path):
    from apps.lessons.models import Lesson, Theory
    from apps.quizzes.loading import load_checks

    theory = Theory.objects.create(slug="realism", title="Realism", status="published")
    lesson = Lesson.objects.create(
        slug="secret-lesson", title="Secret", theory=theory, status="published",
        body="## Part {#part}\n\nText.\n\n## Later {#later}\n\nMore.",
    )  # fmt: skip
    folder = tmp_path / "lessons" / "checks"
    folder.mkdir(parents=True)
    (folder / "secret-lesson.gift").write_text(SECRET_CHECKS, encoding="utf-8")
    assert load_checks(tmp_path) == 7
    return lesson


def test_no_check_in_a_lesson_shows_a_secret_before_it_is_answered(secret_lesson, alice):
    url = secret_lesson.get_absolute_url()
    for client in (Client(), client_for(alice)):
        recorder = Recorder(client)
        recorder.get(url)
        for check in secret_lesson.checks.select_related("question"):
            recorder.get(f"{url}checks/{check.position}/", **HX)  # asked afresh
            recorder.get(f"{url}?again={check.position}")
            recorder.post(f"{url}checks/{check.position}/", {}, **HX)  # no answer: refused
            if check.question.lists_choices:  # (typed, "x" would be an answer)
                recorder.post(f"{url}checks/{check.position}/", {"answer": "x"})  # refused
        assert recorder.leaks() == []


def test_answering_one_check_reveals_only_that_checks_feedback(secret_lesson, alice):
    from apps.quizzes.presentation import names_for_check

    check = secret_lesson.checks.get(question__title="s-single")
    wrong = check.question.choices.get(text="Wrong answer")
    client = client_for(alice)
    url = secret_lesson.get_absolute_url()
    answered = client.post(
        f"{url}checks/{check.position}/",
        {"answer": names_for_check(alice, check).name(wrong.pk)},
        **HX,
    )
    allowed = {"SENTINEL-FB-WRONG", "SENTINEL-GENERAL-SINGLE"}
    assert secrets_in(answered) == allowed  # not the right option's feedback
    assert secrets_in(client.get(url)) == allowed  # the other checks still tell nothing
