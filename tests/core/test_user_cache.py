"""A signed-in request reads its user and their permissions from the cache (no query),
and every change that could alter either is seen on the very next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.core.roles import Role, grant_role

pytestmark = pytest.mark.django_db

TEACHING = "/teach/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def auth_queries(client: Client, path: str = "/quizzes/") -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in queries if "auth_" in q["sql"]]


def test_the_user_and_permissions_come_from_the_cache_after_the_first_request(alice):
    client = signed_in(alice)
    assert auth_queries(client)  # the first request reads them
    assert auth_queries(client) == []  # then neither the user nor a permission is queried


def test_a_password_change_elsewhere_signs_the_old_session_out(alice):
    client = signed_in(alice)
    client.get("/quizzes/")  # the user is now cached with the old password hash
    alice.set_password("a-whole-new-passphrase")
    alice.save()
    assert client.get("/quizzes/attempts/1/").status_code == 302  # to the log-in page
    assert "_auth_user_id" not in client.session


def test_deactivating_an_account_signs_it_out_at_once(alice):
    client = signed_in(alice)
    client.get("/quizzes/")
    alice.is_active = False
    alice.save()
    assert client.get(TEACHING).status_code == 302  # treated as signed out


def test_a_role_granted_is_seen_on_the_next_request(alice):
    client = signed_in(alice)
    assert client.get(TEACHING).status_code == 403
    grant_role(alice, Role.INSTRUCTOR)
    assert client.get(TEACHING).status_code == 200


def test_a_role_taken_away_from_the_group_side_is_seen_on_the_next_request(ingrid):
    client = signed_in(ingrid)
    assert client.get(TEACHING).status_code == 200
    Group.objects.get(name=Role.INSTRUCTOR.value).user_set.remove(ingrid)
    assert client.get(TEACHING).status_code == 403


def test_a_permission_taken_from_a_group_reaches_every_cached_member(ingrid, ivan):
    clients = [signed_in(ingrid), signed_in(ivan)]
    assert [c.get(TEACHING).status_code for c in clients] == [200, 200]
    group = Group.objects.get(name=Role.INSTRUCTOR.value)
    group.permissions.remove(Permission.objects.get(codename="teach"))
    assert [c.get(TEACHING).status_code for c in clients] == [403, 403]


def test_logging_out_ends_the_session_even_with_the_user_cached(alice):
    client = signed_in(alice)
    client.get("/quizzes/")
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert replay.get(TEACHING).status_code == 302
