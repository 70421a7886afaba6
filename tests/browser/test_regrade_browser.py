"""Regrade in Chromium: an instructor who corrected a key reads the dry run, regrades, and
finds the change in the log; the page meets WCAG 2.1 AA in light and dark mode."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from apps.quizzes.models import Attempt
from tests.browser.test_axe import (  # noqa: F401 - the fixture
    assert_no_violations,
    axe_source,
    violations_on,
)
from tests.quizzes.test_regrade import corrected
from tests.teaching.conftest import answered, quiz_from_gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GIFT = (
    "::pick:: Which view says that states must rely on themselves? {=Collective security ~Realism}"
)


def test_an_instructor_previews_a_regrade_then_confirms_it(
    live_server,
    browser,
    axe_source,  # noqa: F811 - the fixture imported above
    console_errors,
    ingrid,
    alice,
    bob,  # noqa: F811
):
    quiz = quiz_from_gift(GIFT, slug="wrong-key", owner=ingrid)
    answered(quiz, alice, {"pick": "Realism"})
    answered(quiz, bob, {"pick": "Collective security"})
    corrected(quiz, "pick", fractions=[0, 1])
    client = Client()
    client.force_login(ingrid)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])  # fmt: skip
    page = context.new_page()
    page.goto(f"/teach/quizzes/{quiz.pk}/")
    page.get_by_role("link", name="Regrade").click()

    dry_run = page.get_by_role("table")
    expect(dry_run.get_by_role("row", name="alice")).to_contain_text("0 / 1 → 1 / 1")
    expect(dry_run.get_by_role("row", name="bob")).to_contain_text("-100.0 percentage points")
    assert Attempt.objects.get(user=alice).score == 0
    assert_no_violations(page, axe_source)

    page.get_by_role("button", name="Regrade 2 attempts").click()
    expect(page.get_by_text("Regraded 2 attempts: 2 changed marks.")).to_be_visible()
    page.get_by_text("Marks changed by this regrade").click()
    log = page.get_by_role("table")
    expect(log.get_by_role("row", name="alice")).to_contain_text("version 1 → 2: 0 / 1 → 1 / 1")
    assert Attempt.objects.get(user=alice).score == 1
    assert violations_on(page, axe_source) == []
    assert console_errors == []
    context.close()
