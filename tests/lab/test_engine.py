"""The regime lab engine: hand-computed matches, the grim-trigger threshold, bounds and
properties. Payoffs are Axelrod's (T5 R3 P1 S0) unless a test says otherwise."""

import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.lab.engine import (
    MAX_GENERATIONS,
    MAX_REPETITIONS,
    MAX_ROUNDS,
    MAX_STRATEGIES,
    STANDARD_PAYOFFS,
    STRATEGIES,
    LabError,
    Payoffs,
    evolve,
    expected_rounds,
    get_strategy,
    grim_trigger_threshold,
    play_match,
    tournament,
)

PD = STANDARD_PAYOFFS
SLUGS = list(STRATEGIES)


def moves(match):
    """The match's moves as two strings, e.g. ("CDDDD", "DDDDD")."""
    return "".join(a for a, _ in match.moves), "".join(b for _, b in match.moves)


# --- Hand-computed matches --------------------------------------------------------------


def test_tit_for_tat_against_always_defect_over_five_rounds():
    match = play_match("tit-for-tat", "always-defect", PD, rounds=5)
    assert moves(match) == ("CDDDD", "DDDDD")
    assert match.payoffs == ((0, 5), (1, 1), (1, 1), (1, 1), (1, 1))
    assert match.totals == (4, 9)
    assert match.mean_payoffs == (0.8, 1.8)
    assert match.cooperation_rates == (0.5, 0, 0, 0, 0)
    assert match.cooperation_rate == 0.1
    assert match.rounds == 5
    assert match.strategies == ("tit-for-tat", "always-defect")


def test_tit_for_tat_against_itself_cooperates_throughout():
    match = play_match("tit-for-tat", "tit-for-tat", PD, rounds=5)
    assert moves(match) == ("CCCCC", "CCCCC")
    assert match.totals == (15, 15)
    assert match.cooperation_rates == (1,) * 5


def test_suspicious_tit_for_tat_and_tit_for_tat_alternate():
    match = play_match("suspicious-tit-for-tat", "tit-for-tat", PD, rounds=5)
    assert moves(match) == ("DCDCD", "CDCDC")
    assert match.totals == (15, 10)  # T+S+T+S+T against S+T+S+T+S
    assert match.cooperation_rates == (0.5,) * 5


def test_tit_for_two_tats_forgives_a_single_defection():
    match = play_match("tit-for-two-tats", "suspicious-tit-for-tat", PD, rounds=5)
    assert moves(match) == ("CCCCC", "DCCCC")
    assert match.totals == (12, 17)  # S + 4R against T + 4R


def test_tit_for_two_tats_retaliates_after_two_defections():
    match = play_match("tit-for-two-tats", "always-defect", PD, rounds=5)
    assert moves(match) == ("CCDDD", "DDDDD")
    assert match.totals == (3, 13)


def test_grim_trigger_never_forgives():
    match = play_match("grim-trigger", "suspicious-tit-for-tat", PD, rounds=5)
    assert moves(match) == ("CDDDD", "DCDDD")
    assert match.totals == (8, 8)  # S+T+3P each way


def test_pavlov_alternates_against_always_defect():
    match = play_match("win-stay-lose-shift", "always-defect", PD, rounds=5)
    assert moves(match) == ("CDCDC", "DDDDD")
    assert match.totals == (2, 17)


def test_pavlov_against_suspicious_tit_for_tat():
    match = play_match("win-stay-lose-shift", "suspicious-tit-for-tat", PD, rounds=5)
    # Lose (S): shift to D; win (T): stay on D; lose (P): shift to C; lose (S): shift.
    assert moves(match) == ("CDDCD", "DCDDC")


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        ("C", "C", "C"),  # reward: a win, stay
        ("D", "C", "D"),  # temptation: a win, stay
        ("C", "D", "D"),  # sucker's payoff: a loss, shift
        ("D", "D", "C"),  # punishment: a loss, shift
    ],
)
def test_pavlov_stays_after_a_win_and_shifts_after_a_loss(mine, theirs, expected):
    decide = get_strategy("win-stay-lose-shift").decide
    assert decide(["C", mine], ["C", theirs], None) == expected


def test_always_cooperate_is_exploited():
    match = play_match("always-cooperate", "always-defect", PD, rounds=3)
    assert match.totals == (0, 15)


def test_generous_tit_for_tat_forgives_about_a_third_of_defections():
    match = play_match("generous-tit-for-tat", "always-defect", PD, rounds=1000, seed=3)
    forgiven = moves(match)[0][1:].count("C") / 999
    assert forgiven == pytest.approx(1 / 3, abs=0.05)


def test_random_cooperates_about_half_the_time():
    match = play_match("random", "always-cooperate", PD, rounds=1000, seed=5)
    assert moves(match)[0].count("C") / 1000 == pytest.approx(0.5, abs=0.05)


def test_sanction_is_subtracted_from_each_detected_defection():
    match = play_match("tit-for-tat", "always-defect", PD, rounds=5, sanction=2, detection=1)
    # Round 1: TFT is suckered (S = 0), the defector earns T - 2. Then both earn P - 2.
    assert match.payoffs == ((0, 3), (-1, -1), (-1, -1), (-1, -1), (-1, -1))
    assert match.totals == (-4, -1)


def test_undetected_defections_go_unpunished():
    match = play_match("always-defect", "always-cooperate", PD, rounds=4, sanction=2, detection=0)
    assert match.totals == (20, 0)


def test_half_detection_sanctions_about_half_the_defections():
    match = play_match(
        "always-defect", "always-cooperate", PD, rounds=1000, sanction=1, detection=0.5, seed=2
    )
    sanctioned = 5000 - match.totals[0]
    assert 430 <= sanctioned <= 570


def test_noise_one_flips_every_move():
    match = play_match("always-cooperate", "always-cooperate", PD, rounds=4, noise=1)
    assert moves(match) == ("DDDD", "DDDD")


def test_noise_flips_moves_at_its_rate():
    match = play_match("always-cooperate", "always-cooperate", PD, rounds=1000, noise=0.1, seed=4)
    assert 1 - match.cooperation_rate == pytest.approx(0.1, abs=0.03)


def test_both_sides_remember_the_move_actually_played():
    match = play_match("always-defect", "tit-for-tat", PD, rounds=1000, noise=0.1, seed=6)
    played, copies = moves(match)
    # Tit for tat copies the defector's flipped moves too, so its move differs from the
    # one it copies only by its own noise (about 0.1, not the 0.18 of copying intentions).
    mismatches = sum(x != y for x, y in zip(played[:-1], copies[1:], strict=True)) / 999
    assert mismatches == pytest.approx(0.1, abs=0.03)


def test_without_noise_deterministic_strategies_ignore_the_seed():
    first = play_match("tit-for-tat", "win-stay-lose-shift", PD, rounds=50, seed=1)
    second = play_match("tit-for-tat", "win-stay-lose-shift", PD, rounds=50, seed=2)
    assert first == second


def test_same_seed_same_match_and_another_seed_another_match():
    def run(seed):
        return play_match(
            "random",
            "generous-tit-for-tat",
            PD,
            continuation=0.95,
            noise=0.1,
            sanction=1,
            detection=0.5,
            seed=seed,
        )

    assert run(7) == run(7)
    assert run(7) != run(8)


def test_continuation_length_depends_only_on_the_seed():
    # Common random numbers: every pairing faces the same horizon for a given seed.
    lengths = {
        play_match(a, b, PD, continuation=0.9, seed=11).rounds
        for a, b in [("tit-for-tat", "random"), ("always-defect", "grim-trigger")]
    }
    assert len(lengths) == 1


def test_continuation_zero_plays_one_round_and_the_cap_holds():
    assert play_match("tit-for-tat", "random", PD, continuation=0).rounds == 1
    lengths = [
        play_match("tit-for-tat", "random", PD, continuation=0.99, max_rounds=5, seed=s).rounds
        for s in range(50)
    ]
    assert max(lengths) == 5


def test_raising_noise_does_not_change_a_random_players_own_choices():
    # Separate random streams: the random strategy's coin flips stay put.
    quiet = play_match("random", "always-cooperate", PD, rounds=100, seed=9)
    intended = [a for a, _ in quiet.moves]
    noisy = play_match("random", "always-cooperate", PD, rounds=100, seed=9, noise=0.2)
    played = [a for a, _ in noisy.moves]
    differing = sum(x != y for x, y in zip(intended, played, strict=True))
    assert 0 < differing < 40


# --- The grim-trigger threshold: the shadow of the future ------------------------------


def grim_values(payoffs, w, max_rounds=MAX_ROUNDS):
    """Expected match totals against a grim trigger in the engine's model (go on after each
    round with probability w, at most max_rounds rounds): cooperate throughout, or deviate.
    The best deviation defects throughout, as a grim trigger never forgives."""
    rounds = expected_rounds(w, max_rounds)
    return payoffs.R * rounds, payoffs.T + payoffs.P * (rounds - 1)


def test_grim_trigger_threshold_values():
    assert grim_trigger_threshold(PD) == 0.5
    assert grim_trigger_threshold(Payoffs(T=7, R=4, P=2, S=0)) == 0.6


def test_expected_rounds():
    assert expected_rounds(0) == 1
    assert expected_rounds(0.5, None) == 2
    assert expected_rounds(0.5, 3) == 1.75
    assert expected_rounds(0.9) == pytest.approx(10 * (1 - 0.9**MAX_ROUNDS))


def test_at_the_threshold_cooperating_and_deviating_pay_the_same():
    cooperate, deviate = grim_values(PD, grim_trigger_threshold(PD), max_rounds=None)
    assert cooperate == pytest.approx(deviate)


@given(
    t=st.floats(-100, 100),
    r=st.floats(-100, 100),
    p=st.floats(-100, 100),
    s=st.floats(-100, 100),
    w=st.floats(0, 0.99),
)
def test_cooperating_beats_deviating_exactly_when_w_reaches_the_threshold(t, r, p, s, w):
    try:
        payoffs = Payoffs(T=t, R=r, P=p, S=s)
    except LabError:
        return
    cooperate, deviate = grim_values(payoffs, w, max_rounds=None)
    threshold = grim_trigger_threshold(payoffs)
    if w >= threshold + 1e-9:
        assert cooperate >= deviate
    elif w <= threshold - 1e-9:
        assert cooperate < deviate


@pytest.mark.parametrize(
    ("payoffs", "w"),
    [
        (PD, 0.25),  # below the threshold of 0.5: deviating pays
        (PD, 0.75),  # above it: cooperating pays
        (Payoffs(T=7, R=4, P=2, S=0), 0.5),  # threshold 0.6
        (Payoffs(T=7, R=4, P=2, S=0), 0.8),
    ],
)
def test_simulated_matches_agree_with_the_exact_values(payoffs, w):
    cooperate, deviate = grim_values(payoffs, w)
    # Same seeds, so each cooperator's match has the same length as a deviator's.
    seeds = range(3000)
    cooperator = [
        play_match("grim-trigger", "grim-trigger", payoffs, continuation=w, seed=s).totals[0]
        for s in seeds
    ]
    deviator = [
        play_match("always-defect", "grim-trigger", payoffs, continuation=w, seed=s).totals[0]
        for s in seeds
    ]
    for sample, exact in [(cooperator, cooperate), (deviator, deviate)]:
        error = statistics.stdev(sample) / math.sqrt(len(sample))
        assert abs(statistics.fmean(sample) - exact) < 4 * error
    gains = [c - d for c, d in zip(cooperator, deviator, strict=True)]
    gain = statistics.fmean(gains)
    assert abs(gain - (cooperate - deviate)) < 4 * statistics.stdev(gains) / math.sqrt(3000)
    assert (gain > 0) == (w > grim_trigger_threshold(payoffs))


# --- Tournaments ----------------------------------------------------------------------


def test_small_tournament_by_hand():
    result = tournament(["tit-for-tat", "always-defect", "always-cooperate"], PD, rounds=5)
    assert result.matrix == {
        "tit-for-tat": {"tit-for-tat": 3, "always-defect": 0.8, "always-cooperate": 3},
        "always-defect": {"tit-for-tat": 1.8, "always-defect": 1, "always-cooperate": 5},
        "always-cooperate": {"tit-for-tat": 3, "always-defect": 0, "always-cooperate": 3},
    }
    assert result.total_scores == {
        "tit-for-tat": 34,
        "always-defect": 39,
        "always-cooperate": 30,
    }
    assert result.mean_scores["always-defect"] == pytest.approx(7.8 / 3)
    assert result.ranking == ("always-defect", "tit-for-tat", "always-cooperate")
    # Six matches: round 1 has 8 of 12 moves C, later rounds 7 of 12.
    assert result.cooperation_rates == pytest.approx([8 / 12] + [7 / 12] * 4)


def test_tournament_without_self_play_drops_the_diagonal():
    result = tournament(
        ["tit-for-tat", "always-defect", "always-cooperate"], PD, rounds=5, self_play=False
    )
    assert "tit-for-tat" not in result.matrix["tit-for-tat"]
    assert result.mean_scores == pytest.approx(
        {"tit-for-tat": 1.9, "always-defect": 3.4, "always-cooperate": 1.5}
    )
    assert result.total_scores == {"tit-for-tat": 19, "always-defect": 34, "always-cooperate": 15}


def test_ties_keep_the_given_order():
    result = tournament(["always-cooperate", "tit-for-tat", "grim-trigger"], PD, rounds=10)
    assert result.ranking == ("always-cooperate", "tit-for-tat", "grim-trigger")
    flipped = tournament(["grim-trigger", "tit-for-tat", "always-cooperate"], PD, rounds=10)
    assert flipped.ranking == ("grim-trigger", "tit-for-tat", "always-cooperate")


def test_repetitions_average_and_seeds_reproduce():
    def run(**options):
        return tournament(
            ["random", "generous-tit-for-tat", "tit-for-tat"],
            PD,
            rounds=20,
            noise=0.05,
            **options,
        )

    assert run(seed=1, repetitions=3) == run(seed=1, repetitions=3)
    assert run(seed=1, repetitions=3) != run(seed=2, repetitions=3)
    deterministic = tournament(["tit-for-tat", "always-defect"], PD, rounds=20, repetitions=4)
    assert deterministic.total_scores == {"tit-for-tat": 4 * (60 + 19), "always-defect": 4 * 44}
    assert deterministic.matrix["tit-for-tat"]["always-defect"] == 19 / 20


def test_tournament_with_continuation_reports_every_round_reached():
    result = tournament(["always-cooperate", "tit-for-tat"], PD, continuation=0.9, seed=3)
    assert len(result.cooperation_rates) > 1
    assert set(result.cooperation_rates) == {1}


def test_every_strategy_has_a_name_and_a_one_line_description():
    assert len(STRATEGIES) == 9
    for slug, strategy in STRATEGIES.items():
        assert strategy.slug == slug
        assert strategy.name
        assert "\n" not in strategy.description
        assert strategy.description.endswith(".")


# --- Evolution ------------------------------------------------------------------------


def test_one_generation_by_hand():
    result = evolve(["always-cooperate", "always-defect"], PD, rounds=1, generations=1)
    # Fitness: cooperators 0.5*3 + 0.5*0 = 1.5, defectors 0.5*5 + 0.5*1 = 3, mean 2.25.
    assert result.shares[0] == {"always-cooperate": 0.5, "always-defect": 0.5}
    assert result.shares[1] == pytest.approx({"always-cooperate": 1 / 3, "always-defect": 2 / 3})


def test_payoffs_are_shifted_by_the_floor_when_sanctions_make_them_negative():
    result = evolve(["always-cooperate", "always-defect"], PD, rounds=1, generations=1, sanction=3)
    # Payoffs [[3, 0], [2, -2]]; the floor is P - 3 = -2, giving [[5, 2], [4, 0]].
    # Fitness 3.5 and 2, mean 2.75.
    assert result.shares[1]["always-cooperate"] == pytest.approx(0.5 * 3.5 / 2.75)


def test_a_population_earning_only_the_floor_stays_put():
    result = evolve(
        ["always-defect", "always-cooperate"],
        PD,
        rounds=3,
        generations=2,
        sanction=2,
        initial_shares=[1, 0],
    )
    assert result.shares[-1] == {"always-defect": 1, "always-cooperate": 0}


def test_tit_for_tat_takes_over_from_always_defect():
    result = evolve(["always-defect", "tit-for-tat"], PD, rounds=200, generations=50)
    assert len(result.shares) == 51
    assert result.shares[-1]["tit-for-tat"] > 0.99
    assert result.tournament.matrix["tit-for-tat"]["tit-for-tat"] == 3


def test_initial_shares_are_weights():
    result = evolve(
        ["tit-for-tat", "always-defect"], PD, rounds=5, generations=1, initial_shares=[1, 3]
    )
    assert result.shares[0] == {"tit-for-tat": 0.25, "always-defect": 0.75}


# --- Validation -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ((3, 3, 1, 0), r"^The temptation T \(3\) must be greater than the reward R \(3\)"),
        ((5, 1, 1, 0), r"^The reward R \(1\) must be greater than the punishment P \(1\)"),
        ((5, 3, 0, 0), r"^The punishment P \(0\) must be greater than the sucker's payoff S"),
        ((6, 3, 1, 0), r"^Twice the reward, 2R \(6\), must be greater than T \+ S \(6\)"),
        ((5, 3, 1.5, 0.5), None),
    ],
)
def test_payoff_validation_names_the_broken_condition(values, message):
    if message is None:
        assert Payoffs(*values).validate() is None
    else:
        with pytest.raises(LabError, match=message):
            Payoffs(*values)


def test_payoff_validation_lists_every_broken_condition():
    with pytest.raises(LabError) as caught:
        Payoffs(T=1, R=1, P=1, S=1)
    assert str(caught.value).count("must be greater") == 4
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("bad", ["5", math.nan, math.inf, None, True])
def test_payoffs_must_be_finite_numbers(bad):
    with pytest.raises(LabError, match="The payoff T must be a number"):
        Payoffs(T=bad, R=3, P=1, S=0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "Give either a fixed number of rounds or a continuation probability w"),
        ({"rounds": 5, "continuation": 0.5}, "not both"),
        ({"rounds": 0}, "number of rounds must be a whole number from 1 to 1000; got 0"),
        ({"rounds": MAX_ROUNDS + 1}, "from 1 to 1000; got 1001"),
        ({"rounds": 2.5}, "whole number"),
        ({"rounds": True}, "whole number"),
        ({"continuation": 1}, "continuation probability w must be a number from 0 to 0.99"),
        ({"continuation": -0.1}, "continuation probability w"),
        ({"rounds": 5, "noise": 1.5}, "The noise must be a number from 0 to 1; got 1.5"),
        ({"rounds": 5, "detection": -0.1}, "detection probability"),
        ({"rounds": 5, "sanction": -1}, "sanction must be a number of zero or more"),
        ({"rounds": 5, "sanction": math.nan}, "sanction"),
        ({"continuation": 0.5, "max_rounds": 0}, "maximum number of rounds"),
        ({"rounds": 5, "seed": "abc"}, "The seed must be a whole number"),
    ],
)
def test_match_settings_out_of_range(options, message):
    with pytest.raises(LabError, match=message):
        play_match("tit-for-tat", "random", PD, **options)


def test_unknown_strategy_is_named_with_the_valid_ones():
    with pytest.raises(LabError) as caught:
        play_match("tit-for-tat", "nice-guy", PD, rounds=5)
    message = str(caught.value)
    assert message.startswith("Unknown strategy 'nice-guy'. Choose from: always-cooperate, ")
    assert all(slug in message for slug in SLUGS)


@pytest.mark.parametrize(
    ("slugs", "message"),
    [
        (["tit-for-tat"], "Pick from 2 to 12 strategies; got 1"),
        (SLUGS + SLUGS[: MAX_STRATEGIES + 1 - len(SLUGS)], "Pick from 2 to 12 strategies; got 13"),
        (["tit-for-tat", "random", "tit-for-tat"], "'tit-for-tat' is listed twice"),
        ("tit-for-tat", "not a single string"),
        (["tit-for-tat", "tft"], "Unknown strategy 'tft'"),
    ],
)
def test_lineup_errors(slugs, message):
    with pytest.raises(LabError, match=message):
        tournament(slugs, PD, rounds=5)
    with pytest.raises(LabError, match=message):
        evolve(slugs, PD, rounds=5)


def test_run_size_caps():
    pair = ["tit-for-tat", "random"]
    with pytest.raises(LabError, match="repetitions must be a whole number from 1 to 10"):
        tournament(pair, PD, rounds=5, repetitions=MAX_REPETITIONS + 1)
    with pytest.raises(LabError, match="generations must be a whole number from 1 to 500"):
        evolve(pair, PD, rounds=5, generations=MAX_GENERATIONS + 1)
    with pytest.raises(LabError, match="generations"):
        evolve(pair, PD, rounds=5, generations=0)


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ([1], "2 strategies, 1 shares"),
        ([1, -1], "zero or more"),
        ([1, math.nan], "zero or more"),
        ([0, 0], "above zero"),
    ],
)
def test_initial_share_errors(shares, message):
    with pytest.raises(LabError, match=message):
        evolve(["tit-for-tat", "random"], PD, rounds=5, initial_shares=shares)


# --- Properties -----------------------------------------------------------------------

slug = st.sampled_from(SLUGS)
probability = st.floats(0, 1)
sanction = st.floats(0, 10)
seed = st.integers(-(2**64), 2**64)


@given(
    a=slug,
    b=slug,
    rounds=st.integers(1, 60),
    noise=probability,
    sanction=sanction,
    detection=probability,
    seed=seed,
)
def test_totals_are_the_sums_of_the_rounds(a, b, rounds, noise, sanction, detection, seed):
    match = play_match(
        a, b, PD, rounds=rounds, noise=noise, sanction=sanction, detection=detection, seed=seed
    )
    assert match.rounds == rounds == len(match.payoffs) == len(match.cooperation_rates)
    for side in (0, 1):
        assert match.totals[side] == sum(p[side] for p in match.payoffs)
        assert match.mean_payoffs[side] == match.totals[side] / rounds
    assert all(0 <= rate <= 1 for rate in match.cooperation_rates)
    assert all(move in ("C", "D") for pair in match.moves for move in pair)


@given(a=slug, b=slug, w=st.floats(0, 0.99), cap=st.integers(1, 60), seed=seed)
def test_continuation_matches_stay_within_the_cap(a, b, w, cap, seed):
    match = play_match(a, b, PD, continuation=w, max_rounds=cap, seed=seed)
    assert 1 <= match.rounds <= cap
    assert match.totals[0] == sum(p[0] for p in match.payoffs)


@settings(max_examples=40, deadline=None)
@given(
    slugs=st.lists(slug, min_size=2, max_size=5, unique=True),
    rounds=st.integers(1, 20),
    noise=probability,
    sanction=sanction,
    self_play=st.booleans(),
    seed=seed,
)
def test_tournament_properties(slugs, rounds, noise, sanction, self_play, seed):
    result = tournament(
        slugs, PD, rounds=rounds, noise=noise, sanction=sanction, self_play=self_play, seed=seed
    )
    assert sorted(result.ranking) == sorted(slugs)
    assert len(result.cooperation_rates) == rounds
    assert all(0 <= rate <= 1 for rate in result.cooperation_rates)
    for name, row in result.matrix.items():
        assert result.mean_scores[name] == pytest.approx(sum(row.values()) / len(row))
    means = [result.mean_scores[name] for name in result.ranking]
    assert [round(m, 9) for m in means] == sorted((round(m, 9) for m in means), reverse=True)


@settings(max_examples=40, deadline=None)
@given(
    data=st.data(),
    slugs=st.lists(slug, min_size=2, max_size=5, unique=True),
    rounds=st.integers(1, 10),
    generations=st.integers(1, 60),
    noise=probability,
    sanction=sanction,
    detection=probability,
)
def test_shares_sum_to_one_every_generation(
    data, slugs, rounds, generations, noise, sanction, detection
):
    weights = data.draw(
        st.lists(st.floats(0, 100), min_size=len(slugs), max_size=len(slugs)).filter(
            lambda w: sum(w) > 0
        )
    )
    result = evolve(
        slugs,
        PD,
        rounds=rounds,
        generations=generations,
        noise=noise,
        sanction=sanction,
        detection=detection,
        initial_shares=weights,
    )
    assert len(result.shares) == generations + 1
    for shares in result.shares:
        assert list(shares) == slugs
        assert math.fsum(shares.values()) == pytest.approx(1, abs=1e-9)
        assert all(0 <= share <= 1 + 1e-12 for share in shares.values())


@given(t=st.floats(-10, 10), r=st.floats(-10, 10), p=st.floats(-10, 10), s=st.floats(-10, 10))
def test_payoffs_are_accepted_exactly_when_they_make_a_dilemma(t, r, p, s):
    dilemma = t > r > p > s and 2 * r > t + s
    try:
        Payoffs(T=t, R=r, P=p, S=s)
    except LabError:
        assert not dilemma
    else:
        assert dilemma
