"""A Chromium crawl of every page type, as each role, under the production CSP: no
violation and no console error anywhere (an inline script or style, an eval, a resource
from elsewhere would each show up as both)."""

import pytest

from tests.accessibility.browsing import CSP_RECORDER, collect_errors, context_as
from tests.accessibility.pages import ROLES, browser_world, crawl_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The browser reports the error status of the page itself on these on purpose.
EXPECTED_STATUS_ERRORS = {"404 page": 404, "403 page": 403}


def test_every_page_as_every_role_keeps_to_the_csp_without_console_errors(
    live_server, browser, subtests
):
    world = browser_world()
    plan = crawl_plan(world)
    crawled = 0
    for role, persona in ROLES.items():
        context = context_as(browser, live_server, world, persona)
        context.add_init_script(CSP_RECORDER)
        page = context.new_page()
        errors = collect_errors(page)
        for target in plan[role]:
            with subtests.test(role=role, page=target.label):
                errors.clear()
                response = page.goto(target.url, wait_until="load")
                expected = EXPECTED_STATUS_ERRORS.get(target.label, 200)
                assert response.status == expected
                page.wait_for_timeout(50)  # deferred scripts and htmx settle
                violations = page.evaluate("window.__cspViolations")
                noise = f"status of {expected}" if expected != 200 else None
                real_errors = [e for e in errors if not (noise and noise in e)]
                assert violations == [], f"{role} {target.url}: {violations}"
                assert real_errors == [], f"{role} {target.url}: {real_errors}"
                crawled += 1
        context.close()
    assert crawled >= 130
