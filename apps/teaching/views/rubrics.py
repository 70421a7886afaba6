"""Essay rubrics: criteria with levels, edited without JavaScript."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from apps.quizzes import services as quiz_services
from apps.quizzes.models import Question, RubricMark
from apps.teaching.forms import MAX_CRITERIA, MAX_LEVELS, RubricEditor
from apps.teaching.views.access import get_question_to_edit, get_quiz_to_edit, teacher_required


@teacher_required
@require_http_methods(["GET", "POST"])
def rubric_edit(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    """An essay question's rubric. POST with add=criterion or add=level-<row> shows the
    form again with one more row (nothing saved); otherwise saves it, all or nothing."""
    quiz = get_quiz_to_edit(request, quiz_id)
    question = get_question_to_edit(quiz, question_id)
    if question.kind != Question.Kind.ESSAY:
        raise Http404("Only essay questions have a rubric.")
    locked = RubricMark.objects.filter(criterion__question=question).exists()
    editor = RubricEditor(question)
    if request.method == "POST" and not locked:
        add = request.POST.get("add", "")
        editor = RubricEditor(question, request.POST, add)
        if not add and editor.is_valid():
            criteria = editor.cleaned()
            quiz_services.save_rubric(question, criteria)
            done = "Rubric saved." if criteria else "Rubric removed: grade with a score."
            messages.success(request, done)
            return redirect(reverse("teach:quiz_edit", args=[quiz.pk]) + f"#question-{question.pk}")
        if add:
            editor.without_errors()
    context = {
        "quiz": quiz,
        "question": question,
        "editor": editor,
        "locked": locked,
        "criteria": list(question.criteria.prefetch_related("levels")),
        "max_criteria": MAX_CRITERIA,
        "max_levels": MAX_LEVELS,
    }
    return render(request, "teach/rubric_edit.html", context)
