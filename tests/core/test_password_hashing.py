"""The real password hasher (the rest of the suite uses MD5 for speed): Argon2id at or
above OWASP's floor, and PBKDF2 hashes upgraded at their owner's next sign-in."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from apps.core.hashers import Argon2idHasher
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_the_parameters_are_at_or_above_owasps_floor_for_argon2id():
    assert Argon2idHasher.memory_cost >= 19 * 1024  # KiB
    assert Argon2idHasher.time_cost >= 2
    assert Argon2idHasher.parallelism >= 1


def test_a_new_password_is_stored_as_argon2id(real_password_hashers):
    user = User.objects.create_user("dora", password=PASSWORD)
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=5,p=1$")
    assert user.check_password(PASSWORD)


def test_a_pbkdf2_hash_becomes_argon2id_at_the_next_sign_in(client, real_password_hashers):
    old_hash = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.create(username="olga", password=old_hash)
    response = client.post("/accounts/login/", {"username": "olga", "password": PASSWORD})
    assert response.status_code == 302
    upgraded = User.objects.get(username="olga").password
    assert upgraded.startswith("argon2$argon2id$")
    assert User.objects.get(username="olga").check_password(PASSWORD)


def test_a_wrong_password_does_not_upgrade_the_hash(client, real_password_hashers):
    old_hash = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User.objects.create(username="olga", password=old_hash)
    client.post("/accounts/login/", {"username": "olga", "password": "wrong"})
    assert User.objects.get(username="olga").password == old_hash
