"""Play it yourself: short levels of a repeated Prisoners' Dilemma against a hidden strategy.

A game's whole state is a small dict (kept in the session for visitors, in a SoloGame row
for signed-in students). It holds the seed and the rounds played; the partner's identity,
the game's length and every coming draw follow from the seed on the server and are never
sent to the page until the game is over.
"""

import secrets
from dataclasses import dataclass, field

from apps.lab.engine import STRATEGIES, C, D, Strategy, derive_seed
from apps.lab.rounds import MOVE_NAMES, PAST_TENSE, Levers, goes_on, resolve, strategy_move

MAX_ROUNDS = 30  # a level stays short even when the dice keep saying "go on"
EXCLUSION_ROUNDS = 2

COOPERATIVE = "cooperative"
MIXED = "mixed"
HOSTILE = "hostile"
PREDICTIONS = {
    COOPERATIVE: "Mostly both cooperating",
    MIXED: "A mix of cooperation and defection",
    HOSTILE: "Mostly both defecting",
}


@dataclass(frozen=True)
class Reading:
    title: str
    lesson: str  # the lesson's slug
    anchor: str  # a section id in it


@dataclass(frozen=True)
class Level:
    slug: str
    title: str
    lever: str  # the one thing this level changes, in a few words
    intro: str  # what is different here, told before playing
    partners: tuple[str, ...]  # the hidden strategy is drawn from these
    debrief: str
    reading: Reading
    levers: Levers = field(default_factory=Levers)
    exclusion: bool = False  # a caught defection shuts you out of the next rounds

    def partner(self, seed: int) -> Strategy:
        index = derive_seed(seed, "partner") % len(self.partners)
        return STRATEGIES[self.partners[index]]

    def length(self, seed: int) -> int:
        """The game's length, drawn round by round with the continuation probability."""
        rounds = 1
        while rounds < MAX_ROUNDS and goes_on(self.levers.continuation, seed, rounds):
            rounds += 1
        return rounds


LEVELS: tuple[Level, ...] = (
    Level(
        slug="shadow-of-the-future",
        title="The shadow of the future",
        lever="An unknown end",
        intro="You do not know which round is the last: after each one, another follows "
        "nine times in ten. Each round you both choose at once; you score 3 each if you "
        "both cooperate, 1 each if you both defect, and 5 against 0 if one defects on a "
        "cooperator.",
        partners=("tit-for-tat", "grim-trigger"),
        debrief="Your partner answered your moves in kind. With no known last round, a "
        "defection buys one round of 5 points and then costs the reward you could have kept "
        "earning, so steady cooperation pays. Regimes that hold regular meetings lengthen "
        "the shadow of the future in just this way: states expect to deal with one another "
        "again and weigh that against the gain from cheating today.",
        reading=Reading(
            "How regimes work: lengthening the shadow of the future",
            "how-regimes-work",
            "shadow-of-the-future",
        ),
    ),
    Level(
        slug="noise",
        title="A move misread",
        lever="Noise",
        intro="Here one move in ten comes out as its opposite: you mean to cooperate and it "
        "lands as a defection, or the other way round. Both of you then act on what "
        "actually happened. The end is still unknown.",
        partners=("tit-for-tat", "generous-tit-for-tat"),
        levers=Levers(noise=0.1),
        debrief="A single misread move can set two reciprocators punishing each other for "
        "rounds on end, though neither meant any harm. A forgiving partner breaks the chain "
        "sooner. Lipson's point about transparency is that seeing clearly what the other side "
        "did keeps an accident from being taken for a betrayal.",
        reading=Reading(
            "How regimes work: raising transparency", "how-regimes-work", "transparency"
        ),
    ),
    Level(
        slug="monitoring",
        title="Only a signal",
        lever="Monitoring",
        intro="You no longer see your partner's move. You get a report that is right three "
        "times in four, and your points stay sealed until the end, since they would give "
        "the move away. Your partner gets the same kind of report about you.",
        partners=("tit-for-tat", "always-defect", "win-stay-lose-shift"),
        levers=Levers(monitoring=0.75),
        debrief="With only a noisy report, you cannot tell a cheat from a false alarm, and "
        "neither can your partner: reciprocity misfires, and a real cheat hides among the "
        "errors. Verification and inspection, which regimes provide, are worth most where "
        "states would otherwise have to guess.",
        reading=Reading(
            "How regimes work: transparency in arms control",
            "how-regimes-work",
            "arms-control-transparency",
        ),
    ),
    Level(
        slug="payoffs",
        title="The cost of being cheated",
        lever="The payoffs",
        intro="Being cheated now hurts far more: cooperating while your partner defects "
        "costs you 4 points instead of scoring 0. Everything else is as in the first level.",
        partners=("tit-for-tat", "suspicious-tit-for-tat"),
        levers=Levers(S=-4),
        debrief="When being exploited is costly, the first cooperative move is a real risk, "
        "and a partner who opens with a defection makes it hard to begin. Lipson notes that "
        "in security the price of being cheated can be survival itself, which is one reason "
        "security regimes are harder to build than economic ones.",
        reading=Reading(
            "Cooperation under anarchy: the payoff table",
            "cooperation-under-anarchy",
            "payoff-table",
        ),
    ),
    Level(
        slug="sanctions",
        title="Shut out for cheating",
        lever="Sanctions",
        intro="Your partner here is easy to exploit. But each time you defect, there is an "
        "even chance it is caught, and then you are shut out of the next two rounds and "
        "score nothing in them.",
        partners=("always-cooperate", "tit-for-two-tats", "generous-tit-for-tat"),
        levers=Levers(detection=0.5),
        exclusion=True,
        debrief="Exploiting a trusting partner pays 5 instead of 3, but two rounds shut out "
        "cost 6, and an even chance of that outweighs the gain. A sanction works by making "
        "cheating cost more than it brings. Lipson counts sanctions among the weaker things "
        "a regime can offer, because someone has to bear the cost of imposing them.",
        reading=Reading("How regimes work: providing sanctions", "how-regimes-work", "sanctions"),
    ),
)
BY_SLUG = {level.slug: level for level in LEVELS}


class PlayError(ValueError):
    """A move that cannot be played; the message is fit for the page."""


@dataclass
class Game:
    """One game of a level, over the state dict that storage keeps."""

    level: Level
    state: dict

    @classmethod
    def start(cls, level: Level, prediction: str) -> "Game":
        if prediction not in PREDICTIONS:
            raise PlayError("Choose one of the predictions first.")
        return cls(level, {"seed": secrets.randbits(48), "prediction": prediction, "rounds": []})

    @property
    def seed(self) -> int:
        return self.state["seed"]

    @property
    def rounds(self) -> list[dict]:
        return self.state["rounds"]

    @property
    def next_round(self) -> int:
        return len(self.rounds) + 1

    @property
    def finished(self) -> bool:
        return len(self.rounds) >= self.level.length(self.seed)

    def play(self, round_number: int, intended: str) -> bool:
        """Play round `round_number` with the student's move. False (and nothing changes)
        when that round was already played, so a form sent twice counts once."""
        if intended not in (C, D):
            raise PlayError("Choose to cooperate or to defect.")
        if round_number < self.next_round:
            return False
        if self.finished:
            raise PlayError("This game is over.")
        if round_number != self.next_round:
            raise PlayError("That round has not started yet; reload the page.")
        partner = self.level.partner(self.seed)
        # The partner reacts to what it saw of you; you are player a, it is player b.
        theirs_played = [r["their_played"] for r in self.rounds if not r["excluded"]]
        seen_of_me = [r["they_saw"] for r in self.rounds if not r["excluded"]]
        round_seed = derive_seed(self.seed, "round", round_number)
        their_move = strategy_move(partner.slug, theirs_played, seen_of_me, round_seed)
        me, them = resolve(intended, their_move, self.level.levers, round_seed)
        caught = self.level.exclusion and me.caught
        self.rounds.append(_record(round_number, me, them, caught, excluded=False))
        if caught:
            for _ in range(EXCLUSION_ROUNDS):
                if self.finished:
                    break
                self.rounds.append(_excluded_round(self.next_round))
        return True

    @property
    def played_rounds(self) -> list[dict]:
        return [r for r in self.rounds if not r["excluded"]]

    @property
    def score(self) -> float:
        return sum(r["points"] for r in self.rounds)

    @property
    def partner_score(self) -> float:
        return sum(r["their_points"] for r in self.rounds)

    @property
    def sealed(self) -> bool:
        """True while points would give away moves the student has not seen."""
        return self.level.levers.sealed and not self.finished

    @property
    def excluded_next(self) -> bool:
        return bool(self.rounds) and self.rounds[-1]["excluded"]

    def outcome(self) -> str:
        """What the game turned out to be, in the prediction's terms, from the moves played."""
        played = self.played_rounds
        if not played:
            return MIXED
        both_c = sum(r["my_played"] == r["their_played"] == C for r in played) / len(played)
        both_d = sum(r["my_played"] == r["their_played"] == D for r in played) / len(played)
        if both_c >= 0.6:
            return COOPERATIVE
        if both_d >= 0.6:
            return HOSTILE
        return MIXED

    def reveal(self) -> Strategy:
        """The hidden partner, once the game is over and only then."""
        if not self.finished:
            raise PlayError("The partner is revealed when the game is over.")
        return self.level.partner(self.seed)


def _record(number: int, me, them, caught: bool, excluded: bool) -> dict:
    return {
        "n": number,
        "excluded": excluded,
        "my_intended": me.intended,
        "my_played": me.played,
        "i_saw": me.saw,
        "points": me.points,
        "their_played": them.played,
        "they_saw": them.saw,
        "their_points": them.points,
        "caught": caught,
    }


def _excluded_round(number: int) -> dict:
    """A round the student sits out: no moves, no points for either side."""
    return {
        "n": number,
        "excluded": True,
        "my_intended": None,
        "my_played": None,
        "i_saw": None,
        "points": 0,
        "their_played": None,
        "they_saw": None,
        "their_points": 0,
        "caught": False,
    }


@dataclass(frozen=True)
class RoundRow:
    """One played round as the student's history table shows it."""

    number: int
    mine: str
    theirs: str
    points: str
    note: str


def _points_text(points: float) -> str:
    return f"{points:g}"


def history_rows(game: Game) -> list[RoundRow]:
    """The rounds so far, showing only what the student may know: while points are sealed
    they are hidden, and the partner's move is the report they got until the game ends."""
    rows = []
    for r in game.rounds:
        if r["excluded"]:
            rows.append(
                RoundRow(r["n"], "Shut out", "—", _points_text(0), "You sat this round out.")
            )
            continue
        mine = PAST_TENSE[r["my_played"]].capitalize()
        notes = []
        if r["my_played"] != r["my_intended"]:
            notes.append(f"You meant to {MOVE_NAMES[r['my_intended']]}; it came out the other way.")
        if game.level.levers.sealed:
            theirs = f"Reported: {PAST_TENSE[r['i_saw']]}"
            if game.finished and r["i_saw"] != r["their_played"]:
                notes.append(f"The report was wrong: they {PAST_TENSE[r['their_played']]}.")
        else:
            theirs = PAST_TENSE[r["their_played"]].capitalize()
        if r["caught"]:
            notes.append("Your defection was caught.")
        points = "Sealed" if game.sealed else _points_text(r["points"])
        rows.append(RoundRow(r["n"], mine, theirs, points, " ".join(notes)))
    return rows
