import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import expect

from apps.lab import content_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCENARIO = "/lab/scenarios/shadow-of-the-future/"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture(autouse=True)
def words():
    """The scenarios' words live in the database, loaded from content/lab."""
    content_files.load(Path(settings.BASE_DIR) / "content", [])


def chart_and_table(page, name="population") -> tuple[str, str, str]:
    """What a student sees change: the chart's summary, its first line, and its table."""
    return (
        page.locator(f"#chart-{name}-desc").text_content(),
        page.locator(f"#chart-{name} polyline").first.get_attribute("points"),
        page.locator(f"#table-{name}").text_content(),
    )


def predict_and_run(page, base_url):
    page.goto(base_url + SCENARIO)
    expect(page.locator("#results")).to_have_count(0)
    page.get_by_label("Those that always defect").check()
    page.get_by_role("button", name="Run it").click()
    expect(page.locator("#results")).to_contain_text("You predicted")
    expect(page.locator("#results")).to_contain_text("Those that always defect")
    expect(page.locator("#results")).to_contain_text("In this run (w = 0.90)")
    expect(page.locator("#results .verdict-answer").last).to_have_text(
        "The reciprocators (tit for tat and grim trigger)"
    )
    expect(page.locator("#results svg[role='img']")).to_have_count(3)


def test_a_student_predicts_runs_and_moves_a_lever(live_server, page, console_errors):
    predict_and_run(page, live_server.url)
    page.locator("#results summary", has_text="Population shares as a table").click()
    before = chart_and_table(page)

    slider = page.get_by_label("Shadow of the future (w)")
    slider.focus()
    for _ in range(40):
        page.keyboard.press("ArrowLeft")
    expect(page.locator("#id_w_value")).to_have_text("0.50")
    expect(page).to_have_url(re.compile(r"w=0\.5\b"))
    expect(page.locator("#results")).to_contain_text("In this run (w = 0.50)")
    expect(page.locator("#results")).to_contain_text("Your prediction was for w = 0.90")
    after = chart_and_table(page)
    assert after[0] != before[0] and after[1] != before[1] and after[2] != before[2]
    assert "Always defect has taken over" in after[0]
    expect(page.locator("#table-population")).to_be_visible()  # still open after the update
    expect(slider).to_be_focused()
    expect(page.locator("#lab-status")).to_contain_text("Those that always defect")

    page.get_by_role("link", name="Open this setup in the sandbox").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The regime lab")
    expect(page.locator("#chart-population-desc")).to_have_text(after[0])

    before = chart_and_table(page, "cooperation")
    page.get_by_label("Misread moves (low transparency)").fill("0.2")
    expect(page.locator("#id_noise_value")).to_have_text("20%")
    expect(page).to_have_url(re.compile(r"noise=0\.2\b"))
    expect(page.locator("#chart-cooperation-desc")).not_to_have_text(before[0])
    after = chart_and_table(page, "cooperation")
    assert after[1] != before[1] and after[2] != before[2]

    page.get_by_label("Temptation T").fill("2")
    expect(page.locator("#results .lab-errors")).to_contain_text(
        "The temptation T (2) must be greater than the reward R (3)"
    )
    expect(page.locator("#results svg")).to_have_count(0)
    page.get_by_label("Temptation T").fill("5")
    expect(page.locator("#results svg[role='img']")).to_have_count(3)
    assert console_errors == []


def test_the_same_works_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    predict_and_run(page, live_server.url)
    before = chart_and_table(page)

    page.get_by_label("Shadow of the future (w)").fill("0.5")
    page.get_by_role("button", name="Run again").click()
    expect(page).to_have_url(re.compile(r"predicted=defectors.*w=0\.5"))
    expect(page.locator("#results")).to_contain_text("In this run (w = 0.50)")
    expect(page.locator("#results")).to_contain_text("Your prediction was for w = 0.90")
    after = chart_and_table(page)
    assert after[0] != before[0] and after[1] != before[1] and after[2] != before[2]

    page.get_by_role("link", name="Open this setup in the sandbox").click()
    sandbox_before = chart_and_table(page, "cooperation")
    page.get_by_label("Grim trigger").uncheck()
    page.get_by_label("Misread moves (low transparency)").fill("0.1")
    page.get_by_role("button", name="Run", exact=True).click()
    expect(page).to_have_url(re.compile(r"s=always-defect&s=tit-for-tat&T=.*noise=0\.1\b"))
    expect(page.locator("#id_noise_value")).to_have_text("10%")
    sandbox_after = chart_and_table(page, "cooperation")
    assert all(a != b for a, b in zip(sandbox_after, sandbox_before, strict=True))
    context.close()
