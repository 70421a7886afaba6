"""The log-in throttle: a guesser can lock an account only from their own address, an
account guessed from many addresses is slowed, an address has a lecture-hall ceiling."""

import logging

import pytest

from apps.core import throttle
from apps.core.models import ThrottleCount
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
LOCKED = "Too many failed log-in attempts"
SLOWED = "each try must wait"


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def signed_in(response) -> bool:
    return response.status_code == 302


def test_wrong_passwords_lock_the_account_from_that_address_even_with_the_right_one(client, alice):
    for _ in range(throttle.PAIR_LIMIT):
        assert not signed_in(attempt(client, "alice", "wrong"))
    response = attempt(client, "alice", PASSWORD)
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_from_one_address_do_not_stop_the_owner_elsewhere(client, alice):
    for _ in range(throttle.PAIR_LIMIT):
        attempt(client, "alice", "wrong", address="10.6.6.6")
    assert signed_in(attempt(client, "alice", PASSWORD, address="10.0.0.2"))


def test_a_hostile_address_failing_on_made_up_names_does_not_stop_a_real_user_there(client, bob):
    for i in range(20):
        attempt(client, f"made-up-{i}", "wrong", address="10.9.9.9")
    assert signed_in(attempt(client, "bob", PASSWORD, address="10.9.9.9"))


def test_case_and_spaces_do_not_make_a_fresh_counter(client, alice):
    for name in ("alice", "ALICE", " Alice", "alice ", "aLiCe"):
        attempt(client, name, "wrong")
    assert LOCKED in attempt(client, "alice", PASSWORD).content.decode()


def test_the_lock_says_how_long_and_ends_when_its_time_is_up(client, alice, clock):
    for _ in range(throttle.PAIR_LIMIT):
        attempt(client, "alice", "wrong")
    assert "Try again in 15 minutes" in attempt(client, "alice", PASSWORD).content.decode()
    clock.advance(throttle.LOCKOUT_SECONDS - 5)
    assert LOCKED in attempt(client, "alice", PASSWORD).content.decode()
    clock.advance(6)
    assert signed_in(attempt(client, "alice", PASSWORD))


def test_the_lock_message_does_not_send_people_to_a_reset(client, alice):
    for _ in range(throttle.PAIR_LIMIT):
        attempt(client, "alice", "wrong")
    message = attempt(client, "alice", PASSWORD).context["form"].non_field_errors()[0]
    assert "reset" not in message


def test_an_account_guessed_from_many_addresses_is_slowed_never_locked(client, alice, clock):
    for i in range(throttle.ACCOUNT_SLOW_AFTER):
        attempt(client, "alice", "wrong", address=f"192.0.2.{i}")
    waits = []
    for _ in range(4):
        response = attempt(client, "alice", PASSWORD, address="10.0.0.2")
        assert SLOWED in response.content.decode()
        waits.append(throttle.LOGIN_ACCOUNT.wait("alice"))
        clock.advance(waits[-1])
        attempt(client, "alice", "wrong", address="192.0.2.200")  # the guessing goes on
    assert waits == [1, 2, 4, 8]  # growing
    clock.advance(throttle.ACCOUNT_MAX_WAIT)  # never longer than the cap
    assert signed_in(attempt(client, "alice", PASSWORD, address="10.0.0.2"))


def test_one_address_has_a_ceiling_above_a_lecture_hall(client, bob, caplog):
    for i in range(throttle.ADDRESS_LIMIT - 1):
        throttle.login_failed(f"student-{i}", "10.7.7.7")
    assert signed_in(attempt(client, "bob", PASSWORD, address="10.7.7.7"))
    client.logout()
    with caplog.at_level(logging.WARNING, logger="apps.core.throttle"):
        throttle.login_failed("one-more", "10.7.7.7")
    assert "DJANGO_BEHIND_PROXY" in caplog.text
    assert LOCKED in attempt(client, "bob", PASSWORD, address="10.7.7.7").content.decode()
    assert signed_in(attempt(client, "bob", PASSWORD, address="10.7.7.8"))


def test_a_success_forgives_its_own_mistakes_everywhere_they_counted(client, alice):
    for _ in range(throttle.PAIR_LIMIT - 1):
        attempt(client, "alice", "wrong")
    assert throttle.LOGIN_ADDRESS.tally("10.0.0.1").events == throttle.PAIR_LIMIT - 1
    assert signed_in(attempt(client, "alice", PASSWORD))
    assert throttle.LOGIN_ADDRESS.tally("10.0.0.1").events == 0
    assert throttle.LOGIN_ACCOUNT.tally("alice").events == 0
    client.logout()
    for _ in range(throttle.PAIR_LIMIT - 1):
        attempt(client, "alice", "wrong")
    assert signed_in(attempt(client, "alice", PASSWORD))


def test_a_success_does_not_forgive_someone_elses_guesses(client, alice):
    for i in range(3):
        attempt(client, "alice", "wrong", address=f"192.0.2.{i}")
    assert signed_in(attempt(client, "alice", PASSWORD, address="10.0.0.2"))
    assert throttle.LOGIN_ACCOUNT.tally("alice").events == 3


THROTTLE_CACHE_DOWN = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    "OPTIONS": {
        "SOCKET_CONNECT_TIMEOUT": 0.2,
        "CONNECTION_POOL_CLASS": "apps.core.cache.CircuitBreakerPool",
    },
}


def test_without_its_cache_the_throttle_counts_in_the_database_and_says_so(
    client, alice, settings, caplog, monkeypatch
):
    monkeypatch.setattr(throttle, "_warned_at", float("-inf"))
    settings.CACHES = {**settings.CACHES, "throttle": THROTTLE_CACHE_DOWN}
    with caplog.at_level(logging.WARNING, logger="apps.core.throttle"):
        for _ in range(throttle.PAIR_LIMIT):
            attempt(client, "alice", "wrong")
    assert "counting in the database" in caplog.text
    assert ThrottleCount.objects.filter(key__startswith="login-fail:pair:").get().events == 5
    assert LOCKED in attempt(client, "alice", PASSWORD).content.decode()
    assert signed_in(attempt(client, "alice", PASSWORD, address="10.0.0.2"))


def test_expired_database_counters_are_deleted_as_others_are_written(clock, settings):
    settings.CACHES = {**settings.CACHES, "throttle": THROTTLE_CACHE_DOWN}
    throttle.login_failed("someone", "10.0.0.9")
    assert ThrottleCount.objects.count() == 3
    clock.advance(throttle.LOCKOUT_SECONDS + 1)
    throttle.login_failed("someone-else", "10.0.0.8")
    assert ThrottleCount.objects.count() == 3


def test_the_session_is_rotated_at_login(client, alice):
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    assert client.session.session_key == before
    attempt(client, "alice", PASSWORD)
    assert client.session.session_key != before
    assert client.session["probe"] == 1  # rotated, not emptied
