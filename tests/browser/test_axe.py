"""One Chromium crawl of every page type, as each role, under the production CSP: in light
and dark mode axe-core (installed from npm by `make test`) finds no violation of WCAG 2.1
A or AA, and no page breaks the CSP or logs a console error (an inline script or style,
an eval, a resource from elsewhere would each show up as both). One crawl does both
because loading the pages is most of the cost.

The crawl adds axe to every page it opens as an init script (Playwright's add_init_script),
which Chromium evaluates in each new document before the page's own scripts and compiles
once for all of them; elsewhere axe is evaluated through page.evaluate. The page's CSP
governs neither, so the tests run under the production policy unchanged (no
bypass_csp)."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.accessibility.browsing import CSP_RECORDER, collect_errors, context_as
from tests.accessibility.pages import ROLES, browser_world, crawl_plan
from tests.conftest import IN_CI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
# The dark scheme changes colours and nothing else (the same DOM, the same names, roles
# and structure), so in dark mode the rules that read colour are run again: the full
# WCAG 2.1 AA run in light mode has already judged everything else on the same page.
COLOUR_RULES = {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}
RULES_FOR = {"light": WCAG_21_AA, "dark": COLOUR_RULES}
# The browser reports the error status of the page itself on these on purpose.
EXPECTED_STATUS_ERRORS = {
    "404 page": 404,
    "403 page": 403,
    "the join link of a class they assist": 403,
}
# One call to the page: null if axe is not in it yet; else, when asked to settle, the
# colour transitions finished first (the admin's links take 0.15 s), so axe measures the
# scheme's colours and not a frame of the fade; then axe's run. Only violations are
# collected (axe skips building the passes and the inapplicable rules' reports, which
# nothing here reads).
RUN_AXE = """async ({only, settle}) => {
  if (typeof window.axe === "undefined") return null;
  if (settle) {
    document.body.getBoundingClientRect();
    document.getAnimations().forEach((animation) => animation.finish());
  }
  const result = await axe.run(document, {runOnly: only, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ") + " :: " + n.failureSummary),
    count: v.nodes.length,
  }));
}"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        message = "axe-core is not installed (make test runs `npm ci`; or run it yourself)"
        if IN_CI:
            pytest.fail(message + "; CI=true requires the accessibility tests to run")
        pytest.skip(message)
    return AXE.read_text(encoding="utf-8")


def violations_on(page, axe_source: str, scheme: str = "light", settle: bool = False) -> list[str]:
    """axe's findings on the page as it stands (axe evaluated into it first if it is not
    there yet: the crawl's pages have it from their init script)."""
    arguments = {"only": RULES_FOR[scheme], "settle": settle}
    found = page.evaluate(RUN_AXE, arguments)
    if found is None:
        page.evaluate(axe_source)
        found = page.evaluate(RUN_AXE, arguments)
    return [f"{v['id']} ({v['impact']}, {v['count']}×): {v['help']} — {v['nodes']}" for v in found]


def assert_no_violations(page, axe_source: str, where: str = "") -> None:
    """axe finds nothing on the page as it stands, in light and then in dark mode."""
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found = violations_on(page, axe_source, scheme, settle=True)
        assert found == [], f"{scheme} {where or page.url}: " + "\n".join(found)


# The least number of page types each role's crawl opens (the site has these and more):
# a plan that shrank by mistake (a role signed out, a route lost) fails here.
LEAST_PAGES = {
    "anonymous": 30,
    "student": 40,
    "instructor": 30,
    "teaching assistant": 15,
    "curator": 48,
    "superuser": 50,
}


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_each_role_meets_wcag_21_aa_and_keeps_to_the_csp(
    live_server, browser, axe_source, subtests, role
):
    """One test per role, so the crawl's roles can run on both cores."""
    world = browser_world()
    plan = crawl_plan(world, roles=[role])[role]
    assert len(plan) >= LEAST_PAGES[role], [target.label for target in plan]
    context = context_as(browser, live_server, world, ROLES[role])
    context.add_init_script(CSP_RECORDER)
    context.add_init_script(axe_source)
    page = context.new_page()
    errors = collect_errors(page)
    checked = crawled = 0
    for target in plan:
        errors.clear()
        # Each page loads in light mode (the emulation outlasts the navigation).
        page.emulate_media(color_scheme="light")
        response = page.goto(target.url, wait_until="load")
        for scheme in ("light", "dark"):
            with subtests.test(role=role, page=target.label, scheme=scheme):
                if scheme == "dark":
                    page.emulate_media(color_scheme=scheme)
                found = violations_on(page, axe_source, scheme, settle=True)
                assert found == [], f"{role} {scheme} {target.url}: " + "\n".join(found)
                checked += 1
        # After both axe runs: whatever the page's deferred scripts and htmx did on load
        # has had its time to break the CSP or log an error.
        with subtests.test(role=role, page=target.label, check="csp"):
            expected = EXPECTED_STATUS_ERRORS.get(target.label, 200)
            assert response.status == expected
            violations = page.evaluate("window.__cspViolations")
            noise = f"status of {expected}" if expected != 200 else None
            real_errors = [e for e in errors if not (noise and noise in e)]
            assert violations == [], f"{role} {target.url}: {violations}"
            assert real_errors == [], f"{role} {target.url}: {real_errors}"
            crawled += 1
    context.close()
    assert crawled == len(plan)
    assert checked == 2 * len(plan)


def test_the_confirmation_pages_asked_without_javascript_meet_wcag_21_aa(
    live_server, browser, axe_source
):
    """They answer a plain form post, so the crawl (GETs) cannot reach them."""
    world = browser_world()
    context = context_as(browser, live_server, world, "ingrid")
    page = context.new_page()
    pages = {
        f"/teach/classes/{world.klass.pk}/": "form[action$='/remove/']",
        f"/teach/quizzes/{world.own_draft.pk}/": "form[action$='/delete/']",
    }
    for url, form in pages.items():
        page.goto(url)
        # A browser without JavaScript posts the form itself; htmx would confirm instead.
        with page.expect_navigation():
            page.eval_on_selector(form, "f => HTMLFormElement.prototype.submit.call(f)")
        assert page.get_by_role("button", name="Yes,").count() == 1, url
        assert_no_violations(page, axe_source, f"confirmation from {url}")
    context.close()
