"""A review session in Chromium at phone width: with JavaScript (Space reveals, 1–4 rate)
and without it (open "Show answer", press a rating button). No rating is lost or doubled,
the page never scrolls sideways, and axe finds nothing in light or dark mode."""

import pytest
from playwright.sync_api import expect

from apps.review.models import ReviewLog
from tests.browser.test_axe import assert_no_violations, axe_source  # noqa: F401 - a fixture
from tests.conftest import PASSWORD, make_user
from tests.course_content import load_course_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def student(transactional_db):
    load_course_content()
    return make_user("rosa")


def signed_in_phone(browser, live_server, javascript: bool, scheme: str = "light"):
    context = browser.new_context(
        viewport=PHONE, java_script_enabled=javascript, color_scheme=scheme, has_touch=True
    )
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/?next=/review/")
    page.get_by_label("Username").fill("rosa")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    return context, page


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_session_with_the_keyboard(live_server, browser, student, axe_source):  # noqa: F811
    context, page = signed_in_phone(browser, live_server, javascript=True)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.get_by_role("button", name="Start reviewing").click()
    expect(page.get_by_text("Added 10 new cards")).to_be_visible()
    first = page.locator("#card-front").inner_text()
    ratings = page.get_by_role("group", name="How well did you recall it?")
    expect(ratings).to_be_hidden()

    page.keyboard.press("Space")
    expect(ratings).to_be_visible()
    expect(page.locator("#card-back")).to_be_focused()
    assert fits_the_screen(page)
    assert_no_violations(page, axe_source)

    page.keyboard.press("3")
    expect(page.locator("#card-front")).not_to_have_text(first)
    assert list(ReviewLog.objects.values_list("rating", flat=True)) == [3]

    page.keyboard.press("Space")
    page.keyboard.press("1")
    expect(page.get_by_role("status").filter(has_text="due now")).to_contain_text(
        "8 cards due now · 2 more later today"
    )
    assert sorted(ReviewLog.objects.values_list("rating", flat=True)) == [1, 3]
    assert errors == []
    context.close()


def test_a_session_without_javascript(live_server, browser, student):
    context, page = signed_in_phone(browser, live_server, javascript=False)
    page.get_by_role("button", name="Start reviewing").click()
    # The same card open in a second tab: its rating arrives twice.
    other = context.new_page()
    other.goto(live_server.url + "/review/")
    page.get_by_text("Show answer").click()
    assert fits_the_screen(page)
    page.get_by_role("button", name="Good").click()
    expect(page.get_by_role("status").filter(has_text="due now")).to_contain_text("9 cards due")
    other.get_by_text("Show answer").click()
    other.get_by_role("button", name="Good").click()
    expect(other.get_by_text("already recorded")).to_be_visible()
    assert ReviewLog.objects.count() == 1
    context.close()
