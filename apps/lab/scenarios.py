"""The guided scenarios: five fixed setups, each with one lever for the student to move.

Each asks a question to answer before running, judges which answer the run bears out,
and closes with what it shows about the chapter's argument and where the lessons take
it up. Every verdict is computed from the run itself, never written in advance.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from apps.lab.experiments import CONTINUATION, FIXED_ROUNDS, Outcome, Setup

COOPERATORS = "cooperators"
DEFECTORS = "defectors"
MIX = "mix"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class Lever:
    """The one setting a scenario lets the student move."""

    name: str  # the URL parameter
    label: str
    help: str
    low: float
    high: float
    step: float
    start: float
    kind: str  # how the slider shows its value: a kind known to forms.slider_text
    describe: Callable[[float], str]  # the value in words, for the page and the comparison
    apply: Callable[[float], dict]  # the Setup fields this value sets

    @property
    def whole(self) -> bool:
        """True when the lever moves in whole steps, so its values are whole numbers."""
        return float(self.step).is_integer()


@dataclass(frozen=True)
class Reading:
    title: str
    url: str


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    summary: str
    scene: str
    question: str
    choices: tuple[Choice, ...]
    base: Setup
    lever: Lever
    try_next: str
    judge: Callable[[Outcome], str]  # the value of the choice the run bears out
    evidence: Callable[[Outcome], str]  # the sentence that shows it
    shows: tuple[str, ...]
    readings: tuple[Reading, ...]
    baseline: float | None = None  # a lever value to compare every run against
    baseline_label: str = ""

    def setup(self, value: float) -> Setup:
        return replace(self.base, **self.lever.apply(value))

    def choice(self, value: str) -> Choice:
        return next(choice for choice in self.choices if choice.value == value)

    def get_absolute_url(self) -> str:
        return f"/lab/scenarios/{self.slug}/"


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
        title="The one-shot security dilemma",
        summary="Two neighbours choose, once, between arming and holding back.",
        scene=(
            "Two neighbouring states each decide whether to hold back (cooperate) or arm "
            "(defect), without seeing the other's choice in time to react. If both hold back, "
            "each scores 3 points; if both arm, 1 each. A state that arms while its neighbour "
            "holds back scores 5 and leaves the neighbour with 0. Here they meet only once."
        ),
        question="Played once, which approach earns more points?",
        choices=(
            Choice("always-defect", "Always arming (always defect)"),
            Choice("tit-for-tat", "Holding back first, then copying the neighbour (tit for tat)"),
            Choice("tie", "They do equally well"),
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
            label="How many times they meet",
            help="Each meeting is one round of the same game between the same two states.",
            low=1,
            high=20,
            step=1,
            start=1,
            kind="meetings",
            describe=_meetings,
            apply=lambda value: {"rounds": int(value)},
        ),
        try_next=(
            "Now let them meet again. Raise the number of meetings one step at a time and "
            "watch when holding back starts to pay."
        ),
        judge=_top_scorer,
        evidence=Outcome.score_sentence,
        shows=(
            "In a single encounter arming pays better whatever the neighbour does, so two "
            "sensible states both arm and each ends with 1 point instead of the 3 that mutual "
            "restraint would have paid. That is the security dilemma cast as a Prisoners' "
            "Dilemma: neither side needs to be aggressive for both to end up worse off.",
            "Let the same pair meet three times or more and the ranking flips. Tit for tat "
            "loses only the opening round to an armer and then earns the reward whenever it "
            "meets its own kind. Repetition is the raw material of cooperation under anarchy, "
            "and supplying it is the first thing a regime does.",
        ),
        readings=(
            Reading(
                "The security dilemma and deterrence: the security dilemma",
                "/lessons/security-dilemma-and-deterrence/#security-dilemma",
            ),
            Reading(
                "Cooperation under anarchy: the Prisoners' Dilemma",
                "/lessons/cooperation-under-anarchy/#prisoners-dilemma",
            ),
        ),
    ),
    Scenario(
        slug="shadow-of-the-future",
        title="The long shadow of the future",
        summary="The Concert's powers kept meeting. Does expecting to meet again make "
        "cooperation pay?",
        scene=(
            "After 1815 the great powers met at congress after congress, and later at "
            "conferences of ambassadors whenever a crisis arose. Here every encounter is "
            "followed by another with probability w = 0.9, so a typical relationship lasts "
            "about ten rounds. The population starts with equal numbers of three kinds of "
            "state: those that always defect, tit for tat, and grim trigger (cooperates until "
            "it is betrayed once, then never again)."
        ),
        question="After 100 generations, which kind of state has taken over?",
        choices=(
            Choice(DEFECTORS, "Those that always defect"),
            Choice(COOPERATORS, "The reciprocators (tit for tat and grim trigger)"),
            Choice(MIX, "Neither: both kinds survive side by side"),
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
            label="Shadow of the future (w)",
            help="The chance that, after any round, the two states meet again.",
            low=0,
            high=0.99,
            step=0.01,
            start=0.9,
            kind="decimal",
            describe=_shadow,
            apply=lambda value: {"w": value},
        ),
        try_next=(
            "Now shorten the shadow. Slide w down and find where the reciprocators stop "
            "winning. Theory offers a benchmark: against grim trigger, cooperating pays once w "
            "reaches (T − R) / (T − P), which is 0.5 with these payoffs."
        ),
        judge=who_takes_over,
        evidence=Outcome.population_sentence,
        shows=(
            "When the future weighs heavily, a defection buys one good round followed by a "
            "long stretch of punishment, so reciprocators out-earn defectors and spread. "
            "Shorten the shadow and the same rules lose, because a gain today is worth more "
            "than a future that may never arrive.",
            "In the population the tipping point sits above 0.5: reciprocators lose the "
            "opening round to every defector they meet, and the future has to weigh enough to "
            "repay that loss as well.",
            "Axelrod called this the shadow of the future, and in Lipson's account lengthening "
            "it is one of the main things regimes do: regular, expected meetings turn isolated "
            "encounters into a repeated game. The Concert's conferences did that for the great "
            "powers after 1815.",
        ),
        readings=(
            Reading(
                "How regimes work: lengthening the shadow of the future",
                "/lessons/how-regimes-work/#shadow-of-the-future",
            ),
            Reading(
                "The Concert of Europe: diplomacy by conference",
                "/cases/concert-of-europe/#conferences",
            ),
            Reading(
                "Cooperation under anarchy: when the game is repeated",
                "/lessons/cooperation-under-anarchy/#repeated-play",
            ),
        ),
    ),
    Scenario(
        slug="verification",
        title="Verification: seeing what the other side did",
        summary="When moves are misread, reciprocity misfires. Do inspections help?",
        scene=(
            "Four states all follow reciprocal rules: tit for tat, generous tit for tat, grim "
            "trigger and win-stay, lose-shift. None of them ever defects first. But with no "
            "way to check, some moves go wrong: a move is carried out or recorded as its "
            "opposite, and both sides then act on that record. With no inspections, one move "
            "in ten goes wrong. Each pair meets for 50 rounds."
        ),
        question="With no inspections, how often do these cooperative states cooperate?",
        choices=(
            Choice("nearly-always", "Nearly always (90% of moves or more)"),
            Choice("mostly", "Most of the time (60% to 90% of moves)"),
            Choice("half-or-less", "Not much more than half the time, or less (under 60%)"),
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
            label="Inspections",
            help="The more is inspected, the fewer moves are misread.",
            low=0,
            high=100,
            step=10,
            start=0,
            kind="whole-percent",
            describe=_inspections,
            apply=lambda value: {"noise": _inspection_noise(value)},
        ),
        try_next=(
            "Now raise the level of inspections. Each step cuts the share of misread moves; "
            "watch the cooperation chart and the scores."
        ),
        judge=_cooperation_level,
        evidence=Outcome.cooperation_sentence,
        shows=(
            "Every state here means to cooperate, yet with one move in ten going wrong, only "
            "about half of all moves end up cooperative. A single misread move sets off a run "
            "of answering “defections” between two reciprocators, and an unforgiving rule such "
            "as grim trigger never returns to cooperation at all. Notice how cooperation "
            "climbs steeply only as inspections near completeness: a little noise does a lot "
            "of damage.",
            "That is the case for transparency. Lipson does not claim that openness makes "
            "cheating impossible; its value is that cheating and misunderstandings are seen "
            "early, which cuts what they can gain or destroy. Arms-control verification, from "
            "rules on missile test data to on-site and short-notice inspections, exists to do "
            "exactly this.",
        ),
        readings=(
            Reading(
                "How regimes work: raising transparency", "/lessons/how-regimes-work/#transparency"
            ),
            Reading(
                "How regimes work: transparency in arms control",
                "/lessons/how-regimes-work/#arms-control-transparency",
            ),
            Reading(
                "When are security regimes possible? Obstacles",
                "/lessons/when-are-security-regimes-possible/#obstacles",
            ),
        ),
    ),
    Scenario(
        slug="sanctions",
        title="Sanctions and their cost",
        summary="A fine for caught defectors: does it rescue cooperation, and who pays?",
        scene=(
            "Here the shadow of the future is short: after each round, another follows only "
            "half the time (w = 0.5). The population starts with equal numbers of defectors, "
            "tit for tat, grim trigger and unconditional cooperators. A regime fines any state "
            "caught defecting, but only half of all defections are caught, and punishing is "
            "not free: whoever imposes a fine gives up half as much again, as a state that "
            "embargoes a rule-breaker loses its own trade. The fine starts at 1 point."
        ),
        question="With a fine of 1 point, who has taken over after 100 generations?",
        choices=(
            Choice(DEFECTORS, "Defectors still take over"),
            Choice(COOPERATORS, "Cooperators take over"),
            Choice(MIX, "Neither: both survive"),
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
            label="Fine per caught defection",
            help="Half of all defections are caught. Each fine costs the state imposing it "
            "half as much again; in the sandbox that cost shows as lower payoffs P and S.",
            low=0,
            high=6,
            step=0.5,
            start=1,
            kind="points",
            describe=_fine_text,
            apply=_fine,
        ),
        try_next=(
            "Now raise the fine step by step. Find where defectors stop winning, and compare "
            "what the final population earns with the world without sanctions."
        ),
        judge=who_takes_over,
        evidence=Outcome.population_sentence,
        shows=(
            "A fine that is too small changes nothing but the bill. Defectors still take "
            "over, and the world they make is poorer than one with no sanctions at all, "
            "because fines and the cost of imposing them come on top of mutual defection. "
            "Only a fine big enough to outweigh what defecting gains, given that half of "
            "defections slip through, turns the population towards cooperation. Once it does, "
            "hardly anyone defects, so the threat is rarely carried out and costs little.",
            "This fits Lipson's judgement that sanctions are the weakest of the regime "
            "functions. Punishing costs the punisher, and when many states share the benefit "
            "of punishing a rule-breaker, each would rather another paid: a collective-action "
            "problem. This model is the easy case, since every state pays its own share. "
            "Regimes do more by lengthening the shadow of the future and raising transparency, "
            "so that less punishment is needed.",
        ),
        readings=(
            Reading(
                "How regimes work: providing sanctions", "/lessons/how-regimes-work/#sanctions"
            ),
            Reading(
                "How regimes work: changing the game",
                "/lessons/how-regimes-work/#changing-the-game",
            ),
        ),
        baseline=0,
        baseline_label="No sanctions",
    ),
    Scenario(
        slug="when-cooperation-collapses",
        title="When cooperation collapses",
        summary="After 1848 the shadow of the future shrank. What happens to a cooperative system?",
        scene=(
            "Before 1848 the Concert's members expected to go on dealing with one another: "
            "say w = 0.9. After the revolutions of 1848, new leaders with nationalist support "
            "and no schooling in the old restraint looked to nearer gains; in this model the "
            "shadow of the future shrinks to w = 0.5. The population mixes defectors, "
            "suspicious tit for tat (defects first, then copies), tit for tat, generous tit "
            "for tat and grim trigger."
        ),
        question="When w falls from 0.9 to 0.5, what is left after 100 generations?",
        choices=(
            Choice(COOPERATORS, "Cooperation survives: the habit of reciprocity holds"),
            Choice(DEFECTORS, "Defection takes over"),
            Choice(MIX, "A mix of the two survives"),
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
            label="Shadow of the future after 1848 (w)",
            help="Before 1848 it stays at 0.9; the comparison shows both.",
            low=0,
            high=0.99,
            step=0.01,
            start=0.5,
            kind="decimal",
            describe=_shadow,
            apply=lambda value: {"w": value},
        ),
        try_next=(
            "Move the later shadow of the future up and down. How high must w stay for the "
            "cooperative system to survive?"
        ),
        judge=who_takes_over,
        evidence=Outcome.population_sentence,
        shows=(
            "The rules that sustained cooperation under a long shadow fail under a short one. "
            "Nothing about the players changed except how much they valued the future, and "
            "that was enough to hand the population to defectors and to states that distrust "
            "first.",
            "This is one way to read the Concert's decline. Jervis points to fading memories "
            "of the Napoleonic wars and to new leaders untrained in the old habits; Lipson "
            "adds that after 1848 conservative governments ruled as nationalists, which made "
            "compromise over disputed borderlands harder. In game terms, the future counted "
            "for less. Domestic politics that stop leaders seeking joint gains is one of the "
            "obstacles to security regimes that Lipson lists.",
        ),
        readings=(
            Reading(
                "The Concert of Europe: why the Concert faded",
                "/cases/concert-of-europe/#why-it-ended",
            ),
            Reading(
                "The Concert of Europe: Lipson's two additions",
                "/cases/concert-of-europe/#lipsons-additions",
            ),
            Reading(
                "When are security regimes possible? Obstacles",
                "/lessons/when-are-security-regimes-possible/#obstacles",
            ),
        ),
        baseline=0.9,
        baseline_label="Before 1848",
    ),
)

BY_SLUG = {scenario.slug: scenario for scenario in SCENARIOS}
