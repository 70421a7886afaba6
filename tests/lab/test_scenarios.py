"""The scenarios' teaching claims, checked against the engine: each starting setup gives
the result its text explains, and moving the lever changes it as the text says."""

import pytest

from apps.lab.experiments import run
from apps.lab.scenarios import BY_SLUG, COOPERATORS, DEFECTORS, MIX, SCENARIOS


def verdict(slug: str, value: float) -> str:
    scenario = BY_SLUG[slug]
    return scenario.judge(run(scenario.setup(value)))


@pytest.mark.parametrize(
    ("slug", "value", "expected"),
    [
        ("one-shot-security-dilemma", 1, "always-defect"),
        ("one-shot-security-dilemma", 2, "always-defect"),
        ("one-shot-security-dilemma", 3, "tit-for-tat"),
        ("shadow-of-the-future", 0.9, COOPERATORS),
        ("shadow-of-the-future", 0.5, DEFECTORS),
        ("verification", 0, "half-or-less"),
        ("verification", 90, "mostly"),
        ("verification", 100, "nearly-always"),
        ("sanctions", 0, DEFECTORS),
        ("sanctions", 1, DEFECTORS),
        ("sanctions", 2, MIX),
        ("sanctions", 3, COOPERATORS),
        ("when-cooperation-collapses", 0.9, COOPERATORS),
        ("when-cooperation-collapses", 0.5, DEFECTORS),
    ],
)
def test_each_scenario_bears_out_its_text(slug, value, expected):
    assert verdict(slug, value) == expected


def test_a_fine_too_small_to_deter_only_makes_everyone_poorer():
    sanctions = BY_SLUG["sanctions"]
    none, small, deterrent = (run(sanctions.setup(fine)).final_payoff for fine in (0, 1, 3))
    assert small < none < deterrent == pytest.approx(3, abs=0.01)


def test_the_tipping_point_for_the_shadow_lies_above_the_grim_trigger_threshold():
    assert verdict("shadow-of-the-future", 0.55) == DEFECTORS
    assert verdict("shadow-of-the-future", 0.7) == COOPERATORS


def test_inspections_raise_cooperation_steadily():
    scenario = BY_SLUG["verification"]
    levels = [run(scenario.setup(value)).cooperation for value in (0, 50, 90, 100)]
    assert levels == sorted(levels) and levels[-1] == 1


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda scenario: scenario.slug)
def test_every_scenario_is_complete_and_within_the_work_budget(scenario):
    lever = scenario.lever
    assert lever.low <= lever.start <= lever.high
    assert len(scenario.choices) >= 3
    for value in (lever.low, lever.start, lever.high):
        setup = scenario.setup(value)
        assert setup.payoffs.T > setup.payoffs.R  # constructing Payoffs checks the dilemma
        assert setup.work <= 50_000
        assert scenario.judge(run(setup)) in {choice.value for choice in scenario.choices}
