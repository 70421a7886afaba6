"""Where the CPU of the signed-in quiz path goes: the question page (GET), the htmx autosave
and the (repeated) submit, each run N times through Django's WSGI handler in this process
under the production settings that `make bench` uses (DEBUG off, PostgreSQL, Redis),
profiled with cProfile.

    .venv/bin/python scripts/profile_quiz.py [--requests 300] [--top 0] [--sort tottime]

Prints, per request kind, the CPU per request (process time, profiler off) and a
breakdown of the profiled CPU time by where it is spent: each function's own time, grouped
by the module it lives in (middleware, session, auth, queries, templates, CSP, cache …),
a builtin's time counted for its caller; the milliseconds are each group's share of the
unprofiled CPU per request. The CPU per request is the median of ten blocks of requests,
with the fastest block beside it: on a shared machine other work slows some blocks.
The database is `regimes_profile` (PROFILE_DB), recreated each run, and the cache Redis's
database 4 (PROFILE_REDIS_DB). Two checkouts with their own of each can run at the same
time, under the same load, to compare a change with what it replaces.
"""

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import bench  # noqa: E402 - after the path is set

bench.DB_NAME = os.environ.get("PROFILE_DB", "regimes_profile")
bench.ENV["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{bench.DB_NAME}"

BLOCKS = 10

# First match wins: (label, substrings of a function's file path or name).
GROUPS = [
    ("CSP header", ("django/utils/csp", "django/middleware/csp")),
    ("session", ("django/contrib/sessions", "django/core/signing")),
    ("auth and permissions", ("django/contrib/auth", "apps/core/roles")),
    ("cache (Redis client)", ("django_redis", "/redis/", "django/core/cache", "apps/core/cache")),
    ("queries (ORM)", ("django/db/models",)),
    ("queries (driver, wire)", ("django/db/backends", "psycopg", "django/db/transaction")),
    ("template rendering", ("django/template", "django/templatetags", "template_partials")),
    ("CSRF", ("django/middleware/csrf",)),
    ("middleware (other)", ("django/middleware", "whitenoise", "django_htmx", "apps/core/middleware",
                            "apps/core/page_cache", "apps/lti", "django/contrib/messages")),
    ("request/response, URLs", ("django/core/handlers", "django/http", "django/urls")),
    ("pickle, json, crypto", ("pickle", "json", "hmac", "hashlib", "_sha", "crypto")),
    ("quiz code", ("apps/quizzes",)),
    ("other app code", ("apps/",)),
    ("other Django", ("django/",)),
]  # fmt: skip


def group_of(filename: str, function: str) -> str:
    where = f"{filename}:{function}"
    for label, needles in GROUPS:
        if any(needle in where for needle in needles):
            return label
    return "Python runtime, other"


def environ_for(path: str, method: str, cookie: str, csrf: str, htmx: bool, body: str) -> dict:
    import io as _io

    from django.test.client import RequestFactory

    path, _, query = path.partition("?")
    payload = body.encode()
    extra = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": cookie,
        "HTTP_X_CSRFTOKEN": csrf,
        "HTTP_ACCEPT_ENCODING": "gzip",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(payload)),
    }
    if htmx:
        extra["HTTP_HX_REQUEST"] = "true"
    environ = RequestFactory()._base_environ(**extra)
    environ["wsgi.input"] = _io.BytesIO(payload)
    return environ


def run(handler, make_environ, count: int) -> list[int]:
    statuses = []

    def start_response(status, headers, *args):
        statuses.append(int(status[:3]))

    for _ in range(count):
        response = handler(make_environ(), start_response)
        b"".join(response)
        response.close()
    return statuses


def profile(handler, name: str, make_environ, count: int, top: int, sort: str) -> dict:
    from django.db import close_old_connections

    run(handler, make_environ, 20)  # warm: connections, caches, compiled templates
    close_old_connections()
    blocks, statuses = [], []
    for _ in range(BLOCKS):
        began = time.process_time()
        statuses += run(handler, make_environ, max(1, count // BLOCKS))
        blocks.append((time.process_time() - began) * 1000 / max(1, count // BLOCKS))
    blocks.sort()
    cpu_ms = blocks[BLOCKS // 2]
    profiler = cProfile.Profile(time.process_time)  # CPU, not waits on the database
    profiler.enable()
    run(handler, make_environ, count)
    profiler.disable()
    stats = pstats.Stats(profiler)
    groups: dict[str, float] = {}
    for (filename, _, function), (_, _, own, _, callers) in stats.stats.items():
        if filename == "~" and callers:
            # A builtin (getattr, str.join, a C method) counts for whoever called it.
            for (caller_file, _, caller), (_, _, from_caller, _) in callers.items():
                label = group_of(caller_file, caller)
                groups[label] = groups.get(label, 0.0) + from_caller
            continue
        label = group_of(filename, function)
        groups[label] = groups.get(label, 0.0) + own
    total = sum(groups.values())
    print(
        f"\n{name}: {cpu_ms:.2f} ms CPU per request (profiler off, fastest block "
        f"{blocks[0]:.2f}; statuses {set(statuses)})"
    )
    for label, seconds in sorted(groups.items(), key=lambda item: -item[1]):
        share = seconds / total
        print(f"  {label:<28}{share * 100:6.1f} %  {share * cpu_ms:6.2f} ms")
    if top:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
        print(out.getvalue())
    return {"cpu_ms": cpu_ms, "groups": groups}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest calls")
    parser.add_argument(
        "--sort", default="tottime", choices=["tottime", "cumtime"],
        help="order of those calls: own time, or time including what they call",
    )  # fmt: skip
    options = parser.parse_args()
    if bench.redis_answers():
        bench.ENV["REDIS_URL"] = f"redis://127.0.0.1:6379/{os.environ.get('PROFILE_REDIS_DB', 4)}"
    print(f"Preparing {bench.DB_NAME} …", flush=True)
    bench.reset_database()
    bench.manage("migrate", "--noinput", "-v0")
    bench.manage("load_content")
    bench.manage("collectstatic", "--noinput", "-v0")
    bench.django_setup()
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler

    from scripts.bench_setup import prepare

    cache.clear()
    fixtures = prepare(ROOT, 2)
    handler = WSGIHandler()
    for name in ("quiz question", "answer save (POST)", "quiz submit (POST)"):
        path, env = fixtures["pages"][name]
        method = env.get("WRK_METHOD", "GET")

        def make(path=path, env=env, method=method):
            return environ_for(path, method, env["WRK_COOKIE"], env["WRK_CSRF"],
                               bool(env.get("WRK_HTMX")), env.get("WRK_BODY", ""))  # fmt: skip

        profile(handler, name, make, options.requests, options.top, options.sort)


if __name__ == "__main__":
    main()
