"""The LTI login's cookie check in Chromium, under the production CSP: with cookies it goes
straight on; with cookies blocked it says so and offers a new window, and meets WCAG 2.1 AA."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.accessibility.browsing import collect_errors
from tests.browser.test_axe import axe_source, violations_on  # noqa: F401 - the fixture
from tests.lti.platform import ISSUER

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCK_COOKIES = """Object.defineProperty(Document.prototype, "cookie", {
  get() { return ""; }, set(value) {}, configurable: true,
});"""


def check_url(live_server) -> str:
    query = urlencode(
        {"iss": ISSUER, "login_hint": "x", "target_link_uri": f"{live_server.url}/lti/launch/"}
    )
    return f"{reverse('lti:login')}?{query}"


def test_with_cookies_the_check_goes_on_to_the_login(live_server, browser):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    errors = collect_errors(page)
    page.route(
        "**/lti/login/?*lti1p3_new_window=1*",
        lambda route: route.fulfill(
            status=200, body="<title>continued</title>", content_type="text/html"
        ),
    )
    page.goto(check_url(live_server))
    page.wait_for_url("**lti1p3_new_window=1**")
    assert errors == []
    context.close()


def test_with_cookies_blocked_it_offers_a_new_window(live_server, browser, axe_source):  # noqa: F811
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script(BLOCK_COOKIES)
    page = context.new_page()
    errors = collect_errors(page)
    page.goto(check_url(live_server), wait_until="load")
    page.wait_for_timeout(50)
    assert page.get_by_text("Your browser blocks cookies").is_visible()
    assert not page.locator("#lti-continue").is_visible()
    new_window = page.get_by_role("link", name="Open in a new window")
    assert new_window.get_attribute("target") == "_blank"
    assert "lti1p3_new_window=1" in new_window.get_attribute("href")
    assert errors == []
    assert violations_on(page, axe_source) == []
    context.close()
