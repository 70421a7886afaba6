"""Redis faults: refused connections and a Redis that accepts and never answers. Pages
render, throttles keep counting (in the database), and the circuit breaker keeps a hung
Redis from costing every cache call a timeout."""

import socket
import threading

import pytest
from django.core.cache import caches
from django_redis import get_redis_connection

from apps.core import cache as breaker
from apps.core import throttle
from apps.core.models import ThrottleCount
from config.settings import redis_cache
from tests.conftest import IN_CI, PASSWORD

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class HungRedis:
    """Accepts connections and never answers; counts the connections it was offered."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.accepted.append(self.server.accept()[0])
            except OSError:
                return

    def close(self):
        self.server.close()
        for conn in self.accepted:
            conn.close()


@pytest.fixture
def hung_redis():
    hung = HungRedis()
    yield f"redis://127.0.0.1:{hung.port}/0", hung
    hung.close()


@pytest.fixture(autouse=True)
def fresh_breakers(monkeypatch):
    monkeypatch.setattr(breaker, "_breakers", {})


def redis_down_everywhere(settings, location):
    settings.CACHES = {
        "default": redis_cache(location, ignore_errors=True),
        "throttle": redis_cache(location, ignore_errors=False),
    }


@pytest.mark.parametrize("fault", ["closed port", "hung"])
def test_a_failing_redis_reads_as_misses_and_drops_writes(settings, hung_redis, fault):
    redis_down_everywhere(settings, CLOSED_PORT if fault == "closed port" else hung_redis[0])
    cache = caches["default"]
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) in (None, False)
    assert not cache.add("k", 1)
    assert cache.get_many(["a", "b"]) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["closed port", "hung"])
def test_pages_render_and_log_in_stays_throttled_when_redis_fails(
    client, alice, settings, hung_redis, fault
):
    redis_down_everywhere(settings, CLOSED_PORT if fault == "closed port" else hung_redis[0])
    assert client.get("/").status_code == 200
    assert client.get("/lessons/").status_code == 200
    for _ in range(throttle.PAIR_LIMIT):
        response = client.post("/accounts/login/", {"username": "alice", "password": "x"})
        assert response.status_code == 200
    locked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert "Too many failed log-in attempts" in locked.content.decode()
    assert ThrottleCount.objects.filter(events=throttle.PAIR_LIMIT).exists()


def test_a_hung_redis_is_waited_for_once_then_left_alone(settings, hung_redis, caplog):
    location, hung = hung_redis
    redis_down_everywhere(settings, location)
    cache = caches["default"]
    for i in range(50):
        cache.get(f"k{i}")
        cache.set(f"k{i}", i)
    assert len(hung.accepted) == 1  # one connection, one timeout; the breaker refused the rest
    assert "not trying it again" in caplog.text


def test_after_a_while_one_caller_tries_redis_again(settings, hung_redis, monkeypatch):
    location, hung = hung_redis
    redis_down_everywhere(settings, location)
    cache = caches["default"]
    cache.get("k")
    later = breaker.monotonic() + breaker.RETRY_SECONDS + 1
    monkeypatch.setattr(breaker, "monotonic", lambda: later)
    for _ in range(10):
        cache.get("k")
    assert len(hung.accepted) == 2  # one trial, then refused again until the next while


@pytest.fixture
def live_redis(settings):
    settings.CACHES = {
        "default": redis_cache("redis://127.0.0.1:6379/9", ignore_errors=True),
        "throttle": redis_cache("redis://127.0.0.1:6379/10", ignore_errors=False),
    }
    cache = caches["default"]
    if not cache.add("probe", 1, 5) and not IN_CI:
        pytest.skip("no Redis at 127.0.0.1:6379 (CI requires it)")
    yield cache
    cache.clear()
    caches["throttle"].clear()


def test_a_live_redis_is_used_through_one_reused_client(live_redis):
    assert live_redis.get("probe") == 1
    # The page cache calls Redis on every version check: no client is built per call.
    assert get_redis_connection("default") is get_redis_connection("default")


@pytest.mark.django_db
def test_with_a_live_redis_the_throttle_counts_there(client, alice, live_redis):
    for _ in range(throttle.PAIR_LIMIT):
        client.post("/accounts/login/", {"username": "alice", "password": "x"})
    assert not ThrottleCount.objects.exists()
    locked = client.post("/accounts/login/", {"username": "alice", "password": PASSWORD})
    assert "Too many failed log-in attempts" in locked.content.decode()
