from functools import cache

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from apps.core.roles import Action, may

NAV = [
    ("Lessons", "lessons:list"),
    ("Cases", "cases:list"),
    ("Compare", "site:compare"),
    ("Quizzes", "quizzes:list"),
    ("Lab", "lab:sandbox"),
    ("Glossary", "lessons:glossary"),
    ("Search", "site:search"),
]


@cache
def _nav_paths() -> list[tuple[str, str]]:
    return [(label, reverse(name)) for label, name in NAV]


def roles(request):
    """Role answers and the navigation, so templates never test groups or paths themselves."""
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")
    return {
        # Lazy: an htmx partial that never shows the user menu costs no permission queries.
        "can_teach": SimpleLazyObject(lambda: user is not None and may(user, Action.TEACH)),
        "can_curate": SimpleLazyObject(lambda: user is not None and may(user, Action.CURATE)),
        "nav_items": [
            {"label": label, "href": href, "current": path.startswith(href)}
            for label, href in _nav_paths()
        ],
    }
