"""The comparison's URL is its state: the tickboxes and the table both render from it."""

import re

import pytest

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def ticked(html: str, name: str) -> list[str]:
    return re.findall(rf'name="{name}" value="([\w-]+)" checked', html)


def table_of(html: str) -> str:
    return html[html.index('id="comparison"') : html.index('id="cross-case"')]


def test_unticking_every_view_shows_none_and_says_so(client, content):
    # The form sends an empty value first, so no view ticked still names the parameter.
    html = client.get("/compare/?views=&dims=&dims=drivers").content.decode()
    assert ticked(html, "views") == [] and ticked(html, "dims") == ["drivers"]
    assert "Tick at least one view to compare." in table_of(html)
    assert "<table" not in table_of(html)


def test_unticking_every_question_shows_none_and_says_so(client, content):
    html = client.get("/compare/?views=&views=realism&dims=").content.decode()
    assert ticked(html, "views") == ["realism"] and ticked(html, "dims") == []
    assert "Tick at least one question to compare." in table_of(html)


def test_no_parameters_means_every_view_and_question(client, content):
    html = client.get("/compare/").content.decode()
    assert ticked(html, "views") == ["realism", "collective-security", "regimes"]
    assert len(ticked(html, "dims")) == table_of(html).count('<th scope="row">')


def test_the_ticks_and_the_table_agree_for_the_same_url(client, content):
    html = client.get("/compare/?views=&views=regimes&dims=&dims=drivers").content.decode()
    table = table_of(html)
    assert ticked(html, "views") == ["regimes"] and ticked(html, "dims") == ["drivers"]
    assert 'href="/theories/regimes/"' in table and 'href="/theories/realism/"' not in table
    assert table.count('<th scope="row">') == 1


def test_links_inside_the_table_keep_a_choice_of_none(client, content):
    html = client.get("/compare/?views=&views=realism&dims=").content.decode()
    assert "Tick at least one question" in html
    html = client.get("/compare/?views=realism&dims=drivers").content.decode()
    assert "?views=realism&amp;dims=drivers&amp;expand=drivers%3Arealism" in html


def test_an_htmx_change_also_brings_the_cross_case_form_up_to_date(client, content):
    html = client.get("/compare/?views=&views=realism&dims=", **HTMX).content.decode()
    assert html.lstrip().startswith('<section id="comparison"')
    oob = html[html.index('id="cross-case-choice"') :]
    assert 'hx-swap-oob="true"' in oob
    assert '<input type="hidden" name="views" value="realism">' in oob
    assert '<input type="hidden" name="dims" value="">' in oob
    full = client.get("/compare/?views=realism").content.decode()
    assert full.count('id="cross-case-choice"') == 1 and "hx-swap-oob" not in full
