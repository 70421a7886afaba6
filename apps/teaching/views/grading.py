"""Essay grading."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.classes.models import Class
from apps.quizzes.models import Question, Response
from apps.teaching.forms import (
    EssayGradeForm,
    GradingFilterForm,
    RubricGradeForm,
)
from apps.teaching.views.access import (
    essays_to_grade,
    get_essay_to_grade,
    grader_required,
    quizzes_to_grade,
    template_for,
)

Kind = Question.Kind


@dataclass
class EssayItem:
    response: Response
    form: EssayGradeForm | RubricGradeForm
    saved: bool = False


# What grading an essay reads, prefetched for a whole queue at once.
ESSAY_RELATED = ("question__criteria__levels", "rubric_marks")


def _essay_item(response: Response, data=None, saved: bool = False) -> EssayItem:
    """The answer with its grading form: a level per criterion when the question has a
    rubric, a typed score otherwise."""
    initial = {}
    if response.fraction is not None:
        initial = {"score": response.score, "comment": response.comment}
        initial |= {f"c{c.pk}": level.pk for c, level in response.rubric if level}
    points, prefix = response.question.points, f"r{response.pk}"
    criteria = list(response.question.criteria.all())
    if criteria:
        form = RubricGradeForm(data, prefix=prefix, criteria=criteria, initial=initial)
    else:
        form = EssayGradeForm(data, prefix=prefix, points=points, initial=initial)
    return EssayItem(response, form, saved)


@grader_required
@require_GET
def grading_queue(request: HttpRequest) -> HttpResponse:
    """Essay answers waiting for a grade, oldest first; the filter form narrows them to a
    quiz (?quiz=ID) or a class (?class=ID), or lists the graded ones too (?show=all), to
    change a grade. A quiz or class the user does not grade is a form error."""
    responses = (
        essays_to_grade(request)
        .select_related("attempt__user", "attempt__quiz", "question")
        .prefetch_related(*ESSAY_RELATED)
    )
    quizzes = quizzes_to_grade(request).filter(questions__kind=Kind.ESSAY).distinct()
    form = GradingFilterForm(
        request.GET, quizzes=quizzes, classes=Class.objects.graded_by(request.user)
    )
    quiz = klass = None
    show_all = False
    if not form.is_valid():
        responses = responses.none()
    else:
        quiz, klass = form.cleaned_data["quiz"], form.cleaned_data["class"]
        show_all = form.cleaned_data["show"] == "all"
    if not show_all:
        responses = responses.filter(fraction__isnull=True)
    if quiz is not None:
        responses = responses.filter(attempt__quiz=quiz)
    if klass is not None:
        responses = responses.filter(attempt__user__class_memberships__klass=klass)
    responses = responses.order_by("attempt__submitted_at", "pk")
    context = {
        "items": [_essay_item(r) for r in responses],
        "filter_form": form,
        "quiz": quiz,
        "klass": klass,
        "show_all": show_all,
        "single": False,
    }
    return render(request, "teach/grading.html", context)


@grader_required
@require_http_methods(["GET", "POST"])
def grade_essay(request: HttpRequest, response_id: int) -> HttpResponse:
    """One essay answer: GET shows it alone; POST records the score (typed, or from the
    rubric's levels) and comment, after which the student's review and kept grade show
    them."""
    response = get_essay_to_grade(request, response_id)
    if request.method == "GET":
        context = {"items": [_essay_item(response)], "single": True}
        return render(request, "teach/grading.html", context)
    item = _essay_item(response, request.POST)
    if item.form.is_valid():
        item.form.grade(response, request.user)
        if not request.htmx:
            messages.success(request, f"Graded {response.attempt.user.username}'s answer.")
            return redirect("teach:grading")
        item = _essay_item(get_essay_to_grade(request, response_id), saved=True)
    context = {"items": [item], "item": item, "single": True}
    return render(request, template_for(request, "teach/grading.html", "essay-item"), context)
