import pytest
from django.http import QueryDict

from apps.lab.engine import STRATEGIES
from apps.lab.experiments import DEFAULT_SETUP, WORK_BUDGET, Setup
from apps.lab.forms import LabForm, ScenarioForm, slider_text
from apps.lab.models import LabScenario
from apps.lab.scenarios import BY_SLUG


def lab_form(query: str) -> LabForm:
    """The sandbox form for query; the default strategies are ticked unless it names some."""
    if query and "s=" not in query:
        query = DEFAULT_SETUP.querystring().split("&T=")[0] + "&" + query
    form = LabForm.from_query(QueryDict(query))
    form.is_valid()
    return form


def all_errors(form) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


def test_no_parameters_means_the_default_setup():
    form = lab_form("")
    assert form.is_valid(), form.errors
    assert form.setup() == DEFAULT_SETUP


def test_a_query_with_no_strategy_ticked_asks_for_strategies():
    form = LabForm.from_query(QueryDict("w=0.5"))
    assert not form.is_valid()
    assert form.errors["s"] == [
        "No strategy is ticked: pick at least two, so that there is a contest."
    ]


def test_a_setup_survives_the_round_trip_through_its_url():
    setup = Setup(
        strategies=("tit-for-tat", "random", "always-defect"),
        T=6,
        R=3.5,
        P=0.5,
        S=-1,
        mode="rounds",
        w=0.75,
        rounds=80,
        noise=0.05,
        sanction=1.5,
        detection=0.4,
        reps=3,
        generations=120,
        seed=987_654_321,
    )
    form = lab_form(setup.querystring())
    assert form.is_valid(), form.errors
    assert form.setup() == setup


def test_strategies_are_deduplicated_and_put_in_the_engine_order():
    form = lab_form("s=random&s=tit-for-tat&s=random&s=always-cooperate")
    assert form.is_valid(), form.errors
    assert form.setup().strategies == ("always-cooperate", "tit-for-tat", "random")


def test_values_are_rounded_so_equal_looking_setups_share_a_cache_entry():
    assert lab_form("w=0.900000001").setup() == lab_form("w=0.9").setup()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("T=lots", "Temptation T must be a number, such as 5."),
        ("T=", "Give a value for Temptation T, such as 5."),
        ("T=inf", "Temptation T must be a number"),
        ("T=nan", "Temptation T must be a number"),
        ("T=1e400", "Temptation T must be a number"),
        ("S=-500", "Sucker's payoff S must be at least -100."),
        ("w=1.5", "Shadow of the future w must be at most 0.99."),
        ("w=-0.1", "must be at least 0"),
        ("noise=0.9", "Misread moves (low transparency) must be at most 0.5"),
        ("sanction=-1", "Sanction on a caught defection must be at least 0"),
        ("detection=2", "Chance a defection is caught must be at most 1"),
        ("rounds=2.5", "Rounds per match must be a whole number, such as 50."),
        ("rounds=0", "Rounds per match must be at least 1"),
        ("rounds=1000000000000", "at most 1,000 (longer matches would tie up the server)"),
        ("rounds=" + "9" * 5000, "Rounds per match must be a whole number"),
        ("generations=0", "Generations of evolution must be at least 1"),
        ("generations=100000", "Generations of evolution must be at most 300"),
        ("reps=11", "Matches per pairing must be at most 10"),
        ("seed=-3", "Random seed must be at least 0"),
        ("seed=abc", "Random seed must be a whole number"),
        ("mode=forever", "Choose a shadow of the future or fixed rounds."),
        ("s=nonsense&s=tit-for-tat", "“nonsense” is not one of the lab's strategies"),
        ("s=tit-for-tat", "Pick at least two strategies"),
        ("s=tit-for-tat&s=tit-for-tat", "Pick at least two strategies"),
        ("T=3&R=3", "The temptation T (3) must be greater than the reward R (3)"),
        ("R=1&P=1", "The reward R (1) must be greater than the punishment P (1)"),
        ("P=0&S=0", "must be greater than the sucker's payoff S (0)"),
        ("T=7&R=3&P=1&S=0", "Twice the reward, 2R (6), must be greater than T + S (7)"),
    ],
)
def test_each_bad_value_gets_a_clear_message(query, message):
    form = lab_form(query)
    assert not form.is_valid()
    assert message in all_errors(form)


def test_a_run_over_the_work_budget_is_refused_with_the_sums():
    everyone = "&".join(f"s={slug}" for slug in STRATEGIES)
    form = lab_form(f"{everyone}&mode=rounds&rounds=1000&reps=2")
    assert not form.is_valid()
    message = all_errors(form)
    assert "9 strategies make 90 matches (2 per pairing), 1,000 rounds each" in message
    assert f"at most {WORK_BUDGET:,} rounds per run" in message


def test_the_budget_counts_expected_rounds_when_matches_end_at_random():
    everyone = "&".join(f"s={slug}" for slug in STRATEGIES)
    # w = 0.99: about 100 rounds a match, 45 pairings x 10 = 45,000 rounds in all.
    assert lab_form(f"{everyone}&mode=continuation&w=0.99&reps=10").is_valid()
    assert lab_form(f"{everyone}&mode=rounds&rounds=1000&reps=1").is_valid()


def test_the_payoff_check_is_the_engines_and_names_every_broken_condition():
    form = lab_form("T=1&R=2&P=3&S=4")
    message = all_errors(form)
    assert "temptation T (1)" in message and "reward R (2)" in message
    assert "punishment P (3)" in message


def test_slider_values_read_as_the_page_shows_them():
    assert slider_text("decimal", 0.9) == "0.90"
    assert slider_text("percent", 0.05) == "5%"
    assert slider_text("whole-percent", 40) == "40%"
    assert slider_text("points", 1) == "1 point"
    assert slider_text("points", 2.5) == "2.5 points"
    assert slider_text("meetings", 3) == "3 meetings"
    assert lab_form("noise=0.12").slider_texts()["noise"] == "12%"
    assert lab_form("noise=abc").slider_texts()["noise"] == "–"


def worded(slug: str):
    return BY_SLUG[slug].worded(LabScenario.objects.get(slug=slug))


def scenario_form(query: str, slug: str = "shadow-of-the-future") -> ScenarioForm:
    form = ScenarioForm(worded(slug), QueryDict(query))
    form.is_valid()
    return form


@pytest.mark.usefixtures("scenario_words")
def test_a_scenario_stays_hidden_until_a_prediction_or_a_skip():
    assert not ScenarioForm(worded("shadow-of-the-future"), QueryDict("")).is_bound
    assert scenario_form("predicted=defectors").revealed
    assert scenario_form("skip=1").revealed
    assert not scenario_form("w=0.5").revealed


@pytest.mark.usefixtures("scenario_words")
def test_running_without_a_prediction_asks_for_one():
    form = scenario_form("run=1")
    assert not form.revealed
    assert form.errors["predicted"] == ["Choose an answer first, or skip and run."]


@pytest.mark.usefixtures("scenario_words")
def test_an_unknown_prediction_is_refused():
    form = scenario_form("predicted=everyone-wins")
    assert not form.revealed
    assert "not one of the answers" in form.errors["predicted"][0]


@pytest.mark.usefixtures("scenario_words")
def test_the_lever_starts_where_the_scenario_says_and_is_checked():
    assert scenario_form("skip=1").lever_value() == 0.9
    assert scenario_form("skip=1&w=0.4").lever_value() == 0.4
    form = scenario_form("skip=1&w=3")
    assert "Shadow of the future (w) must be at most 0.99" in form.errors["w"][0]
    meetings = scenario_form("skip=1&meetings=2.5", "one-shot-security-dilemma")
    assert "must be a whole number" in meetings.errors["meetings"][0]
