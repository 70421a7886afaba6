"""Item statistics."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.classes.models import Class
from apps.quizzes import services as quiz_services
from apps.quizzes.models import Attempt
from apps.teaching import statistics
from apps.teaching.views.access import (
    get_quiz_to_teach,
    teacher_required,
)


@teacher_required
@require_GET
def quiz_statistics(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Statistics over every attempt the user teaches, or one class's (?class=ID)."""
    quiz = get_quiz_to_teach(request, quiz_id)
    classes = Class.objects.taught_by(request.user).filter(assignments__quiz=quiz).distinct()
    attempts = Attempt.objects.taught_by(request.user)
    klass = None
    if request.GET.get("class"):
        try:
            klass = classes.get(pk=int(request.GET["class"]))
        except (ValueError, Class.DoesNotExist) as exc:
            raise Http404("No such class") from exc
        attempts = attempts.filter(user__class_memberships__klass=klass)
    quiz_services.close_overdue_attempts(attempts.filter(quiz=quiz))
    stats = statistics.quiz_statistics(quiz, attempts)
    context = {
        "quiz": quiz,
        "classes": classes,
        "klass": klass,
        "stats": stats,
        "chart": statistics.histogram_chart(stats.scores.bins),
        "weak": statistics.WEAK_DISCRIMINATION,
    }
    return render(request, "teach/statistics.html", context)
