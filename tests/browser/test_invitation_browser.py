"""An invitation in Chromium: a curator makes one and copies its link; a newcomer opens
it in another browser, signs up through it and lands in the teaching area as an
instructor. Both pages have no axe violation."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from apps.core.roles import Action, may
from tests.browser.test_axe import AXE, violations_on
from tests.browser.test_teaching_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_through_a_copied_invitation_link(
    live_server, page, browser, console_errors, carol, settings
):
    settings.MAILERS = {}
    axe_source = AXE.read_text(encoding="utf-8")
    log_in(page, live_server, "carol")
    page.goto(f"{live_server.url}/teach/")
    page.get_by_role("link", name="Invite instructors").click()
    page.get_by_label("Their email address").fill("nadia@example.org")
    page.get_by_role("button", name="Make an invitation").click()
    expect(page.get_by_text("Copy the link below")).to_be_visible()
    link = page.get_by_label("Invitation link (shown only now)").input_value()
    assert violations_on(page, axe_source) == []

    newcomer = browser.new_context().new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(
        "carol invites you to teach on Regimes as an instructor"
    )
    assert violations_on(newcomer, axe_source) == []
    expect(newcomer.get_by_label("Email")).to_have_value("nadia@example.org")
    newcomer.get_by_label("Username").fill("nadia")
    newcomer.get_by_label("Password", exact=True).fill("a-long-and-new-passphrase-7")
    newcomer.get_by_label("Password confirmation").fill("a-long-and-new-passphrase-7")
    newcomer.get_by_role("button", name="Sign up and accept").click()
    expect(newcomer.get_by_role("heading", name="Your teaching")).to_be_visible()
    expect(newcomer.get_by_text("Welcome, nadia")).to_be_visible()
    assert may(User.objects.get(username="nadia"), Action.TEACH)

    newcomer.goto(link)  # used once, the link is dead
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(
        "This invitation link does not work"
    )
    page.reload()
    expect(page.get_by_text("Accepted")).to_be_visible()
    newcomer.context.close()
    assert console_errors == []
