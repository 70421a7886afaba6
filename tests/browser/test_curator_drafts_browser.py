"""A curator edits a live lesson as a draft in the admin, previews it and publishes it,
while a student reading the lesson sees the live text until then."""

import re

import pytest
from playwright.sync_api import expect

from apps.core.roles import Role
from tests.conftest import PASSWORD, make_user
from tests.course_content import load_course_content

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_curator_drafts_previews_and_publishes_a_live_lesson(live_server, browser):
    load_course_content()
    make_user("carla", Role.CURATOR)
    curator = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    curator.goto(live_server.url + "/admin/login/")
    curator.get_by_label("Username").fill("carla")
    curator.get_by_label("Password").fill(PASSWORD)
    curator.get_by_role("button", name="Log in").click()
    curator.goto(live_server.url + "/admin/lessons/lesson/")
    curator.get_by_role("link", name="How regimes work").click()
    curator.get_by_label("Summary").fill("A drafted summary that students do not see yet.")
    curator.get_by_role("button", name="Save as draft").click()
    expect(curator.get_by_text("Draft saved. The live page is unchanged")).to_be_visible()
    expect(curator.get_by_role("heading", name="This page has a draft")).to_be_visible()
    expect(curator.get_by_label("Summary")).to_have_value(re.compile("A drafted summary"))

    student = browser.new_context().new_page()
    student.goto(live_server.url + "/lessons/how-regimes-work/")
    expect(student.locator("main")).not_to_contain_text("A drafted summary")

    curator.get_by_role("link", name="Preview the draft").click()
    expect(curator.get_by_role("status").first).to_contain_text("Preview of the draft saved")
    expect(curator.locator("main")).to_contain_text("A drafted summary")
    curator.get_by_role("link", name="Back to the draft").click()
    curator.get_by_role("button", name="Publish the draft").click()
    expect(curator.get_by_text("The draft is now the live page.")).to_be_visible()

    student.reload()
    expect(student.locator("main")).to_contain_text("A drafted summary")
