"""What a live session's pages show: a student's own history, the projector's figures,
the debrief, the CSV. Reads only; writes are in services.py.

Nothing here shows a move of an unresolved round, so no page can reveal a partner's move
before the round closes.
"""

import csv
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from apps.core.spreadsheet import neutralise
from apps.lab.charts import COOPERATION_STYLE, LineChart, line_chart
from apps.lab.engine import STRATEGIES, C
from apps.lab.models import LiveMove, LiveRound, LiveSeat, LiveSession
from apps.lab.rounds import PAST_TENSE, Levers
from apps.lab.services import MESSAGES


def _ended_blocks(session: LiveSession) -> set[int]:
    blocks = set(
        session.rounds.filter(last_of_block=True, resolved__isnull=False).values_list(
            "block", flat=True
        )
    )
    if session.stage == LiveSession.Stage.ENDED:
        blocks |= set(session.rounds.values_list("block", flat=True))
    return blocks


@dataclass(frozen=True)
class HistoryRow:
    number: int
    condition: str
    mine: str
    theirs: str
    points: str
    note: str


def strategy_name(slug: str) -> str:
    return STRATEGIES[slug].name


def student_history(seat: LiveSeat) -> list[HistoryRow]:
    """The seat's resolved rounds, newest first, showing what the student may know."""
    session = seat.session
    ended = _ended_blocks(session)
    mine = {
        m.round_id: m
        for m in LiveMove.objects.filter(seat=seat, round__resolved__isnull=False).select_related(
            "round"
        )
    }
    theirs = {
        m.round_id: m
        for m in LiveMove.objects.filter(seat_id=seat.partner_id, round__resolved__isnull=False)
    }
    rows = []
    for round_id, move in sorted(mine.items(), key=lambda item: -item[1].round.number):
        round_ = move.round
        levers = Levers(**round_.levers)
        other = theirs.get(round_id)
        notes = []
        if move.by_strategy:
            notes.append(f"No move from you in time: {strategy_name(move.by_strategy)} played it.")
        elif move.played != move.intended:
            notes.append("Your move came out the other way (noise).")
        if other and other.by_strategy and not seat.partner.bot:
            notes.append(f"Your partner's move was played by {strategy_name(other.by_strategy)}.")
        if other and other.message:
            notes.append(f"Your partner said: “{MESSAGES[other.message]}”")
        if move.caught and levers.sanction:
            notes.append(f"Your defection was caught: fined {levers.sanction:g}.")
        seen = PAST_TENSE[move.saw] if move.saw else "—"
        sealed = levers.sealed and round_.block not in ended
        rows.append(
            HistoryRow(
                round_.number,
                round_.condition,
                PAST_TENSE[move.played].capitalize(),
                f"Reported: {seen}" if levers.sealed else seen.capitalize(),
                "Sealed" if sealed else f"{move.points:g}",
                " ".join(notes),
            )
        )
    return rows


@dataclass(frozen=True)
class RoundFigures:
    number: int
    block: int
    condition: str
    cooperation: float  # share of moves played that were C
    payoff: float  # mean points per seat
    moves: int
    stand_ins: int  # moves played by a strategy for a student who did not choose

    @property
    def cooperation_text(self) -> str:
        return f"{self.cooperation:.0%}"


@dataclass(frozen=True)
class ConditionFigures:
    condition: str
    rounds: int
    cooperation: float
    payoff: float

    @property
    def cooperation_text(self) -> str:
        return f"{self.cooperation:.0%}"


def round_figures(session: LiveSession) -> list[RoundFigures]:
    rows = (
        LiveRound.objects.filter(session=session, resolved__isnull=False)
        .annotate(
            total=Count("moves"),
            cooperative=Count("moves", filter=Q(moves__played=C)),
            payoff=Avg("moves__points"),
            stand_ins=Count("moves", filter=Q(moves__seat__bot="") & ~Q(moves__by_strategy="")),
        )
        .order_by("number")
    )
    return [
        RoundFigures(
            r.number,
            r.block,
            r.condition,
            r.cooperative / r.total if r.total else 0,
            r.payoff or 0,
            r.total,
            r.stand_ins,
        )
        for r in rows
    ]


def cooperation_chart(rounds: list[RoundFigures]) -> LineChart | None:
    """Cooperation round by round, for the projector (none before a round resolves)."""
    if not rounds:
        return None
    last = rounds[-1]
    return line_chart(
        "Cooperation by round",
        f"Cooperative moves by round; round {last.number}: {last.cooperation_text}.",
        [r.number for r in rounds],
        [("Cooperative moves", COOPERATION_STYLE, [r.cooperation for r in rounds])],
        "Round",
    )


def condition_figures(rounds: list[RoundFigures]) -> list[ConditionFigures]:
    """Each condition's cooperation and payoff over all its rounds, in order of first use."""
    grouped: dict[str, list[RoundFigures]] = {}
    for figures in rounds:
        grouped.setdefault(figures.condition, []).append(figures)
    result = []
    for condition, group in grouped.items():
        moves = sum(g.moves for g in group) or 1
        result.append(
            ConditionFigures(
                condition,
                len(group),
                sum(g.cooperation * g.moves for g in group) / moves,
                sum(g.payoff * g.moves for g in group) / moves,
            )
        )
    return result


@dataclass(frozen=True)
class DebriefPoint:
    heading: str
    text: str
    question: str
    lesson: str
    anchor: str


def debrief(session: LiveSession) -> list[DebriefPoint]:
    """The parts of Lipson's argument this session's conditions touched, each with a
    question for the room and the lesson section it comes from."""
    used = [Levers(**levers) for levers in session.rounds.values_list("levers", flat=True)]
    points = [
        DebriefPoint(
            "The shadow of the future",
            "Nobody knew which round was the last. Every defection had to be weighed "
            "against the rounds still to come, which is what regular meetings do for states.",
            "When did you feel the future was worth protecting, and what made you defect?",
            "how-regimes-work",
            "shadow-of-the-future",
        )
    ]
    if any(levers.noise > 0 or levers.monitoring < 1 for levers in used):
        points.append(
            DebriefPoint(
                "Transparency and monitoring",
                "With misread moves or only a report of the partner's move, honest partners "
                "punished each other by mistake and cheats could hide. Regimes that share "
                "information and verify compliance make both rarer.",
                "How did you decide whether a defection was meant? What would have helped?",
                "how-regimes-work",
                "transparency",
            )
        )
    if any(levers.sanction > 0 for levers in used):
        points.append(
            DebriefPoint(
                "Decentralised sanctions",
                "A fine on caught defections changed what cheating was worth. In world "
                "politics no court levies it: states must punish for themselves, at a cost.",
                "Would you have paid to punish a cheat who was not your own partner?",
                "how-regimes-work",
                "sanctions",
            )
        )
    if any(levers.S < 0 for levers in used):
        points.append(
            DebriefPoint(
                "The cost of being cheated",
                "When being exploited cost more, the first cooperative move was a real risk. "
                "In security the price of misplaced trust can be very high.",
                "Did a harsher sucker's payoff change your opening move?",
                "cooperation-under-anarchy",
                "payoff-table",
            )
        )
    return points


CSV_HEADER = [
    "Round",
    "Block",
    "Condition",
    "Seat",
    "Student",
    "Partner seat",
    "Intended",
    "Played",
    "Saw partner",
    "Points",
    "Caught",
    "Played by strategy",
    "Message",
]


def write_csv(session: LiveSession, out) -> None:
    """Every resolved move, one row each; text cells neutralised against formulas."""
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    moves = (
        LiveMove.objects.filter(round__session=session, round__resolved__isnull=False)
        .select_related("round", "seat__student")
        .order_by("round__number", "seat_id")
    )
    for move in moves:
        seat = move.seat
        who = seat.student.username if seat.student else f"{strategy_name(seat.bot)} (computer)"
        writer.writerow(
            [
                move.round.number,
                move.round.block,
                neutralise(move.round.condition),
                seat.pk,
                neutralise(who),
                seat.partner_id or "",
                move.intended,
                move.played,
                move.saw,
                f"{move.points:g}",
                "yes" if move.caught else "",
                move.by_strategy,
                neutralise(MESSAGES.get(move.message, "")),
            ]
        )
