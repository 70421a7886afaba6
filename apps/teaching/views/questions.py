"""Questions: the list, the editor, duplicate, move, remove."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.quizzes import services as quiz_services
from apps.quizzes.lint import item_from_question, quiz_warnings
from apps.quizzes.models import Question, Quiz, Response
from apps.teaching import services
from apps.teaching.forms import (
    EDITORS,
    MAX_ROWS,
    EditScopeForm,
    NewQuestionForm,
    without_errors,
)
from apps.teaching.views.access import (
    Kind,
    confirm_page,
    confirmed,
    get_question_to_edit,
    get_quiz_to_edit,
    teacher_required,
    template_for,
)


@dataclass
class EditorState:
    """The open question editor: its form, its answer rows, where it posts."""

    url: str
    kind: str
    form: object
    rows: object
    question: Question | None
    # The other quizzes that use this question (the same bank question), and where the
    # author says whether an edit reaches them.
    shared_with: list[Quiz] = field(default_factory=list)
    scope: EditScopeForm | None = None

    @property
    def spec(self):
        return EDITORS[self.kind]

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def in_use(self) -> bool:
        return self.question is not None and self.question.is_in_use()

    @property
    def next_version(self) -> int:
        return self.question.entry.next_version()

    @property
    def can_add_row(self) -> bool:
        return self.rows is not None and self.rows.total_form_count() < MAX_ROWS


def _questions_context(quiz: Quiz, **extra) -> dict:
    in_use = Exists(Response.objects.filter(question=OuterRef("pk")))
    # How many other quizzes use the same bank question (Question.in_other_quizzes).
    elsewhere = (
        Question.objects.current()
        .filter(entry_id=OuterRef("entry_id"), quiz__owner_id=OuterRef("quiz__owner_id"))
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("entry_id")
        .annotate(quizzes=Count("pk"))
        .values("quizzes")
    )
    questions = list(
        quiz.questions.current()
        .annotate(in_use=in_use, elsewhere=Coalesce(Subquery(elsewhere), 0))
        .prefetch_related("choices")
    )
    context = {
        "quiz": quiz,
        # Deleted when nobody has attempted it, otherwise archived (quizzes.quiz_delete).
        "has_attempts": quiz.attempts.exists(),
        "questions": questions,
        "lint": quiz_warnings([item_from_question(q) for q in questions]),
        "new_question_form": NewQuestionForm(),
        "editor": None,
        "status": "",
        "focus": "",
        "focus_pk": None,
        "focus_button": "",
    }
    context.update(extra)
    return context


def _quiz_page(request: HttpRequest, quiz: Quiz, partial: str, **extra) -> HttpResponse:
    context = _questions_context(quiz, **extra)
    return render(request, template_for(request, "teach/quiz_edit.html", partial), context)


@teacher_required
@require_GET
def quiz_edit(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz's page: its questions, with everything an author does to them."""
    quiz = get_quiz_to_edit(request, quiz_id)
    return _quiz_page(request, quiz, "questions")


def _question_editor(
    request: HttpRequest, quiz: Quiz, kind: str, question: Question | None, url: str
) -> HttpResponse:
    """GET opens the editor; POST adds an answer row, or validates everything and saves
    the question (a new version when attempts have it) in one transaction."""
    spec = EDITORS[kind]
    instance = question if question is not None else Question(quiz=quiz, kind=kind)
    shared_with = [q.quiz for q in question.in_other_quizzes()] if question else []
    if request.method == "GET":
        form = spec.form(instance=instance)
        rows = spec.rows_for(question=question)
        scope = EditScopeForm() if shared_with else None
        editor = EditorState(url, kind, form, rows, question, shared_with, scope)
        return _quiz_page(request, quiz, "question-editor", editor=editor, focus="editor")

    add_row = "add_row" in request.POST
    form = spec.form(request.POST, instance=instance)
    rows = spec.rows_for(request.POST, add_row=add_row)
    scope = EditScopeForm(request.POST) if shared_with else None
    if not add_row and form.is_valid() and (rows is None or rows.is_valid()):
        choices = rows.choices() if rows is not None else form.choices()
        version = question.version if question is not None else None
        this_quiz_only = (
            scope is not None and scope.is_valid() and scope.cleaned_data["this_quiz_only"]
        )
        edited = form.save(commit=False)
        if question is None:
            saved = quiz_services.add_question(quiz, edited, choices)
        else:
            saved = quiz_services.edit_question(edited, choices, this_quiz_only=this_quiz_only)
        status = _saved_status(saved, version, shared_with, this_quiz_only)
        if not request.htmx:
            messages.success(request, status)
            return redirect(reverse("teach:quiz_edit", args=[quiz.pk]) + f"#question-{saved.pk}")
        return _quiz_page(request, quiz, "questions", status=status, focus="row", focus_pk=saved.pk)
    if add_row:
        without_errors(form, rows)
    editor = EditorState(url, kind, form, rows, question, shared_with, scope)
    focus = "new-row" if add_row else "errors"
    return _quiz_page(request, quiz, "questions", editor=editor, focus=focus)


def _saved_status(saved: Question, version: int | None, shared_with: list, this_quiz_only: bool):
    """What saving did: the version it made, and where else the question changed."""
    status = f"Saved question {saved.position}."
    if version is not None and saved.version > version:
        status = (
            f"Saved question {saved.position} as version {saved.version}: submitted "
            "attempts keep their marks until you regrade them."
        )
    if shared_with and this_quiz_only:
        status += " It is now this quiz's own question; the other quizzes keep theirs."
    elif shared_with:
        titles = ", ".join(f"“{quiz.title}”" for quiz in shared_with)
        status += f" Its wording is now the same in {titles}."
    return status


@teacher_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = get_quiz_to_edit(request, quiz_id)
    form = NewQuestionForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a kind of question.")
    kind = form.cleaned_data["kind"]
    url = reverse("teach:question_create", args=[quiz.pk]) + f"?kind={kind}"
    return _question_editor(request, quiz, kind, None, url)


@teacher_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    quiz = get_quiz_to_edit(request, quiz_id)
    question = get_question_to_edit(quiz, question_id)
    url = reverse("teach:question_edit", args=[quiz.pk, question.pk])
    return _question_editor(request, quiz, question.kind, question, url)


def _after_list_change(
    request: HttpRequest, quiz: Quiz, status: str, focus_pk=None, focus_button: str = "row"
) -> HttpResponse:
    """Back to the list: htmx swaps it, with focus on the control that keeps the
    keyboard where it was (`focus_button` of question `focus_pk`, else the status)."""
    if not request.htmx:
        messages.success(request, status)
        anchor = f"question-{focus_pk}" if focus_pk else "question-list"
        return redirect(reverse("teach:quiz_edit", args=[quiz.pk]) + f"#{anchor}")
    focus = "row" if focus_pk else "status"
    return _quiz_page(
        request,
        quiz,
        "question-list",
        status=status,
        focus=focus,
        focus_pk=focus_pk,
        focus_button=focus_button,
    )


@teacher_required
@require_POST
def question_duplicate(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    quiz = get_quiz_to_edit(request, quiz_id)
    copy = services.duplicate_question(get_question_to_edit(quiz, question_id))
    status = f"Duplicated: the copy is question {copy.position}."
    return _after_list_change(request, quiz, status, copy.pk)


@teacher_required
@require_POST
def question_move(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    """Move a question one place up or down (buttons, so the keyboard can do it)."""
    quiz = get_quiz_to_edit(request, quiz_id)
    question = get_question_to_edit(quiz, question_id)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponseBadRequest("Move a question up or down.")
    moved = services.move_question(question, -1 if direction == "up" else 1)
    question.refresh_from_db(fields=["position"])
    count = quiz.questions.current().count()
    if moved:
        status = f"Moved {direction}: now question {question.position} of {count}."
    else:
        end = "top" if direction == "up" else "bottom"
        status = f"Question {question.position} is already at the {end}."
    # At either end that button is disabled, so the keyboard lands on the other one.
    button = direction
    if direction == "up" and question.position == 1:
        button = "down"
    elif direction == "down" and question.position == count:
        button = "up"
    if count == 1:
        button = "row"
    return _after_list_change(request, quiz, status, question.pk, button)


@teacher_required
@require_POST
def question_delete(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    quiz = get_quiz_to_edit(request, quiz_id)
    question = get_question_to_edit(quiz, question_id)
    position = question.position
    if not confirmed(request):
        quiz_url = reverse("teach:quiz_edit", args=[quiz.pk])
        if question.is_in_use():
            outcome = "Attempts that include it keep it, exactly as it was answered."
        else:
            outcome = "No attempt includes it, so it is deleted for good."
        return confirm_page(
            request,
            title=f"Remove question {position}",
            consequence=(
                f"Question {position} (“{Truncator(question.text).chars(80)}”) will be "
                f"removed from “{quiz.title}” and the questions after it move up. {outcome}"
            ),
            button="Yes, remove",
            parent=(quiz.title, quiz_url),
            cancel_url=f"{quiz_url}#question-{question.pk}",
        )
    services.remove_question(question)
    status = f"Removed question {position}."
    if question.pk is not None:
        status += " Attempts that include it keep it, as they were answered."
    return _after_list_change(request, quiz, status)
