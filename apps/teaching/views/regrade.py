"""Regrading a quiz after a key was corrected: the dry run, the confirmation, the log."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.quizzes import services as quiz_services
from apps.quizzes.models import Regrade, RegradedAttempt, RegradedMark
from apps.quizzes.regrading import plan_regrade
from apps.teaching.forms import RegradeForm
from apps.teaching.views.access import get_quiz_to_edit, teacher_required


def _history(quiz):
    marks = RegradedMark.objects.select_related("old_question", "new_question")
    attempts = RegradedAttempt.objects.select_related("attempt__user").prefetch_related(
        Prefetch("marks", queryset=marks)
    )
    return (
        Regrade.objects.filter(quiz=quiz)
        .select_related("regraded_by")
        .prefetch_related("questions", Prefetch("attempts", queryset=attempts))
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_regrade(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """GET: the questions whose earlier versions submitted attempts still answer, and a dry
    run of regrading the chosen ones (?preview=1&questions=ID…; all by default): whose
    marks change and by how much. POST regrades them, logged, and shows the log."""
    quiz = get_quiz_to_edit(request, quiz_id)
    quiz_services.close_overdue_attempts(quiz.attempts.all())
    everything = plan_regrade(quiz)
    if request.method == "POST" and not everything.regradable:
        # Regraded meanwhile (another tab, a double click): the log shows what was done.
        return redirect("teach:quiz_regrade", quiz.pk)
    bound = request.method == "POST" or "preview" in request.GET
    data = request.POST if request.method == "POST" else request.GET
    form = RegradeForm(data if bound else None, questions=everything.regradable)
    if request.method == "POST" and form.is_valid():
        try:
            log = quiz_services.regrade(quiz, form.cleaned_data["questions"], request.user)
        except quiz_services.NothingToRegrade as exc:
            messages.error(request, str(exc))
            return redirect("teach:quiz_regrade", quiz.pk)
        changed = log.attempts.count()
        messages.success(
            request,
            f"Regraded {log.attempts_checked} attempt{'s' if log.attempts_checked != 1 else ''}:"
            f" {changed} changed mark{'s' if changed != 1 else ''}. The log below lists them.",
        )
        return redirect(reverse("teach:quiz_regrade", args=[quiz.pk]) + f"#regrade-{log.pk}")
    plan = None
    if not bound:
        plan = everything
    elif form.is_valid():
        plan = plan_regrade(quiz, form.cleaned_data["questions"])
    context = {
        "quiz": quiz,
        "everything": everything,
        "form": form,
        "plan": plan,
        "history": _history(quiz),
    }
    return render(request, "teach/regrade.html", context)
