"""Markdown to safe HTML. Content is rendered once, on save, never per request."""

import html as html_entities
import re
from dataclasses import dataclass, field

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
    "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr",
    "i", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "q": {"cite"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@dataclass
class Rendered:
    html: str
    toc: list[dict] = field(default_factory=list)


def sanitize_html(html: str) -> str:
    """Keep only an allowlist of tags and attributes: no scripts, handlers, styles or hx-*."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )


def plain_text(html: str) -> str:
    """The words of rendered HTML as plain text (tags dropped, entities read, spaces
    collapsed), for a one-line excerpt that the template escapes again."""
    words = nh3.clean(html, tags=set(), strip_comments=True)
    return " ".join(html_entities.unescape(words).split())


def render_markdown(text: str) -> Rendered:
    """Render Markdown (with `{#anchor}` headings and tables) to sanitized HTML and a TOC.

    The TOC lists the `##` headings as {"id", "title"} in document order.
    """
    md = markdown.Markdown(extensions=["extra", "sane_lists", "toc"], output_format="html")
    html = md.convert(text or "")
    toc = [{"id": t["id"], "title": t["name"]} for t in _flatten(md.toc_tokens) if t["level"] == 2]
    return Rendered(html=sanitize_html(html), toc=toc)


def _flatten(tokens: list[dict]):
    for token in tokens:
        yield token
        yield from _flatten(token["children"])


# What would make a one-line text a heading, quote, list or rule instead of a phrase.
_NUMBERED = re.compile(r"^(\s*\d+)([.)])(?=\s|$)")
_MARKED = re.compile(r"^(\s*)([#>-]|[+*](?=\s))")


def render_inline(text: str) -> str:
    """Render a short Markdown fragment as a phrase, without the wrapping <p>: emphasis
    and links work, but a text that starts like a heading, list, quote or rule (`#`,
    `1815. Congress`, `- none`) shows as typed."""
    text = " ".join((text or "").splitlines())
    text = _MARKED.sub(lambda m: m.group(1) + "\\" + m.group(2), _NUMBERED.sub(r"\1\\\2", text))
    html = render_markdown(text).html.strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
