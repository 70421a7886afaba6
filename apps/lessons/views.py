from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.lessons import search as search_lib
from apps.lessons.comparison import ComparisonChoice, build_comparison, find_cell
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
    return get_object_or_404(
        Lesson.objects.visible_to(request.user)
        .select_related("theory")
        .prefetch_related(
            Prefetch("key_terms", queryset=GlossaryTerm.objects.order_by("term")),
            "sources",
        ),
        slug=slug,
    )


def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = _get_lesson_for_user(request, slug)
    siblings = list(Lesson.objects.visible_to(request.user).only("slug", "title", "order"))
    index = next(i for i, item in enumerate(siblings) if item.pk == lesson.pk)
    return render(
        request,
        "lessons/lesson_detail.html",
        {
            "lesson": lesson,
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            "position": index + 1,
            "total": len(siblings),
            "is_complete": lesson.pk in _completed_ids(request.user),
            "quiz": _quiz_for(lesson_slug=lesson.slug),
            "cases": _cases_for(request, lesson),
        },
    )


def _quiz_for(**link):
    from apps.quizzes.models import Quiz

    return Quiz.objects.published().for_course().filter(**link).first()


def _cases_for(request: HttpRequest, lesson: Lesson):
    from apps.cases.models import Case

    return list(
        Case.objects.visible_to(request.user)
        .filter(slug__in=lesson.related_cases)
        .only("slug", "title", "period")
    )


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


def term_detail(request: HttpRequest, slug: str) -> HttpResponse:
    from apps.cases.models import Case

    term = get_object_or_404(
        GlossaryTerm.objects.visible_to(request.user).prefetch_related("related"), slug=slug
    )
    return render(
        request,
        "lessons/term_detail.html",
        {
            "term": term,
            "lessons": Lesson.objects.visible_to(request.user).filter(body__contains=term.link),
            "cases": Case.objects.visible_to(request.user).filter(body__contains=term.link),
        },
    )


def sources(request: HttpRequest) -> HttpResponse:
    items = Source.objects.prefetch_related(
        Prefetch("lessons", queryset=Lesson.objects.visible_to(request.user).only("slug", "title"))
    )
    return render(request, "lessons/sources.html", {"sources": items})


def compare(request: HttpRequest) -> HttpResponse:
    choice = ComparisonChoice.from_query(request.GET)
    table = build_comparison(request.user, choice)
    template = "lessons/compare.html" + ("#comparison" if request.htmx else "")
    return render(request, template, {"table": table, "choice": choice})


def compare_cell(request: HttpRequest, dimension: str, theory: str) -> HttpResponse:
    cell = find_cell(request.user, dimension, theory)
    if cell is None:
        raise Http404("No such comparison cell")
    expand = "" if request.GET.get("expanded") == "0" else f"{dimension}:{theory}"
    choice = ComparisonChoice(expand=expand)
    if request.htmx:
        return render(request, "lessons/_compare_cell.html", {"cell": cell.link_to(choice)})
    return redirect(choice.url())


def search(request: HttpRequest) -> HttpResponse:
    # A NUL cannot be stored or searched for in PostgreSQL text; it is never meant.
    query = request.GET.get("q", "").replace("\x00", "").strip()[: search_lib.MAX_QUERY_LENGTH]
    results = search_lib.search(request.user, query) if query else []
    template = "lessons/search.html" + ("#results" if request.htmx else "")
    return render(request, template, {"query": query, "results": results})
