"""Item statistics, on screen and as CSV."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.classes.models import Class
from apps.quizzes import services as quiz_services
from apps.quizzes.models import Attempt, Quiz
from apps.teaching import statistics
from apps.teaching.views.access import (
    get_quiz_to_grade,
    grader_required,
)


def _scope(request: HttpRequest, quiz: Quiz):
    """(the classes the quiz is assigned to whose grades the user may see, the class
    ?class=ID names or None, the attempts to count): every attempt the user teaches, or
    that class's."""
    classes = Class.objects.graded_by(request.user).filter(assignments__quiz=quiz).distinct()
    attempts = Attempt.objects.taught_by(request.user)
    klass = None
    if request.GET.get("class"):
        try:
            klass = classes.get(pk=int(request.GET["class"]))
        except (ValueError, Class.DoesNotExist) as exc:
            raise Http404("No such class") from exc
        attempts = attempts.filter(user__class_memberships__klass=klass)
    quiz_services.close_overdue_attempts(attempts.filter(quiz=quiz))
    return classes, klass, attempts


@grader_required
@require_GET
def quiz_statistics(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Statistics over every attempt the user teaches, or one class's (?class=ID)."""
    quiz = get_quiz_to_grade(request, quiz_id)
    classes, klass, attempts = _scope(request, quiz)
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


@grader_required
@require_GET
def quiz_statistics_csv(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The same statistics, same scope (?class=ID), as a spreadsheet."""
    quiz = get_quiz_to_grade(request, quiz_id)
    _, klass, attempts = _scope(request, quiz)
    stats = statistics.quiz_statistics(quiz, attempts)
    scope = f"-class-{klass.pk}" if klass else ""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statistics-{quiz.slug}{scope}.csv"'
    statistics.write_csv(stats, response)
    return response
