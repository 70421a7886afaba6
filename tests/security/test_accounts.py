"""Accounts (beyond tests/core/test_accounts.py and test_login_throttle.py): throttling
that ends and cannot be dodged, both log-in doors throttled, sessions rotated at log-in
and destroyed at log-out, Django's password validators on every way to set a password,
and roles that only a superuser can grant."""

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.backends.db import SessionStore
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from apps.core import forms, throttle
from apps.core.roles import CURATED_APPS, Action, may
from tests.conftest import PASSWORD
from tests.security.forms import form_data

pytestmark = pytest.mark.django_db
LOCKED = "Too many failed log-in attempts"


def log_in(client, username, password, path="/accounts/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


# --------------------------------------------------------------------------------------
# Throttling (the rules themselves: tests/core/test_login_throttle.py)


def test_the_lockout_says_so_plainly_and_for_how_long(client, alice):
    for _ in range(throttle.PAIR_LIMIT):
        log_in(client, "alice", "wrong")
    html = log_in(client, "alice", PASSWORD).content.decode()
    assert LOCKED in html
    assert f"{throttle.LOCKOUT_SECONDS // 60} minutes" in html
    assert 'role="alert"' in html


def test_the_lockout_ends_when_its_time_is_up(client, alice, clock):
    for _ in range(throttle.PAIR_LIMIT):
        log_in(client, "alice", "wrong")
    clock.advance(throttle.LOCKOUT_SECONDS - 5)
    assert LOCKED in log_in(client, "alice", PASSWORD).content.decode()
    clock.advance(6)
    assert log_in(client, "alice", PASSWORD).status_code == 302


def test_a_made_up_x_forwarded_for_does_not_dodge_the_lock(client, bob):
    for i in range(throttle.PAIR_LIMIT):
        log_in(client, "bob", "wrong", REMOTE_ADDR="10.6.6.6", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    response = log_in(
        client, "bob", PASSWORD, REMOTE_ADDR="10.6.6.6", HTTP_X_FORWARDED_FOR="192.0.2.99"
    )
    assert LOCKED in response.content.decode()


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(client, bob, settings):
    settings.BEHIND_PROXY = True
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for i in range(throttle.PAIR_LIMIT):
        # The client makes up the first hop; our proxy appends the address it saw.
        log_in(client, "bob", "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}, 203.0.113.7", **proxy)
    locked = log_in(client, "bob", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert LOCKED in locked.content.decode()
    other = log_in(client, "bob", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8", **proxy)
    assert other.status_code == 302


def test_the_admin_log_in_is_throttled_with_the_same_counters(client, carol):
    for _ in range(3):
        log_in(client, "carol", "wrong")
    for _ in range(throttle.PAIR_LIMIT - 3):
        assert log_in(client, "carol", "wrong", "/admin/login/").status_code == 200
    response = log_in(client, "carol", PASSWORD, "/admin/login/")
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_admin_log_in_still_refuses_non_staff(client, alice):
    response = log_in(client, "alice", PASSWORD, "/admin/login/")
    assert response.status_code == 200
    assert "staff account" in response.content.decode()


def sign_up(client, username, email="new@example.com", **extra):
    return client.post("/accounts/signup/", {
        "username": username, "email": email,
        "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase",
    }, **extra)  # fmt: skip


def test_sign_up_does_not_reveal_that_an_email_is_registered(client, alice):
    taken = sign_up(client, "alice2", email="ALICE@example.com")
    client.post("/accounts/logout/")
    free = sign_up(client, "zelda", email="zelda@example.com")
    assert taken.status_code == free.status_code == 302
    assert User.objects.filter(email="alice@example.com").count() == 2


def test_sign_up_is_throttled_per_address(client, clock):
    for i in range(forms.SIGNUPS.limit):
        forms.SIGNUPS.record("10.4.4.4")
    response = sign_up(client, "late", REMOTE_ADDR="10.4.4.4")
    assert "Too many accounts were created from your network" in response.content.decode()
    assert not User.objects.filter(username="late").exists()
    assert sign_up(client, "elsewhere", REMOTE_ADDR="10.4.4.5").status_code == 302
    clock.advance(forms.SIGNUPS.seconds)
    client.post("/accounts/logout/")
    assert sign_up(client, "late", REMOTE_ADDR="10.4.4.4").status_code == 302


def ask_reset(client, email, **extra):
    return client.post("/accounts/password_reset/", {"email": email}, **extra)


def test_a_reset_answers_alike_for_registered_and_unknown_addresses(client, alice, mailoutbox):
    registered = ask_reset(client, "alice@example.com")
    unknown = ask_reset(client, "nobody@example.com")
    assert registered.status_code == unknown.status_code == 302
    assert registered["Location"] == unknown["Location"]
    assert len(mailoutbox) == 1


def test_resets_are_throttled_per_email_whether_registered_or_not(client, alice, mailoutbox):
    for email in ("alice@example.com", "nobody@example.com"):
        answers = [ask_reset(client, email) for _ in range(forms.RESETS_PER_EMAIL.limit + 1)]
        assert [a.status_code for a in answers] == [302] * forms.RESETS_PER_EMAIL.limit + [200]
        assert "Too many reset requests" in answers[-1].content.decode()
    assert len(mailoutbox) == forms.RESETS_PER_EMAIL.limit


def test_resets_are_throttled_per_address(client, mailoutbox):
    for i in range(forms.RESETS_PER_ADDRESS.limit):
        ask_reset(client, f"someone{i}@example.com", REMOTE_ADDR="10.5.5.5")
    refused = ask_reset(client, "fresh@example.com", REMOTE_ADDR="10.5.5.5")
    assert "Too many reset requests" in refused.content.decode()
    assert ask_reset(client, "fresh@example.com", REMOTE_ADDR="10.5.5.6").status_code == 302


# --------------------------------------------------------------------------------------
# Sessions


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/"])
def test_a_session_key_from_before_log_in_is_dead_after_it(client, carol, path):
    client.get(path)
    session = client.session
    session["probe"] = "x"
    session.save()
    before = session.session_key
    assert log_in(client, "carol", PASSWORD, path).status_code == 302
    after = client.session.session_key
    assert after != before
    assert not SessionStore().exists(before)  # fixation: the old key signs nobody in


def test_log_out_destroys_the_session_on_the_server(client, alice):
    assert log_in(client, "alice", PASSWORD).status_code == 302
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not SessionStore().exists(key)
    assert client.get("/quizzes/attempts/1/").status_code == 302  # signed out


# --------------------------------------------------------------------------------------
# Passwords: Django's validators wherever a password is chosen

WEAK = {
    "short": "x7!kq",  # too short
    "common": "password",  # too common
    "numeric": "80427315",  # entirely numeric
    "like the username": "dorothea-gale",  # too similar to the username
}


@pytest.mark.parametrize("weak", list(WEAK))
def test_sign_up_applies_every_password_validator(client, weak):
    password = WEAK[weak]
    response = client.post("/accounts/signup/", {
        "username": "dorothea-gale", "email": "dg@example.com",
        "password1": password, "password2": password,
    })  # fmt: skip
    assert response.status_code == 200
    assert not User.objects.filter(username="dorothea-gale").exists()


@pytest.mark.parametrize("weak", ["short", "common", "numeric"])
def test_changing_a_password_applies_the_validators(client, alice, weak):
    client.force_login(alice)
    response = client.post("/accounts/password_change/", {
        "old_password": PASSWORD, "new_password1": WEAK[weak], "new_password2": WEAK[weak],
    })  # fmt: skip
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


@pytest.mark.parametrize("weak", ["short", "common", "numeric"])
def test_a_password_reset_applies_the_validators(client, alice, weak):
    uid = urlsafe_base64_encode(force_bytes(alice.pk))
    token = default_token_generator.make_token(alice)
    form_url = client.get(f"/accounts/reset/{uid}/{token}/")["Location"]
    response = client.post(form_url, {"new_password1": WEAK[weak], "new_password2": WEAK[weak]})
    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_superuser_creating_an_account_in_the_admin_gets_the_validators(client, root):
    client.force_login(root)
    response = client.post("/admin/auth/user/add/", {
        "username": "newbie", "usable_password": "true",
        "password1": "password", "password2": "password",
    })  # fmt: skip
    assert response.status_code == 200
    assert not User.objects.filter(username="newbie").exists()


# --------------------------------------------------------------------------------------
# Roles: only a superuser grants them


def test_curators_hold_no_permission_outside_the_content(carol):
    group = Group.objects.get(name="Curator")
    apps = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert apps <= {*CURATED_APPS, "core"}
    for perm in ("auth.change_user", "auth.add_user", "auth.change_group", "auth.view_user"):
        assert not carol.has_perm(perm)


def test_a_curator_cannot_change_users_or_groups_in_the_admin(client, carol, alice):
    client.force_login(carol)
    instructor = Group.objects.get(name="Instructor")
    for url in ("/admin/auth/user/", f"/admin/auth/user/{alice.pk}/change/",
                f"/admin/auth/user/{carol.pk}/change/", "/admin/auth/group/",
                f"/admin/auth/group/{instructor.pk}/change/", "/admin/auth/user/add/"):  # fmt: skip
        assert client.get(url).status_code == 403, url
    response = client.post(f"/admin/auth/user/{carol.pk}/change/", {
        "username": "carol", "is_superuser": "on", "is_staff": "on", "is_active": "on",
        "groups": [instructor.pk],
    })  # fmt: skip
    assert response.status_code == 403
    carol.refresh_from_db()
    assert not carol.is_superuser and not may(carol, Action.TEACH)


def test_instructors_and_students_cannot_reach_the_user_admin(client, ingrid, alice):
    for user in (ingrid, alice):
        client.force_login(user)
        assert client.get("/admin/auth/user/")["Location"].startswith("/admin/login/")


def test_signing_up_cannot_ask_for_a_role(client):
    instructor = Group.objects.get(name="Instructor")
    client.post("/accounts/signup/", {
        "username": "mallory", "email": "m@example.com",
        "password1": "a-long-unusual-passphrase", "password2": "a-long-unusual-passphrase",
        "groups": [instructor.pk], "is_staff": "on", "is_superuser": "on",
    })  # fmt: skip
    mallory = User.objects.get(username="mallory")
    assert not mallory.is_staff and not mallory.is_superuser
    assert list(mallory.groups.values_list("name", flat=True)) == ["Student"]


@pytest.mark.parametrize("role", ["Instructor", "Curator"])
def test_a_superuser_grants_a_role_in_the_admin_and_it_works(client, root, alice, role):
    client.force_login(root)
    url = f"/admin/auth/user/{alice.pk}/change/"
    data = form_data(client.get(url).content.decode(), "user_form")
    data["groups"] = [*data.get("groups", []), str(Group.objects.get(name=role).pk)]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    alice = User.objects.get(pk=alice.pk)
    action = Action.TEACH if role == "Instructor" else Action.CURATE
    assert may(alice, action)
    client.force_login(alice)
    if role == "Curator":
        assert client.get("/admin/lessons/lesson/").status_code == 200
    else:
        assert client.get("/teach/").status_code == 200
