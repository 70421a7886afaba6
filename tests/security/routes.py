"""Every URL pattern of the project, found by walking the resolver, and concrete URLs for
them. A pattern added anywhere (an app's urls.py, the admin, a library) shows up here
without anyone listing it."""

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

ROUTE_PARAM = re.compile(r"(?<!\?P)<(?:\w+:)?(\w+)>")
NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
POSITIONAL_GROUP = re.compile(r"\((?!\?)[^)]*\)")


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name", or None for unnamed patterns
    pattern: str  # the whole route as Django joins it, e.g. "quizzes/<slug:slug>/start/"

    @property
    def key(self) -> str:
        return self.name or self.pattern

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0] if self.name else ""

    @property
    def params(self) -> list[str]:
        """Parameter names in order; unnamed regex groups are called _0, _1, …"""
        names = ROUTE_PARAM.findall(self.pattern) + NAMED_GROUP.findall(self.pattern)
        positional = POSITIONAL_GROUP.findall(NAMED_GROUP.sub("", self.pattern))
        return names + [f"_{i}" for i in range(len(positional))]

    def url(self, values: dict[str, object]) -> str:
        path = NAMED_GROUP.sub(lambda m: str(values[m.group(1)]), self.pattern)
        path = ROUTE_PARAM.sub(lambda m: str(values[m.group(1)]), path)
        counter = iter(range(100))
        path = POSITIONAL_GROUP.sub(lambda m: str(values[f"_{next(counter)}"]), path)
        return "/" + path.replace("^", "").replace("$", "").replace(r"\Z", "")

    def reaches(self, url: str) -> bool:
        """Whether `url` is answered by this pattern (an earlier one may shadow it)."""
        try:
            return resolve(url).route.replace("^", "") == self.pattern.replace("^", "")
        except Resolver404:
            return False


def _walk(patterns, prefix: str = "", namespaces: tuple = ()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = ":".join(namespaces + (entry.name,)) if entry.name else None
            yield Route(name=name, pattern=prefix + str(entry.pattern))


def all_routes() -> list[Route]:
    """Every pattern once, in resolver order (a pattern repeated by two includes, such as
    accounts/login/, is one route)."""
    seen, routes = set(), []
    for route in _walk(get_resolver().url_patterns):
        if route.pattern not in seen:
            seen.add(route.pattern)
            routes.append(route)
    return routes
