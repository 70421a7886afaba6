import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_student_signs_up_logs_out_and_logs_in(live_server, page, console_errors):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Username").fill("frieda")
    page.get_by_label("Email").fill("frieda@example.com")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("Your student account is ready")).to_be_visible()

    page.locator(".user-menu summary").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()

    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("frieda")
    page.get_by_label("Password").fill("a-long-unusual-passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".user-menu summary")).to_contain_text("frieda")
    assert console_errors == []
