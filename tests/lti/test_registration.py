"""Registering platforms, the tool's key set, key rotation, and no private key on a page."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from lti_tool.models import Key, LtiDeployment, LtiRegistration

from tests.lti.platform import AUTH_URL, CLIENT_ID, ISSUER, KEYSET_URL, TOKEN_URL


def add(*deployments, **changes):
    options = dict(
        issuer=ISSUER, client_id=CLIENT_ID, auth_login_url=AUTH_URL, auth_token_url=TOKEN_URL,
        keyset_url=KEYSET_URL, deployment_id=list(deployments),
    )  # fmt: skip
    out = io.StringIO()
    call_command("lti_add_platform", stdout=out, **{**options, **changes})
    return out.getvalue()


def test_adding_a_platform_twice_adds_deployments_and_one_key(db):
    add("d-1")
    add("d-2")
    assert LtiRegistration.objects.count() == 1
    assert set(LtiDeployment.objects.active().values_list("deployment_id", flat=True)) == {
        "d-1", "d-2"
    }  # fmt: skip
    assert Key.objects.count() == 1


def test_a_bad_url_is_named(db):
    with pytest.raises(CommandError, match="--keyset-url"):
        add("d-1", keyset_url="not a url")


def test_rotation_keeps_the_old_public_key_until_it_is_retired(client, db):
    add("d-1")
    old = Key.objects.get()
    out = io.StringIO()
    call_command("lti_rotate_keys", stdout=out)
    kids = [key["kid"] for key in client.get(reverse("lti:jwks")).json()["keys"]]
    assert len(kids) == 2 and str(old) in kids
    assert "PRIVATE" not in out.getvalue()
    call_command("lti_rotate_keys", retire_after=0, stdout=out)
    assert len(client.get(reverse("lti:jwks")).json()["keys"]) == 1


def test_the_key_set_and_the_admin_never_show_a_private_key(admin_client, db):
    add("d-1")
    registration = LtiRegistration.objects.get()
    registration.private_key = Key.objects.get().private_key
    registration.save()
    pages = [
        admin_client.get(reverse("lti:jwks")),
        admin_client.get(reverse("admin:lti_tool_ltiregistration_change", args=[registration.pk])),
        admin_client.get(reverse("admin:lti_tool_ltiregistration_changelist")),
    ]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        assert "PRIVATE KEY" not in text and '"d"' not in text
