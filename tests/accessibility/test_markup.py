"""Accessibility checks that need no browser, on every page type as each role: the
page's language and title, one main heading, labelled form controls and buttons, named
links, images with alternatives, unique ids, and ARIA references that point somewhere.
(axe-core in Chromium checks the rest, colour contrast included: tests/browser/test_axe.py.)"""

from html.parser import HTMLParser

import pytest
from django.test import Client

from tests.accessibility.pages import ROLES

pytestmark = pytest.mark.django_db

LABELLED_BY_ITSELF = {"hidden", "submit", "button", "reset", "image"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.ids: list[str] = []
        self.label_for: set[str] = set()
        self.stack: list[tuple[str, dict, list]] = []  # open label/button/a/h1/title
        self.texts: dict[int, str] = {}
        self.html_lang = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang")
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "label" and "for" in a:
            self.label_for.add(a["for"])
        inside_label = any(t == "label" for t, _, _ in self.stack)
        entry = (tag, {**a, "_in_label": inside_label}, [])
        self.elements.append((tag, entry[1]))
        if tag in ("label", "button", "a", "h1", "title", "summary", "legend"):
            self.stack.append(entry)
            entry[1]["_text"] = entry[2]

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        for _, _, text in self.stack:
            text.append(data)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("label", "button", "a"):
            self.handle_endtag(tag)


def text(attrs) -> str:
    return "".join(attrs.get("_text", [])).strip()


def problems_on(html: str, is_admin: bool) -> list[str]:
    page = _Page()
    page.feed(html)
    ids = set(page.ids)
    problems = []
    if not (page.html_lang or "").startswith("en"):
        problems.append(f"<html lang> is {page.html_lang!r}")
    titles = [a for t, a in page.elements if t == "title"]
    if not titles or not text(titles[0]):
        problems.append("no <title>")
    h1s = [a for t, a in page.elements if t == "h1"]
    if not is_admin and len(h1s) != 1:
        problems.append(f"{len(h1s)} <h1> elements")
    duplicates = {i for i in page.ids if page.ids.count(i) > 1}
    if duplicates:
        problems.append(f"duplicate ids {sorted(duplicates)}")
    for tag, a in page.elements:
        named = a.get("aria-label") or a.get("aria-labelledby") or a.get("title")
        # In the admin, Django's tabular inlines point at help texts they show as column
        # tooltips instead; axe (tests/browser/test_axe.py) judges the admin's ARIA.
        checked = () if is_admin or "hidden" in a else ("aria-labelledby", "aria-describedby")
        for attribute in checked:
            for ref in a.get(attribute, "").split():
                if ref not in ids:
                    problems.append(f"<{tag}> {attribute} points at missing #{ref}")
        if tag in ("input", "select", "textarea"):
            if a.get("type", "text") in LABELLED_BY_ITSELF:
                continue
            if "selectfilter" in a.get("class", ""):
                continue  # the admin's JS replaces it with a labelled pair of lists
            if not (named or a.get("_in_label") or a.get("id") in page.label_for):
                problems.append(f"unlabelled <{tag} name={a.get('name')!r}>")
        elif tag == "img" and "alt" not in a:
            problems.append(f"<img src={a.get('src')!r}> without alt")
        elif tag == "button" and not (named or text(a)):
            problems.append(f"<button> without a name ({a.get('class', '')})")
        elif tag == "a" and "href" in a and not (named or text(a) or "_img" in a):
            if not is_admin:
                problems.append(f"link without text to {a['href']}")
    if not is_admin and "main" not in ids:
        problems.append("no #main for the skip link")
    return problems


def test_every_page_type_as_each_role_passes_the_markup_checks(content_world):
    world, plan = content_world
    found = []
    pages = 0
    for role, persona in ROLES.items():
        client = Client()
        if world.user(persona).is_authenticated:
            client.force_login(world.user(persona))
        for page in plan[role]:
            html = page.html or client.get(page.url).content.decode()
            pages += 1
            for problem in problems_on(html, page.url.startswith("/admin/")):
                found.append(f"{role} {page.label} ({page.url}): {problem}")
    assert pages > 100
    assert found == [], "\n".join(found)


@pytest.mark.parametrize(
    "html,problem",
    [
        (
            '<html lang="en"><title>x</title><h1>x</h1><input name="q"><main id="main">',
            "unlabelled",
        ),
        (
            '<html lang="en"><title>x</title><h1>x</h1><button></button><main id="main">',
            "without a name",
        ),
        (
            '<html lang="en"><title>x</title><h1>x</h1><img src="a.png"><main id="main">',
            "without alt",
        ),
        (
            '<html lang="en"><title>x</title><h1>x</h1><p aria-describedby="nope"><main id="main">',
            "missing #nope",
        ),
        ('<html><title>x</title><h1>x</h1><main id="main">', "lang"),
    ],
)
def test_the_checks_see_what_they_look_for(html, problem):
    assert any(problem in p for p in problems_on(html, False))
