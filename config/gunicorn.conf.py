"""gunicorn's settings for every way Regimes is served: scripts/serve.sh, `make bench`, the
restart drill and docs/deploy.md's command (`gunicorn -c config/gunicorn.conf.py …`).

WEB_CONCURRENCY     worker processes (default: cores + 1).
GUNICORN_THREADS    threads per worker (default 2).

A request is CPU-bound Python; threads only cover the waits on PostgreSQL and Redis, and
the GIL lets one thread of a worker run at a time. So each core gets about one worker,
plus one spare, and two threads each: enough to overlap a query's wait with another
request's rendering, too few for threads to queue on the GIL. More processes would only
cost memory and context switches.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) + 1)
threads = int(os.environ.get("GUNICORN_THREADS") or 2)
worker_class = "gthread"
# nginx (or the bench's client) keeps connections open between requests: a worker keeps
# an idle kept-alive connection this long before closing it.
keepalive = 5
timeout = 30
graceful_timeout = 20


def post_worker_init(worker) -> None:
    """Do each worker's one-off work before it takes its first request, not during it:
    import every view (resolving the URLconf) and compile every project template. Without
    this the first requests a new worker serves pay ~0.5 s of imports and parsing, and a
    measurement's CPU per request counts them."""
    from django.conf import settings
    from django.template import TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - evaluated for its imports
    for directory in settings.TEMPLATES[0]["DIRS"]:
        for path in sorted(directory.rglob("*.html")):
            try:
                get_template(str(path.relative_to(directory)))
            except TemplateSyntaxError as error:  # the page that uses it will say so
                worker.log.warning("Template %s does not compile: %s", path, error)
