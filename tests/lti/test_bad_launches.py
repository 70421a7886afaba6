"""Refused launches, after the 1EdTech certification's invalid-launch cases: each gets a
4xx page saying what was wrong, and nothing is created (no account, course, class, role,
deployment or used nonce)."""

import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from lti_tool.models import LtiContext, LtiDeployment, LtiUser

from apps.classes.models import Class
from apps.lti.models import Course, CourseRole, UsedNonce
from tests.lti.conftest import begin_login, launch_with
from tests.lti.platform import CLAIM, new_key

PAGE = {CLAIM + "custom": {"regimes_item": "page:comparison"}}


def nothing_created():
    return (
        User.objects.count(),
        LtiUser.objects.count(),
        LtiContext.objects.count(),
        LtiDeployment.objects.count(),
        Course.objects.count(),
        Class.objects.count(),
        CourseRole.objects.count(),
        UsedNonce.objects.count(),
    ) == (0, 0, 0, 1, 0, 0, 0, 0)


def refused(response, words: str):
    assert 400 <= response.status_code < 500, response.status_code
    page = response.content.decode()
    assert words in page, page
    assert nothing_created()


def good_claims(platform, nonce, **overrides):
    return platform.claims(nonce, **{**PAGE, **overrides})


def test_a_good_launch_passes_and_the_checks_below_are_not_vacuous(client, platform):
    response = launch_with(client, platform, lambda n: platform.id_token(good_claims(platform, n)))
    assert response.status_code == 302
    assert not nothing_created()


@pytest.mark.parametrize(
    ("make_token", "reason"),
    [
        (lambda p, n: p.id_token(good_claims(p, n), headers={}), "names no signing key"),
        (lambda p, n: p.id_token(good_claims(p, n), kid="nobody"), "no key with kid"),
        (lambda p, n: p.id_token(good_claims(p, n), key=new_key()), "signature does not match"),
        (lambda p, n: p.id_token(good_claims(p, n, exp=int(time.time()) - 600,
                                             iat=int(time.time()) - 900)), "expired"),
        (lambda p, n: p.id_token(good_claims(p, n, iat=int(time.time()) + 600,
                                             exp=int(time.time()) + 900)), "future"),
        (lambda p, n: p.id_token(good_claims(p, n, aud="someone-else")), "Registration not found"),
        (lambda p, n: p.id_token(good_claims(p, n, aud=["regimes-tool", "other"])), "azp"),
        (lambda p, n: p.id_token(good_claims(p, n, azp="other")), "azp"),
        (lambda p, n: p.id_token(good_claims(p, n, **{CLAIM + "deployment_id": "unknown"})),
         "Unable to find deployment"),
        (lambda p, n: p.id_token(good_claims(p, n, **{CLAIM + "version": "1.1"})),
         "Incorrect version"),
        (lambda p, n: p.id_token(good_claims(p, n, sub=None)), "lacks the “sub” claim"),
        (lambda p, n: p.id_token(good_claims(p, n, **{CLAIM + "roles": None})), "Roles"),
        (lambda p, n: p.id_token(good_claims(p, n, **{CLAIM + "resource_link": None})),
         "Resource Link"),
        (lambda p, n: p.id_token(good_claims(p, n, **{CLAIM + "context": None})),
         "no course context"),
        (lambda p, n: p.id_token(good_claims(p, n, **{CLAIM + "message_type": "LtiMadeUp"})),
         "does not handle “LtiMadeUp”"),
        (lambda p, n: p.id_token(good_claims(p, n, **{CLAIM + "message_type": "LtiSubmissionReviewRequest"})),
         "does not handle"),
        (lambda p, n: p.id_token(good_claims(p, "not-the-issued-nonce")), "Invalid Nonce"),
        (lambda p, n: p.id_token(good_claims(p, n, **{CLAIM + "custom": {"regimes_item": "quiz:none"}})),
         "names no published page"),
    ],
    ids=[
        "missing-kid", "unknown-kid", "wrong-signature", "expired", "iat-in-future", "wrong-aud",
        "many-aud-no-azp", "wrong-azp", "unknown-deployment", "wrong-version", "missing-sub",
        "missing-roles", "missing-resource-link", "missing-context", "unknown-message-type",
        "unsupported-message-type", "nonce-not-issued", "unknown-item",
    ],
)  # fmt: skip
def test_a_bad_launch_is_refused_and_creates_nothing(client, platform, make_token, reason):
    response = launch_with(client, platform, lambda nonce: make_token(platform, nonce))
    refused(response, reason)


def test_an_unknown_deployment_creates_no_deployment_record(client, platform):
    launch_with(
        client,
        platform,
        lambda n: platform.id_token(good_claims(platform, n, **{CLAIM + "deployment_id": "x"})),
    )
    assert list(LtiDeployment.objects.values_list("deployment_id", flat=True)) == ["deployment-1"]


def test_an_inactive_deployment_is_refused(client, platform):
    LtiDeployment.objects.update(is_active=False)
    response = launch_with(client, platform, lambda n: platform.id_token(good_claims(platform, n)))
    assert response.status_code == 403
    assert "Unable to find deployment" in response.content.decode()


def test_a_replayed_launch_is_refused(client, platform):
    state, nonce = begin_login(client)
    data = {"id_token": platform.id_token(good_claims(platform, nonce)), "state": state}
    assert client.post(reverse("lti:launch"), data).status_code == 302
    counts = (User.objects.count(), CourseRole.objects.count(), UsedNonce.objects.count())
    replay = client.post(reverse("lti:launch"), data)
    assert replay.status_code == 403
    assert "already used" in replay.content.decode()
    assert (User.objects.count(), CourseRole.objects.count(), UsedNonce.objects.count()) == counts


def test_a_launch_without_state_or_token_is_a_clear_400_not_a_500(client, platform):
    for data in ({}, {"state": "x"}, {"state": "x", "id_token": "not.a.jwt"}):
        response = client.post(reverse("lti:launch"), data)
        assert response.status_code == 403
        assert "refused" in response.content.decode()
    assert nothing_created()


def test_a_rotated_platform_key_is_fetched_again(client, platform):
    launch_with(client, platform, lambda n: platform.id_token(good_claims(platform, n)))
    assert platform.keyset_fetches == 1
    platform.key, platform.kid = new_key(), "platform-key-2"
    platform.published_keys.append((platform.key, platform.kid))
    other = client.__class__()
    response = launch_with(
        other, platform, lambda n: platform.id_token(good_claims(platform, n, sub="s-2"))
    )
    assert response.status_code == 302
    assert platform.keyset_fetches == 2
