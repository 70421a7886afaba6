"""The sandbox form: every lab parameter from the URL, checked with a message a student
can act on, and turned into a Setup.

The form's own caps sit inside the engine's and add one more: a budget on the rounds of
play a single request may ask for, so no setup can pin a server core.
"""

from django import forms
from django.http import QueryDict

from apps.classes.models import Class, normalise_code
from apps.lab.charts import STYLES, legend_marker
from apps.lab.engine import (
    MAX_CONTINUATION,
    MAX_REPETITIONS,
    MAX_ROUNDS,
    STRATEGIES,
    C,
    D,
    LabError,
    Payoffs,
)
from apps.lab.experiments import (
    CONTINUATION,
    DEFAULT_SETUP,
    FIXED_ROUNDS,
    WORK_BUDGET,
    Setup,
    number_text,
)
from apps.lab.models import LiveSession
from apps.lab.play import PREDICTIONS
from apps.lab.services import MESSAGES

PAYOFF_LIMIT = 100
MAX_SANCTION = 10
MAX_NOISE = 0.5
MAX_GENERATIONS = 300
MAX_SEED = 999_999_999
DECIMALS = 4  # inputs are rounded to this, so equal-looking setups share a cache entry

PAYOFF_HINTS = {
    "T": "You defect while they cooperate.",
    "R": "You both cooperate.",
    "P": "You both defect.",
    "S": "You cooperate while they defect.",
}
LEVER_HELP = {
    "noise": "The share of moves that come out as their opposite, and are remembered that "
    "way. Transparency lowers it.",
    "sanction": "Points a defector loses each time its defection is caught.",
    "detection": "The chance that any one defection is caught and sanctioned.",
}
RUN_HELP = {
    "reps": "How many matches each pair of strategies plays. Their results are averaged, "
    "which smooths out luck when moves are misread or matches end at random.",
    "generations": "After the round robin, a population with equal numbers of each "
    "strategy evolves. In each generation a strategy's share grows or shrinks with how well "
    "it scores against the current mix; this is how many generations to run.",
    "seed": "A number that fixes the luck: the same seed replays exactly the same chance "
    "events, so a shared link shows the same results. Change it to see a different draw.",
}


class RangeInput(forms.NumberInput):
    input_type = "range"


def _number(label: str, low: float, high: float, example: str, **kwargs) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Give a value for {label}, such as {example}.",
            "invalid": f"{label} must be a number, such as {example}.",
            "min_value": f"{label} must be at least {number_text(low)}.",
            "max_value": f"{label} must be at most {number_text(high)}.",
        },
        **kwargs,
    )


def _whole(label: str, low: int, high: int, example: str, why: str = "", **kwargs):
    return forms.IntegerField(
        label=label,
        min_value=low,
        max_value=high,
        error_messages={
            "required": f"Give a value for {label}, such as {example}.",
            "invalid": f"{label} must be a whole number, such as {example}.",
            "min_value": f"{label} must be at least {low:,}; you gave %(value)s.",
            "max_value": f"{label} must be at most {high:,}{why}; you gave %(value)s.",
        },
        **kwargs,
    )


def _payoff(label: str, example: float) -> forms.FloatField:
    return _number(
        label,
        -PAYOFF_LIMIT,
        PAYOFF_LIMIT,
        number_text(example),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )


def _slider(label: str, high: float, example: str, step: str, kind: str) -> forms.FloatField:
    """A range input; lab.js shows its value live, formatted by kind (see slider_text)."""
    return _number(
        label, 0, high, example, widget=RangeInput(attrs={"step": step, "data-kind": kind})
    )


class LabBaseForm(forms.Form):
    """What the lab's forms share: a summary of every error, each linked to its input."""

    # The input to fix for each kind of form-wide error.
    ERROR_ANCHORS = {"not_a_dilemma": "id_T", "budget": "id_s_0"}

    def error_summary(self) -> list[tuple[str, str]]:
        """Every error as (id of the input to fix, message), in form order.

        Following the link moves focus to that input.
        """
        summary = [
            (self.ERROR_ANCHORS.get(error.code, "results"), message)
            for error in self.non_field_errors().as_data()
            for message in error.messages
        ]
        for field in self:
            anchor = field.id_for_label or f"{field.auto_id}_0"  # checkboxes and radios
            summary += [(anchor, message) for message in field.errors]
        return summary


class LabForm(LabBaseForm):
    """All the sandbox's settings. Field names are the URL's parameter names."""

    s = forms.MultipleChoiceField(
        label="Strategies",
        choices=[(slug, strategy.name) for slug, strategy in STRATEGIES.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "No strategy is ticked: pick at least two, so that there is a contest.",
            "invalid_choice": "“%(value)s” is not one of the lab's strategies; pick from the list.",
        },
    )
    T = _payoff("Temptation T", 5)
    R = _payoff("Reward R", 3)
    P = _payoff("Punishment P", 1)
    S = _payoff("Sucker's payoff S", 0)
    mode = forms.ChoiceField(
        label="How long each match lasts",
        choices=[
            (
                CONTINUATION,
                "Shadow of the future: after each round, another follows with probability w",
            ),
            (FIXED_ROUNDS, "A fixed number of rounds, known in advance"),
        ],
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a shadow of the future or fixed rounds."},
    )
    w = _slider("Shadow of the future w", MAX_CONTINUATION, "0.9", "0.01", "decimal")
    rounds = _whole(
        "Rounds per match",
        1,
        MAX_ROUNDS,
        "50",
        " (longer matches would tie up the server)",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    noise = _slider("Misread moves (low transparency)", MAX_NOISE, "0.05", "0.01", "percent")
    sanction = _slider("Sanction on a caught defection", MAX_SANCTION, "2", "0.25", "points")
    detection = _slider("Chance a defection is caught", 1, "0.5", "0.05", "percent")
    reps = _whole(
        "Matches per pairing",
        1,
        MAX_REPETITIONS,
        "5",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    generations = _whole(
        "Generations of evolution",
        1,
        MAX_GENERATIONS,
        "60",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    seed = _whole(
        "Random seed", 0, MAX_SEED, "1", widget=forms.NumberInput(attrs={"inputmode": "numeric"})
    )

    @classmethod
    def from_query(cls, query: QueryDict) -> "LabForm":
        """A bound form in which any parameter missing from the query takes its default.

        An empty query is the default setup. Strategies are the exception once anything
        is given: a form sent with no box ticked means "none", and must say so rather than
        quietly play the default line-up.
        """
        data = query.copy()
        for name, value in DEFAULT_SETUP.query():
            if name not in query and not (name == "s" and query):
                data.appendlist(name, value)
        return cls(data)

    def clean_s(self) -> tuple[str, ...]:
        chosen = set(self.cleaned_data["s"])
        if len(chosen) < 2:
            raise forms.ValidationError(
                "Pick at least two strategies, so that there is a contest.", code="too_few"
            )
        return tuple(slug for slug in STRATEGIES if slug in chosen)

    def clean(self):
        data = super().clean()
        payoffs = [data.get(name) for name in "TRPS"]
        if None not in payoffs:
            try:
                Payoffs(*payoffs)
            except LabError as error:
                self.add_error(None, forms.ValidationError(str(error), code="not_a_dilemma"))
        if not self.errors:
            setup = self.setup()
            if setup.work > WORK_BUDGET:
                self.add_error(None, forms.ValidationError(_over_budget(setup), code="budget"))
        return data

    def setup(self) -> Setup:
        """The validated settings as a normalised Setup (call after is_valid())."""
        data = self.cleaned_data
        return Setup(
            strategies=data["s"],
            **{name: round(data[name], DECIMALS) for name in ("T", "R", "P", "S", "w")},
            mode=data["mode"],
            rounds=data["rounds"],
            noise=round(data["noise"], DECIMALS),
            sanction=round(data["sanction"], DECIMALS),
            detection=round(data["detection"], DECIMALS),
            reps=data["reps"],
            generations=data["generations"],
            seed=data["seed"],
        )

    def _errors_coded(self, code: str) -> list[str]:
        return [
            message
            for error in self.non_field_errors().as_data()
            if error.code == code
            for message in error.messages
        ]

    def dilemma_errors(self) -> list[str]:
        """Why the payoffs are not a Prisoner's Dilemma, if they are not."""
        return self._errors_coded("not_a_dilemma")

    def budget_errors(self) -> list[str]:
        return self._errors_coded("budget")

    def payoff_fields(self) -> list[tuple[forms.BoundField, str]]:
        return [(self[name], hint) for name, hint in PAYOFF_HINTS.items()]

    def lever_fields(self) -> list[tuple[forms.BoundField, str, str]]:
        """The regime's levers: each slider with its help text and its value as shown."""
        texts = self.slider_texts()
        return [(self[name], help, texts[name]) for name, help in LEVER_HELP.items()]

    def run_fields(self) -> list[tuple[forms.BoundField, str]]:
        return [(self[name], help) for name, help in RUN_HELP.items()]

    def strategy_options(self) -> list[dict]:
        """Each strategy's checkbox with its description and chart marker, in engine order."""
        return [
            {
                "checkbox": checkbox,
                "strategy": strategy,
                "style": STYLES[strategy.slug],
                "marker": legend_marker(STYLES[strategy.slug]),
            }
            for checkbox, strategy in zip(self["s"], STRATEGIES.values(), strict=True)
        ]

    def slider_texts(self) -> dict[str, str]:
        """Each slider's current value as the page shows it beside the slider."""
        texts = {}
        for name in ("w", "noise", "sanction", "detection"):
            field = self[name]
            try:
                texts[name] = slider_text(
                    field.field.widget.attrs["data-kind"], float(field.value())
                )
            except (TypeError, ValueError):
                texts[name] = "–"
        return texts


def slider_text(kind: str, value: float) -> str:
    """A slider's value as shown beside it; lab.js formats live updates the same way."""
    if kind == "decimal":
        return f"{value:.2f}"
    if kind == "percent":
        return f"{value:.0%}"
    if kind == "whole-percent":
        return f"{value:g}%"
    if kind == "points":
        return f"{value:g} point{'' if value == 1 else 's'}"
    if kind == "meetings":
        return f"{value:g} meeting{'' if value == 1 else 's'}"
    raise ValueError(f"Unknown slider kind {kind!r}")


def _over_budget(setup: Setup) -> str:
    count = len(setup.strategies)
    if setup.mode == FIXED_ROUNDS:
        length = f"{setup.rounds:,} rounds each"
    else:
        length = f"about {setup.rounds_per_match:,.0f} rounds each at w = {setup.w:.2f}"
    return (
        f"That is too much play for one run: {count} strategies make {setup.matches:,} "
        f"matches ({setup.reps} per pairing), {length}, about {setup.work:,} rounds in all. "
        f"The lab plays at most {WORK_BUDGET:,} rounds per run, so choose fewer strategies, "
        "shorter matches or fewer matches per pairing."
    )


class ScenarioForm(LabBaseForm):
    """A scenario page's state: the student's prediction (or a skip) and the lever's value.

    The lever field takes the lever's own name, so the URL reads like the setting it is.
    """

    predicted = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    # The lever's value when the prediction was made: a prediction answers the question
    # for that setting, so a run at another setting does not judge it.
    at = forms.FloatField(required=False, widget=forms.HiddenInput)
    skip = forms.BooleanField(required=False)
    run = forms.BooleanField(required=False)

    def __init__(self, scenario, query: QueryDict):
        data = None
        if query:
            # The lever starts where the scenario puts it until the student moves it.
            data = query.copy()
            data.setdefault(scenario.lever.name, number_text(scenario.lever.start))
        super().__init__(data, initial={scenario.lever.name: scenario.lever.start})
        self.scenario = scenario
        self.lever = scenario.lever
        self.fields["predicted"].label = scenario.question
        self.fields["predicted"].choices = [(c.value, c.label) for c in scenario.choices]
        self.fields["predicted"].error_messages["invalid_choice"] = (
            "That is not one of the answers; choose one of them, or skip and run."
        )
        lever = self.lever
        field = _whole if lever.whole else _number
        low, high = (int(lever.low), int(lever.high)) if lever.whole else (lever.low, lever.high)
        example = number_text(lever.start)
        self.fields[lever.name] = field(
            lever.label,
            low,
            high,
            example,
            required=False,
            widget=RangeInput(attrs={"step": number_text(lever.step), "data-kind": lever.kind}),
        )

    def clean(self):
        data = super().clean()
        if data.get("run") and not data.get("predicted") and not data.get("skip"):
            self.add_error("predicted", "Choose an answer first, or skip and run.")
        return data

    @property
    def revealed(self) -> bool:
        """True once the student has given a valid prediction or chosen to skip."""
        return bool(self.cleaned_data.get("predicted") or self.cleaned_data.get("skip"))

    @property
    def lever_field(self) -> forms.BoundField:
        return self[self.lever.name]

    def lever_value(self) -> float:
        value = self.cleaned_data.get(self.lever.name)
        return self.lever.start if value is None else value

    def predicted_at(self) -> float:
        """The lever's value the prediction was made for (the scenario's start if unsaid)."""
        value = self.cleaned_data.get("at")
        return self.lever.start if value is None else value

    def lever_text(self) -> str:
        """The lever's value as shown beside its slider."""
        try:
            return slider_text(self.lever.kind, float(self.lever_field.value()))
        except (TypeError, ValueError):
            return "–"


class PredictionForm(forms.Form):
    """Before a solo game: how the student expects it to go."""

    prediction = forms.ChoiceField(
        label="Before you play: how do you expect this game to go?",
        choices=list(PREDICTIONS.items()),
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a prediction first: it takes a second."},
    )


class MoveForm(forms.Form):
    """One round's move. The round number makes a form sent twice count once."""

    round = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    move = forms.ChoiceField(
        choices=[(C, "Cooperate"), (D, "Defect")],
        error_messages={"required": "Choose to cooperate or to defect."},
    )
    message = forms.ChoiceField(
        label="Send your partner a message (optional)",
        required=False,
        choices=[("", "No message"), *MESSAGES.items()],
    )


class JoinLiveForm(forms.Form):
    code = forms.CharField(
        label="Session code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        error_messages={"required": "Type the code shown on the projector."},
    )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])


class NewLiveSessionForm(forms.Form):
    klass = forms.ModelChoiceField(
        label="Class (optional)",
        queryset=Class.objects.none(),
        required=False,
        empty_label="No class: anyone signed in with the code can join",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["klass"].queryset = Class.objects.taught_by(user)


class LeversForm(forms.ModelForm):
    """The rules the next round opens with, as the instructor sets them between rounds."""

    class Meta:
        model = LiveSession
        fields = [
            "condition",
            "T",
            "R",
            "P",
            "S",
            "continuation",
            "noise",
            "monitoring",
            "sanction",
            "detection",
            "messages",
            "round_seconds",
        ]
        labels = {
            "condition": "Name of this condition (shown on the projector)",
            "T": "Temptation T (you defect, they cooperate)",
            "R": "Reward R (both cooperate)",
            "P": "Punishment P (both defect)",
            "S": "Sucker's payoff S (you cooperate, they defect)",
            "continuation": "Chance of another round, w (0 to 1)",
            "noise": "Misread moves: share that come out as their opposite (0 to 0.5)",
            "monitoring": "Monitoring: chance a report of the partner's move is right (0.5 to 1)",
            "sanction": "Fine on a caught defection (points)",
            "detection": "Chance a defection is caught (0 to 1)",
            "messages": "Partners may send pre-set messages",
            "round_seconds": "Seconds per round",
        }
        help_texts = {
            "continuation": "Students never see it: each round may be the last.",
            "monitoring": "Below 1, points stay hidden until the block ends.",
        }

    RANGES = {
        "continuation": (0, 1),
        "noise": (0, MAX_NOISE),
        "monitoring": (0.5, 1),
        "sanction": (0, MAX_SANCTION),
        "detection": (0, 1),
        "round_seconds": (5, 600),
        **{name: (-PAYOFF_LIMIT, PAYOFF_LIMIT) for name in "TRPS"},
    }

    def clean(self):
        data = super().clean()
        for name, (low, high) in self.RANGES.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    f"{self.fields[name].label} must be from {number_text(low)} to "
                    f"{number_text(high)}; you gave {number_text(value)}.",
                )
        payoffs = [data.get(name) for name in "TRPS"]
        if None not in payoffs:
            try:
                Payoffs(*payoffs)
            except LabError as error:
                self.add_error("T", str(error))
        return data
