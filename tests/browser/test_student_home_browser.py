"""A student's place in the course, kept as they read (with JavaScript) or as they press
"I've read this" (without), and their home at /me/, on a phone."""

import re

import pytest
from playwright.sync_api import expect

from apps.lessons.models import Lesson
from tests.accessibility.browsing import collect_errors
from tests.browser.test_axe import axe_source, violations_on  # noqa: F401 - a fixture
from tests.browser.test_lessons_browser import course, log_in  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}
SLUG = "why-collective-security-failed"


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_reading_with_javascript_keeps_the_section_and_the_end(
    live_server,
    browser,
    course,  # noqa: F811 - a fixture
    axe_source,  # noqa: F811 - a fixture
):
    section = Lesson.objects.get(slug=SLUG).toc[1]["id"]
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors = collect_errors(page)
    log_in(page, live_server.url, "lena")
    page.goto(f"{live_server.url}/lessons/{SLUG}/")

    def reported(response) -> bool:
        return response.url.endswith(f"/lessons/{SLUG}/progress/") and response.status == 204

    with page.expect_response(reported):
        page.locator(f"#{section}").evaluate("heading => heading.scrollIntoView()")

    page.get_by_role("link", name="My course").click()
    resume = page.get_by_role("link", name=re.compile("^Continue: Why collective security"))
    expect(resume).to_have_attribute("href", f"/lessons/{SLUG}/#{section}")
    assert fits_the_phone(page)
    assert violations_on(page, axe_source) == []
    resume.click()
    expect(page).to_have_url(re.compile(f"#{section}$"))

    page.locator("#completion").scroll_into_view_if_needed()
    expect(page.locator("#completion")).to_contain_text("You have read this lesson")
    page.goto(live_server.url + "/me/")
    expect(page.locator(".lesson-state").nth(1)).to_contain_text("✓ Read")
    assert errors == []
    context.close()


def test_reading_without_javascript_goes_on_with_the_button(live_server, browser, course):  # noqa: F811
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    log_in(page, live_server.url, "lena")
    page.goto(f"{live_server.url}/lessons/{SLUG}/")
    page.get_by_role("button", name=re.compile("^I've read this — next: ")).click()
    expect(page).to_have_url(re.compile(r"/lessons/security-dilemma-and-deterrence/$"))

    page.get_by_role("link", name="My course").click()
    expect(page.locator(".lesson-state").nth(1)).to_contain_text("✓ Read")
    expect(page.locator("#next-title + p a")).to_have_text(re.compile("^Lesson 1: "))
    assert fits_the_phone(page)
    context.close()
