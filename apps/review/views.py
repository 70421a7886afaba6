"""Spaced review at /review/: one due card at a time, each rating its own POST."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.quizzes.forms import AnswerForm
from apps.quizzes.services import question_with_choices
from apps.review import scheduling, services
from apps.review.forms import RatingForm, RetentionForm
from apps.review.models import DEFAULT_RETENTION, Card, Rating, ReviewSettings
from apps.review.presentation import Face, face_of, names_for_card


def _session_page(
    request: HttpRequest,
    retention_form: RetentionForm | None = None,
    status: int = 200,
    face: Face | None = None,
    check_error: str = "",
) -> HttpResponse:
    """The session page, showing `face` (a card being checked) or the next due card."""
    user, now = request.user, timezone.now()
    chosen = ReviewSettings.objects.filter(user=user).first()
    retention = chosen.desired_retention if chosen else DEFAULT_RETENTION
    mine = Card.objects.of(user).live()
    end_of_today = services.start_of_day(now) + timedelta(days=1)
    counts = mine.aggregate(
        total=Count("pk"),
        due_now=Count("pk", filter=Q(due__lte=now)),
        due_today=Count("pk", filter=Q(due__lt=end_of_today)),
        next_due=Min("due", filter=Q(due__gt=now)),
    )
    if face is None:
        card = mine.filter(due__lte=now).with_items().first()
        face = face_of(card) if card else None
    card = face.card if face else None
    buttons = []
    if card:
        spans = scheduling.intervals(card, retention, now)
        buttons = [(rating, scheduling.interval_label(spans[rating])) for rating in Rating]
    bars = scheduling.forecast(services.forecast_counts(user, now), now.date())
    if retention_form is None:
        retention_form = RetentionForm(initial={"retention": round(retention * 100)})
    context = {
        "started": chosen is not None,
        "counts": counts,
        "later_today": counts["due_today"] - counts["due_now"],
        "face": face,
        "check_error": check_error,
        "buttons": buttons,
        "new_left": services.new_left_today(user, now) if chosen else 0,
        "new_per_day": services.NEW_PER_DAY,
        "bars": bars,
        "forecast_total": sum(bar.count for bar in bars),
        "chart": {"width": scheduling.CHART_WIDTH, "height": scheduling.CHART_HEIGHT,
                  "baseline": scheduling.BASELINE, "label_y": scheduling.LABEL_Y,
                  "bar_width": scheduling.BAR_WIDTH},
        "retention_form": retention_form,
        "retention_percent": round(retention * 100),
    }  # fmt: skip
    return render(request, "review/session.html", context, status=status)


@login_required
@require_GET
def session(request: HttpRequest) -> HttpResponse:
    """The next due card (front, then its answer and the four ratings), what is due today,
    the week's forecast and the retention setting."""
    return _session_page(request)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Add today's new cards (and a card for every question answered wrongly)."""
    added = services.add_new_cards(request.user)
    if added.new or added.questions:
        parts = []
        if added.new:
            parts.append(f"{added.new} new card{'s' if added.new != 1 else ''}")
        if added.questions:
            n = added.questions
            parts.append(f"{n} question{'s' if n != 1 else ''} you got wrong")
        messages.success(request, f"Added {' and '.join(parts)} to your reviews.")
    else:
        messages.info(request, "No new cards today: come back tomorrow for more.")
    return redirect("review:session")


@login_required
@require_POST
def rate(request: HttpRequest, card_id: int) -> HttpResponse:
    """Record one rating of one of the student's own cards (another's is a 404). A form
    posted twice is recorded once."""
    if not Card.objects.of(request.user).filter(pk=card_id).exists():
        raise Http404
    form = RatingForm(request.POST)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        label = "Rating" if field == "rating" else "This review"
        messages.error(request, f"{label}: {errors[0]} Nothing was recorded; rate the card again.")
        return redirect("review:session")
    _, recorded = services.rate_card(
        request.user, card_id, form.cleaned_data["rating"], form.cleaned_data["version"]
    )
    if not recorded:
        messages.info(request, "That rating was already recorded, so it counted once.")
    return redirect("review:session")


@login_required
@require_POST
def check(request: HttpRequest, card_id: int) -> HttpResponse:
    """Grade an answer to a question card (nothing is saved) and show it with the verdict,
    the explanation and the four ratings. A form from before the card's last rating is
    sent back to the session."""
    card = get_object_or_404(
        Card.objects.of(request.user).with_items(), pk=card_id, kind=Card.Kind.QUESTION
    )
    if request.POST.get("version") != str(card.version):
        messages.info(request, "That card has been rated since; here is your next one.")
        return redirect("review:session")
    question = question_with_choices(card.question_id)
    form = AnswerForm(question, names_for_card(card), request.POST)
    answer = form.answer() if form.is_valid() else None
    if answer is None:
        error = "Answer the question before checking it."
        return _session_page(request, face=face_of(card), check_error=error)
    return _session_page(request, face=face_of(card, answer, check=True))


@login_required
@require_POST
def retention(request: HttpRequest) -> HttpResponse:
    """Change the desired retention (80–95%); a value out of range is shown again with its
    error and nothing is saved."""
    form = RetentionForm(request.POST)
    if not form.is_valid():
        return _session_page(request, form, status=400)
    services.set_retention(request.user, form.cleaned_retention())
    messages.success(
        request, f"Saved: reviews now aim for {form.cleaned_data['retention']}% recall."
    )
    return redirect("review:session")
