"""The live classroom game: students join with a code and play round by round; the
session's instructor sets the levers, watches the projector view and ends with a debrief.

Pages poll with htmx every 2 s for their live partial; without JavaScript a reload link
does the same. Every request that finds a round's deadline passed resolves it first
(services.resolve_due), so a reload or reconnect always lands in the current round.
"""

import io

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.classes.models import normalise_code
from apps.core.roles import Action, may
from apps.lab import live, services
from apps.lab.forms import JoinLiveForm, LeversForm, MoveForm, NewLiveSessionForm
from apps.lab.models import LiveMove, LiveRound, LiveSeat, LiveSession
from apps.lab.rounds import MOVE_NAMES, Levers


def _get_session(code: str) -> LiveSession:
    return get_object_or_404(LiveSession, code=normalise_code(code))


def _get_own_session(request: HttpRequest, code: str) -> LiveSession:
    """The session, for its own instructor only; for anyone else it does not exist."""
    return get_object_or_404(LiveSession.objects.run_by(request.user), code=normalise_code(code))


def _get_seat(request: HttpRequest, session: LiveSession) -> LiveSeat | None:
    return LiveSeat.objects.filter(session=session, student=request.user).first()


def _template(request: HttpRequest, name: str, partial: str) -> str:
    return f"{name}#{partial}" if request.htmx else name


def _unchanged(request: HttpRequest, state: str) -> bool:
    """True for a poll from a page that already shows `state`: it gets 204 and keeps its
    DOM, so a half-made choice (a message picked) is not wiped every two seconds."""
    return bool(request.htmx) and request.GET.get("seen") == state


# -- Students ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Type the code from the projector to take a seat (once; joining again resumes)."""
    form = JoinLiveForm(request.POST if request.method == "POST" else (request.GET or None))
    if form.is_bound and form.is_valid():
        session = LiveSession.objects.filter(code=form.cleaned_data["code"]).first()
        if session is None:
            form.add_error("code", "No live session has that code; check the projector.")
        elif request.method == "POST":
            try:
                services.join(session, request.user)
            except services.LiveError as error:
                form.add_error("code", str(error))
            else:
                return redirect(session.get_absolute_url())
    return render(request, "lab/live_join.html", {"form": form})


def _student_state(
    session: LiveSession, seat: LiveSeat
) -> tuple[str, LiveRound | None, LiveMove | None]:
    """What the student's screen depends on, as a short key, with the round and their move
    in it. Cheap on purpose: every student asks for it every two seconds."""
    current = services.current_round(session)
    chosen = None
    if current and not current.resolved:
        chosen = LiveMove.objects.filter(round=current, seat=seat).first()
    number = current.number if current else 0
    resolved = bool(current and current.resolved)
    return f"{session.stage}:{number}:{resolved}:{bool(chosen)}", current, chosen


def _student_context(session: LiveSession, seat: LiveSeat) -> dict:
    state, current, chosen = _student_state(session, seat)
    levers = Levers(**current.levers) if current else None
    return {
        "state": state,
        "session": session,
        "seat": seat,
        "round": current,
        "levers": levers,
        "chosen": MOVE_NAMES[chosen.intended] if chosen else None,
        "move_form": MoveForm(initial={"round": current.number}) if current else None,
        "history": live.student_history(seat),
        "partner_bot": live.strategy_name(seat.partner.bot)
        if seat.partner and seat.partner.bot
        else "",
        "messages_on": bool(levers and levers.messages),
    }


@login_required
@require_GET
def student(request: HttpRequest, code: str) -> HttpResponse:
    """A student's screen: the current round's choice, then their own history."""
    session = _get_session(code)
    seat = _get_seat(request, session)
    if seat is None:
        return redirect(f"{reverse('lab:live_join')}?code={session.code}")
    if services.resolve_due(session):
        session.refresh_from_db()
    elif _unchanged(request, _student_state(session, seat)[0]):
        return HttpResponse(status=204)
    context = _student_context(session, seat)
    return render(request, _template(request, "lab/live_student.html", "live-round"), context)


@login_required
@require_POST
def move(request: HttpRequest, code: str) -> HttpResponse:
    """A student's move for the round named in the form: counted once, refused once the
    round has closed, and only ever for the student's own seat."""
    session = _get_session(code)
    seat = _get_seat(request, session)
    if seat is None:
        raise Http404("You have not joined this session")
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            notice = services.choose(
                seat,
                form.cleaned_data["round"],
                form.cleaned_data["move"],
                form.cleaned_data["message"],
            )
            level = messages.SUCCESS
        except services.LiveError as error:
            notice, level = str(error), messages.WARNING
    else:
        notice, level = "Choose to cooperate or to defect.", messages.WARNING
    if request.htmx:
        session.refresh_from_db()
        context = _student_context(session, seat)
        context["notice"] = notice
        return render(request, "lab/live_student.html#live-round", context)
    messages.add_message(request, level, notice)
    return redirect(session.get_absolute_url())


# -- The instructor --------------------------------------------------------------------


def _require_teacher(request: HttpRequest) -> None:
    if not may(request.user, Action.TEACH):
        raise Http404("Only instructors run live sessions")


@login_required
@require_http_methods(["GET", "POST"])
def new_session(request: HttpRequest) -> HttpResponse:
    _require_teacher(request)
    form = NewLiveSessionForm(request.POST if request.method == "POST" else None, user=request.user)
    if request.method == "POST" and form.is_valid():
        session = services.create_session(request.user, form.cleaned_data["klass"])
        return redirect("lab:live_run", session.code)
    sessions = LiveSession.objects.run_by(request.user).order_by("-created")[:10]
    return render(request, "lab/live_new.html", {"form": form, "sessions": sessions})


def _qr_svg(url: str) -> str:
    """The join link as an inline SVG QR code (no script, no style attribute)."""
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        scale=8,
        dark="#000",
        light="#fff",
        svgclass="live-qr-code",
        lineclass=None,
        title="QR code to join this session",
        omitsize=True,  # a viewBox instead of a fixed size, so CSS can scale it
    )
    return out.getvalue().decode()


def _run_context(request: HttpRequest, session: LiveSession) -> dict:
    rounds = live.round_figures(session)
    current = services.current_round(session)
    join_url = request.build_absolute_uri(f"{reverse('lab:live_join')}?code={session.code}")
    waiting = 0
    if current and not current.resolved:
        waiting = (
            session.seats.filter(bot="", partner__isnull=False).count()
            - current.moves.filter(seat__bot="").count()
        )
    students = session.seats.filter(bot="").count()
    number = current.number if current else 0
    return {
        "state": f"{session.stage}:{number}:{len(rounds)}:{waiting}:{students}",
        "session": session,
        "round": current,
        "students": students,
        "waiting": waiting,
        "rounds": rounds,
        "chart": live.cooperation_chart(rounds),
        "conditions": live.condition_figures(rounds),
        "join_url": join_url,
        "qr": _qr_svg(join_url),
        "debrief": live.debrief(session) if session.stage == LiveSession.Stage.ENDED else [],
    }


@login_required
@require_GET
def run(request: HttpRequest, code: str) -> HttpResponse:
    """The instructor's page and projector view: code, QR, live figures, the levers;
    once ended, the debrief."""
    session = _get_own_session(request, code)
    if services.resolve_due(session):
        session.refresh_from_db()
    context = _run_context(request, session)
    if _unchanged(request, context["state"]):
        return HttpResponse(status=204)
    context["form"] = LeversForm(instance=session)
    return render(request, _template(request, "lab/live_run.html", "live-figures"), context)


@login_required
@require_POST
def levers(request: HttpRequest, code: str) -> HttpResponse:
    """Set the rules the next round opens with."""
    session = _get_own_session(request, code)
    form = LeversForm(request.POST, instance=session)
    if form.is_valid():
        form.save()
        messages.success(request, "The next round opens with these settings.")
        return redirect("lab:live_run", session.code)
    context = _run_context(request, session)
    context["form"] = form
    return render(request, "lab/live_run.html", context, status=400)


@login_required
@require_POST
def start(request: HttpRequest, code: str) -> HttpResponse:
    """Open the first round of a block."""
    session = _get_own_session(request, code)
    try:
        services.start_block(session)
    except services.LiveError as error:
        messages.warning(request, str(error))
    return redirect("lab:live_run", session.code)


@login_required
@require_POST
def end(request: HttpRequest, code: str) -> HttpResponse:
    session = _get_own_session(request, code)
    services.end_session(session)
    return redirect("lab:live_run", session.code)


@login_required
@require_GET
def results_csv(request: HttpRequest, code: str) -> HttpResponse:
    session = _get_own_session(request, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="live-{session.code}-{stamp}.csv"'
    live.write_csv(session, response)
    return response
