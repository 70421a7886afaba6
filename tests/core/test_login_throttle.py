import pytest
from django.core.cache import cache

from apps.core import throttle
from tests.conftest import PASSWORD


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.django_db
def test_an_account_locks_after_repeated_failures_even_with_the_right_password(client, alice):
    for _ in range(throttle.ACCOUNT_LIMIT):
        assert attempt(client, "alice", "wrong").status_code == 200
    response = attempt(client, "alice", PASSWORD)
    assert response.status_code == 200
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lockout_ends(client, alice):
    for _ in range(throttle.ACCOUNT_LIMIT):
        attempt(client, "alice", "wrong")
    cache.clear()  # the lockout is a cache entry with a timeout; expiry is the cache's job
    assert attempt(client, "alice", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_one_address_trying_many_accounts_is_locked(client, alice, bob):
    for i in range(throttle.ADDRESS_LIMIT):
        attempt(client, f"user{i}", "wrong", address="10.9.9.9")
    response = attempt(client, "bob", PASSWORD, address="10.9.9.9")
    assert "Too many failed log-in attempts" in response.content.decode()
    assert attempt(client, "bob", PASSWORD, address="10.0.0.2").status_code == 302


@pytest.mark.django_db
def test_a_success_clears_the_account_counter(client, alice):
    for _ in range(throttle.ACCOUNT_LIMIT - 1):
        attempt(client, "alice", "wrong")
    assert attempt(client, "alice", PASSWORD).status_code == 302
    client.logout()
    assert attempt(client, "alice", "wrong").status_code == 200
    assert attempt(client, "alice", PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_session_is_rotated_at_login(client, alice):
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    assert client.session.session_key == before
    attempt(client, "alice", PASSWORD)
    assert client.session.session_key != before
    assert client.session["probe"] == 1  # rotated, not emptied
