"""A circuit breaker for Redis, plugged into django-redis as its connection pool.

The cache itself is django-redis (settings.CACHES): short socket timeouts, and on the
default alias IGNORE_EXCEPTIONS, so a page renders with Redis down (reads miss, writes
are dropped). Timeouts alone are not enough: a Redis that accepts connections and never
answers would cost every request one timeout per cache call. So after a failure the pool
refuses at once, without touching the network, for RETRY_SECONDS; then one caller tries
again (the others keep being refused) and either closes the breaker or opens it anew.
A hung Redis thus costs at most one timeout per process every RETRY_SECONDS.
"""

import logging
import threading
from time import monotonic

import redis

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class Breaker:
    """The state of one Redis server as this process has seen it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.failing = False
        self.retry_at = 0.0

    def allows(self) -> bool:
        if not self.failing:
            return True
        with self.lock:
            now = monotonic()
            if now < self.retry_at:
                return False
            self.retry_at = now + RETRY_SECONDS  # this caller is the one trial
            return True

    def failed(self, error: Exception, where: str) -> None:
        with self.lock:
            if not self.failing:
                logger.warning(
                    "Redis at %s failed (%s); not trying it again for %g s", where, error,
                    RETRY_SECONDS,
                )  # fmt: skip
            self.failing = True
            self.retry_at = monotonic() + RETRY_SECONDS

    def succeeded(self) -> None:
        if self.failing:
            with self.lock:
                self.failing = False
            logger.warning("Redis answers again")


_breakers: dict[tuple, Breaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(host: str, port: int) -> Breaker:
    """One breaker per server per process, shared by every pool and alias that uses it."""
    found = _breakers.get((host, port))
    if found is None:
        with _breakers_lock:
            found = _breakers.setdefault((host, port), Breaker())
    return found


class _Guarded:
    """Reports each network failure and each answer to the server's breaker."""

    def connect(self):
        try:
            super().connect()
        except (redis.ConnectionError, redis.TimeoutError) as error:
            breaker_for(self.host, self.port).failed(error, f"{self.host}:{self.port}")
            raise

    def read_response(self, *args, **kwargs):
        try:
            response = super().read_response(*args, **kwargs)
        except (redis.ConnectionError, redis.TimeoutError) as error:
            breaker_for(self.host, self.port).failed(error, f"{self.host}:{self.port}")
            raise
        breaker_for(self.host, self.port).succeeded()
        return response


class GuardedConnection(_Guarded, redis.Connection):
    pass


class GuardedSSLConnection(_Guarded, redis.SSLConnection):
    pass


GUARDED = {redis.Connection: GuardedConnection, redis.SSLConnection: GuardedSSLConnection}


class CircuitBreakerPool(redis.ConnectionPool):
    """django-redis's CONNECTION_POOL_CLASS: refuses at once while the breaker is open."""

    def __init__(self, connection_class=redis.Connection, **kwargs):
        super().__init__(connection_class=GUARDED.get(connection_class, connection_class),
                         **kwargs)  # fmt: skip
        self.server = (self.connection_kwargs.get("host", ""),
                       self.connection_kwargs.get("port", 6379))  # fmt: skip

    def get_connection(self, *args, **kwargs):
        if not breaker_for(*self.server).allows():
            host, port = self.server
            raise redis.ConnectionError(f"Redis at {host}:{port} failed lately; not trying yet")
        return super().get_connection(*args, **kwargs)
