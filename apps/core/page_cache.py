"""Whole-page cache for anonymous readers: visitors whose only cookie, if any, is the CSRF one.

Their pages cannot differ per person: no session, no messages, and base.html sends the
htmx CSRF header only to signed-in users. The one personal thing such a page may hold is
the CSRF token of a form (a case page's prediction form): the stored copy keeps holes
where the tokens were, and each visitor's copy is filled with that visitor's own token and
cookie, exactly as Django's CSRF middleware would have issued them. A page is stored only
when nothing else of the visitor remains in it.

Every stored page carries the content version it was rendered under, which any curated
save bumps. Each app process also keeps the pages it served last in memory and reads the
version at most once every VERSION_SECONDS, so a hit needs no round trip at all: an edit
shows at once in the process that made it and within VERSION_SECONDS on every other
server sharing the cache (Redis); a per-process cache expires pages after TIMEOUT.
"""

import hashlib
import re
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token

TIMEOUT = 60
VERSION_KEY = "content-version"
# The value Django's {% csrf_token %} renders, and any 64-character run like it (a token
# used anywhere else would leak one visitor's secret to the next, so such pages are not kept).
FORM_TOKEN = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(?=")')
ANY_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


VERSION_SECONDS = 1.0
LOCAL_PAGES = 200  # about 10 MB per process at the largest pages


class _Local:
    """This process's last pages and the content version as read at `read_at`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.pages: dict[str, tuple[tuple, float]] = {}  # key: (stored page, expires)
        self.version, self.read_at = 0, float("-inf")

    def current_version(self) -> int:
        if time.monotonic() - self.read_at > VERSION_SECONDS:
            self.version, self.read_at = content_version(), time.monotonic()
        return self.version

    def recall(self, key: str, version: int) -> tuple | None:
        stored, expires = self.pages.get(key, (None, 0.0))
        fresh = stored is not None and stored[0] == version and time.monotonic() < expires
        return stored if fresh else None

    def remember(self, key: str, stored: tuple) -> None:
        # Pages expire here as in the cache, in case a version bump never reached us.
        with self.lock:
            if len(self.pages) >= LOCAL_PAGES:
                self.pages.pop(next(iter(self.pages)), None)
            self.pages[key] = (stored, time.monotonic() + TIMEOUT)


_local = _Local()


def content_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None) or 1


def bump_content_version(*args, **kwargs) -> None:
    """Invalidate every cached page (a signal receiver, hence the ignored arguments)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)
    _local.forget()


def forget_local_pages() -> None:
    """Empty this process's copies (tests start each case from an empty cache)."""
    _local.forget()


def _is_cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and (request.path == "/" or request.path.startswith(settings.PAGE_CACHE_PREFIXES))
        and set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}
    )


def _key(request) -> str:
    """The URL and every htmx header: htmx chooses the partial (HX-Target) and its state."""
    htmx = sorted((k, v) for k, v in request.headers.items() if k.startswith("Hx-"))
    digest = hashlib.sha256(f"{request.get_full_path()}|{htmx}".encode()).hexdigest()
    return f"page:{digest}"


def _storable(response) -> list[bytes] | None:
    """The page split at its form tokens, or None when it must not be shared."""
    if (
        response.status_code != 200
        or response.streaming
        or set(response.cookies) - {settings.CSRF_COOKIE_NAME}
    ):
        return None
    pieces = FORM_TOKEN.split(response.content)
    if any(ANY_TOKEN.search(piece) for piece in pieces):
        return None
    return pieces


def _stored_page(key: str, version: int) -> tuple | None:
    """The page stored under `version`: this process's copy, else the shared one."""
    stored = _local.recall(key, version)
    if stored is None:
        stored = cache.get(key)
        if stored is None or stored[0] != version:
            return None
        _local.remember(key, stored)
    return stored


class AnonymousPageCacheMiddleware:
    """A page stored under an older content version is a miss, here and in the cache."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if not _is_cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        version = _local.current_version()
        stored = _stored_page(key, version)
        if stored is not None:
            return self._from_cache(request, *stored[1:])
        response = self.get_response(request)
        pieces = _storable(response) if request.method == "GET" else None
        if pieces is not None:
            stored = (version, response.status_code, dict(response.items()), pieces)
            cache.set(key, stored, TIMEOUT)
            _local.remember(key, stored)
        return response

    def _from_cache(self, request, status: int, headers: dict, pieces: list[bytes]):
        if len(pieces) == 1:
            return HttpResponse(pieces[0], status=status, headers=headers)
        self.csrf.process_request(request)  # the visitor's own secret, or a new one
        response = HttpResponse(get_token(request).encode().join(pieces), status=status,
                                headers=headers)  # fmt: skip
        return self.csrf.process_response(request, response)
