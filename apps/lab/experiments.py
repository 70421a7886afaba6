"""A lab experiment: the setup a student chose, and what came of it.

A Setup holds every parameter in normalised form; its query string is what the sandbox
URL carries, so a shared link reproduces the run exactly. run() plays a Setup through the
engine, caching the result (the same setup always gives the same numbers), and an Outcome
answers the questions the pages ask of a run, in numbers and in plain words.
"""

import hashlib
import math
from dataclasses import dataclass, fields
from functools import cached_property
from urllib.parse import urlencode

from django.core.cache import cache

from apps.lab.engine import (
    STRATEGIES,
    EvolutionResult,
    Payoffs,
    Strategy,
    evolve,
    expected_rounds,
)

CONTINUATION = "continuation"
FIXED_ROUNDS = "rounds"

# Rounds of play one request may ask for (about a tenth of a second of engine time).
WORK_BUDGET = 50_000
CACHE_SECONDS = 10 * 60
CACHE_VERSION = 2
# A round is charted only while this many matches (or this share of them) last that long:
# later rounds of random-length matches rest on a handful of long matches, whose average
# swings to 0% or 100% on one pairing.
CHART_MIN_MATCHES = 10
CHART_MIN_SHARE = 0.2

# Strategies that never defect first. A population made of them cooperates throughout,
# which is what "cooperators take over" means on these pages.
NICE = frozenset(
    {
        "always-cooperate",
        "tit-for-tat",
        "grim-trigger",
        "generous-tit-for-tat",
        "win-stay-lose-shift",
        "tit-for-two-tats",
    }
)


def number_text(value: float) -> str:
    """A number as a student would type it: 3 rather than 3.0, and whole numbers in full.

    Form values are rounded to four decimals, so no float here needs e-notation.
    """
    return str(value) if isinstance(value, int) else f"{value:.10g}"


def percent(share: float) -> str:
    return f"{share:.0%}"


@dataclass(frozen=True)
class Setup:
    """Every parameter of a lab run. Strategies are in the engine's order, without repeats."""

    strategies: tuple[str, ...]
    T: float = 5
    R: float = 3
    P: float = 1
    S: float = 0
    mode: str = CONTINUATION
    w: float = 0.9
    rounds: int = 50
    noise: float = 0.0
    sanction: float = 0.0
    detection: float = 1.0
    reps: int = 5
    generations: int = 60
    seed: int = 1

    def __post_init__(self) -> None:
        # The engine derives each match's seed from the order of play, so one order (the
        # engine's) keeps equal setups equal. Unknown slugs go last for the engine to name.
        chosen = set(self.strategies)
        ordered = [slug for slug in STRATEGIES if slug in chosen]
        unknown = [slug for slug in dict.fromkeys(self.strategies) if slug not in STRATEGIES]
        object.__setattr__(self, "strategies", tuple(ordered + unknown))

    @property
    def payoffs(self) -> Payoffs:
        """The payoff table; LabError when it is not a Prisoner's Dilemma."""
        return Payoffs(T=self.T, R=self.R, P=self.P, S=self.S)

    @property
    def rounds_per_match(self) -> float:
        """The fixed match length, or the expected one when each round may be the last."""
        if self.mode == FIXED_ROUNDS:
            return self.rounds
        return expected_rounds(self.w)

    @property
    def matches(self) -> int:
        """Matches in the round robin: every pair once and every strategy against its twin."""
        count = len(self.strategies)
        return count * (count + 1) // 2 * self.reps

    @property
    def work(self) -> int:
        """Rounds of play the run needs (expected, when matches end at random)."""
        return math.ceil(self.matches * self.rounds_per_match)

    def query(self) -> list[tuple[str, str]]:
        """The setup as URL parameters, in a fixed order."""
        pairs = [("s", slug) for slug in self.strategies]
        for field in fields(self)[1:]:
            value = getattr(self, field.name)
            pairs.append((field.name, value if isinstance(value, str) else number_text(value)))
        return pairs

    def querystring(self) -> str:
        return urlencode(self.query())


DEFAULT_SETUP = Setup(strategies=("always-defect", "tit-for-tat", "grim-trigger"))


def _cache_key(setup: Setup) -> str:
    digest = hashlib.sha256(setup.querystring().encode()).hexdigest()
    return f"lab:{CACHE_VERSION}:{digest}"


def run(setup: Setup) -> "Outcome":
    """Play the setup: a round robin, then replicator dynamics on its payoffs.

    Raises LabError for a setup the engine refuses. Results are cached for ten minutes,
    keyed by the normalised setup.
    """
    key = _cache_key(setup)
    evolution = cache.get(key)
    if evolution is None:
        length = (
            {"rounds": setup.rounds} if setup.mode == FIXED_ROUNDS else {"continuation": setup.w}
        )
        evolution = evolve(
            setup.strategies,
            setup.payoffs,
            noise=setup.noise,
            sanction=setup.sanction,
            detection=setup.detection,
            repetitions=setup.reps,
            generations=setup.generations,
            seed=setup.seed,
            **length,
        )
        cache.set(key, evolution, CACHE_SECONDS)
    return Outcome(setup, evolution)


def _and(items: list[str]) -> str:
    """Items joined as in a sentence: "a", "a and b", "a, b and c"."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " and " + items[-1]


def _names(strategies: list[Strategy]) -> str:
    return _and([strategy.name for strategy in strategies])


@dataclass(frozen=True)
class Outcome:
    """What a run produced, with the measures and sentences the pages show."""

    setup: Setup
    evolution: EvolutionResult

    @property
    def tournament(self):
        return self.evolution.tournament

    @cached_property
    def ranking(self) -> list[tuple[Strategy, float]]:
        """Strategies with their mean points per round, best first."""
        scores = self.tournament.mean_scores
        return [(STRATEGIES[slug], scores[slug]) for slug in self.tournament.ranking]

    @property
    def cooperation_by_round(self) -> tuple[float, ...]:
        return self.tournament.cooperation_rates

    @cached_property
    def horizon(self) -> int:
        """Rounds in a typical match: the fixed length, or the expected one under w.

        Later rounds of a random-length game are reached by few matches, so measures of
        "how much cooperation" stop here.
        """
        typical = round(self.setup.rounds_per_match)
        return max(1, min(typical, len(self.cooperation_by_round)))

    @property
    def matches_by_round(self) -> tuple[int, ...]:
        return self.tournament.matches_by_round

    @cached_property
    def plotted_rounds(self) -> int:
        """Rounds worth charting: those that enough matches lasted (every round of a
        fixed-length match), so that no point rests on one or two long matches."""
        reached = self.matches_by_round
        needed = min(reached[0], max(CHART_MIN_MATCHES, math.ceil(CHART_MIN_SHARE * reached[0])))
        return sum(1 for count in reached if count >= needed)

    @cached_property
    def cooperation(self) -> float:
        """Share of moves that were cooperative over the first `horizon` rounds."""
        rates = self.cooperation_by_round[: self.horizon]
        return sum(rates) / len(rates)

    @property
    def final_shares(self) -> dict[str, float]:
        return self.evolution.shares[-1]

    @cached_property
    def leader(self) -> Strategy:
        """The strategy with the largest share of the final population."""
        shares = self.final_shares
        return STRATEGIES[max(shares, key=shares.get)]

    @cached_property
    def nice_share(self) -> float:
        """Share of the final population held by strategies that never defect first."""
        return sum(share for slug, share in self.final_shares.items() if slug in NICE)

    @cached_property
    def final_payoff(self) -> float:
        """Mean points per round that two members of the final population earn together."""
        shares = self.final_shares
        matrix = self.tournament.matrix
        return sum(shares[a] * shares[b] * matrix[a][b] for a in shares for b in shares)

    def score_sentence(self) -> str:
        (_, top), *_ = self.ranking
        (_, bottom) = self.ranking[-1]
        leaders = [strategy for strategy, score in self.ranking if round(score - top, 9) == 0]
        last = [strategy for strategy, score in self.ranking if round(score - bottom, 9) == 0]
        if len(leaders) == len(self.ranking):
            return f"Every strategy scores the same: {top:.2f} points per round."
        if len(leaders) > 1:
            opening = f"{_names(leaders)} share first place with {top:.2f} points per round"
        else:
            opening = f"{leaders[0].name} finishes first with {top:.2f} points per round"
        if len(last) > 1:
            return f"{opening}; {_names(last)} share last place with {bottom:.2f}."
        return f"{opening}; {last[0].name} comes last with {bottom:.2f}."

    def cooperation_window_text(self) -> str:
        if self.setup.mode == FIXED_ROUNDS:
            if self.horizon == 1:
                return "in the single round"
            return f"over the {self.horizon} rounds"
        if self.horizon == 1:
            return "in the first round (a typical match is that short)"
        return f"over the first {self.horizon} rounds (the length of a typical match)"

    def cooperation_sentence(self) -> str:
        """How much the round robin cooperated: a measure of the starting mix, which the
        sentence says when the population then turns to defectors, so the two never seem
        to disagree."""
        sentence = (
            f"In the round robin, where every strategy meets every other as equals, "
            f"{percent(self.cooperation)} of moves {self.cooperation_window_text()} were "
            "cooperative"
        )
        if self.nice_share <= 0.1 and self.cooperation > 0.1:
            sentence += (
                ". That cooperation does not last: it came from strategies that lose out "
                "as the population evolves"
            )
        elif (
            self.nice_share >= 0.9
            and self.cooperation < 0.8
            and not set(self.setup.strategies) <= NICE
        ):
            sentence += (
                ". Much of the defection came from, or answered, strategies that die out as "
                "the population evolves"
            )
        return sentence + "."

    def population_sentence(self) -> str:
        ordered = sorted(self.final_shares.items(), key=lambda item: -item[1])
        survivors = [(STRATEGIES[slug].name, share) for slug, share in ordered if share >= 0.005]
        extinct = [STRATEGIES[slug] for slug, share in ordered if share < 0.005]
        top = survivors[0][1]
        # Shares that print the same are a tie, and a tie is not a lead.
        leaders = [name for name, share in survivors if percent(share) == percent(top)]
        others = survivors[len(leaders) :]
        opening = f"After {self.setup.generations} generations, "
        if not others and len(leaders) == 1:
            return f"{opening}{leaders[0]} has taken over the whole population."
        if len(leaders) > 1:
            sentence = f"{opening}{_and(leaders)} are level with {percent(top)} each"
        else:
            sentence = f"{opening}{leaders[0]} leads with {percent(top)} of the population"
        named = [f"{name} ({percent(share)})" for name, share in others[:2]]
        if len(others) > 2:
            rest = others[2:]
            count = f"{len(rest)} other" + ("s" if len(rest) > 1 else "")
            named.append(f"{count} ({percent(sum(share for _, share in rest))})")
        if named:
            sentence += f", followed by {_and(named)}"
        if extinct:
            verb = "has" if len(extinct) == 1 else "have"
            sentence += f"; {_names(extinct)} {verb} died out"
        return sentence + "."

    def payoff_sentence(self) -> str:
        setup = self.setup
        fines = " before any fines" if setup.sanction and setup.detection else ""
        return (
            f"In the final population a typical encounter pays {self.final_payoff:.2f} points "
            f"per round (mutual cooperation pays {number_text(setup.R)}, mutual defection "
            f"{number_text(setup.P)}{fines})."
        )
