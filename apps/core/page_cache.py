"""Whole-page cache for visitors who carry no cookies (first-time, anonymous readers).

Their pages cannot differ per person: no session, no CSRF token (base.html sends the token
only to signed-in users), no messages. Responses that set a cookie are never stored. Every
stored page is keyed by the content version, which any curated save bumps, so an edit is
visible at once where the cache is shared (Redis); a per-process cache expires pages after
TIMEOUT seconds instead.
"""

import hashlib

from django.core.cache import cache

TIMEOUT = 60
VERSION_KEY = "content-version"
CACHED_PREFIXES = ("/lessons/", "/cases/", "/compare/", "/glossary/", "/theories/", "/sources/",
                   "/search/", "/lab/")  # fmt: skip


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
        and not request.META.get("HTTP_COOKIE")
        and (request.path == "/" or request.path.startswith(CACHED_PREFIXES))
    )


def _key(request) -> str:
    htmx = request.headers.get("HX-Request", "") + "|" + request.headers.get("HX-Current-URL", "")
    digest = hashlib.sha256(f"{request.get_full_path()}|{htmx}".encode()).hexdigest()
    return f"page:{content_version()}:{digest}"


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _is_cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            return cached
        response = self.get_response(request)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, response, TIMEOUT)
        return response
