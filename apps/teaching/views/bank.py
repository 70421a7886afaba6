"""The question bank: every question of the quizzes an instructor teaches, filtered by
text, kind, category and tag, and added (as a copy) to any quiz of their own."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from apps.quizzes.models import Quiz
from apps.teaching import services
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
    page = Paginator(rows, PAGE_SIZE).get_page(filters.get("page"))
    targets = list(Quiz.objects.editable_by(request.user).order_by("title"))
    context = {
        "form": form,
        "page": page,
        "total": len(rows),
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
    """Copy the bank question to the end of one of the user's quizzes, then go back to
    the bank as it was filtered."""
    question = get_object_or_404(
        bank_questions(request).prefetch_related("choices"), pk=question_id
    )
    filters = QueryDict(request.POST.get("filters", ""))
    form = BankAddForm(request.POST, quizzes=Quiz.objects.editable_by(request.user))
    if not form.is_valid():
        return _bank_page(request, filters, status=400, add_error=form.errors["quiz"][0])
    quiz = form.cleaned_data["quiz"]
    services.add_from_bank(question, quiz)
    name = question.title or "The question"
    messages.success(request, f"{name} was added to “{quiz.title}”.")
    query = filters.urlencode()
    return redirect(reverse("teach:bank") + (f"?{query}" if query else ""))
