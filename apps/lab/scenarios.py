"""The guided scenarios' mechanics: five fixed setups, each with one lever for the
student to move, and a judge of which answer a run bears out.

Their words (title, scene, question, answers, what each shows and where to read more) are
content, in content/lab/<slug>.md, loaded into LabScenario; `worded` joins the two. Every
verdict is computed from the run itself, never written in advance.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from django.urls import reverse

from apps.lab.experiments import CONTINUATION, FIXED_ROUNDS, Outcome, Setup
from apps.lab.models import LabScenario

COOPERATORS = "cooperators"
DEFECTORS = "defectors"
MIX = "mix"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str = ""  # from the scenario's content file


@dataclass(frozen=True)
class Lever:
    """The one setting a scenario lets the student move."""

    name: str  # the URL parameter
    low: float
    high: float
    step: float
    start: float
    kind: str  # how the slider shows its value: a kind known to forms.slider_text
    describe: Callable[[float], str]  # the value in words, for the page and the comparison
    apply: Callable[[float], dict]  # the Setup fields this value sets
    label: str = ""  # from the content file
    help: str = ""  # from the content file

    @property
    def whole(self) -> bool:
        """True when the lever moves in whole steps, so its values are whole numbers."""
        return float(self.step).is_integer()


@dataclass(frozen=True)
class Scenario:
    slug: str
    choices: tuple[Choice, ...]  # the outcomes the judge can give, in the order shown
    base: Setup
    lever: Lever
    judge: Callable[[Outcome], str]  # the value of the choice the run bears out
    evidence: Callable[[Outcome], str]  # the sentence that shows it
    baseline: float | None = None  # a lever value to compare every run against
    # The words, from content/lab/<slug>.md (see worded()).
    title: str = ""
    summary: str = ""
    scene: str = ""
    question: str = ""
    try_next: str = ""
    baseline_label: str = ""
    body_html: str = ""

    def setup(self, value: float) -> Setup:
        return replace(self.base, **self.lever.apply(value))

    def choice(self, value: str) -> Choice:
        return next(choice for choice in self.choices if choice.value == value)

    def get_absolute_url(self) -> str:
        return reverse("lab:scenario", args=[self.slug])

    def worded(self, words: LabScenario) -> "Scenario":
        """This scenario with its words from content."""
        labels = dict(words.choices)
        return replace(
            self,
            title=words.title,
            summary=words.summary,
            scene=words.scene,
            question=words.question,
            try_next=words.try_next,
            baseline_label=words.baseline_label,
            body_html=words.body_html,
            choices=tuple(Choice(c.value, labels[c.value]) for c in self.choices),
            lever=replace(self.lever, label=words.lever_label, help=words.lever_help),
        )


def who_takes_over(outcome: Outcome) -> str:
    """Cooperators (strategies that never defect first) or defectors, if either holds at
    least nine tenths of the final population; a mix otherwise."""
    if outcome.nice_share >= 0.9:
        return COOPERATORS
    if outcome.nice_share <= 0.1:
        return DEFECTORS
    return MIX


def _top_scorer(outcome: Outcome) -> str:
    (best, top), (_, second), *_ = outcome.ranking
    return "tie" if round(top - second, 9) == 0 else best.slug


def _cooperation_level(outcome: Outcome) -> str:
    if outcome.cooperation >= 0.9:
        return "nearly-always"
    if outcome.cooperation >= 0.6:
        return "mostly"
    return "half-or-less"


def _meetings(value: float) -> str:
    count = int(value)
    return "they meet once" if count == 1 else f"they meet {count} times"


def _shadow(value: float) -> str:
    return f"w = {value:.2f}"


INSPECTION_NOISE = 0.1  # share of moves misread with no inspections at all


def _inspection_noise(value: float) -> float:
    return round(INSPECTION_NOISE * (1 - value / 100), 4)


def _inspections(value: float) -> str:
    return f"{value:g}% inspected, {_inspection_noise(value):.0%} of moves misread"


SANCTIONS_DETECTION = 0.5


def _fine(value: float) -> dict:
    # Imposing a fine costs the enforcer half the fine. The engine has no enforcer, so the
    # cost enters as its expected value: each side expects to pay it whenever the other is
    # caught defecting, which lowers the payoffs P and S by cost x detection.
    cost = value / 2 * SANCTIONS_DETECTION
    return {"sanction": value, "P": 1 - cost, "S": -cost}


def _fine_text(value: float) -> str:
    if value == 0:
        return "no fine"
    return f"a fine of {value:g}, costing the enforcer {value / 2:g}"


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        slug="one-shot-security-dilemma",
        choices=(
            Choice("always-defect"),
            Choice("tit-for-tat"),
            Choice("tie"),
        ),
        base=Setup(
            strategies=("always-defect", "tit-for-tat"),
            mode=FIXED_ROUNDS,
            rounds=1,
            reps=1,
            generations=50,
        ),
        lever=Lever(
            name="meetings",
            low=1,
            high=20,
            step=1,
            start=1,
            kind="meetings",
            describe=_meetings,
            apply=lambda value: {"rounds": int(value)},
        ),
        judge=_top_scorer,
        evidence=Outcome.score_sentence,
    ),
    Scenario(
        slug="shadow-of-the-future",
        choices=(
            Choice(DEFECTORS),
            Choice(COOPERATORS),
            Choice(MIX),
        ),
        base=Setup(
            strategies=("always-defect", "tit-for-tat", "grim-trigger"),
            mode=CONTINUATION,
            w=0.9,
            reps=10,
            generations=100,
        ),
        lever=Lever(
            name="w",
            low=0,
            high=0.99,
            step=0.01,
            start=0.9,
            kind="decimal",
            describe=_shadow,
            apply=lambda value: {"w": value},
        ),
        judge=who_takes_over,
        evidence=Outcome.population_sentence,
    ),
    Scenario(
        slug="verification",
        choices=(
            Choice("nearly-always"),
            Choice("mostly"),
            Choice("half-or-less"),
        ),
        base=Setup(
            strategies=(
                "tit-for-tat",
                "grim-trigger",
                "generous-tit-for-tat",
                "win-stay-lose-shift",
            ),
            mode=FIXED_ROUNDS,
            rounds=50,
            noise=INSPECTION_NOISE,
            reps=5,
            generations=60,
        ),
        lever=Lever(
            name="inspections",
            low=0,
            high=100,
            step=10,
            start=0,
            kind="whole-percent",
            describe=_inspections,
            apply=lambda value: {"noise": _inspection_noise(value)},
        ),
        judge=_cooperation_level,
        evidence=Outcome.cooperation_sentence,
    ),
    Scenario(
        slug="sanctions",
        choices=(
            Choice(DEFECTORS),
            Choice(COOPERATORS),
            Choice(MIX),
        ),
        base=Setup(
            strategies=("always-cooperate", "always-defect", "tit-for-tat", "grim-trigger"),
            mode=CONTINUATION,
            w=0.5,
            detection=SANCTIONS_DETECTION,
            reps=10,
            generations=100,
            **_fine(1),
        ),
        lever=Lever(
            name="fine",
            low=0,
            high=6,
            step=0.5,
            start=1,
            kind="points",
            describe=_fine_text,
            apply=_fine,
        ),
        judge=who_takes_over,
        evidence=Outcome.population_sentence,
        baseline=0,
    ),
    Scenario(
        slug="when-cooperation-collapses",
        choices=(
            Choice(COOPERATORS),
            Choice(DEFECTORS),
            Choice(MIX),
        ),
        base=Setup(
            strategies=(
                "always-defect",
                "tit-for-tat",
                "grim-trigger",
                "generous-tit-for-tat",
                "suspicious-tit-for-tat",
            ),
            mode=CONTINUATION,
            w=0.5,
            reps=10,
            generations=100,
        ),
        lever=Lever(
            name="w",
            low=0,
            high=0.99,
            step=0.01,
            start=0.5,
            kind="decimal",
            describe=_shadow,
            apply=lambda value: {"w": value},
        ),
        judge=who_takes_over,
        evidence=Outcome.population_sentence,
        baseline=0.9,
    ),
)

BY_SLUG = {scenario.slug: scenario for scenario in SCENARIOS}


def published() -> list[Scenario]:
    """Every scenario that has its words loaded, in the curators' order."""
    return [
        BY_SLUG[words.slug].worded(words) for words in LabScenario.objects.filter(slug__in=BY_SLUG)
    ]
