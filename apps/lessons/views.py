from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.lessons.forms import ProgressForm
from apps.lessons.models import (
    ComparisonCell,
    GlossaryTerm,
    Lesson,
    LessonProgress,
    Source,
    Theory,
)
from apps.lessons.services import mark_read, mark_unread, record_section


def _progress_by_lesson(user) -> dict[int, LessonProgress]:
    if not user.is_authenticated:
        return {}
    return {p.lesson_id: p for p in LessonProgress.objects.filter(user=user)}


def lesson_list(request: HttpRequest) -> HttpResponse:
    """The lessons in course order (the chapter's argument), or grouped by theory."""
    lessons = list(Lesson.objects.visible_to(request.user).select_related("theory"))
    progress = _progress_by_lesson(request.user)
    for lesson in lessons:
        lesson.student_progress = progress.get(lesson.pk)
        if lesson.student_progress:
            lesson.student_progress.lesson = lesson
    completed = {pk for pk, item in progress.items() if item.has_read}
    minutes = sorted({lesson.reading_minutes for lesson in lessons})
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
            "minutes": (minutes[0], minutes[-1]) if minutes else None,
            "done": done,
            "percent": round(100 * done / len(lessons)) if lessons else 0,
        },
    )


def _get_lesson_for_user(request: HttpRequest, slug: str) -> Lesson:
    return get_object_or_404(Lesson.objects.visible_to(request.user), slug=slug)


def _neighbours(request: HttpRequest, lesson: Lesson) -> dict:
    return Lesson.objects.visible_to(request.user).around(lesson)


def _is_read(user, lesson: Lesson) -> bool:
    return user.is_authenticated and (
        LessonProgress.objects.filter(user=user, lesson=lesson).read().exists()
    )


def _completion(request: HttpRequest, lesson: Lesson, pressed: bool) -> HttpResponse:
    """The lesson's progress section after a change (an htmx swap); focus moves into it
    only when the student pressed one of its buttons."""
    context = {
        "lesson": lesson,
        **_neighbours(request, lesson),
        "is_complete": _is_read(request.user, lesson),
        "just_changed": pressed,
    }
    return render(request, "lessons/lesson_detail.html#completion", context)


@login_required
@require_POST
def toggle_complete(request: HttpRequest, slug: str) -> HttpResponse:
    """The manual tick: mark the lesson read, or take that back."""
    lesson = _get_lesson_for_user(request, slug)
    if request.POST.get("complete") == "1":
        mark_read(request.user, lesson)
    else:
        mark_unread(request.user, lesson)
    if request.htmx:
        return _completion(request, lesson, pressed=True)
    return redirect(lesson.get_absolute_url() + "#completion")


@login_required
@require_POST
def record_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """A section reached (reported by static/js/progress.js as the student scrolls) or the
    end of the lesson reached (the same script, or the "I've read this" button). The script
    gets no content for a section and the progress section for the end; the button goes on
    to the next lesson."""
    lesson = _get_lesson_for_user(request, slug)
    form = ProgressForm(request.POST, lesson=lesson)
    if not form.is_valid():
        errors = "; ".join(f"{name}: {' '.join(e)}" for name, e in form.errors.items())
        message = f"Progress not recorded ({errors})"
        return HttpResponseBadRequest(message, content_type="text/plain")
    if form.cleaned_data["section"]:
        record_section(request.user, lesson, form.cleaned_data["section"])
    if not form.cleaned_data["read"]:
        return HttpResponse(status=204)
    mark_read(request.user, lesson)
    if request.htmx:
        return _completion(request, lesson, pressed=False)
    following = _neighbours(request, lesson)["next"]
    return redirect(following.get_absolute_url() if following else "lessons:list")


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
