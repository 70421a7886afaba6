"""Inside the LMS's iframe: LTI pages may be framed by the registered platforms and set
third-party cookies; every other page still refuses framing and keeps Lax cookies."""

import pytest
from django.urls import reverse

from tests.lti.conftest import launch_with
from tests.lti.platform import CLAIM, ISSUER

PAGE = {CLAIM + "custom": {"regimes_item": "page:comparison"}}


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part for part in policy.split(";") if "frame-ancestors" in part).strip()


def test_lti_pages_may_be_framed_by_registered_platforms_only(client, platform):
    response = client.get(reverse("lti:jwks"))
    assert frame_ancestors(response) == f"frame-ancestors 'self' {ISSUER}"
    assert "X-Frame-Options" not in response


def test_other_pages_still_deny_framing(client, platform):
    response = client.get(reverse("lessons:list"))
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_a_launch_sets_partitioned_third_party_cookies(client, platform):
    response = launch_with(
        client, platform, lambda n: platform.id_token(platform.claims(n, **PAGE))
    )
    assert response.status_code == 302
    for name in ("sessionid", "csrftoken"):
        if name in response.cookies:
            header = response.cookies[name].output()
            assert "SameSite=None; Partitioned" in header and "Secure" in header
    assert "sessionid" in response.cookies


def test_a_launched_session_frames_its_pages_for_its_platform_only(client, platform):
    launch_with(client, platform, lambda n: platform.id_token(platform.claims(n, **PAGE)))
    response = client.get(reverse("lessons:list"))
    assert frame_ancestors(response) == (
        f"frame-ancestors 'self' {ISSUER} https://school.example.edu"
    )
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize("name", ["sessionid", "csrftoken"])
def test_ordinary_sign_in_keeps_lax_cookies(client, django_user_model, name):
    django_user_model.objects.create_user("plain", password="a-long-password-1")
    response = client.post(reverse("login"), {"username": "plain", "password": "a-long-password-1"})
    if name in response.cookies:
        assert "Partitioned" not in response.cookies[name].output()
        assert response.cookies[name]["samesite"] == "Lax"
