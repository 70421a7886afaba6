import pytest
from django.contrib.auth.models import User


@pytest.mark.django_db
def test_sign_up_creates_a_signed_in_student(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "dora",
            "email": "dora@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    dora = User.objects.get(username="dora")
    assert dora.groups.filter(name="Student").exists()
    assert client.get("/").context["user"] == dora


@pytest.mark.django_db
def test_sign_up_rejects_a_weak_password_with_a_reason(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "eve", "email": "eve@example.com", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert "too short" in response.content.decode()
    assert not User.objects.filter(username="eve").exists()


@pytest.mark.django_db
def test_an_email_may_serve_two_accounts_and_is_stored_in_lower_case(client, alice):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "alice2",
            "email": "ALICE@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="alice2").email == "alice@example.com"


@pytest.mark.django_db
def test_log_out_is_a_post_and_flushes_the_session(client, alice):
    client.force_login(alice)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


@pytest.mark.django_db
def test_password_reset_sends_an_email(client, alice, mailoutbox):
    client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


@pytest.mark.django_db
def test_password_change_needs_the_old_password(client, alice):
    client.force_login(alice)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": "wrong",
            "new_password1": "x-new-passphrase-9",
            "new_password2": "x-new-passphrase-9",
        },
    )
    assert response.status_code == 200
    assert "incorrectly" in response.content.decode()
