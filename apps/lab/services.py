"""Writes of the lab: solo games kept for signed-in students, and live sessions.

A live round resolves exactly once: resolve_round locks the round's row (FOR UPDATE), so
of two app servers that find it due at the same moment, one resolves it and the other
finds it resolved. A move is an insert under a unique (round, seat) constraint; the
insert's foreign-key check waits on that lock, so a move either lands before the round
resolves (and counts) or meets the row resolution wrote for its seat (and is refused).
Round timers resolve lazily: whatever request finds the deadline passed resolves the
round, so no background worker is needed.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from apps.lab.engine import derive_seed
from apps.lab.models import LiveMove, LiveRound, LiveSeat, LiveSession, SoloGame
from apps.lab.play import Game, Level
from apps.lab.rounds import MOVES, Levers, goes_on, resolve, strategy_move

SOLO_SESSION_KEY = "lab_play"
# Who plays a seat when its student has not chosen in time, and the partner of an odd one out.
STAND_IN = "tit-for-tat"
MESSAGES = {
    "will-cooperate": "I will cooperate.",
    "copy-you": "I will do what you did last round.",
    "mistake": "My defection was a mistake.",
    "warning": "Defect again and so will I.",
}


# -- Solo play ---------------------------------------------------------------------------


def load_game(request, level: Level) -> Game | None:
    """The student's current game of `level`: their SoloGame row, or the session's."""
    if request.user.is_authenticated:
        row = SoloGame.objects.filter(student=request.user, level=level.slug).first()
        return Game(level, row.state) if row else None
    state = request.session.get(SOLO_SESSION_KEY, {}).get(level.slug)
    return Game(level, state) if state else None


def _store(request, game: Game) -> None:
    if request.user.is_authenticated:
        SoloGame.objects.update_or_create(
            student=request.user,
            level=game.level.slug,
            defaults={"state": game.state, "finished": game.finished},
        )
    else:
        games = request.session.get(SOLO_SESSION_KEY, {})
        games[game.level.slug] = game.state
        request.session[SOLO_SESSION_KEY] = games


def start_game(request, level: Level, prediction: str) -> Game:
    """A new game of `level` (replacing a finished one; an unfinished one is kept)."""
    with transaction.atomic():
        current = _locked_game(request, level)
        if current and not current.finished:
            return current
        game = Game.start(level, prediction)
        _store(request, game)
        return game


def play_round(request, level: Level, round_number: int, move: str) -> tuple[Game | None, bool]:
    """Play a round of the current game; (game, False) when that round was already played."""
    with transaction.atomic():
        game = _locked_game(request, level)
        if game is None:
            return None, False
        played = game.play(round_number, move)
        if played:
            _store(request, game)
        return game, played


def _locked_game(request, level: Level) -> Game | None:
    """As load_game, holding the student's row so two tabs cannot play one round twice."""
    if request.user.is_authenticated:
        row = (
            SoloGame.objects.select_for_update()
            .filter(student=request.user, level=level.slug)
            .first()
        )
        return Game(level, row.state) if row else None
    return load_game(request, level)


def solo_progress(request) -> dict[str, bool]:
    """Which levels the student has finished a game of."""
    if request.user.is_authenticated:
        return dict(SoloGame.objects.filter(student=request.user).values_list("level", "finished"))
    return {}


# -- Live sessions -----------------------------------------------------------------------


class LiveError(ValueError):
    """A request the session cannot take; the message is fit for the page."""


def create_session(instructor, klass=None) -> LiveSession:
    return LiveSession.objects.create(instructor=instructor, klass=klass)


def join(session: LiveSession, student) -> tuple[LiveSeat, bool]:
    """The student's seat, taken now or earlier: (seat, created). Nobody sits twice."""
    if session.stage == LiveSession.Stage.ENDED:
        raise LiveError("This session has ended.")
    try:
        with transaction.atomic():
            seat = LiveSeat.objects.create(session=session, student=student)
    except IntegrityError:
        return LiveSeat.objects.get(session=session, student=student), False
    if session.stage != LiveSession.Stage.LOBBY:
        # Partners are already fixed; a latecomer plays the stand-in strategy.
        _pair_with_bot(seat)
    return seat, True


def _pair_with_bot(seat: LiveSeat) -> None:
    bot = LiveSeat.objects.create(session=seat.session, bot=STAND_IN, partner=seat)
    seat.partner = bot
    seat.save(update_fields=["partner"])


def _pair_everyone(session: LiveSession) -> None:
    """Fix partners in joining order; an odd one out gets a bot partner."""
    waiting = list(session.seats.filter(partner__isnull=True, bot=""))
    for a, b in zip(waiting[::2], waiting[1::2], strict=False):
        a.partner, b.partner = b, a
        a.save(update_fields=["partner"])
        b.save(update_fields=["partner"])
    if len(waiting) % 2:
        _pair_with_bot(waiting[-1])


def session_levers(session: LiveSession) -> Levers:
    return Levers(
        T=session.T,
        R=session.R,
        P=session.P,
        S=session.S,
        noise=session.noise,
        monitoring=session.monitoring,
        sanction=session.sanction,
        detection=session.detection,
        continuation=session.continuation,
        messages=session.messages,
    )


def current_round(session: LiveSession) -> LiveRound | None:
    return session.rounds.order_by("-number").first()


def start_block(session: LiveSession, now=None) -> LiveRound:
    """Open the first round of a new block under the session's levers."""
    now = now or timezone.now()
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session.pk)
        if session.stage == LiveSession.Stage.ENDED:
            raise LiveError("This session has ended.")
        latest = current_round(session)
        if latest and not latest.resolved:
            raise LiveError("A round is still open; wait for it to close.")
        if not session.seats.filter(bot="").exists():
            raise LiveError("Nobody has joined yet.")
        _pair_everyone(session)
        block = (latest.block + 1) if latest else 1
        round_ = _open_round(session, (latest.number + 1) if latest else 1, block, now)
        session.stage = LiveSession.Stage.PLAYING
        session.save(update_fields=["stage"])
        return round_


def _open_round(session: LiveSession, number: int, block: int, now) -> LiveRound:
    return LiveRound.objects.create(
        session=session,
        number=number,
        block=block,
        condition=session.condition,
        levers=session_levers(session).as_dict(),
        deadline=now + timedelta(seconds=session.round_seconds),
    )


def end_session(session: LiveSession, now=None) -> None:
    """End the session. An open round in which someone has moved is resolved, so no move
    is lost; one nobody has played yet is dropped rather than filled with stand-ins."""
    with transaction.atomic():
        latest = current_round(session)
        if latest and not latest.resolved:
            if latest.moves.exists():
                resolve_round(latest, now, opens_next=False)
            else:
                latest.delete()
        LiveSession.objects.filter(pk=session.pk).update(stage=LiveSession.Stage.ENDED)


def choose(seat: LiveSeat, round_number: int, move: str, message: str = "", now=None) -> str:
    """Record the seat's move for round `round_number`; returns what happened, in words.

    A move sent twice counts once; a move for a closed or unknown round is refused
    (LiveError). The round resolves at once when it was the last move awaited.
    """
    now = now or timezone.now()
    if move not in MOVES:
        raise LiveError("Choose to cooperate or to defect.")
    round_ = seat.session.rounds.filter(number=round_number).first()
    if round_ is None:
        raise LiveError("That round has not started.")
    if not round_.levers["messages"] or message not in MESSAGES:
        message = ""
    if round_.resolved or round_.deadline <= now:
        resolve_due(seat.session, now)
        raise LiveError(f"Round {round_number} has closed; your move was not counted.")
    try:
        with transaction.atomic():
            LiveMove.objects.create(round=round_, seat=seat, intended=move, message=message)
    except IntegrityError:
        existing = LiveMove.objects.get(round=round_, seat=seat)
        if existing.by_strategy:
            raise LiveError(
                f"Round {round_number} has closed; your move was not counted."
            ) from None
        return "Your move for this round was already in; it counts once."
    if _everyone_moved(round_):
        resolve_round(round_, now)
    return "Your move is in."


def _everyone_moved(round_: LiveRound) -> bool:
    humans = LiveSeat.objects.filter(session_id=round_.session_id, bot="", partner__isnull=False)
    return round_.moves.filter(seat__bot="").count() >= humans.count()


def resolve_due(session: LiveSession, now=None) -> bool:
    """Resolve the open round if its deadline has passed (the lazy timer); True if this
    call found it due (the session and its rounds may then have changed)."""
    now = now or timezone.now()
    latest = current_round(session)
    if latest and not latest.resolved and latest.deadline <= now:
        resolve_round(latest, now)
        return True
    return False


@dataclass
class _History:
    played: list
    saw: list


def _histories(session_id: int) -> dict[int, _History]:
    """Each seat's moves so far and what it saw of its partner's, in round order."""
    histories: dict[int, _History] = defaultdict(lambda: _History([], []))
    moves = (
        LiveMove.objects.filter(round__session_id=session_id, round__resolved__isnull=False)
        .order_by("round__number")
        .values_list("seat_id", "played", "saw")
    )
    for seat_id, played, saw in moves:
        histories[seat_id].played.append(played)
        histories[seat_id].saw.append(saw)
    return histories


RESULT_FIELDS = ["played", "saw", "points", "caught"]


def _write_results(moves: list[LiveMove]) -> None:
    """Store resolved results on existing move rows. On PostgreSQL one UPDATE … FROM
    (VALUES …) does it (bulk_update's CASE per field costs tenths of a second for a
    full class, and students wait for it); elsewhere bulk_update."""
    if not moves:
        return
    if connection.vendor != "postgresql":
        LiveMove.objects.bulk_update(moves, RESULT_FIELDS)
        return
    rows = ", ".join(["(%s, %s, %s, %s::double precision, %s)"] * len(moves))
    params = [
        value
        for move in moves
        for value in (move.pk, move.played, move.saw, move.points, move.caught)
    ]
    # Only the table's name and placeholders are interpolated; every value is a parameter.
    sql = (
        f"UPDATE {LiveMove._meta.db_table} AS m SET played = v.played, saw = v.saw, "  # noqa: S608
        f"points = v.points, caught = v.caught FROM (VALUES {rows}) "
        "AS v(id, played, saw, points, caught) WHERE m.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def resolve_round(round_: LiveRound, now=None, opens_next: bool = True) -> bool:
    """Resolve the round once: stand-ins move for missing students and bots, every pair's
    round is played, and (unless the block ends by the continuation draw) the next round
    opens. Returns False when another request had already resolved it."""
    now = now or timezone.now()
    with transaction.atomic():
        round_ = LiveRound.objects.select_for_update().get(pk=round_.pk)
        if round_.resolved:
            return False
        session = round_.session
        levers = Levers(**round_.levers)
        seats = {
            seat.pk: seat
            for seat in LiveSeat.objects.filter(session=session, partner__isnull=False)
        }
        moves = {move.seat_id: move for move in round_.moves.all()}
        missing = [seat_id for seat_id in seats if seat_id not in moves]
        # Only stand-ins need the past; when everyone chose, skip reading it.
        histories = _histories(session.pk) if missing else {}
        round_seed = derive_seed(session.seed, "round", round_.number)
        for seat_id in missing:
            seat, history = seats[seat_id], histories[seat_id]
            strategy = seat.bot or STAND_IN
            moves[seat_id] = LiveMove(
                round=round_,
                seat=seat,
                intended=strategy_move(
                    strategy, history.played, history.saw, derive_seed(round_seed, seat_id)
                ),
                by_strategy=strategy,
            )
        done = set()
        for seat_id, seat in seats.items():
            if seat_id in done:
                continue
            a, b = moves[seat_id], moves[seat.partner_id]
            pair_seed = derive_seed(round_seed, "pair", min(seat_id, seat.partner_id))
            for move, side in zip(
                (a, b), resolve(a.intended, b.intended, levers, pair_seed), strict=True
            ):
                move.played, move.saw, move.points, move.caught = (
                    side.played,
                    side.saw,
                    side.points,
                    side.caught,
                )
            done |= {seat_id, seat.partner_id}
        _write_results([m for m in moves.values() if m.pk])
        LiveMove.objects.bulk_create([m for m in moves.values() if not m.pk])
        # The real moment, not the request's `now` (taken before its own move was written),
        # so resolved - last_move measures the delay students wait for.
        round_.resolved = timezone.now()
        round_.last_move = round_.moves.filter(by_strategy="").aggregate(last=Max("created"))[
            "last"
        ]
        going_on = opens_next and goes_on(levers.continuation, session.seed, round_.number)
        round_.last_of_block = not going_on
        round_.save(update_fields=["resolved", "last_move", "last_of_block"])
        if going_on:
            session = LiveSession.objects.select_for_update().get(pk=session.pk)
            _open_round(session, round_.number + 1, round_.block, now)
        elif session.stage == LiveSession.Stage.PLAYING:
            LiveSession.objects.filter(pk=session.pk).update(stage=LiveSession.Stage.PAUSED)
        return True
