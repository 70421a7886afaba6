"""Twenty browsers at once on one attempt: a double (or twentyfold) submit grades it
exactly once, twenty saves of one answer leave one row holding the last value written,
twenty starts open one attempt. Real threads, each with its own database connection,
through the whole HTTP stack."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from apps.quizzes import services
from apps.quizzes.models import Attempt, Response
from tests.conftest import PASSWORD
from tests.quizzes.conftest import quiz_from_gift

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PARALLEL = 20
HX = {"HTTP_HX_REQUEST": "true"}


def all_at_once(work, count: int = PARALLEL) -> list:
    """Run work(i) in `count` threads released together; each closes its connection."""
    barrier = threading.Barrier(count)

    def run(i):
        try:
            barrier.wait(timeout=30)
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def signed_in_clients(user, count: int = PARALLEL) -> list[Client]:
    clients = []
    for _ in range(count):
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        clients.append(client)
    return clients


@pytest.fixture
def quiz(db):
    return quiz_from_gift()


def test_twenty_parallel_submissions_grade_the_attempt_exactly_once(alice, quiz, monkeypatch):
    attempt = services.start_attempt(quiz, alice)
    closes, lock = [], threading.Lock()
    real_close = services._close

    def counted_close(locked, now):
        with lock:
            closes.append(locked.pk)
        real_close(locked, now)

    monkeypatch.setattr(services, "_close", counted_close)
    clients = signed_in_clients(alice)
    url = f"/quizzes/attempts/{attempt.pk}/submit/"

    responses = all_at_once(lambda i: clients[i].post(url))

    assert [r.status_code for r in responses] == [302] * PARALLEL
    assert {r["Location"] for r in responses} == {f"/quizzes/attempts/{attempt.pk}/review/"}
    assert closes == [attempt.pk]
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    assert Attempt.objects.filter(quiz=quiz, user=alice).count() == 1
    graded = Response.objects.filter(attempt=attempt)
    assert graded.count() == len(attempt.question_order)


def test_twenty_parallel_saves_of_one_answer_leave_one_row_with_the_last_value(
    alice, quiz, monkeypatch
):
    attempt = services.start_attempt(quiz, alice)
    short = quiz.questions.get(title="short")
    slot = attempt.slot_of(short.pk)
    written, lock = [], threading.Lock()
    real_store = services._store_answer

    def recording_store(locked, question_id, answer, *args, **kwargs):
        # Saves run one at a time under the attempt's row lock, so the order they reach
        # this line is the order they commit in.
        stored = real_store(locked, question_id, answer, *args, **kwargs)
        if question_id == short.pk:
            with lock:
                written.append(answer)
        return stored

    monkeypatch.setattr(services, "_store_answer", recording_store)
    clients = signed_in_clients(alice)
    url = f"/quizzes/attempts/{attempt.pk}/?q={slot}"

    responses = all_at_once(lambda i: clients[i].post(url, {"answer": f"answer {i:02d}"}, **HX))

    assert [r.status_code for r in responses] == [200] * PARALLEL
    assert all("Saved" in r.content.decode() for r in responses)
    assert sorted(written) == sorted(f"answer {i:02d}" for i in range(PARALLEL))
    rows = Response.objects.filter(attempt=attempt, question=short)
    assert rows.count() == 1
    assert rows.get().answer == written[-1]


def test_twenty_parallel_starts_open_one_attempt(alice, quiz):
    clients = signed_in_clients(alice)
    responses = all_at_once(lambda i: clients[i].post(f"/quizzes/{quiz.slug}/start/"))
    attempts = Attempt.objects.filter(quiz=quiz, user=alice)
    assert attempts.count() == 1
    assert {r["Location"] for r in responses} == {f"/quizzes/attempts/{attempts.get().pk}/"}


def test_saves_racing_a_submit_never_change_the_graded_answers(alice, quiz):
    attempt = services.start_attempt(quiz, alice)
    short = quiz.questions.get(title="short")
    slot = attempt.slot_of(short.pk)
    clients = signed_in_clients(alice)

    def work(i):
        if i == PARALLEL // 2:
            return clients[i].post(f"/quizzes/attempts/{attempt.pk}/submit/")
        return clients[i].post(
            f"/quizzes/attempts/{attempt.pk}/?q={slot}", {"answer": f"v{i}"}, **HX
        )

    responses = all_at_once(work)
    assert all(r.status_code in (200, 302) for r in responses)
    attempt.refresh_from_db()
    response = Response.objects.get(attempt=attempt, question=short)
    # Whatever was saved before the submission is exactly what was graded.
    from apps.quizzes.kinds import grade_response

    fraction, _ = grade_response(short, response.answer)
    assert response.fraction == fraction
    assert attempt.state == Attempt.State.SUBMITTED
