"""One round between two seats, played by people or by the engine's strategies.

Solo play and the live classroom game share this: the levers of a round (payoffs, noise,
monitoring, a sanction), what each side actually played, what each side saw of the
other, and the points. Every chance event is drawn from a seed and labels, so a round
resolved twice (say by two app servers racing) comes out the same, and nobody can learn a
coming draw from anything the page shows.
"""

import random
from dataclasses import asdict, dataclass

from apps.lab.engine import C, D, Payoffs, derive_seed, get_strategy, tremble

MOVES = (C, D)
MOVE_NAMES = {C: "cooperate", D: "defect"}
PAST_TENSE = {C: "cooperated", D: "defected"}


@dataclass(frozen=True)
class Levers:
    """What the rules of a round are. Monitoring is the chance a signal of the partner's
    move is right (1: the move is seen as it was); with less, points stay sealed until the
    game ends, since they would give the move away."""

    T: float = 5
    R: float = 3
    P: float = 1
    S: float = 0
    noise: float = 0.0
    monitoring: float = 1.0
    sanction: float = 0.0  # points a caught defection costs
    detection: float = 0.5  # the chance a defection is caught
    continuation: float = 0.9
    messages: bool = False

    @property
    def payoffs(self) -> Payoffs:
        return Payoffs(T=self.T, R=self.R, P=self.P, S=self.S)

    @property
    def sealed(self) -> bool:
        """True when points cannot be shown round by round without revealing moves."""
        return self.monitoring < 1

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Side:
    """One seat's view of a resolved round."""

    intended: str
    played: str  # after noise: what the partner's rules react to
    saw: str  # the partner's move as this seat saw it (monitoring)
    points: float  # after any sanction
    caught: bool  # a defection played and caught (whether or not a fine follows)


def _chance(seed: int, *labels: object) -> random.Random:
    return random.Random(derive_seed(seed, *labels))


def resolve(a_intended: str, b_intended: str, levers: Levers, seed: int) -> tuple[Side, Side]:
    """Both sides of a round: noise may flip each move, each sees the other's through a
    signal right with probability `monitoring`, and a defection actually played is caught
    with probability `detection` and then costs `sanction` points."""
    a_played = tremble(a_intended, levers.noise, _chance(seed, "noise", "a"))
    b_played = tremble(b_intended, levers.noise, _chance(seed, "noise", "b"))
    a_points, b_points = levers.payoffs.table()[a_played, b_played]

    def side(label, intended, played, points, other_played) -> Side:
        saw = tremble(other_played, 1 - levers.monitoring, _chance(seed, "signal", label))
        caught = played == D and _chance(seed, "caught", label).random() < levers.detection
        fine = levers.sanction if caught else 0
        return Side(intended, played, saw, points - fine, caught)

    return (
        side("a", a_intended, a_played, a_points, b_played),
        side("b", b_intended, b_played, b_points, a_played),
    )


def strategy_move(slug: str, mine: list[str], theirs: list[str], seed: int) -> str:
    """The move the engine's strategy `slug` makes next, given the moves each side played
    (as its rules see them) and a seed for its own coin."""
    return get_strategy(slug).decide(mine, theirs, _chance(seed, "strategy", len(mine)))


def goes_on(continuation: float, seed: int, round_number: int) -> bool:
    """Whether another round follows this one: true with probability `continuation`."""
    return _chance(seed, "continue", round_number).random() < continuation
