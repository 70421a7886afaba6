"""Opening the crawl's pages in Chromium as a given persona."""

from tests.accessibility.pages import session_cookie

# Collects the page's CSP violations; installed before any of the page's own code runs.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
    + ` at ${event.sourceFile || ""}:${event.lineNumber || ""}`);
});
"""


def context_as(browser, live_server, world, persona: str, **options):
    """A browser context signed in as `persona` (a fresh visitor for "anonymous")."""
    context = browser.new_context(base_url=live_server.url, **options)
    cookie = session_cookie(world, persona)
    if cookie:
        context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])
    return context


def collect_errors(page) -> list[str]:
    """Console errors and uncaught exceptions of `page`, as they happen."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
