"""The question bank: every question of the quizzes an instructor teaches, once each, with
the quizzes that use it and its versions, filtered by text, kind, category and tag; added
to a quiz of their own (linked between their own quizzes, copied from the course's)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.quizzes.models import Quiz
from apps.quizzes.services import QuizError
from apps.teaching import services
from apps.teaching.bank import add_versions, bank_entries
from apps.teaching.forms import BankAddForm, BankFilterForm
from apps.teaching.views.access import bank_questions, teacher_required

PAGE_SIZE = 50


def _bank_page(request: HttpRequest, filters: QueryDict, status: int = 200, **extra):
    bank = bank_questions(request)
    categories, tags = set(), set()
    for category, question_tags in bank.values_list("category", "tags"):
        categories.add(category)
        tags.update(question_tags)
    form = BankFilterForm(
        filters, categories=sorted(categories - {""}), tags=sorted(tags, key=str.casefold)
    )
    questions = bank.select_related("quiz").order_by("category", "quiz__title", "position")
    chosen = form.cleaned_data if form.is_valid() else {}
    if chosen.get("q"):
        questions = questions.filter(
            Q(text__icontains=chosen["q"]) | Q(title__icontains=chosen["q"])
        )
    if chosen.get("kind"):
        questions = questions.filter(kind=chosen["kind"])
    if chosen.get("category"):
        questions = questions.filter(category=chosen["category"])
    rows = list(questions)
    if chosen.get("tag"):
        # Tags are a JSON list; testing membership here works on SQLite as on PostgreSQL.
        rows = [question for question in rows if chosen["tag"] in question.tags]
    targets = list(Quiz.objects.editable_by(request.user).order_by("title"))
    entries = bank_entries(rows, targets)
    page = Paginator(entries, PAGE_SIZE).get_page(filters.get("page"))
    add_versions(page.object_list, Quiz.objects.teachable_by(request.user))
    context = {
        "form": form,
        "page": page,
        "total": len(entries),
        "targets": targets,
        "filters": filters.urlencode(),
        "page_filters": _without_page(filters),
        **extra,
    }
    return render(request, "teach/bank.html", context, status=status)


def _without_page(filters: QueryDict) -> str:
    kept = filters.copy()
    kept.pop("page", None)
    return kept.urlencode()


@teacher_required
@require_GET
def question_bank(request: HttpRequest) -> HttpResponse:
    return _bank_page(request, request.GET)


@teacher_required
@require_POST
def bank_add(request: HttpRequest, question_id: int) -> HttpResponse:
    """Put the bank question at the end of one of the user's quizzes, then go back to the
    bank as it was filtered."""
    question = get_object_or_404(bank_questions(request).select_related("quiz"), pk=question_id)
    filters = QueryDict(request.POST.get("filters", ""))
    form = BankAddForm(request.POST, quizzes=Quiz.objects.editable_by(request.user))
    if not form.is_valid():
        return _bank_page(request, filters, status=400, add_error=form.errors["quiz"][0])
    quiz = form.cleaned_data["quiz"]
    try:
        _, linked = services.add_from_bank(question, quiz)
    except QuizError as refused:
        return _bank_page(request, filters, status=400, add_error=str(refused))
    name = question.title or "The question"
    if linked:
        messages.success(
            request,
            f"{name} is now in “{quiz.title}” too: the same question, so an edit in any "
            "quiz that uses it changes it in all of them.",
        )
    else:
        messages.success(request, f"A copy of {name} was added to “{quiz.title}”.")
    query = filters.urlencode()
    return redirect(reverse("teach:bank") + (f"?{query}" if query else ""))
