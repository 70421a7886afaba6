"""The comparison after Back: the tickboxes and the table both follow the address."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_lessons_browser import course  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def columns(page):
    return page.locator("#comparison thead")


def test_back_brings_the_ticks_and_the_table_back_together(live_server, page, course):  # noqa: F811
    page.goto(live_server.url + "/compare/")
    views = page.locator("#compare-controls fieldset").first
    question = page.locator('#compare-controls input[name="dims"][type="checkbox"]').first
    first_row = page.locator("#comparison tbody th").first
    title = first_row.inner_text()

    views.get_by_label("Collective security").uncheck()
    expect(columns(page)).not_to_contain_text("Collective security")
    question.uncheck()
    expect(first_row).not_to_have_text(title)

    page.go_back()
    expect(page).to_have_url(re.compile(r"views=realism&views=regimes"))
    expect(first_row).to_have_text(title)
    expect(question).to_be_checked()
    expect(views.get_by_label("Collective security")).not_to_be_checked()
    expect(columns(page)).not_to_contain_text("Collective security")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/compare/$"))
    expect(views.get_by_label("Collective security")).to_be_checked()
    expect(columns(page)).to_contain_text("Collective security")

    for label in ("Realism", "Collective security", "Security regimes"):
        views.get_by_label(label).uncheck()
    expect(page.locator("#comparison")).to_contain_text("Tick at least one view")
    expect(page.locator("#comparison table")).to_have_count(0)


def test_back_without_javascript_shows_the_ticks_of_the_address(live_server, browser, course):  # noqa: F811
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/compare/")
    page.get_by_label("Collective security").uncheck()
    page.get_by_role("button", name="Show").first.click()
    expect(columns(page)).not_to_contain_text("Collective security")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/compare/$"))
    expect(columns(page)).to_contain_text("Collective security")
    expect(page.get_by_label("Collective security")).to_be_checked()
    context.close()
