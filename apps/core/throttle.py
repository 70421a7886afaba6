"""Login throttling: too many failures for one account or one address locks it for a while.

Counters live in the cache (Redis in production), so every app server shares them.
"""

from django.conf import settings
from django.core.cache import cache

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
LOCKOUT_SECONDS = 15 * 60


def _keys(username: str, address: str) -> list[tuple[str, int]]:
    return [
        (f"login-fail:account:{username.strip().lower()}", ACCOUNT_LIMIT),
        (f"login-fail:address:{address}", ADDRESS_LIMIT),
    ]


def is_locked(username: str, address: str) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(username, address))


def record_failure(username: str, address: str) -> None:
    for key, _ in _keys(username, address):
        cache.add(key, 0, LOCKOUT_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, LOCKOUT_SECONDS)


def clear(username: str, address: str) -> None:
    cache.delete(_keys(username, address)[0][0])


def client_address(request) -> str:
    # Anyone can send X-Forwarded-For, so it is believed only behind our own proxy, and
    # then only its last hop: the address that proxy saw (earlier hops are the client's
    # say-so, and would let one address pose as many).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.BEHIND_PROXY else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
