"""Dashboard, and a quiz's settings and copies."""

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.classes.models import Class
from apps.core.roles import Action, may
from apps.quizzes.models import Attempt, Quiz
from apps.teaching import services
from apps.teaching.forms import (
    QuizSettingsForm,
)
from apps.teaching.views.access import (
    essays_to_grade,
    get_quiz_to_edit,
    get_quiz_to_teach,
    grader_required,
    teacher_required,
)


@grader_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Quizzes and classes; a teaching assistant who is not an instructor sees only the
    classes they assist and the essays waiting."""
    user = request.user
    counts = {
        "question_count": Count("questions", filter=Q(questions__current=True), distinct=True),
        "attempt_count": Count(
            "attempts", filter=Q(attempts__state=Attempt.State.SUBMITTED), distinct=True
        ),
    }
    editable = Quiz.objects.editable_by(user)
    own = editable.select_related("owner").annotate(**counts).order_by("title")
    course = (
        Quiz.objects.teachable_by(user)
        .for_course()
        .published()
        .exclude(pk__in=editable.values("pk"))
        .annotate(question_count=counts["question_count"])
    )
    runs = Class.objects.taught_by(user).filter(pk=OuterRef("pk"))
    classes = (
        Class.objects.graded_by(user)
        .select_related("owner")
        .annotate(
            member_count=Count("memberships", distinct=True),
            assignment_count=Count("assignments", distinct=True),
            runs=Exists(runs),
        )
    )
    context = {
        "can_author": may(user, Action.TEACH) or may(user, Action.CURATE),
        "quizzes": own,
        "course_quizzes": course,
        "classes": classes,
        "essays_waiting": essays_to_grade(request).filter(fraction__isnull=True).count(),
    }
    return render(request, "teach/dashboard.html", context)


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_create(request: HttpRequest) -> HttpResponse:
    form = QuizSettingsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quiz = services.create_quiz(form.save(commit=False), request.user)
        messages.success(request, f"Created “{quiz.title}”. Now add its questions.")
        return redirect("teach:quiz_edit", quiz.pk)
    return render(request, "teach/quiz_settings.html", {"form": form, "quiz": None})


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_settings(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_quiz_to_edit(request, quiz_id)
    form = QuizSettingsForm(request.POST or None, instance=quiz)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("teach:quiz_edit", quiz.pk)
    return render(request, "teach/quiz_settings.html", {"form": form, "quiz": quiz})


@teacher_required
@require_POST
def quiz_copy(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_quiz_to_teach(request, quiz_id)
    copy = services.copy_quiz(quiz, request.user)
    messages.success(request, f"Copied “{quiz.title}”: this draft is yours to edit.")
    return redirect("teach:quiz_edit", copy.pk)
