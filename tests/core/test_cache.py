import pytest
from django.core.cache import caches
from django.test import override_settings

from tests.conftest import IN_CI

DOWN = {
    "default": {
        "BACKEND": "apps.core.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_a_dead_redis_reads_as_misses_and_drops_writes():
    with override_settings(CACHES=DOWN):
        cache = caches.create_connection("default")
        assert cache.get("k", "fallback") == "fallback"
        assert cache.set("k", 1) is None
        assert cache.add("k", 1) is False
        assert cache.get_many(["a", "b"]) == {}
        with pytest.raises(ValueError):
            cache.incr("k")


@pytest.mark.django_db
def test_pages_still_render_when_redis_is_down(client, alice):
    with override_settings(CACHES=DOWN):  # Django swaps the cache handlers for us
        assert client.get("/").status_code == 200
        response = client.post("/accounts/login/", {"username": "alice", "password": "x"})
        assert response.status_code == 200


def test_a_live_redis_is_used_when_reachable():
    live = {"default": {**DOWN["default"], "LOCATION": "redis://127.0.0.1:6379/15"}}
    with override_settings(CACHES=live):
        cache = caches.create_connection("default")
        if not cache.add("probe", 1, 5) and not IN_CI:
            pytest.skip("no Redis at 127.0.0.1:6379 (CI requires it)")
        assert cache.get("probe") == 1
        cache.delete("probe")
