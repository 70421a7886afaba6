"""Play it yourself: the game's rules (pure) and its pages, with and without htmx."""

import re
from html import unescape

import pytest

from apps.lab.engine import STRATEGIES, C, D
from apps.lab.models import SoloGame
from apps.lab.play import BY_SLUG, EXCLUSION_ROUNDS, LEVELS, Game, PlayError, history_rows
from tests.conftest import make_user

HTMX = {"HTTP_HX_REQUEST": "true"}


def game(slug: str, seed: int = 7, prediction: str = "cooperative") -> Game:
    return Game(BY_SLUG[slug], {"seed": seed, "prediction": prediction, "rounds": []})


def play_out(g: Game, move: str = C) -> Game:
    while not g.finished:
        g.play(g.next_round, move)
    return g


def test_a_game_lasts_as_long_as_its_seed_says_and_then_stops():
    g = play_out(game("shadow-of-the-future"))
    assert len(g.rounds) == g.level.length(g.seed)
    with pytest.raises(PlayError, match="over"):
        g.play(g.next_round, C)


def test_a_round_posted_twice_counts_once():
    g = game("shadow-of-the-future", seed=3)
    assert g.play(1, C) is True
    before = list(g.rounds)
    assert g.play(1, D) is False
    assert g.rounds == before


def test_a_round_from_the_future_is_refused():
    with pytest.raises(PlayError, match="not started"):
        game("shadow-of-the-future").play(3, C)


def test_the_hidden_partner_plays_its_strategy_against_what_it_saw():
    # Grim trigger or tit for tat: after an opening defection, both defect in round 2.
    g = game("shadow-of-the-future", seed=11)
    g.play(1, D)
    if not g.finished:
        g.play(2, C)
        assert g.rounds[0]["their_played"] == C
        assert g.rounds[1]["their_played"] == D


def test_the_partner_is_revealed_only_when_the_game_is_over():
    g = game("noise", seed=5)
    with pytest.raises(PlayError):
        g.reveal()
    play_out(g)
    assert g.reveal().slug in BY_SLUG["noise"].partners


def test_a_caught_defection_shuts_the_student_out_of_the_next_rounds():
    level = BY_SLUG["sanctions"]
    for seed in range(200):
        g = Game(level, {"seed": seed, "prediction": "mixed", "rounds": []})
        if g.level.length(seed) < 1 + EXCLUSION_ROUNDS:
            continue
        g.play(1, D)
        if g.rounds[0]["caught"]:
            assert [r["excluded"] for r in g.rounds] == [False] + [True] * EXCLUSION_ROUNDS
            assert all(r["points"] == 0 for r in g.rounds[1:])
            assert g.next_round == 2 + EXCLUSION_ROUNDS
            return
    pytest.fail("no seed gave a caught defection")


def test_monitoring_hides_points_and_shows_only_the_report_until_the_end():
    seed = next(seed for seed in range(100) if BY_SLUG["monitoring"].length(seed) > 2)
    g = game("monitoring", seed=seed)
    g.play(1, C)
    row = history_rows(g)[0]
    assert row.points == "Sealed" and row.theirs.startswith("Reported: ")
    play_out(g)
    assert history_rows(g)[0].points != "Sealed"


def test_every_level_names_a_lesson_section_that_exists():
    from pathlib import Path

    lessons = "\n".join(p.read_text() for p in Path("content/lessons").glob("*.md"))
    for level in LEVELS:
        assert f"{{#{level.reading.anchor}}}" in lessons, level.slug
        assert all(slug in STRATEGIES for slug in level.partners)


# -- Pages -------------------------------------------------------------------------------


def html_of(response) -> str:
    return unescape(response.content.decode())


def start(client, slug="shadow-of-the-future", prediction="cooperative"):
    return client.post(f"/lab/play/{slug}/", {"prediction": prediction})


def current_round(html: str) -> int:
    return int(re.search(r'name="round" value="(\d+)"', html)[1])


@pytest.mark.django_db
def test_the_level_list_links_every_level(client):
    html = html_of(client.get("/lab/play/"))
    for level in LEVELS:
        assert f'href="/lab/play/{level.slug}/"' in html


@pytest.mark.django_db
def test_a_level_asks_for_a_prediction_first(client):
    html = html_of(client.get("/lab/play/noise/"))
    assert "how do you expect this game to go?" in html
    assert 'name="move"' not in html
    response = client.post("/lab/play/noise/", {})
    assert "Choose a prediction first" in html_of(response)


@pytest.mark.django_db
def test_an_anonymous_visitor_plays_without_javascript_through_form_posts(client):
    assert start(client).status_code == 302
    html = html_of(client.get("/lab/play/shadow-of-the-future/"))
    assert current_round(html) == 1
    for _ in range(40):
        response = client.post(
            "/lab/play/shadow-of-the-future/move/", {"round": current_round(html), "move": "C"}
        )
        assert response.status_code == 302
        html = html_of(client.get("/lab/play/shadow-of-the-future/"))
        if "Game over" in html:
            break
    assert "You faced " in html
    assert 'href="/lessons/how-regimes-work/#shadow-of-the-future"' in html
    assert "Next level: A move misread" in html


@pytest.mark.django_db
def test_the_page_never_names_the_partner_before_the_game_ends(client):
    start(client, "monitoring")
    html = html_of(client.get("/lab/play/monitoring/"))
    for slug in BY_SLUG["monitoring"].partners:
        assert STRATEGIES[slug].name not in html
    assert "seed" not in html.lower()


@pytest.mark.django_db
def test_a_move_posted_twice_counts_once_and_says_so(client):
    start(client)
    client.post("/lab/play/shadow-of-the-future/move/", {"round": 1, "move": "C"})
    response = client.post(
        "/lab/play/shadow-of-the-future/move/", {"round": 1, "move": "D"}, **HTMX
    )
    html = html_of(response)
    assert html.strip().startswith('<section id="game"')
    assert "Round 1 was already played; it counts once." in html
    assert client.session["lab_play"]["shadow-of-the-future"]["rounds"][0]["my_intended"] == C


@pytest.mark.django_db
def test_a_bad_move_gets_a_message_not_an_error(client):
    start(client)
    response = client.post(
        "/lab/play/shadow-of-the-future/move/", {"round": 1, "move": "X"}, **HTMX
    )
    assert response.status_code == 200
    assert "Choose to cooperate or to defect." in html_of(response)


@pytest.mark.django_db
def test_a_move_without_a_game_asks_for_a_prediction(client):
    response = client.post("/lab/play/noise/move/", {"round": 1, "move": "C"}, follow=True)
    assert "Make a prediction to start the game first." in html_of(response)


@pytest.mark.django_db
def test_a_signed_in_students_game_is_kept_in_the_database(client):
    alice = make_user("alice")
    client.force_login(alice)
    start(client, "payoffs")
    client.post("/lab/play/payoffs/move/", {"round": 1, "move": "C"})
    row = SoloGame.objects.get(student=alice, level="payoffs")
    assert len(row.state["rounds"]) >= 1
    client.logout()
    client.force_login(alice)
    assert "Your rounds so far" in html_of(client.get("/lab/play/payoffs/"))


@pytest.mark.django_db
def test_an_unfinished_game_cannot_be_restarted_to_fish_for_another_partner(client):
    start(client)
    seed = client.session["lab_play"]["shadow-of-the-future"]["seed"]
    start(client, prediction="hostile")
    state = client.session["lab_play"]["shadow-of-the-future"]
    assert state["seed"] == seed and state["prediction"] == "cooperative"


def test_an_unknown_level_is_404(client):
    assert client.get("/lab/play/no-such-level/").status_code == 404
