"""An exception in Chromium: an instructor gives one student an extra attempt from the
class page, sees it in the gradebook, and the page meets WCAG 2.1 AA."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from apps.classes.models import Override
from tests.browser.test_axe import (  # noqa: F401 - the fixture
    assert_no_violations,
    axe_source,
    violations_on,
)
from tests.teaching.conftest import make_class, quiz_from_gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_instructor_gives_one_student_an_extra_attempt(
    live_server,
    browser,
    axe_source,  # noqa: F811 - the fixture imported above
    console_errors,
    ingrid,
    alice,
    bob,
):
    quiz = quiz_from_gift("::pick:: Pick {=right ~wrong}", owner=ingrid, attempts_allowed=1)
    klass = make_class(ingrid, students=[alice, bob], quizzes=[quiz])
    client = Client()
    client.force_login(ingrid)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])  # fmt: skip
    page = context.new_page()
    page.goto(f"/teach/classes/{klass.pk}/")
    page.get_by_role("link", name=f"Exceptions for {quiz.title}").click()

    page.get_by_role("checkbox", name="alice").check()
    page.get_by_label("Extra attempts").fill("1")
    page.get_by_role("button", name="Save exception").click()
    expect(page.get_by_text("Saved the exception for alice.")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="alice")).to_contain_text("1 more attempt")
    assert Override.objects.get().student == alice
    assert_no_violations(page, axe_source)

    page.goto(f"/teach/classes/{klass.pk}/gradebook/")
    row = page.get_by_role("row", name="alice")
    expect(row).to_contain_text("Exception: 1 more attempt")
    expect(page.get_by_role("row", name="bob")).not_to_contain_text("Exception")
    assert violations_on(page, axe_source) == []
    assert console_errors == []
    context.close()
