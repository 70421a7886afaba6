import pytest
from django.urls import reverse

from apps.lti import launch, services
from tests.lti.platform import (
    AUTH_URL,
    CLIENT_ID,
    ISSUER,
    LAUNCH_URL,
    FakeAdapter,
    FakePlatform,
    state_and_nonce,
)


@pytest.fixture
def platform(db, monkeypatch):
    """A registered fake platform; every call the tool makes to it goes to its adapter."""
    fake = FakePlatform()

    def session():
        s = launch.PlatformSession()
        s.mount(ISSUER, FakeAdapter(fake))
        return s

    monkeypatch.setattr(launch, "platform_session", session)
    monkeypatch.setattr(services, "platform_session", session)
    fake.register()
    return fake


def begin_login(client) -> tuple[str, str]:
    """OIDC initiation as the platform sends it: (state, nonce) of the redirect."""
    response = client.get(
        reverse("lti:login"),
        {
            "iss": ISSUER,
            "login_hint": "student-42",
            "target_link_uri": LAUNCH_URL,
            "client_id": CLIENT_ID,
            "lti1p3_new_window": "1",
        },
    )
    assert response.status_code == 302, response.content
    assert response["Location"].startswith(AUTH_URL)
    return state_and_nonce(response["Location"])


def launch_with(client, platform, token_for, **kwargs):
    """Log in, then post the id_token `token_for(nonce)` returns, with the state."""
    state, nonce = begin_login(client)
    token = token_for(nonce)
    return client.post(reverse("lti:launch"), {"id_token": token, "state": state}, **kwargs)
