"""The LTI pages pass the same markup checks as every other page (tests/accessibility)."""

import pytest
from django.urls import reverse

from apps.lti.models import Course
from tests.accessibility.test_markup import problems_on
from tests.lti.conftest import launch_with
from tests.lti.platform import CLAIM, INSTRUCTOR, ISSUER


@pytest.mark.django_db(transaction=True)
def test_every_lti_page_passes_the_markup_checks(client, platform):
    pages = {
        "cookie check": client.get(
            reverse("lti:login"),
            {"iss": ISSUER, "login_hint": "x", "target_link_uri": "http://testserver/lti/launch/"},
        ),
        "refused": client.post(reverse("lti:launch")),
    }
    launch_with(
        client,
        platform,
        lambda n: platform.id_token(
            platform.claims(
                n, "LtiDeepLinkingRequest", sub="t-1", **{CLAIM + "roles": [INSTRUCTOR]}
            )
        ),
    )
    pages["picker"] = client.get(reverse("lti:pick"))
    pages["picker with an error"] = client.post(reverse("lti:pick"), {})
    pages["answer to the platform"] = client.post(reverse("lti:pick"), {"pages": ["page:lab"]})
    pages["course"] = client.get(reverse("lti:course", args=[Course.objects.get().pk]))
    found = [
        f"{name}: {problem}"
        for name, response in pages.items()
        for problem in problems_on(response.content.decode(), is_admin=False)
    ]
    assert found == []
    assert "Choose at least one page" in pages["picker with an error"].content.decode()
    for response in pages.values():
        assert "<script>" not in response.content.decode()
