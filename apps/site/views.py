from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.cases.models import Case
from apps.lessons.models import GlossaryTerm, Lesson, Theory
from apps.site import search as search_lib
from apps.site.comparison import ComparisonChoice, build_comparison, find_cell
from apps.site.student_home import resume_and_next, student_home


def home(request: HttpRequest) -> HttpResponse:
    """The course's front page; a signed-in student also sees where to pick up (anonymous
    visitors get the same page, from the page cache)."""
    return render(
        request,
        "site/home.html",
        {
            "welcome": resume_and_next(request.user, timezone.now())
            if request.user.is_authenticated
            else None,
            "theories": Theory.objects.visible_to(request.user),
            "lessons": Lesson.objects.visible_to(request.user).only("slug", "title", "order"),
            "cases": Case.objects.visible_to(request.user).only(
                "slug", "title", "period", "summary"
            ),
        },
    )


@login_required
@require_GET
def me(request: HttpRequest) -> HttpResponse:
    """The signed-in student's own home: only ever their own progress."""
    home = student_home(request.user, timezone.now())
    return render(request, "site/me.html", {"home": home})


def compare(request: HttpRequest) -> HttpResponse:
    choice = ComparisonChoice.from_query(request.GET)
    table = build_comparison(request.user, choice)
    template = "site/compare.html" + ("#comparison" if request.htmx else "")
    return render(request, template, {"table": table, "choice": choice})


def compare_cell(request: HttpRequest, dimension: str, theory: str) -> HttpResponse:
    cell = find_cell(request.user, dimension, theory)
    if cell is None:
        raise Http404("No such comparison cell")
    expand = "" if request.GET.get("expanded") == "0" else f"{dimension}:{theory}"
    choice = ComparisonChoice(expand=expand)
    if request.htmx:
        return render(request, "site/_compare_cell.html", {"cell": cell.link_to(choice)})
    return redirect(choice.url())


def search(request: HttpRequest) -> HttpResponse:
    # A NUL cannot be stored or searched for in PostgreSQL text; it is never meant.
    query = request.GET.get("q", "").replace("\x00", "").strip()[: search_lib.MAX_QUERY_LENGTH]
    results = search_lib.search(request.user, query) if query else []
    template = "site/search.html" + ("#results" if request.htmx else "")
    return render(request, template, {"query": query, "results": results})


def term_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A glossary term, with the lessons and cases whose text links to it."""
    term = get_object_or_404(
        GlossaryTerm.objects.visible_to(request.user).prefetch_related("related"), slug=slug
    )
    return render(
        request,
        "site/term_detail.html",
        {
            "term": term,
            "lessons": Lesson.objects.visible_to(request.user).filter(body__contains=term.link),
            "cases": Case.objects.visible_to(request.user).filter(body__contains=term.link),
        },
    )
