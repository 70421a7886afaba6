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

A page is keyed only on the query parameters its view reads (each process learns them per
path as it renders), so `?utm_source=…` and other unread parameters share one copy.
"""

import hashlib
import re
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import CsrfViewMiddleware, get_token

TIMEOUT = 60
VERSION_KEY = "content-version"
# The value Django's {% csrf_token %} renders, and any 64-character run like it (a token
# used anywhere else would leak one visitor's secret to the next, so such pages are not kept).
FORM_TOKEN = re.compile(rb'(?<=name="csrfmiddlewaretoken" value=")[A-Za-z0-9]{64}(?=")')
ANY_TOKEN = re.compile(rb"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


VERSION_SECONDS = 1.0
LOCAL_PAGES = 200  # about 10 MB per process at the largest pages
ALL = "*"  # a view that looked at the whole query (iterated it) depends on every parameter


class _ReadLog(QueryDict):
    """A request's query that notes in `reads` each parameter name the view asks about."""

    def __init__(self, query: QueryDict, reads: set[str]):
        super().__init__(mutable=True, encoding=query.encoding)
        for key, values in dict.items(query):
            dict.__setitem__(self, key, list(values))
        self.reads = reads
        self._mutable = False

    def __getitem__(self, key):
        self.reads.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self.reads.add(key)
        return super().__contains__(key)

    def getlist(self, key, default=None):
        self.reads.add(key)
        return super().getlist(key, default)

    def _whole(name):  # noqa: N805 - builds the methods below
        def method(self, *args, **kwargs):
            self.reads.add(ALL)
            return getattr(QueryDict, name)(self, *args, **kwargs)

        return method

    __iter__, __len__, keys, items, lists, values, dict, urlencode = map(
        _whole, ["__iter__", "__len__", "keys", "items", "lists", "values", "dict", "urlencode"]
    )
    del _whole

    def copy(self):  # a copy's reads are the view's reads too (a form filling in defaults)
        clone = _ReadLog(self, self.reads)
        clone._mutable = True
        return clone

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()


class _Local:
    """This process's last pages and the content version as read at `read_at`."""

    def __init__(self):
        self.lock = threading.Lock()
        self.forget()

    def forget(self) -> None:
        self.pages: dict[str, tuple[tuple, float]] = {}  # key: (stored page, expires)
        self.reads: dict[str, frozenset[str]] = {}  # path: parameters its views read
        self.version, self.read_at = 0, float("-inf")

    def learn(self, path: str, reads: set[str]) -> frozenset[str]:
        """Every parameter any render of `path` read; it only grows, so a key never
        leaves out a parameter that could change the page."""
        known = self.reads.get(path, frozenset()) | reads
        with self.lock:
            if len(self.reads) >= LOCAL_PAGES and path not in self.reads:
                self.reads.pop(next(iter(self.reads)), None)
            self.reads[path] = known
        return known

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


def _key(request, query: QueryDict, names: frozenset[str]) -> str:
    """The path, the parameters in `names` (the names too: a key is found only with the
    same names, so every parameter the stored page's view read is in it), and every htmx
    header: htmx chooses the partial (HX-Target) and its state."""
    if ALL in names:
        params = sorted(query.lists())
    else:
        params = [(name, query.getlist(name)) for name in sorted(names)]
    htmx = sorted((k, v) for k, v in request.headers.items() if k.startswith("Hx-"))
    digest = hashlib.sha256(f"{request.path}|{params}|{htmx}".encode()).hexdigest()
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
        query = request.GET
        version = _local.current_version()
        stored = _stored_page(_key(request, query, _local.reads.get(request.path, frozenset())),
                              version)  # fmt: skip
        if stored is not None:
            return self._from_cache(request, *stored[1:])
        reads: set[str] = set()
        request.GET = _ReadLog(query, reads)
        response = self.get_response(request)
        pieces = _storable(response) if request.method == "GET" else None
        if pieces is not None:
            key = _key(request, query, _local.learn(request.path, reads))
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
