"""Password reset by email, through a real SMTP server on loopback (aiosmtpd), and the
plain answer when no mailer is configured."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured

from config.settings import mailer_from_url

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a-brand-new-passphrase-42"


def test_a_reset_mail_travels_over_smtp_and_its_link_sets_a_new_password(
    client, alice, smtp_server
):
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response["Location"] == "/accounts/password_reset/done/"
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["alice@example.com"]
    body = message.get_payload(decode=True).decode()
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", body).group(1)

    form_url = client.get(link)["Location"]  # Django swaps the token into the session
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/reset/done/"
    credentials = {"username": "alice", "password": NEW_PASSWORD}
    assert client.post("/accounts/login/", credentials).status_code == 302
    assert client.get(link).status_code == 200  # used once, the link is dead
    assert "expired or was already used" in client.get(link).content.decode()


def test_an_unknown_address_gets_no_mail_and_the_same_answer(client, alice, smtp_server):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.com"})
    assert response["Location"] == "/accounts/password_reset/done/"
    assert smtp_server.messages == []


def test_without_a_mailer_the_reset_page_says_reset_by_email_is_unavailable(
    client, alice, settings, mailoutbox
):
    settings.MAILERS = {}
    html = client.get("/accounts/password_reset/").content.decode()
    assert "Reset by email is not available" in html
    assert "<form" not in html.split("<main", 1)[-1].split("</main>")[0]
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert "Reset by email is not available" in response.content.decode()
    assert mailoutbox == []
    assert User.objects.get(username="alice").check_password("correct-horse-battery-staple")


def test_email_url_names_host_port_credentials_and_tls():
    mailer = mailer_from_url("smtp://ann%40uni:p%2Fss@mail.example.org:587/?tls=1")
    assert mailer["OPTIONS"] | {} == {
        "host": "mail.example.org", "port": 587, "username": "ann@uni", "password": "p/ss",
        "use_ssl": False, "use_tls": True, "timeout": 10,
    }  # fmt: skip
    assert mailer_from_url("smtps://mail.example.org")["OPTIONS"]["port"] == 465
    assert mailer_from_url("smtps://mail.example.org")["OPTIONS"]["use_ssl"] is True
    assert "console" in mailer_from_url("console:")["BACKEND"]


@pytest.mark.parametrize("url", ["mail.example.org", "http://mail.example.org", "smtp://"])
def test_a_malformed_email_url_is_refused_by_name(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        mailer_from_url(url)
