"""A database connection that dies between requests (PostgreSQL restarted, a proxy or
firewall dropping it) costs no request an error: persistent connections are
health-checked at the start of each request and replaced when dead.

The PostgreSQL restart itself belongs to `make bench` (scripts/db_restart_under_load.py);
here only this process's own connection is terminated, which nothing else shares."""

import io
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def wsgi_get(app, path: str) -> str:
    """A request through the real WSGI handler (the test client skips the connection
    housekeeping that runs at the start and end of every request)."""
    environ = {"PATH_INFO": path, "REQUEST_METHOD": "GET", "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "localhost"
    status = []
    b"".join(app(environ, lambda line, headers, exc_info=None: status.append(line)))
    return status[0]


def terminate(pid: int) -> None:
    params = connection.get_connection_params()
    with psycopg.connect(
        host=params.get("host"), port=params.get("port"), user=params.get("user"),
        dbname="postgres", password=params.get("password"), autocommit=True,
    ) as admin:  # fmt: skip
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_connections_are_persistent_and_health_checked():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_a_request_after_the_connection_was_killed_succeeds():
    app = WSGIHandler()
    # /quizzes/ is never served from the page cache, so every request queries.
    assert wsgi_get(app, "/quizzes/").startswith("200")
    pid = connection.connection.info.backend_pid
    assert connection.connection is not None  # kept for the next request

    terminate(pid)

    assert wsgi_get(app, "/quizzes/").startswith("200")
    assert connection.connection.info.backend_pid != pid
