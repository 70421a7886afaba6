"""Is a rendered page inert? Finds anything in the HTML that would run script, send a
request or restyle the page on its own: script elements that are not our static files,
event handler attributes, htmx attributes carrying injected values, javascript:/data:
URLs, frames, objects, SVG/MathML islands, <base>, meta refreshes, injected styles.

The payloads carry the marker XSS so that an injected attribute is told apart from the
templates' own (whose htmx attributes never contain it)."""

import re
from html.parser import HTMLParser

MARK = "XSS"
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "data:", "livescript:")
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "data", "xlink:href", "poster", "background",
    "srcset", "cite", "ping", "codebase", "dynsrc", "lowsrc",
}  # fmt: skip
FORBIDDEN_TAGS = {
    "iframe", "frame", "frameset", "object", "embed", "applet", "base",
    "style", "portal", "noscript",
}  # fmt: skip
CSRF_HEADER = re.compile(r'\{"X-CSRFToken": "[A-Za-z0-9]+"\}')
OUR_SCRIPTS = ("/static/", "/admin/jsi18n/")
IGNORED_IN_URLS = re.compile(r"[\s\x00-\x1f]+")


def _scheme_of(url: str) -> str:
    return IGNORED_IN_URLS.sub("", url).lower()


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"[:200]
        values = dict(attrs)
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"forbidden element {where}")
        inert_data = values.get("type") == "application/json"
        if (
            tag == "script"
            and not inert_data
            and not (values.get("src") or "").startswith(OUR_SCRIPTS)
        ):
            self.problems.append(f"script that is not one of our files {where}")
        if tag == "meta" and "http-equiv" in values and "refresh" in (values["http-equiv"] or ""):
            self.problems.append(f"meta refresh {where}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name} in {where}")
            elif name.startswith(("hx-on", "data-hx-on")):
                self.problems.append(f"htmx handler {name} in {where}")
            elif name == "hx-headers" and CSRF_HEADER.fullmatch(value):
                continue  # the page's own CSRF token (random letters, which may spell XSS)
            elif (
                name.startswith(("hx-", "data-hx-"))
                and MARK in value
                and not name.endswith(
                    ("hx-confirm", "hx-prompt")  # shown as plain text in a dialog
                )
            ):
                self.problems.append(f"injected htmx attribute {name} in {where}")
            elif name == "style" and MARK in value:
                self.problems.append(f"injected style in {where}")
            elif MARK in name:
                self.problems.append(f"injected attribute {name} in {where}")
            elif name in URL_ATTRIBUTES and _scheme_of(value).startswith(SCRIPT_SCHEMES):
                if not (tag == "img" and name == "src" and MARK not in value):
                    self.problems.append(f"script URL in {name} of {where}")


def problems_in(html: str) -> list[str]:
    """Everything that makes the page not inert (an empty list for a safe page)."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    if "49" + MARK in html:  # "{{ 7*7 }}XSS" evaluated as a template
        scanner.problems.append("template expression evaluated")
    return scanner.problems
