"""Each case in Chromium, with JavaScript on (htmx swaps in place) and off (plain links and
forms): open it, switch readings, filter the timeline, follow an event to its section."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from apps.cases.models import Case
from tests.cases.conftest import INTERPRETATIONS, make_case
from tests.course_content import load_course_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUGS = ["league-and-abyssinia", "concert-of-europe", "us-soviet-cold-war"]


@pytest.fixture
def cases(transactional_db):
    """The real cases when the content files are all written, else small stand-ins."""
    if len(list((Path(settings.BASE_DIR) / "content" / "cases").glob("*.md"))) == 3:
        load_course_content()
    else:
        for order, slug in enumerate(SLUGS):
            make_case(
                slug,
                order=order,
                events=14,
                interpretations=INTERPRETATIONS if slug == "us-soviet-cold-war" else None,
            )
    return {case.slug: case for case in Case.objects.published()}


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def browser_page(request, browser, live_server):
    """A page with JavaScript on or off, and the console errors it collects."""
    context = browser.new_context(java_script_enabled=request.param)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page, request.param, errors
    context.close()


def switch_readings(page, javascript: bool) -> None:
    tabs = page.locator(".lens-tabs a")
    expect(tabs).to_have_count(3)
    expect(page.get_by_label("Your prediction")).to_be_visible()

    page.get_by_label("Your prediction").fill("Each state looks after itself.")
    page.get_by_role("button", name="Commit and reveal").click()
    expect(page.locator(".reading .verdict")).to_be_visible()
    page.get_by_label("It partly matched").check()
    page.get_by_role("button", name="Keep my judgement").click()
    expect(page.locator(".judgement-form [role=status]")).to_contain_text("It partly matched")

    second = tabs.nth(1)
    lens = re.search(r"lens=([\w-]+)", second.get_attribute("href")).group(1)
    second.click()
    expect(tabs.nth(1)).to_have_attribute("aria-current", "true")
    expect(page).to_have_url(re.compile(rf"lens={lens}"))
    if javascript:
        expect(page.locator(".reading h3").first).to_be_focused()
    page.get_by_label("Your prediction").fill("They will talk, then hold back.")
    page.get_by_role("button", name="Commit and reveal").click()
    expect(page.locator(".your-prediction")).to_contain_text("They will talk, then hold back.")
    expect(page.locator(".reading .verdict")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"lens={lens}"))

    # A reading set beside another is not revealed until it too is predicted.
    page.locator(".beside-links a").last.click()
    expect(page.locator(".reading")).to_have_count(2)
    expect(page).to_have_url(re.compile(r"with="))
    expect(page.locator(".reading .verdict")).to_have_count(1)
    page.get_by_label("Your prediction").fill("Rules might bind them.")
    page.get_by_role("button", name="Commit and reveal").click()
    expect(page.locator(".reading .verdict")).to_have_count(2)
    expect(page.locator(".reading")).to_have_count(2)


def filter_timeline(page, javascript: bool, total: int) -> None:
    choice = page.locator(".timeline-filter label.check").first
    kind = choice.locator("input").get_attribute("value")
    count = int(re.search(r"\((\d+)\)", choice.inner_text()).group(1))
    choice.locator("input").check()
    if not javascript:
        page.get_by_role("button", name="Filter").click()
    expect(page.locator(".timeline-count")).to_have_text(f"Showing {count} of {total} events")
    expect(page.locator(".timeline .event")).to_have_count(count)
    expect(page.locator(f".timeline .event-{kind}")).to_have_count(count)
    expect(page).to_have_url(re.compile(rf"kinds={kind}"))
    # The readings chosen before survive the filter, and the filter survives a new reading.
    expect(page.locator(".reading")).to_have_count(2)
    page.locator(".lens-tabs a").first.click()
    expect(page.locator(".reading")).to_have_count(1)
    expect(page).to_have_url(re.compile(rf"kinds={kind}"))
    expect(page.locator(".timeline .event")).to_have_count(count)


def follow_an_event(page) -> None:
    link = page.locator(".timeline .event-link").first
    section = link.get_attribute("href").removeprefix("#")
    link.click()
    expect(page).to_have_url(re.compile(rf"#{section}$"))
    expect(page.locator(f"[id='{section}']")).to_be_in_viewport()


@pytest.mark.parametrize("slug", SLUGS)
def test_a_student_reads_a_case_switches_readings_filters_and_follows_an_event(
    live_server, cases, browser_page, slug
):
    page, javascript, errors = browser_page
    case = cases[slug]
    page.goto(live_server.url + "/cases/")
    page.get_by_role("link", name=case.title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.title)
    if javascript:
        page.evaluate("window.stillTheSamePage = true")

    switch_readings(page, javascript)
    filter_timeline(page, javascript, case.events.count())
    follow_an_event(page)

    if case.interpretations:
        expect(page.locator("table.interpretations-table caption")).to_be_visible()
    if javascript:  # every change was swapped in place, never a full page load
        assert page.evaluate("window.stillTheSamePage") is True
    assert errors == []
