"""The engine agrees with the axelrod research library on the deterministic strategies:
the same moves and scores in every match, and the same tournament ranking.

axelrod is a test-only dependency. Locally a missing axelrod skips these tests; in CI
(CI=true) it fails, so CI can never pass by skipping it."""

import functools
import itertools
import os

import pytest

from apps.lab.engine import STANDARD_PAYOFFS, Payoffs, play_match, tournament
from apps.lab.rounds import Levers, resolve, strategy_move


@functools.cache
def axelrod():
    """The axelrod module: skip without it locally, fail without it in CI. Imported by the
    first test that plays it, not when the module is collected: the import takes some 4 s
    of CPU, which a test process that runs none of these tests need not pay."""
    if os.environ.get("CI") != "true":
        return pytest.importorskip("axelrod")
    try:
        import axelrod
    except ImportError as error:
        pytest.fail(f"CI needs axelrod ({error}): install requirements-dev.txt.", pytrace=False)
    return axelrod


# Our strategy's slug -> the name of its axelrod counterpart.
COUNTERPARTS = {
    "always-cooperate": "Cooperator",
    "always-defect": "Defector",
    "tit-for-tat": "TitForTat",
    "grim-trigger": "Grudger",
    "win-stay-lose-shift": "WinStayLoseShift",
    "tit-for-two-tats": "TitFor2Tats",
    "suspicious-tit-for-tat": "SuspiciousTitForTat",
}


def player(slug):
    return getattr(axelrod(), COUNTERPARTS[slug])()


SLUGS = list(COUNTERPARTS)
PAYOFF_SETS = [
    STANDARD_PAYOFFS,
    Payoffs(T=4, R=3, P=1, S=-1),
    Payoffs(T=3.5, R=2, P=0.5, S=0),
]


def axelrod_game(payoffs):
    return axelrod().Game(r=payoffs.R, s=payoffs.S, t=payoffs.T, p=payoffs.P)


def axelrod_tournament(slugs, payoffs, turns):
    players = [player(slug) for slug in slugs]
    game = axelrod_game(payoffs)
    return (
        axelrod()
        .Tournament(players, game=game, turns=turns, repetitions=1)
        .play(progress_bar=False)
    )


@pytest.mark.parametrize("payoffs", PAYOFF_SETS)
@pytest.mark.parametrize("turns", [1, 5, 200])
def test_every_match_has_the_same_moves_and_scores(payoffs, turns):
    for a, b in itertools.product(SLUGS, repeat=2):
        theirs = axelrod().Match((player(a), player(b)), turns=turns, game=axelrod_game(payoffs))
        played = theirs.play()
        ours = play_match(a, b, payoffs, rounds=turns)
        assert [(str(x), str(y)) for x, y in played] == list(ours.moves), (a, b)
        assert ours.totals == pytest.approx(theirs.final_score()), (a, b)


@pytest.mark.parametrize("payoffs", PAYOFF_SETS)
@pytest.mark.parametrize("turns", [5, 200])
@pytest.mark.parametrize("order", ["given", "reversed"])
def test_tournaments_rank_and_score_alike(payoffs, turns, order):
    slugs = SLUGS if order == "given" else SLUGS[::-1]
    results = axelrod_tournament(slugs, payoffs, turns)
    names = [str(player(slug)) for slug in slugs]

    # axelrod plays self-interactions but leaves them out of scores and ranking.
    without_self = tournament(slugs, payoffs, rounds=turns, self_play=False)
    assert list(without_self.ranking) == [slugs[names.index(n)] for n in results.ranked_names]
    assert list(without_self.total_scores.values()) == pytest.approx(
        [score for (score,) in results.scores]
    )

    # Its payoff matrix (mean payoff per turn) does include them, as ours does by default.
    with_self = tournament(slugs, payoffs, rounds=turns)
    ours = [value for row in with_self.matrix.values() for value in row.values()]
    assert ours == pytest.approx([float(value) for row in results.payoff_matrix for value in row])


@pytest.mark.parametrize("payoffs", PAYOFF_SETS)
def test_rounds_played_one_at_a_time_as_in_solo_and_live_play_agree(payoffs):
    """Solo and live play do not call play_match: each round, the seats' strategies decide
    (strategy_move) and rounds.resolve scores them. With no noise, full monitoring and no
    sanction, that agrees with axelrod too."""
    levers = Levers(T=payoffs.T, R=payoffs.R, P=payoffs.P, S=payoffs.S)
    for a, b in itertools.product(SLUGS, repeat=2):
        played = axelrod().Match((player(a), player(b)), turns=30, game=axelrod_game(payoffs))
        expected = played.play()
        a_moves, b_moves, a_saw, b_saw, totals = [], [], [], [], [0.0, 0.0]
        for number in range(30):
            a_side, b_side = resolve(
                strategy_move(a, a_moves, a_saw, seed=number),
                strategy_move(b, b_moves, b_saw, seed=number),
                levers,
                seed=number,
            )
            a_moves.append(a_side.played)
            b_moves.append(b_side.played)
            a_saw.append(a_side.saw)
            b_saw.append(b_side.saw)
            totals[0] += a_side.points
            totals[1] += b_side.points
        assert [(str(x), str(y)) for x, y in expected] == list(
            zip(a_moves, b_moves, strict=True)
        ), (a, b)
        assert totals == pytest.approx(played.final_score()), (a, b)
