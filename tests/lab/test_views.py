import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

from apps.lab import experiments
from apps.lab.experiments import DEFAULT_SETUP, Setup, run
from apps.lab.scenarios import BY_SLUG, SCENARIOS

HTMX = {"HTTP_HX_REQUEST": "true"}
SHARED = (
    "/lab/?s=tit-for-tat&s=always-defect&s=grim-trigger&T=5&R=3&P=1&S=0&mode=continuation"
    "&w=0.9&rounds=50&noise=0&sanction=0&detection=1&generations=60&seed=1"
)


@pytest.fixture(autouse=True)
def words(scenario_words):
    """Every page here may show a scenario, whose words live in the database."""


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def html_of(response) -> str:
    return response.content.decode()


def section(html: str, element_id: str) -> str:
    """The <section> with this id, nested sections and all."""
    start = html.index(f'<section id="{element_id}"')
    depth, position = 0, start
    for tag in re.finditer(r"<(/?)section\b", html[start:]):
        depth += -1 if tag[1] else 1
        if depth == 0:
            position = start + tag.end()
            break
    return html[start:position]


def score_table(html: str) -> list[tuple[str, str]]:
    table = html[html.index('id="table-scores"') :]
    table = table[: table.index("</table>")]
    return re.findall(r'<th scope="row">([^<]+)</th><td class="num">([0-9.-]+)</td>', table)


def test_the_sandbox_opens_with_the_default_setup_and_all_three_charts(client):
    response = client.get("/lab/")
    assert response.status_code == 200
    html = html_of(response)
    assert html.count('role="img"') == 3
    for chart in ("chart-scores", "chart-cooperation", "chart-population"):
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in html
    for table in ("table-scores", "table-cooperation", "table-population"):
        assert f'id="{table}"' in html
    assert "finishes first with" in html
    assert "of the population" in html
    assert 'name="s" value="tit-for-tat"' in html and "Cooperates first, then copies" in html
    assert 'hx-get="/lab/"' in html and 'hx-target="#results"' in html
    assert 'hx-push-url="true"' in html and 'method="get"' in html


@pytest.mark.django_db
def test_an_anonymous_sandbox_view_makes_no_database_queries(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(SHARED).status_code == 200


def test_a_shared_url_reproduces_the_same_numbers(client):
    first = score_table(html_of(client.get(SHARED)))
    cache.clear()
    second = score_table(html_of(client.get(SHARED)))
    assert first and first == second
    assert len(first) == 3


def test_missing_parameters_take_their_defaults(client):
    assert score_table(html_of(client.get("/lab/"))) == score_table(
        html_of(client.get("/lab/?" + DEFAULT_SETUP.querystring()))
    )


def test_the_link_to_this_setup_reproduces_it(client):
    html = html_of(client.get(SHARED + "&noise=0.05"))
    link = unescape(re.search(r'<a href="([^"]+)">Link to exactly this setup', html)[1])
    assert "noise=0.05" in link
    assert score_table(html_of(client.get(link))) == score_table(html)


def test_htmx_gets_only_the_results_partial(client):
    response = client.get(SHARED, **HTMX)
    assert response.status_code == 200
    html = html_of(response).strip()
    assert html.startswith('<section id="results"')
    assert html.endswith("</section>")
    assert "<form" not in html and "<html" not in html
    assert 'role="img"' in html


def test_a_lever_changes_the_numbers(client):
    before = score_table(html_of(client.get(SHARED, **HTMX)))
    after = score_table(html_of(client.get(SHARED.replace("w=0.9", "w=0.3"), **HTMX)))
    assert before != after


@pytest.mark.parametrize(
    "query",
    [
        "T=abc",
        "w=7",
        "rounds=99999999999999999999",
        "s=spy&s=tit-for-tat",
        "s=tit-for-tat",
        "T=2&R=3",
        "mode=rounds&rounds=1000&reps=10&"
        + "&".join(
            f"s={slug}" for slug in ("always-defect", "tit-for-tat", "random", "grim-trigger")
        ),
        "generations=-1&seed=x&noise=%00",
        "s=" + "x" * 5000,
    ],
)
def test_bad_parameters_show_errors_in_place_and_no_results(client, query):
    for extra in ({}, HTMX):
        response = client.get("/lab/?" + query, **extra)
        assert response.status_code == 200
        results = section(html_of(response), "results")
        assert "These settings can't be run yet" in results
        assert 'role="img"' not in results
        assert "<li>" in results


def test_errors_link_to_the_inputs_to_fix(client):
    html = html_of(client.get("/lab/?T=2&s=x"))
    assert '<a href="#id_T">The temptation T (2)' in html
    assert '<a href="#id_s_0">“x” is not one of' in html


def test_field_errors_link_to_their_fields_and_show_beside_them(client):
    html = html_of(client.get("/lab/?w=7"))
    assert '<a href="#id_w">' in html
    assert 'id="field-w"' in html
    assert 'aria-invalid="true"' in html


def test_results_are_cached_by_setup(monkeypatch):
    calls = []
    real_evolve = experiments.evolve

    def counting_evolve(*args, **kwargs):
        calls.append(1)
        return real_evolve(*args, **kwargs)

    monkeypatch.setattr(experiments, "evolve", counting_evolve)
    first = run(DEFAULT_SETUP)
    second = run(Setup(strategies=("grim-trigger", "tit-for-tat", "always-defect")))
    assert len(calls) == 1
    assert first.tournament.mean_scores == second.tournament.mean_scores
    run(DEFAULT_SETUP.__class__(strategies=DEFAULT_SETUP.strategies, seed=2))
    assert len(calls) == 2


def test_the_scenario_list_links_every_scenario(client):
    html = html_of(client.get("/lab/scenarios/"))
    for scenario in SCENARIOS:
        assert f'href="/lab/scenarios/{scenario.slug}/"' in html
        assert scenario.title in unescape(html)


def test_an_unknown_scenario_is_404(client):
    assert client.get("/lab/scenarios/no-such-thing/").status_code == 404


def test_a_scenario_asks_for_a_prediction_before_showing_anything(client):
    html = html_of(client.get("/lab/scenarios/shadow-of-the-future/"))
    assert "Predict first" in html
    assert 'name="predicted" value="defectors"' in html
    assert "Skip and run" in html
    assert 'id="results"' not in html and 'role="img"' not in html


def test_predicting_reveals_the_run_beside_the_prediction(client):
    html = unescape(html_of(client.get("/lab/scenarios/shadow-of-the-future/?predicted=defectors")))
    assert "Your prediction, for w = 0.90: <strong>Those that always defect</strong>" in html
    results = section(html, "results")
    assert "In this run (w = 0.90)" in results
    assert "The reciprocators (tit for tat and grim trigger)" in results
    assert "This run differs from your prediction." in results
    assert results.count('role="img"') == 3
    assert "What this shows" in html
    assert 'href="/lessons/how-regimes-work/#shadow-of-the-future"' in html
    assert "Open this setup in the sandbox" in results


def test_a_right_prediction_is_confirmed(client):
    html = html_of(client.get("/lab/scenarios/shadow-of-the-future/?predicted=cooperators"))
    assert "Your prediction matches this run." in html


def test_skipping_reveals_the_run_without_a_prediction(client):
    html = html_of(client.get("/lab/scenarios/verification/?skip=1"))
    assert "You skipped the prediction." in html
    assert 'role="img"' in html
    assert '<input type="hidden" name="skip" value="1">' in html


def test_running_without_a_prediction_asks_again(client):
    response = client.get("/lab/scenarios/verification/?run=1")
    html = unescape(html_of(response))
    assert response.status_code == 200
    assert "Choose an answer first, or skip and run." in html
    assert 'role="img"' not in html


def test_moving_a_scenario_lever_with_htmx_updates_the_verdict(client):
    url = "/lab/scenarios/shadow-of-the-future/?predicted=cooperators"
    long_shadow = html_of(client.get(url + "&w=0.9", **HTMX)).strip()
    short_shadow = unescape(html_of(client.get(url + "&w=0.2", **HTMX)).strip())
    assert long_shadow.startswith('<section id="results"')
    assert "Your prediction matches this run." in long_shadow
    assert "In this run (w = 0.20)" in short_shadow
    assert "Those that always defect" in short_shadow


def test_a_prediction_is_judged_only_at_the_setting_it_was_made_for(client):
    url = "/lab/scenarios/shadow-of-the-future/?predicted=cooperators&at=0.9"
    moved = unescape(html_of(client.get(url + "&w=0.2", **HTMX)))
    assert (
        "Your prediction was for w = 0.90, so this run at another setting does not judge it"
        in moved
    )
    assert "matches this run" not in moved and "differs from your prediction" not in moved
    back = html_of(client.get(url + "&w=0.9", **HTMX))
    assert "Your prediction matches this run." in back


def test_the_lever_form_carries_the_setting_the_prediction_was_made_for(client):
    html = html_of(
        client.get("/lab/scenarios/one-shot-security-dilemma/?predicted=tie&at=1&meetings=5")
    )
    assert '<input type="hidden" name="at" value="1">' in html
    assert "they meet once" in unescape(html)  # the prediction's setting, named in the recap


def test_the_prediction_form_binds_the_prediction_to_the_starting_setting(client):
    html = html_of(client.get("/lab/scenarios/shadow-of-the-future/"))
    assert '<input type="hidden" name="at" value="0.9">' in html


def test_a_sandbox_form_with_no_strategy_ticked_says_so_instead_of_showing_results(client):
    response = client.get("/lab/?T=5&R=3&P=1&S=0&mode=continuation&w=0.9", **HTMX)
    html = unescape(html_of(response))
    assert "No strategy is ticked" in html
    assert 'role="img"' not in html


def test_a_bad_lever_value_is_explained_in_place(client):
    response = client.get("/lab/scenarios/shadow-of-the-future/?skip=1&w=5", **HTMX)
    assert response.status_code == 200
    assert "must be at most 0.99" in html_of(response)
    assert 'role="img"' not in html_of(response)


def test_scenarios_with_a_baseline_compare_against_it(client):
    html = unescape(html_of(client.get("/lab/scenarios/when-cooperation-collapses/?skip=1")))
    table = html[html.index('id="table-comparison"') :]
    assert "Before 1848" in table and "w = 0.90" in table and "w = 0.50" in table
    sanctions = unescape(html_of(client.get("/lab/scenarios/sanctions/?skip=1&fine=3")))
    assert "No sanctions" in sanctions and "a fine of 3, costing the enforcer 1.5" in sanctions


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.slug)
def test_open_in_the_sandbox_reproduces_the_scenario_run(client, scenario):
    html = html_of(client.get(f"/lab/scenarios/{scenario.slug}/?skip=1"))
    link = unescape(re.search(r'<a href="([^"]+)">Open this setup in the sandbox', html)[1])
    assert urlsplit(link).path == "/lab/"
    assert score_table(html_of(client.get(link))) == score_table(html)


def test_the_sandbox_links_to_the_scenarios_and_back(client):
    assert 'href="/lab/scenarios/"' in html_of(client.get("/lab/"))
    html = html_of(client.get(BY_SLUG["when-cooperation-collapses"].get_absolute_url()))
    assert "Now try" in html and 'href="/lab/"' in html
