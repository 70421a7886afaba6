"""Play it yourself: levels of a repeated Prisoners' Dilemma against a hidden strategy.

Every step is a form post, so the game works without JavaScript; htmx only swaps the
#game partial in place. A move names its round, so a post sent twice counts once.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.lab import services
from apps.lab.forms import MoveForm, PredictionForm
from apps.lab.play import BY_SLUG, LEVELS, PREDICTIONS, Game, Level, PlayError, history_rows


def _get_level(slug: str) -> tuple[int, Level]:
    level = BY_SLUG.get(slug)
    if level is None:
        raise Http404("No such level")
    return LEVELS.index(level), level


def _level_url(level: Level) -> str:
    return reverse("lab:play_level", args=[level.slug]) + "#game"


@require_GET
def play_list(request: HttpRequest) -> HttpResponse:
    progress = services.solo_progress(request)
    levels = [(level, progress.get(level.slug, False)) for level in LEVELS]
    return render(request, "lab/play_list.html", {"levels": levels})


def _game_context(index: int, level: Level, game: Game | None) -> dict:
    context = {
        "level": level,
        "number": index + 1,
        "total": len(LEVELS),
        "game": game,
        "next_level": LEVELS[index + 1] if index + 1 < len(LEVELS) else None,
    }
    if game is None:
        return context
    context.update(
        rows=history_rows(game),
        prediction=PREDICTIONS[game.state["prediction"]],
        move_form=MoveForm(initial={"round": game.next_round}),
    )
    if game.finished:
        context.update(
            partner=game.reveal(),
            outcome=PREDICTIONS[game.outcome()],
            predicted_right=game.outcome() == game.state["prediction"],
            reading_url=reverse("site:lesson", args=[level.reading.lesson])
            + f"#{level.reading.anchor}",
        )
    return context


@require_http_methods(["GET", "POST"])
def play_level(request: HttpRequest, slug: str) -> HttpResponse:
    """The level: a prediction form, then the game, then who you faced and the debrief.
    POST starts a game with the prediction (a new one only once the last is over)."""
    index, level = _get_level(slug)
    form = PredictionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.start_game(request, level, form.cleaned_data["prediction"])
        return redirect(_level_url(level))
    game = services.load_game(request, level)
    context = _game_context(index, level, game)
    context["form"] = form
    context["again"] = request.GET.get("again") == "1" and game is not None and game.finished
    return render(request, "lab/play_level.html", context)


@require_POST
def play_move(request: HttpRequest, slug: str) -> HttpResponse:
    index, level = _get_level(slug)
    form = MoveForm(request.POST)
    notice = ""
    if not form.is_valid():
        notice = "Choose to cooperate or to defect."
    else:
        try:
            game, played = services.play_round(
                request, level, form.cleaned_data["round"], form.cleaned_data["move"]
            )
        except PlayError as error:
            notice = str(error)
        else:
            if game is None:
                notice = "Make a prediction to start the game first."
            elif not played:
                notice = f"Round {form.cleaned_data['round']} was already played; it counts once."
    if request.htmx:
        context = _game_context(index, level, services.load_game(request, level))
        context["notice"] = notice
        return render(request, "lab/play_level.html#game", context)
    if notice:
        messages.warning(request, notice)
    return redirect(_level_url(level))
