"""The app tier is stateless: a student's attempt completes with requests alternating
between two app servers that share only PostgreSQL (and Redis when present)."""

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import redis
from django.db import connection

from apps.quizzes.models import Attempt, Quiz
from tests.conftest import PASSWORD, make_user
from tests.quizzes.conftest import shown_options, visible_text

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_url() -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return "redis://127.0.0.1:6379/5"
    except OSError:
        return ""


@pytest.fixture
def two_servers(content):
    if redis_url():
        # Question ids repeat from one test database to the next: copies cached by an
        # earlier run would describe other questions.
        redis.Redis.from_url(redis_url()).flushdb()
    db = connection.settings_dict
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "two-servers-share-this-secret-" + "s" * 30,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_STATIC_MANIFEST": "0",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url(),
    }
    servers, urls = [], []
    for _ in range(2):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
            )  # fmt: skip
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            for _ in range(100):
                try:
                    httpx.get(url + "/", timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)


def test_a_quiz_attempt_completes_across_two_app_servers(two_servers, real_password_hashers):
    dora = make_user("dora")
    quiz = Quiz.objects.get(slug="how-regimes-work")
    a, b = two_servers
    with httpx.Client(timeout=10, follow_redirects=False) as http:
        http.get(a + "/accounts/login/")
        token = http.cookies["csrftoken"]
        login = http.post(
            a + "/accounts/login/",
            data={"username": "dora", "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert login.status_code == 302, login.text[:500]
        assert http.get(b + "/quizzes/how-regimes-work/").status_code == 200  # same session on B
        token = http.cookies["csrftoken"]
        started = http.post(b + f"/quizzes/{quiz.slug}/start/", headers={"X-CSRFToken": token})
        assert started.status_code == 302
        take_url = re.sub(r"\?.*$", "", started.headers["location"])
        attempt = Attempt.objects.get(user=dora, quiz=quiz)
        saved = {}
        for slot, question_id in enumerate(attempt.question_order, start=1):
            question = attempt.responses.get(question_id=question_id).question
            if question.kind not in ("single", "truefalse", "missingword"):
                continue
            server = a if slot % 2 else b
            # Pick the first option the page shows, by the name the page gives it.
            first = shown_options(http.get(f"{server}{take_url}?q={slot}").text)[0]
            choice = next(
                c for c in question.choices.all()
                if first.label in (visible_text(c.text_html), c.text)
            )  # fmt: skip
            response = http.post(
                f"{server}{take_url}?q={slot}",
                data={"answer": first.value},
                headers={"X-CSRFToken": token, "HX-Request": "true"},
            )
            assert response.status_code == 200, response.text[:300]
            saved[question_id] = choice.pk
        assert len(saved) >= 3
        submitted = http.post(f"{a}{take_url}submit/", headers={"X-CSRFToken": token})
        assert submitted.status_code == 302
        review = http.get(b + submitted.headers["location"])
        assert review.status_code == 200
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.SUBMITTED
    kept = dict(attempt.responses.values_list("question_id", "answer"))
    assert all(kept[qid] == choice for qid, choice in saved.items())
