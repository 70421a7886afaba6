"""Dashboard, and a quiz's settings and copies."""

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.classes.models import Class
from apps.core.roles import Action, may
from apps.quizzes import services as quiz_services
from apps.quizzes.models import Attempt, Quiz
from apps.teaching import services
from apps.teaching.forms import (
    QuizSettingsForm,
)
from apps.teaching.views.access import (
    confirm_page,
    confirmed,
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
    archived = own.archived()
    own = own.active()
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
    archived_classes = [k for k in classes if k.archived_at is not None]
    classes = [k for k in classes if k.archived_at is None]
    context = {
        "can_author": may(user, Action.TEACH) or may(user, Action.CURATE),
        "archived_classes": archived_classes,
        "quizzes": own,
        "archived_quizzes": archived,
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
        quiz_services.save_quiz_settings(form.save(commit=False), form.changed_data)
        messages.success(request, "Settings saved.")
        return redirect("teach:quiz_edit", quiz.pk)
    return render(request, "teach/quiz_settings.html", {"form": form, "quiz": quiz})


def _get_own_quiz(request: HttpRequest, quiz_id: int) -> Quiz:
    """A quiz the user may delete or archive: an editable one that is not a course quiz
    (those live in content/, and load_content would bring them back)."""
    quiz = get_quiz_to_edit(request, quiz_id)
    if quiz.owner_id is None:
        raise Http404("A course quiz is changed in content/")
    return quiz


@teacher_required
@require_POST
def quiz_delete(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Delete a quiz without attempts; one with attempts is to be archived instead."""
    quiz = _get_own_quiz(request, quiz_id)
    back = reverse("teach:quiz_edit", args=[quiz.pk])
    if quiz.attempts.exists():
        messages.error(
            request,
            f"“{quiz.title}” has attempts, so it cannot be deleted: archive it instead, "
            "which keeps its grades.",
        )
        return redirect(back)
    if not confirmed(request):
        return confirm_page(
            request,
            title=f"Delete “{quiz.title}”",
            consequence=(
                f"“{quiz.title}”, its questions and its assignments to classes will be "
                "deleted. Nobody has attempted it, so no grade is lost. This cannot be undone."
            ),
            button="Yes, delete",
            parent=(quiz.title, back),
            cancel_url=back,
        )
    try:
        services.delete_quiz(quiz)
    except services.QuizInUse:
        messages.error(request, f"A student has just started “{quiz.title}”: archive it instead.")
        return redirect(back)
    messages.success(request, f"Deleted “{quiz.title}”.")
    return redirect("teach:dashboard")


@teacher_required
@require_POST
def quiz_archive(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Archive (archive=yes) or bring back (archive=no) a quiz: archived, students no
    longer see it or its assignments, and it leaves the lists; attempts and grades stay."""
    quiz = _get_own_quiz(request, quiz_id)
    archived = request.POST.get("archive") != "no"
    quiz_services.archive_quiz(quiz, archived)
    if archived:
        messages.success(
            request,
            f"Archived “{quiz.title}”: students no longer see it; its grades are kept.",
        )
    else:
        messages.success(request, f"“{quiz.title}” is back: students see it as before.")
    return redirect("teach:quiz_edit", quiz.pk)


@teacher_required
@require_POST
def quiz_copy(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_quiz_to_teach(request, quiz_id)
    copy = services.copy_quiz(quiz, request.user)
    messages.success(request, f"Copied “{quiz.title}”: this draft is yours to edit.")
    return redirect("teach:quiz_edit", copy.pk)
