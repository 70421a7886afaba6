"""Throttling: counters of recent failures (or requests) per key, each forgotten `seconds`
after its last event, and what they refuse.

A `Throttle` locks a key that reached its limit until `seconds` after the last event; a
`Slowdown` makes a key wait after each further event, twice as long each time up to a cap.
The log-in uses both (see `login_wait`): a guesser can lock only the account *from their
own address*; an account failing from many addresses is slowed, never locked; and one
address has a ceiling that a lecture hall's typos stay far below.

Counters live in the "throttle" cache (Redis in production), so every app server shares
them. That cache raises when Redis fails (the default one swallows errors); then the
counters are kept in the database instead, and the switch is logged.

Time comes from `clock` (seconds since the epoch), read at each call: tests replace it.
"""

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches

from apps.core.models import ThrottleCount

logger = logging.getLogger(__name__)
clock = time.time

LOCKOUT_SECONDS = 15 * 60
PAIR_LIMIT = 5  # wrong passwords for one account from one address
ADDRESS_LIMIT = 300  # failures from one address on any names: above a lecture hall's typos
ACCOUNT_SLOW_AFTER = 10  # failures on one account from anywhere before each try must wait
ACCOUNT_MAX_WAIT = 60  # seconds: the owner is never kept out longer than this


class Tally(NamedTuple):
    events: int
    last_at: float


NONE = Tally(0, 0.0)
_warned_at = float("-inf")


def _fell_back(error: Exception) -> None:
    global _warned_at
    if time.monotonic() - _warned_at > 60:
        _warned_at = time.monotonic()
        logger.warning("Throttle cache unavailable (%s); counting in the database", error)


def _read(name: str) -> Tally:
    try:
        value = caches["throttle"].get(name)
    except Exception as error:  # noqa: BLE001 - any cache failure means "use the database"
        _fell_back(error)
        row = ThrottleCount.objects.filter(key=name).first()
        value = (row.events, row.last_at) if row else None
    return Tally(*value) if value else NONE


def _write(name: str, tally: Tally, seconds: int) -> None:
    # Read-modify-write: two failures at the same instant may count once. The check before
    # a password is tested races the same way, whatever the store; the limits allow for it.
    try:
        caches["throttle"].set(name, tuple(tally), seconds)
    except Exception as error:  # noqa: BLE001
        _fell_back(error)
        expires_at = tally.last_at + seconds
        ThrottleCount.objects.filter(expires_at__lt=clock()).delete()  # the table stays small
        ThrottleCount.objects.update_or_create(
            key=name,
            defaults={"events": tally.events, "last_at": tally.last_at, "expires_at": expires_at},
        )


def _delete(name: str) -> None:
    try:
        caches["throttle"].delete(name)
    except Exception as error:  # noqa: BLE001
        _fell_back(error)
        ThrottleCount.objects.filter(key=name).delete()


@dataclass(frozen=True)
class Counter:
    """`scope` keeps each counter's keys apart, so no key typed at one door (a username,
    say) can name another's counter."""

    scope: str
    seconds: int = LOCKOUT_SECONDS

    def _name(self, key: str) -> str:
        # Keys are typed by strangers (usernames): hashed, any text makes a valid cache key.
        return f"{self.scope}:{hashlib.sha256(key.encode()).hexdigest()}"

    def tally(self, key: str) -> Tally:
        tally = _read(self._name(key))
        return tally if clock() - tally.last_at < self.seconds else NONE

    def record(self, key: str) -> None:
        self._store(key, self.tally(key).events + 1)

    def forgive(self, key: str, events: int) -> None:
        """Take back `events` (a success explains the failures before it)."""
        tally = self.tally(key)
        if tally.events:
            self._store(key, max(tally.events - events, 0), tally.last_at)

    def clear(self, key: str) -> None:
        _delete(self._name(key))

    def _store(self, key: str, events: int, last_at: float | None = None) -> None:
        tally = Tally(events, clock() if last_at is None else last_at)
        _write(self._name(key), tally, self.seconds)


@dataclass(frozen=True)
class Throttle(Counter):
    """`limit` events for one key lock it until `seconds` after the last of them."""

    limit: int = 5

    def wait(self, key: str) -> float:
        """Seconds before `key` may try again; 0 when it may now."""
        tally = self.tally(key)
        if tally.events < self.limit:
            return 0.0
        return max(tally.last_at + self.seconds - clock(), 0.0)

    def is_locked(self, key: str) -> bool:
        return self.wait(key) > 0


@dataclass(frozen=True)
class Slowdown(Counter):
    """After `after` events, each try waits 1, 2, 4 … seconds (at most `max_wait`) from the
    last event: guessing slows to a crawl while the owner is never shut out for long."""

    after: int = ACCOUNT_SLOW_AFTER
    max_wait: int = ACCOUNT_MAX_WAIT

    def wait(self, key: str) -> float:
        tally = self.tally(key)
        if tally.events < self.after:
            return 0.0
        delay = min(2 ** (tally.events - self.after), self.max_wait)
        return max(tally.last_at + delay - clock(), 0.0)


LOGIN_PAIR = Throttle("login-fail:pair", limit=PAIR_LIMIT)
LOGIN_ADDRESS = Throttle("login-fail:address", limit=ADDRESS_LIMIT)
LOGIN_ACCOUNT = Slowdown("login-fail:account")


def _account(username: str) -> str:
    return username.strip().lower()


def _pair(username: str, address: str) -> str:
    return f"{_account(username)}\n{address}"


def login_wait(username: str, address: str) -> tuple[str, int]:
    """("locked" or "slow", whole seconds to wait) when this try must not be checked, else
    ("", 0). Locks come from this address's own failures; a slowdown from anyone's."""
    locked = max(LOGIN_PAIR.wait(_pair(username, address)), LOGIN_ADDRESS.wait(address))
    if locked:
        return "locked", math.ceil(locked)
    slow = LOGIN_ACCOUNT.wait(_account(username))
    return ("slow", math.ceil(slow)) if slow else ("", 0)


def login_failed(username: str, address: str) -> None:
    LOGIN_PAIR.record(_pair(username, address))
    LOGIN_ADDRESS.record(address)
    LOGIN_ACCOUNT.record(_account(username))
    if LOGIN_ADDRESS.is_locked(address):
        logger.warning(
            "Log-in address %s reached %d failures: locked for %d minutes (if every visitor "
            "shows one address, set DJANGO_BEHIND_PROXY)", address, ADDRESS_LIMIT,
            LOCKOUT_SECONDS // 60,
        )  # fmt: skip


def login_succeeded(username: str, address: str) -> None:
    """The owner's own mistakes from this address are forgiven everywhere they counted;
    failures from other addresses (someone else guessing) still slow the account."""
    pair = _pair(username, address)
    mistakes = LOGIN_PAIR.tally(pair).events
    LOGIN_PAIR.clear(pair)
    LOGIN_ADDRESS.forgive(address, mistakes)
    LOGIN_ACCOUNT.forgive(_account(username), mistakes)


def client_address(request) -> str:
    # Anyone can send X-Forwarded-For, so it is believed only behind our own proxy, and
    # then only its last hop: the address that proxy saw (earlier hops are the client's
    # say-so, and would let one address pose as many).
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "") if settings.BEHIND_PROXY else ""
    return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR", "")
