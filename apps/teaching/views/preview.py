"""Preview: the student's page, with nothing saved."""

import random

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.quizzes import services as quiz_services
from apps.quizzes.forms import AnswerForm
from apps.quizzes.kinds import grade_response
from apps.quizzes.models import Quiz, Response, choices_in_order
from apps.quizzes.presentation import names_for_preview, take_context
from apps.teaching.views.access import (
    get_quiz_to_teach,
    teacher_required,
)


def _preview_total(questions) -> str:
    """What finishing a preview says: nothing was answered for real, so the total is what
    the quiz is worth, as a student's attempt would be scored."""
    scored = [q for q in questions if q.is_scored]
    points = sum(q.max_points for q in scored)
    return (
        f"End of the preview: {len(scored)} question{pluralize(len(scored))} worth "
        f"{points} point{pluralize(points)} in total. Nothing was saved."
    )


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_preview(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz exactly as a student takes it (?q=N pages through it), with the take
    page's own template and presentation. Answers are never saved and no attempt is
    created; Check answer grades the posted answer on the spot so authors can try their
    feedback."""
    quiz = get_quiz_to_teach(request, quiz_id)
    questions = list(quiz.questions.current().prefetch_related("choices"))
    exit_url = (
        reverse("teach:quiz_edit", args=[quiz.pk])
        if Quiz.objects.editable_by(request.user).filter(pk=quiz.pk).exists()
        else reverse("teach:dashboard")
    )
    if not questions:
        messages.info(request, "This quiz has no questions to preview yet.")
        return redirect(exit_url)
    preview_url = reverse("teach:quiz_preview", args=[quiz.pk])
    try:
        slot = min(max(int(request.GET.get("q", 1)), 1), len(questions))
    except ValueError:
        slot = 1
    question = questions[slot - 1]
    names = names_for_preview(request.user, quiz)
    # An order a student could see, with a seed fixed per question so a reload holds still.
    order = quiz_services.draw_choice_order(quiz, question, random.Random(question.pk))
    response, error = None, ""
    action = request.POST.get("action", "")
    if request.method == "POST":
        form = AnswerForm(question, names, request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest("That answer is not one of the options.")
        if action != "check":
            go = request.POST.get("go", "")
            if go == "summary":
                messages.info(request, _preview_total(questions))
                return redirect(exit_url)
            target = int(go) if go.isdecimal() and 1 <= int(go) <= len(questions) else slot
            return redirect(f"{preview_url}?q={target}")
        answer = form.answer()
        if answer is None:
            error = "Answer the question before checking it."
        elif question.grades_itself:
            fraction, feedback = grade_response(question, answer)
            response = Response(
                question=question,
                answer=answer,
                fraction=fraction,
                feedback=feedback,
                checked_at=timezone.now(),
            )
    context = take_context(
        quiz=quiz,
        questions=questions,
        slot=slot,
        question=question,
        choices=choices_in_order(question, order),
        names=names,
        response=response,
        take_url=preview_url,
        # Authors try their feedback whatever the quiz's feedback setting.
        can_check=True,
    )
    context.update(preview={"exit_url": exit_url}, error=error, action=action)
    template = "quizzes/take.html" + ("#answer-form" if request.htmx else "")
    return render(request, template, context)
