import re

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_user
from tests.course_content import load_course_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def course(transactional_db):
    load_course_content()
    return make_user("lena")


def log_in(page, base_url, username):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_a_student_reads_follows_a_term_completes_compares_and_searches(
    live_server, page, console_errors, course
):
    log_in(page, live_server.url, "lena")
    page.goto(live_server.url + "/lessons/")
    page.get_by_role("link", name="How regimes work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How regimes work")

    page.locator(".prose-body a[href^='/glossary/']").first.click()
    expect(page).to_have_url(re.compile(r"/glossary/[a-z-]+/$"))
    expect(page.get_by_role("heading", name="Where it is used")).to_be_visible()
    page.go_back()

    page.get_by_role("button", name="Mark as read and stay here").click()
    expect(page.get_by_text("You have read this lesson")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as not read")).to_be_focused()
    page.goto(live_server.url + "/lessons/")
    expect(page.get_by_text("1 of 8")).to_be_visible()

    page.goto(live_server.url + "/compare/")
    page.get_by_label("Collective security").uncheck()
    expect(page).to_have_url(re.compile(r"views=realism"))
    expect(page.locator("#comparison thead")).not_to_contain_text("Collective security")
    page.locator("#comparison").get_by_role("link", name=re.compile("Explain more")).first.click()
    expect(page.locator("#comparison .cell-detail")).to_have_count(1)

    page.goto(live_server.url + "/search/")
    page.get_by_label(re.compile("Search lessons")).fill("Abyssinia")
    expect(page.locator("#results h2")).to_contain_text("for “Abyssinia”")
    expect(page).to_have_url(re.compile(r"q=Abyssinia"))
    assert console_errors == []


def test_compare_and_search_work_without_javascript(live_server, browser, course):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/compare/")
    page.get_by_label("Collective security").uncheck()
    page.get_by_role("button", name="Show").first.click()
    expect(page).to_have_url(re.compile(r"views=realism&views=regimes"))
    expect(page.locator("#comparison thead")).not_to_contain_text("Collective security")
    page.locator("#comparison").get_by_role("link", name=re.compile("Explain more")).first.click()
    expect(page).to_have_url(re.compile(r"expand="))
    expect(page.locator("#comparison .cell-detail")).to_have_count(1)

    page.goto(live_server.url + "/search/")
    page.get_by_label(re.compile("Search lessons")).fill("Concert")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results h2")).to_contain_text("for “Concert”")
    context.close()


def test_checks_inside_a_lesson_answer_in_place_with_and_without_javascript(
    live_server, browser, page, console_errors, course
):
    lesson = live_server.url + "/lessons/two-views-of-security/"
    log_in(page, live_server.url, "lena")
    page.goto(lesson)
    check = page.locator("#check-3")
    check.get_by_label("False").check()
    check.get_by_role("button", name="Check answer").click()
    expect(check.locator(".verdict")).to_have_text("Incorrect")
    expect(check.locator(".verdict")).to_be_focused()
    expect(check.get_by_role("link", name=re.compile("Reread “Lipson's angle”"))).to_be_visible()
    assert page.url == lesson  # swapped in place, no reload
    check.get_by_role("link", name="Try again").click()
    check.get_by_label("True").check()
    check.get_by_role("button", name="Check answer").click()
    expect(check.locator(".verdict")).to_have_text("Correct")
    page.reload()
    expect(page.locator("#check-3 .verdict")).to_have_text("Correct")  # kept
    assert console_errors == []

    context = browser.new_context(java_script_enabled=False)
    plain = context.new_page()
    plain.goto(lesson)
    first = plain.locator("#check-1")
    first.get_by_label(re.compile("^Join the others against A")).check()
    first.get_by_role("button", name="Check answer").click()
    expect(plain).to_have_url(re.compile(r"/checks/1/#check-1$"))
    expect(plain.locator("#check-1 .verdict")).to_have_text("Correct")
    expect(plain.locator("#check-1")).to_contain_text("The pact asks D")
    context.close()
