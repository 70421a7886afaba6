import pytest
from django.test import Client

HTML_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*HTML_PAGES, "/no-such-page/"])
def test_every_html_response_carries_a_strict_csp(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


@pytest.mark.django_db
def test_pages_contain_no_inline_script(client):
    for path in HTML_PAGES:
        html = client.get(path).content.decode()
        assert "<script>" not in html
        assert " on" + "click=" not in html


@pytest.mark.django_db
def test_a_post_without_a_csrf_token_is_rejected(alice):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "alice", "password": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_post_with_the_csrf_token_is_accepted(alice):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/accounts/login/",
        {"username": "alice", "password": "correct-horse-battery-staple"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 302


@pytest.mark.django_db
def test_htmx_gets_the_csrf_token_from_the_body_when_signed_in(client, alice):
    assert "X-CSRFToken" not in client.get("/").content.decode()  # shared, cacheable page
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


@pytest.mark.django_db
def test_error_pages_are_styled(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"site.css" in response.content


STATIC = "/static/css/site.css"


@pytest.mark.django_db
@pytest.mark.parametrize("path", [*HTML_PAGES, "/no-such-page/", STATIC])
def test_every_response_refuses_browser_features(client, path):
    policy = client.get(path).headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_a_page_from_the_page_cache_carries_the_policy_too(client):
    client.get("/lessons/")
    assert "camera=()" in client.get("/lessons/").headers["Permissions-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/lessons/", "/accounts/password_change/", "/teach/"])
def test_pages_for_a_signed_in_user_are_never_stored(client, ingrid, path):
    client.force_login(ingrid)
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.django_db
def test_anonymous_pages_and_static_files_stay_cacheable(client, alice):
    assert "no-store" not in client.get("/lessons/").headers.get("Cache-Control", "")
    client.force_login(alice)
    assert "no-store" not in client.get(STATIC).headers.get("Cache-Control", "")
