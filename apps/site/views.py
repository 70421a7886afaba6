from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.cases.models import Case
from apps.lessons.models import GlossaryTerm, Lesson, LessonProgress, Theory
from apps.quizzes import services as quiz_services
from apps.quizzes.forms import AnswerForm
from apps.quizzes.models import LessonCheck
from apps.quizzes.presentation import CheckView, check_view, lesson_checks, names_for_check
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
    context = {
        "query": query,
        "results": results,
        "groups": search_lib.grouped(results),
        "suggestion": search_lib.suggestion(request.user, query) if query else None,
    }
    template = "site/search.html" + ("#results" if request.htmx else "")
    return render(request, template, context)


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


def _lesson_context(request: HttpRequest, lesson: Lesson, checks: dict) -> dict:
    user = request.user
    return {
        "lesson": lesson,
        # The body cut at the end of each section, with the checks that follow it.
        "body": [(part, checks.get(part.section, [])) for part in lesson.body_parts()],
        **Lesson.objects.visible_to(user).around(lesson),
        "is_complete": user.is_authenticated
        and LessonProgress.objects.filter(user=user, lesson=lesson).read().exists(),
        "quiz": lesson.quizzes.published().for_course().first(),
        "cases": lesson.cases.visible_to(user).only("slug", "title", "period"),
    }


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdecimal() else None


def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """A lesson, with its checks at the ends of the sections they test, each showing the
    reader's last answer (`?again=N` asks check N afresh)."""
    lesson = _get_lesson_for_user(request, slug)
    checks = lesson_checks(lesson, request.user, again=_number(request.GET.get("again")))
    return render(request, "lessons/lesson_detail.html", _lesson_context(request, lesson, checks))


@require_http_methods(["GET", "POST"])
def lesson_check(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """One check inside a lesson. POST answers it: htmx gets the check back with its
    verdict and explanation; a plain post returns to the lesson at the check (signed in:
    the answer is kept and shown there; anonymous: the page is shown with it, nothing
    kept). GET asks it afresh: htmx gets the empty check, a browser the lesson."""
    lesson = _get_lesson_for_user(request, slug)
    check = get_object_or_404(
        LessonCheck.objects.select_related("question").prefetch_related("question__choices"),
        lesson=lesson,
        position=number,
    )
    check.lesson = lesson
    title = next((item["title"] for item in lesson.toc if item["id"] == check.section), "")
    if request.method == "GET":
        if request.htmx:
            view = check_view(check, request.user, section_title=title)
            return _render_check(request, lesson, view)
        return redirect(f"{lesson.get_absolute_url()}?again={number}#{check.anchor}")
    question = check.question
    form = AnswerForm(question, names_for_check(request.user, check), request.POST)
    answered, error = None, ""
    if not form.is_valid():
        error = "That answer is not one of the options. Choose again."
    elif form.answer() is None:
        error = "Answer the question first, then check it."
    else:
        answered = quiz_services.answer_check(check, request.user, form.answer())
    view = check_view(check, request.user, answered, error, section_title=title)
    if request.htmx:
        return _render_check(request, lesson, view)
    if request.user.is_authenticated and not error:
        return redirect(f"{lesson.get_absolute_url()}#{check.anchor}")
    checks = lesson_checks(lesson, request.user)
    checks[check.section] = [view if c.check.pk == check.pk else c for c in checks[check.section]]
    return render(request, "lessons/lesson_detail.html", _lesson_context(request, lesson, checks))


def _render_check(request: HttpRequest, lesson: Lesson, view: CheckView) -> HttpResponse:
    context = {"lesson": lesson, "check": view, "swapped": True}
    return render(request, "lessons/lesson_detail.html#check", context)
