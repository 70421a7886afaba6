"""Throttling: too many failures for one key within a while lock that key until the while
is over. Log-in counts failures per account and per address; other doors (joining a
class with a code) keep counters of their own.

Counters live in the cache (Redis in production), so every app server shares them.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
LOCKOUT_SECONDS = 15 * 60


@dataclass(frozen=True)
class Throttle:
    """`limit` failures for one key within `seconds` of the first lock it until then.
    `scope` keeps each throttle's counters apart, so no key typed at one door (a
    username, say) can lock another."""

    scope: str
    limit: int
    seconds: int = LOCKOUT_SECONDS

    def _counter(self, key: str) -> str:
        # Keys are typed by strangers (usernames): hashed, any text makes a valid cache key.
        return f"{self.scope}:{hashlib.sha256(key.encode()).hexdigest()}"

    def is_locked(self, key: str) -> bool:
        return (cache.get(self._counter(key)) or 0) >= self.limit

    def record_failure(self, key: str) -> None:
        counter = self._counter(key)
        cache.add(counter, 0, self.seconds)
        try:
            cache.incr(counter)
        except ValueError:  # expired between add and incr
            cache.set(counter, 1, self.seconds)

    def clear(self, key: str) -> None:
        cache.delete(self._counter(key))


LOGIN_ACCOUNT = Throttle("login-fail:account", ACCOUNT_LIMIT)
LOGIN_ADDRESS = Throttle("login-fail:address", ADDRESS_LIMIT)


def _account(username: str) -> str:
    return username.strip().lower()


def is_locked(username: str, address: str) -> bool:
    return LOGIN_ACCOUNT.is_locked(_account(username)) or LOGIN_ADDRESS.is_locked(address)


def record_failure(username: str, address: str) -> None:
    LOGIN_ACCOUNT.record_failure(_account(username))
    LOGIN_ADDRESS.record_failure(address)


def clear(username: str, address: str) -> None:
    LOGIN_ACCOUNT.clear(_account(username))


def client_address(request) -> str:
    # Anyone can send X-Forwarded-For, so it is believed only behind our own proxy, and
    # then only its last hop: the address that proxy saw (earlier hops are the client's
    # say-so, and would let one address pose as many).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.BEHIND_PROXY else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
