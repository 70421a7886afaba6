"""Shared fixtures: personas (alice and bob study, ingrid and ivan teach, carol curates),
and Debian's Chromium for Playwright."""

import os
import shutil
import socket
import time
from email import message_from_bytes

import hypothesis
import pytest
from aiosmtpd.controller import Controller
from django.contrib.auth.models import User
from django.core.cache import cache, caches
from django.db import connection
from django.test import override_settings
from playwright.sync_api import expect

from apps.core import throttle
from apps.core.page_cache import forget_local_pages
from apps.core.roles import Role, grant_role
from config.settings import mailer_from_url
from tests.course_content import load_course_content

IN_CI = os.environ.get("CI") == "true"

# Property tests draw the same examples on every run (a failure found once is found
# again, and CI never fails by luck); `HYPOTHESIS_PROFILE=explore` searches afresh.
hypothesis.settings.register_profile(
    "repeatable", derandomize=True, database=None, deadline=None, print_blob=True
)
hypothesis.settings.register_profile("explore", deadline=None)
hypothesis.settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# A browser assertion waits up to 15 s for the page to get there: on two busy cores a
# swap can take longer than Playwright's default 5 s. A page that never gets there fails.
expect.set_options(timeout=15_000)
# Chromium's headless shell (Debian's chromium-headless-shell: the "old headless" mode that
# Playwright's own headless runs use) drives the same pages with about a third less CPU
# than the full browser in headless mode (measured: the suite 437 -> 396 s). The full
# browser serves where the shell is not installed.
CHROMIUM = (
    shutil.which("chromium-headless-shell") or shutil.which("chromium") or "/usr/bin/chromium"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "correct-horse-battery-staple"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The longest tests, started first so that neither core waits on one of them at the end.
LONGEST = ("test_axe.py", "test_slow_clients.py")


def pytest_collection_modifyitems(config, items):
    """Longest tests first; skip PostgreSQL-only tests on SQLite, with the reason (in CI
    that is a failure instead)."""
    items.sort(key=lambda item: not any(name in item.nodeid for name in LONGEST))
    if connection.vendor == "postgresql":
        return
    for item in items:
        if "postgres" in item.keywords:
            if IN_CI:
                item.add_marker(pytest.mark.xfail(reason="CI must run on PostgreSQL", strict=True))
            else:
                item.add_marker(pytest.mark.skip(reason="needs PostgreSQL; running on SQLite"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """The test database does not wait for its commits to reach the disk: a crash of the
    machine would lose the last few, which a test database never needs back. Every live
    server, flush and transactional test commits, and waiting for the disk was part of
    each one. (What the application does is unchanged; the servers the suite starts as
    subprocesses keep PostgreSQL's default.)"""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


KEPT_BY_FLUSH = {"django_content_type", "auth_permission"}


@pytest.fixture(autouse=True, scope="session")
def flush_by_delete():
    """After each transactional test (live servers, browsers) Django empties every table.
    On PostgreSQL it does so with one TRUNCATE of all 80 tables, which makes new files for
    each table and index: about a second each time. The test tables hold a few hundred
    rows, and DELETE empties them in some 50 ms. Django's foreign keys are checked at
    commit on PostgreSQL, and a flush runs in one transaction, so the order is free.
    Content types and permissions stay: the flush's post_migrate signal would only make
    the same rows again, one app at a time."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            f"{style.SQL_KEYWORD('DELETE FROM')} {self.quote_name(t)};"
            for t in tables
            if t not in KEPT_BY_FLUSH
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


@pytest.fixture(autouse=True, scope="session")
def no_collected_static_files(tmp_path_factory):
    """The suite serves static files from the project's folders (WhiteNoise's finders),
    as on a fresh clone, even where `make serve` or `make bench` has collected them into
    staticfiles/: WhiteNoise would otherwise list those thousand files again for every
    test client (a fifth of the suite's time, measured)."""
    from django.conf import settings

    collected = settings.STATIC_ROOT
    settings.STATIC_ROOT = tmp_path_factory.mktemp("static") / "not-collected"
    yield
    settings.STATIC_ROOT = collected


@pytest.fixture(autouse=True, scope="session")
def static_files_listed_once():
    """WhiteNoise lists the static files (a stat and headers for each of some 190) when
    its middleware is made: once per process in production, but once per test client here,
    since each Client loads the middleware afresh (about 40 ms, most of a short test). The
    list is kept per process, as in production, for the same settings."""
    from django.conf import settings
    from whitenoise.middleware import WhiteNoiseMiddleware

    list_files = WhiteNoiseMiddleware.add_files_from_finders
    listed: dict[tuple, dict] = {}

    def add_files_from_finders(self):
        key = (
            self.static_prefix,
            self.max_age,
            self.allow_all_origins,
            self.charset,
            self.index_file,
            self.add_headers_function,
            repr(getattr(settings, "WHITENOISE_IMMUTABLE_FILE_TEST", None)),
            repr(getattr(settings, "WHITENOISE_MIMETYPES", None)),
            repr(settings.STATICFILES_DIRS),
            tuple(settings.STATICFILES_FINDERS),
            tuple(settings.INSTALLED_APPS),
        )
        if key not in listed:
            before = dict(self.files)
            list_files(self)
            listed[key] = {
                url: found for url, found in self.files.items() if before.get(url) is not found
            }
        self.files.update(listed[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders
    yield
    WhiteNoiseMiddleware.add_files_from_finders = list_files


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """MD5 for the whole suite: the personas sign in often, and the real hasher is slow on
    purpose. A test of hashing itself asks for `real_password_hashers`."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture
def real_password_hashers(settings):
    """The hashers config/settings.py chooses, for tests of hashing itself."""
    from config import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    return project_settings.PASSWORD_HASHERS


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: pages, throttles and versions never leak."""
    cache.clear()
    caches["throttle"].clear()
    forget_local_pages()


class FakeClock:
    """Stands still until a test moves it."""

    def __init__(self):
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    """The throttles' clock, under the test's control."""
    fake = FakeClock()
    monkeypatch.setattr(throttle, "clock", fake)
    return fake


def make_user(username: str, role: Role | None = None, **extra) -> User:
    user = User.objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD, **extra
    )
    if role is not None:
        grant_role(user, role)
    return user


@pytest.fixture
def content(db):
    """The real course content, loaded the way `make run` loads it (once per process;
    later tests get the same rows copied in, see tests/course_content.py)."""
    load_course_content()


@pytest.fixture
def alice(db):
    return make_user("alice")


@pytest.fixture
def bob(db):
    return make_user("bob")


@pytest.fixture
def ingrid(db):
    return make_user("ingrid", Role.INSTRUCTOR)


@pytest.fixture
def ivan(db):
    return make_user("ivan", Role.INSTRUCTOR)


@pytest.fixture
def carol(db):
    return make_user("carol", Role.CURATOR)


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", "root@example.com", PASSWORD)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = "Debian's Chromium is not installed (apt-get install chromium-headless-shell)"
        if IN_CI:
            pytest.fail(message + "; CI=true requires browser tests to run")
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def console_errors(page):
    """Collects console errors and uncaught exceptions (CSP violations are console errors)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


class Inbox:
    """What a loopback SMTP server received: (recipients, message) per mail."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback, and EMAIL_URL pointing at it."""
    inbox = Inbox()
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{controller.port}/")}
    yield inbox
    controller.stop()
