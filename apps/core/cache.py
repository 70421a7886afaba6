"""A Redis cache that degrades to "no cache" when Redis is unreachable.

A page must still render when Redis is down: reads miss, writes are dropped, and the
failure is logged once a minute instead of becoming a 500.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)
_last_warning = 0.0


def _warn(error: Exception) -> None:
    global _last_warning
    if time.monotonic() - _last_warning > 60:
        _last_warning = time.monotonic()
        logger.warning("Redis unavailable, serving without cache: %s", error)


def _resilient(method_name: str, fallback):
    def method(self, *args, **kwargs):
        try:
            return getattr(RedisCache, method_name)(self, *args, **kwargs)
        except Exception as error:  # noqa: BLE001 - any client failure means "no cache"
            if method_name in ("incr", "decr") and isinstance(error, ValueError):
                raise
            _warn(error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    method.__name__ = method_name
    return method


def _default(key, default=None, version=None):
    return default


def _missing_counter(*args, **kwargs):
    # Callers of incr() treat ValueError as "no such key" and set it afresh.
    raise ValueError("cache unavailable")


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django builds a new redis.Redis per call, which costs more than the round trip
    (about 0.2 ms, mostly registering response callbacks); one per pool is thread-safe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _resilient("get", _default)
    set = _resilient("set", None)
    add = _resilient("add", False)
    touch = _resilient("touch", False)
    delete = _resilient("delete", False)
    get_many = _resilient("get_many", {})
    set_many = _resilient("set_many", [])
    delete_many = _resilient("delete_many", None)
    has_key = _resilient("has_key", False)
    incr = _resilient("incr", _missing_counter)
    clear = _resilient("clear", None)
