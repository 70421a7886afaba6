"""Whole-page cache for anonymous readers: visitors whose only cookie, if any, is the CSRF one.

Their pages cannot differ per person: no session, no messages, and base.html sends the
htmx CSRF header only to signed-in users. The one personal thing such a page may hold is
the CSRF token of a form (a case page's prediction form): the stored copy keeps holes
where the tokens were, and each visitor's copy is filled with that visitor's own token and
cookie, exactly as Django's CSRF middleware would have issued them. A page is stored only
when nothing else of the visitor remains in it.

Every stored page carries the content version it was rendered under, which any curated
save bumps, so an edit is visible at once where the cache is shared (Redis); a per-process
cache expires pages after TIMEOUT seconds instead.
"""

import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token

TIMEOUT = 60
VERSION_KEY = "content-version"
CACHED_PREFIXES = ("/lessons/", "/cases/", "/compare/", "/glossary/", "/theories/", "/sources/",
                   "/search/", "/lab/")  # fmt: skip
# The value Django's {% csrf_token %} renders, and any 64-character run like it (a token
# used anywhere else would leak one visitor's secret to the next, so such pages are not kept).
FORM_TOKEN = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(?=")')
ANY_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


def content_version() -> int:
    return cache.get_or_set(VERSION_KEY, 1, None) or 1


def bump_content_version(*args, **kwargs) -> None:
    """Invalidate every cached page (a signal receiver, hence the ignored arguments)."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, None)


def _is_cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and (request.path == "/" or request.path.startswith(CACHED_PREFIXES))
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


class AnonymousPageCacheMiddleware:
    """A hit costs one cache round trip: the page and the content version are read together,
    and a page stored under an older version is a miss."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if not _is_cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or content_version()
        stored = found.get(key)
        if stored is not None and stored[0] == version:
            return self._from_cache(request, *stored[1:])
        response = self.get_response(request)
        pieces = _storable(response) if request.method == "GET" else None
        if pieces is not None:
            stored = (version, response.status_code, dict(response.items()), pieces)
            cache.set(key, stored, TIMEOUT)
        return response

    def _from_cache(self, request, status: int, headers: dict, pieces: list[bytes]):
        if len(pieces) == 1:
            return HttpResponse(pieces[0], status=status, headers=headers)
        self.csrf.process_request(request)  # the visitor's own secret, or a new one
        response = HttpResponse(get_token(request).encode().join(pieces), status=status,
                                headers=headers)  # fmt: skip
        return self.csrf.process_response(request, response)
