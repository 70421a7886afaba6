"""Releasing a quiz's results by hand: marks and feedback, together or apart."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.quizzes import services as quiz_services
from apps.teaching.views.access import get_quiz_to_edit, teacher_required

RELEASES = {
    "marks": ({"marks": True}, "Marks released: students see their scores now."),
    "feedback": (
        {"feedback": True},
        "Feedback released: reviews show the answers and feedback now.",
    ),
    "both": (
        {"marks": True, "feedback": True},
        "Marks and feedback released: students see them now.",
    ),
}


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_release(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """When students see their results, and buttons to release marks and feedback now
    (POST release=marks|feedback|both) or to withhold them again (release=withhold)."""
    quiz = get_quiz_to_edit(request, quiz_id)
    if request.method == "POST":
        choice = request.POST.get("release", "")
        if choice == "withhold":
            quiz_services.withhold_results(quiz)
            messages.success(request, "Withheld: the review setting alone decides again.")
        elif choice in RELEASES:
            flags, message = RELEASES[choice]
            quiz_services.release_results(quiz, **flags)
            messages.success(request, message)
        else:
            return HttpResponseBadRequest("Choose what to release.")
        return redirect("teach:quiz_release", quiz.pk)
    now, rules = timezone.now(), quiz.own_rules
    context = {
        "quiz": quiz,
        "marks_visible": quiz.scores_visible(now, rules),
        "feedback_visible": quiz.feedback_visible(now, rules),
        "review_is_open": quiz.review_is_open(now, rules),
    }
    return render(request, "teach/quiz_release.html", context)
