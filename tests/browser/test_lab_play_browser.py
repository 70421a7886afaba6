"""Play it yourself and a student's live round, in Chromium: by keyboard, with and
without JavaScript, at phone width, in light and dark mode, with axe on each state."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from apps.core.roles import Role
from apps.lab import services
from apps.lab.models import LiveSession
from tests.browser import test_axe
from tests.conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEVEL = "/lab/play/shadow-of-the-future/"
PHONE = {"width": 390, "height": 844}
axe_source = test_axe.axe_source  # the crawl's fixture: axe-core's source, or a skip


def predict(page, base_url):
    page.goto(base_url + LEVEL)
    expect(page.locator("button.move")).to_have_count(0)
    page.get_by_label("Mostly both cooperating").check()
    page.get_by_role("button", name="Start playing").click()
    expect(page.locator("#game h2")).to_have_text("Round 1")


def play_to_the_end(page, by_keyboard: bool):
    for number in range(1, 40):
        if page.locator("#game h2").text_content() == "Game over":
            return number - 1
        expect(page.locator("#game h2")).to_have_text(f"Round {number}")
        button = page.get_by_role("button", name="Cooperate")
        if by_keyboard:
            button.focus()
            page.keyboard.press("Enter")
        else:
            button.click()
        expect(page.locator("#table-history tbody tr")).to_have_count(number)
    raise AssertionError("the game did not end")


def test_a_student_plays_a_level_by_keyboard_on_a_phone(
    live_server, browser, axe_source, console_errors
):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    predict(page, live_server.url)
    test_axe.assert_no_violations(page, axe_source)
    url = page.url
    rounds = play_to_the_end(page, by_keyboard=True)
    assert page.url == url  # htmx swapped the game in place
    expect(page.locator(".play-reveal")).to_contain_text("You faced ")
    expect(page.get_by_role("link", name=re.compile("lengthening the shadow"))).to_have_attribute(
        "href", "/lessons/how-regimes-work/#shadow-of-the-future"
    )
    assert rounds >= 1
    test_axe.assert_no_violations(page, axe_source)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    context.close()


def test_the_same_level_plays_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    predict(page, live_server.url)
    play_to_the_end(page, by_keyboard=False)
    expect(page.locator(".play-reveal")).to_contain_text("You faced ")
    context.close()


def test_a_student_plays_a_live_round_and_sees_it_resolve(live_server, browser, axe_source):
    ingrid = make_user("ingrid", Role.INSTRUCTOR)
    session = services.create_session(ingrid)
    # Another round always follows, whatever the session's seed draws.
    LiveSession.objects.filter(pk=session.pk).update(continuation=1.0)
    session.refresh_from_db()
    alice, bob = User.objects.create_user("alice"), User.objects.create_user("bob")
    services.join(session, alice)
    bob_seat, _ = services.join(session, bob)
    services.start_block(session)

    client = Client()
    client.force_login(alice)
    context = browser.new_context(viewport=PHONE, base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"/lab/live/{session.code}/")
    expect(page.locator("#live-round h2")).to_have_text("Round 1")
    test_axe.assert_no_violations(page, axe_source)
    page.get_by_role("button", name="Defect").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#live-round")).to_contain_text("You chose to defect")
    expect(page.locator("#table-live-history")).to_have_count(0)  # nothing shown before it resolves

    services.choose(bob_seat, 1, "C")  # the last move: the round resolves, round 2 opens
    # The 2 s poll brings the result and the next round without a reload.
    expect(page.locator("#live-round h2")).to_have_text("Round 2", timeout=8000)
    expect(page.locator("#table-live-history tbody tr").first).to_contain_text("Defected")
    expect(page.locator("#table-live-history tbody tr").first).to_contain_text("Cooperated")
    test_axe.assert_no_violations(page, axe_source)
    context.close()

    teacher = Client()
    teacher.force_login(ingrid)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [{"name": "sessionid", "value": teacher.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"/lab/live/{session.code}/run/")
    expect(page.locator(".live-code")).to_have_text(session.code)
    expect(page.locator("#table-live-rounds tbody tr")).to_have_count(1)
    test_axe.assert_no_violations(page, axe_source)
    page.get_by_role("button", name="End the session and show the debrief").click()
    expect(page.locator(".live-debrief")).to_contain_text("The shadow of the future")
    test_axe.assert_no_violations(page, axe_source)
    assert LiveSession.objects.get(pk=session.pk).stage == LiveSession.Stage.ENDED
    context.close()
