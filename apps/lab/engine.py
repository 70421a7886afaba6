"""The regime lab's engine: an iterated Prisoner's Dilemma in pure Python.

It plays single matches, round-robin tournaments and evolutionary (replicator) dynamics
between a fixed set of classic strategies. Three levers model what a security regime
changes: the shadow of the future (continuation probability w), transparency (noise:
the chance that a move comes out as its opposite) and enforcement (a sanction levied on
each defection that is detected).

Every result is reproducible: a seed drives independent random streams for the game's
length, each player, noise and detection, each derived from the seed by hashing, so
changing one lever does not reshuffle the others' dice.
"""

import hashlib
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

C = "C"
D = "D"

MAX_ROUNDS = 1000
MAX_CONTINUATION = 0.99
MAX_STRATEGIES = 12
MAX_REPETITIONS = 10
MAX_GENERATIONS = 500
# Generous tit-for-tat forgives a defection with this fixed probability. It is the
# Nowak–Sigmund value min(1 - (T-R)/(R-S), (R-P)/(T-P)) for Axelrod's payoffs (5, 3, 1, 0);
# fixing it keeps each strategy a function of the two histories alone.
GENEROUS_FORGIVENESS = 1 / 3

_FLIPPED = {C: D, D: C}


class LabError(ValueError):
    """A lab setting that cannot be simulated; the message is plain English, fit for a form."""


def _num(value: float) -> str:
    """A number as a learner would write it: 3 rather than 3.0."""
    return f"{value:g}"


def _is_real(value: object) -> bool:
    """True for a finite int or float; bools are excluded because True would pass as 1."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Payoffs:
    """One round's payoffs: temptation T, reward R, punishment P and sucker's payoff S.

    Construction validates them, so a Payoffs instance is always a Prisoner's Dilemma.
    """

    T: float
    R: float
    P: float
    S: float

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> None:
        """Raise LabError naming every Prisoner's Dilemma condition these payoffs break."""
        for name, value in zip("TRPS", (self.T, self.R, self.P, self.S), strict=True):
            if not _is_real(value):
                raise LabError(f"The payoff {name} must be a number; got {value!r}.")
        T, R, P, S = self.T, self.R, self.P, self.S
        problems = []
        if not T > R:
            problems.append(
                f"The temptation T ({_num(T)}) must be greater than the reward R ({_num(R)}), "
                "or exploiting a cooperator would not tempt anyone."
            )
        if not R > P:
            problems.append(
                f"The reward R ({_num(R)}) must be greater than the punishment P ({_num(P)}), "
                "or mutual cooperation would be no better than mutual defection."
            )
        if not P > S:
            problems.append(
                f"The punishment P ({_num(P)}) must be greater than the sucker's payoff "
                f"S ({_num(S)}), or cooperating with a defector would cost nothing."
            )
        if not 2 * R > T + S:
            problems.append(
                f"Twice the reward, 2R ({_num(2 * R)}), must be greater than T + S "
                f"({_num(T + S)}), or taking turns to exploit each other would beat "
                "steady cooperation."
            )
        if problems:
            raise LabError(" ".join(problems))

    def table(self) -> dict[tuple[str, str], tuple[float, float]]:
        """Both players' payoffs for each pair of moves (first player's move first)."""
        return {
            (C, C): (self.R, self.R),
            (C, D): (self.S, self.T),
            (D, C): (self.T, self.S),
            (D, D): (self.P, self.P),
        }


STANDARD_PAYOFFS = Payoffs(T=5, R=3, P=1, S=0)  # Axelrod's tournaments

History = Sequence[str]
Decide = Callable[[History, History, random.Random], str]


@dataclass(frozen=True)
class Strategy:
    """A named rule: decide(my moves so far, their moves so far, rng) returns C or D."""

    slug: str
    name: str
    description: str
    decide: Decide


def _always_cooperate(mine: History, theirs: History, rng: random.Random) -> str:
    return C


def _always_defect(mine: History, theirs: History, rng: random.Random) -> str:
    return D


def _tit_for_tat(mine: History, theirs: History, rng: random.Random) -> str:
    return theirs[-1] if theirs else C


def _grim_trigger(mine: History, theirs: History, rng: random.Random) -> str:
    return D if D in theirs else C


def _generous_tit_for_tat(mine: History, theirs: History, rng: random.Random) -> str:
    if not theirs or theirs[-1] == C:
        return C
    return C if rng.random() < GENEROUS_FORGIVENESS else D


def _win_stay_lose_shift(mine: History, theirs: History, rng: random.Random) -> str:
    # A win (R or T) means they cooperated: keep my move. A loss (P or S): switch.
    # Both cases reduce to "cooperate exactly when we both made the same move".
    if not mine:
        return C
    return C if mine[-1] == theirs[-1] else D


def _tit_for_two_tats(mine: History, theirs: History, rng: random.Random) -> str:
    return D if len(theirs) >= 2 and theirs[-1] == theirs[-2] == D else C


def _suspicious_tit_for_tat(mine: History, theirs: History, rng: random.Random) -> str:
    return theirs[-1] if theirs else D


def _random(mine: History, theirs: History, rng: random.Random) -> str:
    return C if rng.random() < 0.5 else D


STRATEGIES: dict[str, Strategy] = {
    strategy.slug: strategy
    for strategy in (
        Strategy(
            "always-cooperate",
            "Always cooperate",
            "Cooperates in every round, whatever the other side does.",
            _always_cooperate,
        ),
        Strategy(
            "always-defect",
            "Always defect",
            "Defects in every round, whatever the other side does.",
            _always_defect,
        ),
        Strategy(
            "tit-for-tat",
            "Tit for tat",
            "Cooperates first, then copies whatever the other side did last round.",
            _tit_for_tat,
        ),
        Strategy(
            "grim-trigger",
            "Grim trigger",
            "Cooperates until the other side defects once, then defects for ever.",
            _grim_trigger,
        ),
        Strategy(
            "generous-tit-for-tat",
            "Generous tit for tat",
            "Like tit for tat, but forgives a defection one time in three.",
            _generous_tit_for_tat,
        ),
        Strategy(
            "win-stay-lose-shift",
            "Win-stay, lose-shift (Pavlov)",
            "Cooperates first, then repeats its move after a good round and switches "
            "after a bad one.",
            _win_stay_lose_shift,
        ),
        Strategy(
            "tit-for-two-tats",
            "Tit for two tats",
            "Cooperates unless the other side defected in both of the last two rounds.",
            _tit_for_two_tats,
        ),
        Strategy(
            "suspicious-tit-for-tat",
            "Suspicious tit for tat",
            "Defects first, then copies whatever the other side did last round.",
            _suspicious_tit_for_tat,
        ),
        Strategy(
            "random",
            "Random",
            "Cooperates or defects at random, with even odds each round.",
            _random,
        ),
    )
}


def get_strategy(slug: str) -> Strategy:
    """The registered strategy for slug; LabError naming the valid slugs otherwise."""
    try:
        return STRATEGIES[slug]
    except (KeyError, TypeError):
        raise LabError(
            f"Unknown strategy {slug!r}. Choose from: {', '.join(STRATEGIES)}."
        ) from None


def _whole(value: object, what: str, low: int, high: int) -> int:
    """value if it is a whole number in [low, high]; LabError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LabError(f"{what} must be a whole number from {low} to {high}; got {value!r}.")
    return value


def _fraction(value: object, what: str, high: float = 1.0) -> float:
    """value if it is a number in [0, high]; LabError otherwise."""
    if not _is_real(value) or not 0 <= value <= high:
        raise LabError(f"{what} must be a number from 0 to {_num(high)}; got {value!r}.")
    return value


def _seed(value: object) -> int:
    """value if it is a whole number (any size); LabError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise LabError(f"The seed must be a whole number; got {value!r}.")
    return value


def derive_seed(seed: int, *labels: object) -> int:
    """A sub-seed fixed by the seed and the labels alone (hashing, so it never drifts)."""
    text = ":".join(str(part) for part in (seed, *labels))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


@dataclass(frozen=True)
class _Rules:
    """Validated settings shared by every match in a run."""

    payoffs: Payoffs
    rounds: int | None
    continuation: float | None
    noise: float
    sanction: float
    detection: float
    max_rounds: int


def _rules(
    payoffs: Payoffs,
    rounds: int | None,
    continuation: float | None,
    noise: float,
    sanction: float,
    detection: float,
    max_rounds: int,
) -> _Rules:
    """Check every match setting, raising LabError on the first one out of range."""
    if rounds is None and continuation is None:
        raise LabError("Give either a fixed number of rounds or a continuation probability w.")
    if rounds is not None and continuation is not None:
        raise LabError("Give a fixed number of rounds or a continuation probability w, not both.")
    if rounds is not None:
        _whole(rounds, "The number of rounds", 1, MAX_ROUNDS)
    if continuation is not None:
        _fraction(continuation, "The continuation probability w", MAX_CONTINUATION)
    if not _is_real(sanction) or sanction < 0:
        raise LabError(f"The sanction must be a number of zero or more; got {sanction!r}.")
    return _Rules(
        payoffs=payoffs,
        rounds=rounds,
        continuation=continuation,
        noise=_fraction(noise, "The noise"),
        sanction=sanction,
        detection=_fraction(detection, "The detection probability"),
        max_rounds=_whole(max_rounds, "The maximum number of rounds", 1, MAX_ROUNDS),
    )


def grim_trigger_threshold(payoffs: Payoffs) -> float:
    """The least w at which cooperating with a grim trigger pays: (T - R) / (T - P).

    Against a grim trigger, cooperating for ever earns R / (1 - w) in expectation, while
    defecting earns T once and P thereafter: T + P w / (1 - w). The first is at least the
    second exactly when w >= (T - R) / (T - P).
    """
    return (payoffs.T - payoffs.R) / (payoffs.T - payoffs.P)


def expected_rounds(continuation: float, max_rounds: int | None = MAX_ROUNDS) -> float:
    """Expected length of a match that goes on after each round with probability w.

    Uncapped (max_rounds=None) this is 1 / (1 - w); capped at N rounds, as play_match
    does, it is (1 - w**N) / (1 - w).
    """
    w = _fraction(continuation, "The continuation probability w", MAX_CONTINUATION)
    if max_rounds is None:
        return 1 / (1 - w)
    cap = _whole(max_rounds, "The maximum number of rounds", 1, MAX_ROUNDS)
    return (1 - w**cap) / (1 - w)


@dataclass(frozen=True)
class MatchResult:
    """A played match. Per-round tuples are in play order; pairs put player a first."""

    strategies: tuple[str, str]
    moves: tuple[tuple[str, str], ...]
    payoffs: tuple[tuple[float, float], ...]  # after any sanctions
    totals: tuple[float, float]
    mean_payoffs: tuple[float, float]  # per round
    cooperation_rates: tuple[float, ...]  # share of the round's two moves that were C

    @property
    def rounds(self) -> int:
        return len(self.moves)

    @property
    def cooperation_rate(self) -> float:
        """Share of all moves in the match that were C."""
        return sum(self.cooperation_rates) / self.rounds


def _match_length(rules: _Rules, rng: random.Random) -> int:
    """The fixed length, or a geometric one: after each round, go on with probability w."""
    if rules.rounds is not None:
        return rules.rounds
    length = 1
    while length < rules.max_rounds and rng.random() < rules.continuation:
        length += 1
    return length


def tremble(intended: str, noise: float, rng: random.Random) -> str:
    """The move actually played: the intended one, flipped with probability noise."""
    return _FLIPPED[intended] if rng.random() < noise else intended


def _penalty(move: str, rules: _Rules, rng: random.Random) -> float:
    """The sanction a player pays this round: only for a defection, and only if detected."""
    if move == D and rng.random() < rules.detection:
        return rules.sanction
    return 0


def _play(a: Strategy, b: Strategy, rules: _Rules, seed: int) -> MatchResult:
    """Play one match under already-validated rules."""
    # One stream per source of chance, so that e.g. raising the noise leaves the game's
    # length and each player's own coin flips exactly as they were.
    length_rng, a_rng, b_rng, noise_rng, detection_rng = (
        random.Random(derive_seed(seed, stream))
        for stream in ("length", "a", "b", "noise", "detection")
    )
    table = rules.payoffs.table()
    # Noise is a trembling hand: the flipped move is what both players then remember.
    a_moves: list[str] = []
    b_moves: list[str] = []
    payoffs = []
    for _ in range(_match_length(rules, length_rng)):
        a_move = tremble(a.decide(a_moves, b_moves, a_rng), rules.noise, noise_rng)
        b_move = tremble(b.decide(b_moves, a_moves, b_rng), rules.noise, noise_rng)
        a_payoff, b_payoff = table[a_move, b_move]
        payoffs.append(
            (
                a_payoff - _penalty(a_move, rules, detection_rng),
                b_payoff - _penalty(b_move, rules, detection_rng),
            )
        )
        a_moves.append(a_move)
        b_moves.append(b_move)
    rounds = len(payoffs)
    totals = (sum(p[0] for p in payoffs), sum(p[1] for p in payoffs))
    return MatchResult(
        strategies=(a.slug, b.slug),
        moves=tuple(zip(a_moves, b_moves, strict=True)),
        payoffs=tuple(payoffs),
        totals=totals,
        mean_payoffs=(totals[0] / rounds, totals[1] / rounds),
        cooperation_rates=tuple(
            ((x == C) + (y == C)) / 2 for x, y in zip(a_moves, b_moves, strict=True)
        ),
    )


def play_match(
    a: str,
    b: str,
    payoffs: Payoffs,
    *,
    rounds: int | None = None,
    continuation: float | None = None,
    noise: float = 0.0,
    sanction: float = 0.0,
    detection: float = 1.0,
    seed: int = 0,
    max_rounds: int = MAX_ROUNDS,
) -> MatchResult:
    """Play strategy a against strategy b.

    Give exactly one of rounds (a fixed length) or continuation (after each round the
    game goes on with probability w, up to max_rounds). Each intended move is flipped with
    probability noise. Each defection actually played is detected with probability
    detection and then costs the defector the sanction that round. Same arguments and
    seed, same result.
    """
    rules = _rules(payoffs, rounds, continuation, noise, sanction, detection, max_rounds)
    return _play(get_strategy(a), get_strategy(b), rules, _seed(seed))


@dataclass(frozen=True)
class TournamentResult:
    """A round robin. Dicts are keyed by slug, in the order the strategies were given."""

    slugs: tuple[str, ...]
    # matrix[row][column]: row's mean payoff per round against column, averaged over
    # repetitions; the diagonal (self-play) is present only when self-play was on.
    matrix: dict[str, dict[str, float]]
    total_scores: dict[str, float]  # summed over every match and repetition
    mean_scores: dict[str, float]  # mean of the strategy's matrix row
    ranking: tuple[str, ...]  # best mean score first; ties keep the given order
    cooperation_rates: tuple[float, ...]  # per round, over the matches that lasted that long
    matches_by_round: tuple[int, ...]  # how many matches lasted that long


def _lineup(strategy_slugs: Sequence[str]) -> tuple[Strategy, ...]:
    """The strategies for slugs: at least two, at most MAX_STRATEGIES, no repeats."""
    if isinstance(strategy_slugs, str):
        raise LabError("Give a list of strategy slugs, not a single string.")
    slugs = tuple(strategy_slugs)
    if not 2 <= len(slugs) <= MAX_STRATEGIES:
        raise LabError(f"Pick from 2 to {MAX_STRATEGIES} strategies; got {len(slugs)}.")
    strategies = tuple(get_strategy(slug) for slug in slugs)
    for index, slug in enumerate(slugs):
        if slug in slugs[:index]:
            raise LabError(f"Each strategy can take part only once; {slug!r} is listed twice.")
    return strategies


def _round_robin(
    strategies: tuple[Strategy, ...],
    rules: _Rules,
    repetitions: int,
    self_play: bool,
    seed: int,
) -> TournamentResult:
    """Play every pairing (and each strategy against itself if self_play) repetitions times."""
    slugs = tuple(strategy.slug for strategy in strategies)
    size = len(slugs)
    sums = [[0.0] * size for _ in range(size)]
    totals = [0.0] * size
    cooperation: list[float] = []
    reached: list[int] = []
    for repetition in range(repetitions):
        for i in range(size):
            for j in range(i if self_play else i + 1, size):
                match_seed = derive_seed(seed, "match", repetition, slugs[i], slugs[j])
                match = _play(strategies[i], strategies[j], rules, match_seed)
                if i == j:
                    # Both seats hold the same strategy: credit it with their average.
                    sums[i][i] += sum(match.mean_payoffs) / 2
                    totals[i] += sum(match.totals) / 2
                else:
                    sums[i][j] += match.mean_payoffs[0]
                    sums[j][i] += match.mean_payoffs[1]
                    totals[i] += match.totals[0]
                    totals[j] += match.totals[1]
                for index, rate in enumerate(match.cooperation_rates):
                    if index == len(reached):
                        cooperation.append(0.0)
                        reached.append(0)
                    cooperation[index] += rate
                    reached[index] += 1
    matrix = {
        slugs[i]: {slugs[j]: sums[i][j] / repetitions for j in range(size) if self_play or i != j}
        for i in range(size)
    }
    means = {slug: sum(row.values()) / len(row) for slug, row in matrix.items()}
    return TournamentResult(
        slugs=slugs,
        matrix=matrix,
        total_scores=dict(zip(slugs, totals, strict=True)),
        mean_scores=means,
        # Rounding keeps float noise from breaking a true tie; sorted() is stable.
        ranking=tuple(sorted(slugs, key=lambda slug: -round(means[slug], 9))),
        cooperation_rates=tuple(c / n for c, n in zip(cooperation, reached, strict=True)),
        matches_by_round=tuple(reached),
    )


def tournament(
    strategy_slugs: Sequence[str],
    payoffs: Payoffs,
    *,
    rounds: int | None = None,
    continuation: float | None = None,
    noise: float = 0.0,
    sanction: float = 0.0,
    detection: float = 1.0,
    repetitions: int = 1,
    self_play: bool = True,
    seed: int = 0,
    max_rounds: int = MAX_ROUNDS,
) -> TournamentResult:
    """A round robin: each pair of strategies meets once per repetition.

    As in Axelrod's tournaments, each strategy also meets its own twin (self_play=True),
    which is what a population of its kind would face. Match settings are as for
    play_match; each match gets its own seed derived from seed, the repetition and the
    two slugs. Strategies are ranked by mean payoff per round.
    """
    return _round_robin(
        _lineup(strategy_slugs),
        _rules(payoffs, rounds, continuation, noise, sanction, detection, max_rounds),
        _whole(repetitions, "The number of repetitions", 1, MAX_REPETITIONS),
        self_play,
        _seed(seed),
    )


@dataclass(frozen=True)
class EvolutionResult:
    """Population shares by generation; shares[0] is the starting population."""

    slugs: tuple[str, ...]
    shares: tuple[dict[str, float], ...]
    tournament: TournamentResult  # whose matrix gave the payoffs between types


def _starting_shares(count: int, initial_shares: Sequence[float] | None) -> list[float]:
    """Equal shares, or the given non-negative weights scaled to sum to 1."""
    if initial_shares is None:
        return [1 / count] * count
    weights = list(initial_shares)
    if len(weights) != count:
        raise LabError(
            f"Give one starting share per strategy: {count} strategies, {len(weights)} shares."
        )
    if not all(_is_real(weight) and weight >= 0 for weight in weights):
        raise LabError("Starting shares must be numbers of zero or more.")
    total = sum(weights)
    if total <= 0:
        raise LabError("At least one starting share must be above zero.")
    return [weight / total for weight in weights]


def _replicator_step(shares: list[float], fitness_matrix: list[list[float]]) -> list[float]:
    """One generation of discrete replicator dynamics: x_i' = x_i f_i / f̄."""
    fitness = [sum(a * x for a, x in zip(row, shares, strict=True)) for row in fitness_matrix]
    mean_fitness = sum(x * f for x, f in zip(shares, fitness, strict=True))
    if mean_fitness == 0:
        # Everyone earns the floor: no type out-earns another, so nothing changes.
        return shares
    return [x * f / mean_fitness for x, f in zip(shares, fitness, strict=True)]


def evolve(
    strategy_slugs: Sequence[str],
    payoffs: Payoffs,
    *,
    rounds: int | None = None,
    continuation: float | None = None,
    noise: float = 0.0,
    sanction: float = 0.0,
    detection: float = 1.0,
    repetitions: int = 1,
    generations: int = 100,
    initial_shares: Sequence[float] | None = None,
    seed: int = 0,
    max_rounds: int = MAX_ROUNDS,
) -> EvolutionResult:
    """Evolve a population of strategies by discrete replicator dynamics.

    A tournament with self-play (settings as for tournament) gives a_ij, type i's mean
    payoff per round against type j. Each generation, with shares x:
        f_i = sum_j x_j (a_ij - floor),   x_i' = x_i f_i / f̄,   f̄ = sum_i x_i f_i,
    where floor = min(0, S, P - sanction) is the lowest payoff a round can pay when that
    is negative, so fitness is never negative; with the usual payoffs and no sanction
    fitness is the raw payoff. initial_shares are weights, one per strategy, scaled to
    sum to 1 (equal shares if omitted).
    """
    strategies = _lineup(strategy_slugs)
    rules = _rules(payoffs, rounds, continuation, noise, sanction, detection, max_rounds)
    generations = _whole(generations, "The number of generations", 1, MAX_GENERATIONS)
    shares = _starting_shares(len(strategies), initial_shares)
    played = _round_robin(
        strategies,
        rules,
        _whole(repetitions, "The number of repetitions", 1, MAX_REPETITIONS),
        True,
        _seed(seed),
    )
    floor = min(0, payoffs.S, payoffs.P - sanction)
    fitness_matrix = [
        [played.matrix[row][column] - floor for column in played.slugs] for row in played.slugs
    ]
    history = [shares]
    for _ in range(generations):
        history.append(_replicator_step(history[-1], fitness_matrix))
    return EvolutionResult(
        slugs=played.slugs,
        shares=tuple(dict(zip(played.slugs, row, strict=True)) for row in history),
        tournament=played,
    )
