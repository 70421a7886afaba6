import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.markup import plain_text, render_inline, render_markdown, sanitize_html

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    '<svg onload="alert(1)"><circle/></svg>',
    '<div hx-get="/admin/" hx-trigger="load">x</div>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<iframe src="https://example.com"></iframe>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="  JaVaScRiPt:alert(1)">x</a>',
]


def test_markdown_keeps_headings_anchors_and_links():
    rendered = render_markdown("## Why it matters {#why}\n\nSee [anarchy](/glossary/anarchy/).")
    assert '<h2 id="why">Why it matters</h2>' in rendered.html
    assert '<a href="/glossary/anarchy/">anarchy</a>' in rendered.html
    assert rendered.toc == [{"id": "why", "title": "Why it matters"}]


def test_every_xss_payload_comes_out_inert():
    for payload in PAYLOADS:
        html = render_markdown(payload).html.lower()
        for bad in (
            "<script",
            "onerror",
            "onload",
            "javascript:",
            "hx-",
            "style=",
            "<iframe",
            "data:",
        ):
            assert bad not in html, (payload, html)


def test_inline_rendering_drops_the_paragraph():
    assert render_inline("*one* idea") == "<em>one</em> idea"


@given(st.text(alphabet=st.sampled_from(list("<>/\"'=&;:ab scriptonerrohx-#[]()")), max_size=200))
def test_sanitizing_is_idempotent(text):
    once = sanitize_html(text)
    assert sanitize_html(once) == once


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("#", "#"),
        ("1815. Congress of Vienna", "1815. Congress of Vienna"),
        ("- none", "- none"),
        ("> a quotation", "&gt; a quotation"),
        ("* a star", "* a star"),
        ("*stressed* word", "<em>stressed</em> word"),
        ("see [the lesson](/lessons/x/)", 'see <a href="/lessons/x/">the lesson</a>'),
    ],
)
def test_an_answer_option_renders_as_typed_never_as_a_block(typed, shown):
    assert render_inline(typed) == shown


def test_plain_text_keeps_the_words_of_rendered_markdown_and_nothing_else():
    html = render_markdown(
        "Is **realism** *right* &amp; [fair](https://example.org)?\n\n- one"
    ).html
    assert plain_text(html) == "Is realism right & fair? one"
    assert plain_text("<script>alert(1)</script>x &lt;b&gt;") == "x <b>"
