"""The instructor's view of one attempt: every mark with the answer, marks set by hand with
a reason (logged), comments on any answer."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.quizzes import services as quiz_services
from apps.quizzes.models import Attempt, MarkOverride, RegradedAttempt, ReviewOptions
from apps.quizzes.presentation import ReviewItem, review_items
from apps.teaching.forms import AnswerCommentForm, MarkOverrideForm
from apps.teaching.views.access import grader_required


@dataclass
class MarkedItem:
    item: ReviewItem
    mark_form: MarkOverrideForm | None
    comment_form: AnswerCommentForm


def _get_attempt_to_mark(request: HttpRequest, attempt_id: int) -> Attempt:
    attempts = Attempt.objects.taught_by(request.user).filter(state=Attempt.State.SUBMITTED)
    return get_object_or_404(attempts.select_related("quiz", "user"), pk=attempt_id)


def _items(attempt: Attempt, posted: tuple[int, str, object] | None = None) -> list[MarkedItem]:
    """Each answer with its forms; `posted` (response id, which form, data) fills one."""
    marked = []
    for item in review_items(attempt):
        response, question = item.response, item.question
        data = {}
        if posted is not None and posted[0] == response.pk:
            data = {posted[1]: posted[2]}
        prefix = f"r{response.pk}"
        mark_form = None
        if question.is_scored:
            mark_form = MarkOverrideForm(
                data.get("mark"), prefix=f"{prefix}-mark", points=question.points
            )
        comment_form = AnswerCommentForm(
            data.get("comment"), prefix=f"{prefix}-comment", initial={"comment": response.comment}
        )
        marked.append(MarkedItem(item, mark_form, comment_form))
    return marked


@grader_required
@require_http_methods(["GET", "POST"])
def attempt_detail(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """GET: the attempt's marks per question with each answer, and its history (marks set
    by hand, regrades). POST response=ID with action=mark (score, reason) or
    action=comment (comment) changes that answer."""
    attempt = _get_attempt_to_mark(request, attempt_id)
    posted = None
    if request.method == "POST":
        response_id, action = request.POST.get("response", ""), request.POST.get("action")
        if not response_id.isdecimal() or action not in ("mark", "comment"):
            return HttpResponseBadRequest("Choose an answer, and to mark it or comment on it.")
        responses = attempt.responses.select_related("question", "attempt")
        response = get_object_or_404(responses, pk=response_id)
        if action == "mark" and not response.question.is_scored:
            return HttpResponseBadRequest("This item is not marked.")
        posted = (response.pk, action, request.POST)
        items = _items(attempt, posted)
        form = next(
            m.mark_form if action == "mark" else m.comment_form
            for m in items
            if m.item.response.pk == response.pk
        )
        if form.is_valid():
            if action == "mark":
                quiz_services.override_mark(
                    response, request.user, form.cleaned_data["score"], form.cleaned_data["reason"]
                )
                status = "Mark saved; the attempt's total is updated."
            else:
                quiz_services.comment_on_answer(response, form.cleaned_data["comment"])
                status = "Comment saved."
            messages.success(request, status)
            url = reverse("teach:attempt_detail", args=[attempt.pk])
            return redirect(f"{url}#answer-{response.pk}")
    else:
        items = _items(attempt)
    history = MarkOverride.objects.filter(response__attempt=attempt).select_related(
        "changed_by", "response__question"
    )
    regrades = RegradedAttempt.objects.filter(attempt=attempt).select_related(
        "regrade__regraded_by"
    )
    context = {
        "attempt": attempt,
        "quiz": attempt.quiz,
        "items": items,
        "show": ReviewOptions(score=True, answers=True, feedback=True),
        "history": history,
        "regrades": regrades,
        "numbers": {item.item.response.question_id: item.item.number for item in items},
    }
    return render(request, "teach/attempt.html", context)
