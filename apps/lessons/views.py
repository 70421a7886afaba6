from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.lessons.models import (
    ComparisonCell,
    GlossaryTerm,
    Lesson,
    LessonProgress,
    Source,
    Theory,
)


def _completed_ids(user) -> set[int]:
    if not user.is_authenticated:
        return set()
    return set(LessonProgress.objects.filter(user=user).values_list("lesson_id", flat=True))


def lesson_list(request: HttpRequest) -> HttpResponse:
    """The lessons in course order (the chapter's argument), or grouped by theory."""
    lessons = list(Lesson.objects.visible_to(request.user).select_related("theory"))
    completed = _completed_ids(request.user)
    by_theory = request.GET.get("by") == "theory"
    theories = list(Theory.objects.visible_to(request.user)) if by_theory else []
    for theory in theories:
        theory.lesson_list = [lesson for lesson in lessons if lesson.theory_id == theory.pk]
    done = sum(1 for lesson in lessons if lesson.pk in completed)
    return render(
        request,
        "lessons/lesson_list.html",
        {
            "by_theory": by_theory,
            "theories": theories,
            "lessons": lessons,
            "completed": completed,
            "done": done,
            "percent": round(100 * done / len(lessons)) if lessons else 0,
        },
    )


def _get_lesson_for_user(request: HttpRequest, slug: str) -> Lesson:
    return get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)


@login_required
@require_POST
def toggle_complete(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _get_lesson_for_user(request, slug)
    progress = LessonProgress.objects.filter(user=request.user, lesson=lesson)
    if request.POST.get("complete") == "1":
        LessonProgress.objects.get_or_create(user=request.user, lesson=lesson)
    else:
        progress.delete()
    if request.htmx:
        return render(
            request,
            "lessons/lesson_detail.html#completion",
            {"lesson": lesson, "is_complete": progress.exists(), "just_changed": True},
        )
    return redirect(lesson.get_absolute_url() + "#completion")


def theory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    theory = get_object_or_404(Theory.objects.visible_to(request.user), slug=slug)
    lessons = Lesson.objects.visible_to(request.user).filter(theory=theory)
    cells = ComparisonCell.objects.filter(theory=theory).select_related("dimension")
    return render(
        request,
        "lessons/theory_detail.html",
        {"theory": theory, "lessons": lessons, "cells": cells},
    )


def glossary(request: HttpRequest) -> HttpResponse:
    terms = list(GlossaryTerm.objects.visible_to(request.user))
    letters: dict[str, list[GlossaryTerm]] = {}
    for term in terms:
        letters.setdefault(term.letter, []).append(term)
    return render(request, "lessons/glossary.html", {"letters": letters, "count": len(terms)})


def sources(request: HttpRequest) -> HttpResponse:
    items = Source.objects.prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.visible_to(request.user).only("slug", "title"))
    )
    return render(request, "lessons/sources.html", {"sources": items})
