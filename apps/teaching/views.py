"""The teaching area (/teach/): quizzes, questions, previews, GIFT, classes, the gradebook,
essay grading and statistics.

Every view is gated by `teacher_required` (instructors and curators; students get 403)
and reaches its objects only through the helpers below, which answer 404 for anything
the user may not see, so nobody learns that another instructor's quiz or class exists:

    _get_quiz_to_edit     quizzes the user may change (Quiz.objects.editable_by)
    _get_quiz_to_teach    ... may also preview, copy, export and count (teachable_by)
    _get_class_for_user   classes the user runs (Class.objects.taught_by)
    _get_essay_to_grade   essay answers in attempts the user teaches (taught_by)
"""

import random
from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.classes import services as class_services
from apps.classes.models import Class
from apps.core.dates import when
from apps.core.decorators import login_required_for_htmx
from apps.core.roles import Action, may
from apps.quizzes import services as quiz_services
from apps.quizzes.forms import AnswerForm
from apps.quizzes.gift import GiftSyntaxError, write_gift
from apps.quizzes.kinds import grade_response
from apps.quizzes.lint import item_from_question, quiz_warnings
from apps.quizzes.loading import question_to_gift
from apps.quizzes.models import Attempt, Question, Quiz, Response, choices_in_order
from apps.quizzes.presentation import names_for_preview, take_context
from apps.teaching import gradebook, services, statistics
from apps.teaching.forms import (
    EDITORS,
    GIFT_LIMIT,
    MAX_ROWS,
    AssignmentForm,
    ClassForm,
    ConfirmImportForm,
    EssayGradeForm,
    ImportForm,
    JoinCodeForm,
    NewQuestionForm,
    QuizSettingsForm,
    without_errors,
)

Kind = Question.Kind


def teacher_required(view):
    """Signed in (else the login page; 403 for htmx) and an instructor or curator."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (may(request.user, Action.TEACH) or may(request.user, Action.CURATE)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required_for_htmx(wrapper)


def _get_quiz_to_edit(request: HttpRequest, quiz_id: int) -> Quiz:
    return get_object_or_404(Quiz.objects.editable_by(request.user), pk=quiz_id)


def _get_quiz_to_teach(request: HttpRequest, quiz_id: int) -> Quiz:
    return get_object_or_404(Quiz.objects.teachable_by(request.user), pk=quiz_id)


def _get_question_to_edit(quiz: Quiz, question_id: int) -> Question:
    questions = quiz.questions.current().prefetch_related("choices")
    return get_object_or_404(questions, pk=question_id)


def _get_class_for_user(request: HttpRequest, class_id: int) -> Class:
    return get_object_or_404(Class.objects.taught_by(request.user), pk=class_id)


def _essays_to_grade(request: HttpRequest):
    attempts = Attempt.objects.taught_by(request.user).filter(state=Attempt.State.SUBMITTED)
    return Response.objects.filter(attempt__in=attempts, question__kind=Kind.ESSAY)


def _get_essay_to_grade(request: HttpRequest, response_id: int) -> Response:
    responses = _essays_to_grade(request).select_related(
        "attempt__user", "attempt__quiz", "question"
    )
    return get_object_or_404(responses, pk=response_id)


def _template(request: HttpRequest, name: str, partial: str) -> str:
    return f"{name}#{partial}" if request.htmx else name


def _confirmed(request: HttpRequest) -> bool:
    """May this removal act now? An htmx request has asked already (hx-confirm); a form
    posted without JavaScript acts only from the confirmation page (confirm=yes)."""
    return bool(request.htmx) or request.POST.get("confirm") == "yes"


def _confirm_page(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    button: str,
    parent: tuple[str, str],
    cancel_url: str,
) -> HttpResponse:
    """Asks before a removal, for browsers without JavaScript: the page says what will
    happen and posts back to the same URL with confirm=yes. `parent` is the breadcrumb
    (name, url) of the page the removal is made from."""
    context = {
        "title": title,
        "consequence": consequence,
        "button": button,
        "parent_name": parent[0],
        "parent_url": parent[1],
        "cancel_url": cancel_url,
        "action_url": request.path,
    }
    return render(request, "teach/confirm.html", context)


# --------------------------------------------------------------------------------------
# Dashboard and quiz settings


@teacher_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    counts = {
        "question_count": Count("questions", filter=Q(questions__current=True), distinct=True),
        "attempt_count": Count(
            "attempts", filter=Q(attempts__state=Attempt.State.SUBMITTED), distinct=True
        ),
    }
    editable = Quiz.objects.editable_by(user)
    own = editable.select_related("owner").annotate(**counts).order_by("title")
    course = (
        Quiz.objects.teachable_by(user)
        .for_course()
        .published()
        .exclude(pk__in=editable.values("pk"))
        .annotate(question_count=counts["question_count"])
    )
    classes = (
        Class.objects.taught_by(user)
        .select_related("owner")
        .annotate(
            member_count=Count("memberships", distinct=True),
            assignment_count=Count("assignments", distinct=True),
        )
    )
    context = {
        "quizzes": own,
        "course_quizzes": course,
        "classes": classes,
        "essays_waiting": _essays_to_grade(request).filter(fraction__isnull=True).count(),
    }
    return render(request, "teach/dashboard.html", context)


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_create(request: HttpRequest) -> HttpResponse:
    form = QuizSettingsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        quiz = services.create_quiz(form.save(commit=False), request.user)
        messages.success(request, f"Created “{quiz.title}”. Now add its questions.")
        return redirect("teach:quiz_edit", quiz.pk)
    return render(request, "teach/quiz_settings.html", {"form": form, "quiz": None})


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_settings(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _get_quiz_to_edit(request, quiz_id)
    form = QuizSettingsForm(request.POST or None, instance=quiz)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("teach:quiz_edit", quiz.pk)
    return render(request, "teach/quiz_settings.html", {"form": form, "quiz": quiz})


@teacher_required
@require_POST
def quiz_copy(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _get_quiz_to_teach(request, quiz_id)
    copy = services.copy_quiz(quiz, request.user)
    messages.success(request, f"Copied “{quiz.title}”: this draft is yours to edit.")
    return redirect("teach:quiz_edit", copy.pk)


# --------------------------------------------------------------------------------------
# Questions: the list, the editor, duplicate, move, remove


@dataclass
class EditorState:
    """The open question editor: its form, its answer rows, where it posts."""

    url: str
    kind: str
    form: object
    rows: object
    question: Question | None

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
    def can_add_row(self) -> bool:
        return self.rows is not None and self.rows.total_form_count() < MAX_ROWS


def _questions_context(quiz: Quiz, **extra) -> dict:
    in_use = Exists(Response.objects.filter(question=OuterRef("pk")))
    questions = list(quiz.questions.current().annotate(in_use=in_use).prefetch_related("choices"))
    context = {
        "quiz": quiz,
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
    return render(request, _template(request, "teach/quiz_edit.html", partial), context)


@teacher_required
@require_GET
def quiz_edit(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz's page: its questions, with everything an author does to them."""
    quiz = _get_quiz_to_edit(request, quiz_id)
    return _quiz_page(request, quiz, "questions")


def _question_editor(
    request: HttpRequest, quiz: Quiz, kind: str, question: Question | None, url: str
) -> HttpResponse:
    """GET opens the editor; POST adds an answer row, or validates everything and saves
    the question (a new version when attempts have it) in one transaction."""
    spec = EDITORS[kind]
    instance = question if question is not None else Question(quiz=quiz, kind=kind)
    if request.method == "GET":
        form = spec.form(instance=instance)
        rows = spec.rows_for(question=question)
        editor = EditorState(url, kind, form, rows, question)
        return _quiz_page(request, quiz, "question-editor", editor=editor, focus="editor")

    add_row = "add_row" in request.POST
    form = spec.form(request.POST, instance=instance)
    rows = spec.rows_for(request.POST, add_row=add_row)
    if not add_row and form.is_valid() and (rows is None or rows.is_valid()):
        choices = rows.choices() if rows is not None else form.choices()
        edited = form.save(commit=False)
        if question is None:
            saved = services.add_question(quiz, edited, choices)
        else:
            saved = services.edit_question(edited, choices)
        status = f"Saved question {saved.position}."
        if not request.htmx:
            messages.success(request, status)
            return redirect(reverse("teach:quiz_edit", args=[quiz.pk]) + f"#question-{saved.pk}")
        return _quiz_page(request, quiz, "questions", status=status, focus="row", focus_pk=saved.pk)
    if add_row:
        without_errors(form, rows)
    editor = EditorState(url, kind, form, rows, question)
    focus = "new-row" if add_row else "errors"
    return _quiz_page(request, quiz, "questions", editor=editor, focus=focus)


@teacher_required
@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _get_quiz_to_edit(request, quiz_id)
    form = NewQuestionForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a kind of question.")
    kind = form.cleaned_data["kind"]
    url = reverse("teach:question_create", args=[quiz.pk]) + f"?kind={kind}"
    return _question_editor(request, quiz, kind, None, url)


@teacher_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    quiz = _get_quiz_to_edit(request, quiz_id)
    question = _get_question_to_edit(quiz, question_id)
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
    quiz = _get_quiz_to_edit(request, quiz_id)
    copy = services.duplicate_question(_get_question_to_edit(quiz, question_id))
    status = f"Duplicated: the copy is question {copy.position}."
    return _after_list_change(request, quiz, status, copy.pk)


@teacher_required
@require_POST
def question_move(request: HttpRequest, quiz_id: int, question_id: int) -> HttpResponse:
    """Move a question one place up or down (buttons, so the keyboard can do it)."""
    quiz = _get_quiz_to_edit(request, quiz_id)
    question = _get_question_to_edit(quiz, question_id)
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
    quiz = _get_quiz_to_edit(request, quiz_id)
    question = _get_question_to_edit(quiz, question_id)
    position = question.position
    if not _confirmed(request):
        quiz_url = reverse("teach:quiz_edit", args=[quiz.pk])
        if question.is_in_use():
            outcome = "Attempts that include it keep it, exactly as it was answered."
        else:
            outcome = "No attempt includes it, so it is deleted for good."
        return _confirm_page(
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


# --------------------------------------------------------------------------------------
# Preview: the student's page, with nothing saved


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_preview(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz exactly as a student takes it (?q=N pages through it), with the take
    page's own template and presentation. Answers are never saved and no attempt is
    created; Check answer grades the posted answer on the spot so authors can try their
    feedback."""
    quiz = _get_quiz_to_teach(request, quiz_id)
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


# --------------------------------------------------------------------------------------
# GIFT


def _import_page(
    request: HttpRequest, quiz: Quiz, form, status: int = 200, **extra
) -> HttpResponse:
    context = {"quiz": quiz, "form": form, "limit_kb": GIFT_LIMIT // 1024, **extra}
    return render(request, "teach/import.html", context, status=status)


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_import(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Upload or paste GIFT, see every question it will create (or the first error, by
    line), then confirm; the confirmation posts the same text back and creates all the
    questions in one transaction, or none."""
    quiz = _get_quiz_to_edit(request, quiz_id)
    if request.method == "GET":
        return _import_page(request, quiz, ImportForm())
    if request.POST.get("step") == "confirm":
        confirm = ConfirmImportForm(request.POST)
        if not confirm.is_valid():
            return _import_page(request, quiz, ImportForm(), status=400, error="Nothing to import.")
        text = confirm.cleaned_data["text"]
        form = ImportForm(initial={"text": text})
        try:
            result = services.check_gift(text)
        except GiftSyntaxError as exc:
            return _import_page(request, quiz, form, error=str(exc))
        created = services.import_gift(quiz, result.questions)
        messages.success(
            request, f"Imported {len(created)} question{'s' if len(created) != 1 else ''}."
        )
        return redirect("teach:quiz_edit", quiz.pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, quiz, form, status=413 if form.too_large() else 200)
    text = form.gift_text()
    try:
        result = services.check_gift(text)
    except GiftSyntaxError as exc:
        return _import_page(request, quiz, ImportForm(initial={"text": text}), error=str(exc))
    items = [(gift, Kind(gift.kind).label) for gift in result.questions]
    return _import_page(
        request,
        quiz,
        form,
        items=items,
        warnings=result.warnings,
        confirm=ConfirmImportForm(initial={"text": text}),
    )


@teacher_required
@require_GET
def quiz_export(request: HttpRequest, quiz_id: int) -> HttpResponse:
    quiz = _get_quiz_to_teach(request, quiz_id)
    questions = quiz.questions.current().prefetch_related("choices")
    try:
        text = write_gift(question_to_gift(q) for q in questions)
    except ValueError as exc:
        messages.error(request, f"This quiz cannot be written as GIFT: {exc}")
        return redirect("teach:dashboard")
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{quiz.slug}.gift"'
    return response


# --------------------------------------------------------------------------------------
# Statistics


@teacher_required
@require_GET
def quiz_statistics(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Statistics over every attempt the user teaches, or one class's (?class=ID)."""
    quiz = _get_quiz_to_teach(request, quiz_id)
    classes = Class.objects.taught_by(request.user).filter(assignments__quiz=quiz).distinct()
    attempts = Attempt.objects.taught_by(request.user)
    klass = None
    if request.GET.get("class"):
        try:
            klass = classes.get(pk=int(request.GET["class"]))
        except (ValueError, Class.DoesNotExist) as exc:
            raise Http404("No such class") from exc
        attempts = attempts.filter(user__class_memberships__klass=klass)
    quiz_services.close_overdue_attempts(attempts.filter(quiz=quiz))
    stats = statistics.quiz_statistics(quiz, attempts)
    context = {
        "quiz": quiz,
        "classes": classes,
        "klass": klass,
        "stats": stats,
        "chart": statistics.histogram_chart(stats.scores.bins),
        "weak": statistics.WEAK_DISCRIMINATION,
    }
    return render(request, "teach/statistics.html", context)


# --------------------------------------------------------------------------------------
# Classes


@teacher_required
@require_http_methods(["GET", "POST"])
def class_create(request: HttpRequest) -> HttpResponse:
    form = ClassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        klass = class_services.create_class(
            request.user, form.cleaned_data["name"], form.cleaned_data["code_expires_at"]
        )
        messages.success(request, f"Created {klass.name}. Give your students its code or link.")
        return redirect(klass)
    return render(request, "teach/class_new.html", {"form": form})


def _class_context(request: HttpRequest, klass: Class, **extra) -> dict:
    context = {
        "klass": klass,
        "join_url": request.build_absolute_uri(klass.join_path()),
        "code_valid": klass.code_is_valid(timezone.now()),
        "members": klass.memberships.select_related("student").order_by("student__username"),
        "assignments": klass.assignments.select_related("quiz"),
        "assignment_form": AssignmentForm(
            quizzes=Quiz.objects.teachable_by(request.user), klass=klass
        ),
        "code_form": JoinCodeForm(),
        "status": "",
    }
    context.update(extra)
    return context


def _class_page(request: HttpRequest, klass: Class, partial: str, **extra) -> HttpResponse:
    context = _class_context(request, klass, **extra)
    return render(request, _template(request, "teach/class_detail.html", partial), context)


def _class_changed(request: HttpRequest, klass: Class, partial: str, status: str) -> HttpResponse:
    """After a change on the class page: htmx gets the updated partial with its status;
    a plain form post gets the message and the page."""
    if not request.htmx:
        messages.success(request, status)
        return redirect(klass)
    return _class_page(request, klass, partial, status=status)


@teacher_required
@require_GET
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    klass = _get_class_for_user(request, class_id)
    return render(request, "teach/class_detail.html", _class_context(request, klass))


@teacher_required
@require_POST
def class_code(request: HttpRequest, class_id: int) -> HttpResponse:
    """Replace the join code (the old one stops working), with an optional expiry."""
    klass = _get_class_for_user(request, class_id)
    form = JoinCodeForm(request.POST)
    if not form.is_valid():
        return _class_page(request, klass, "join-code", code_form=form)
    class_services.replace_code(klass, form.cleaned_data["code_expires_at"])
    status = f"New code {klass.join_code}: the old one no longer works."
    return _class_changed(request, klass, "join-code", status)


@teacher_required
@require_POST
def member_remove(request: HttpRequest, class_id: int, membership_id: int) -> HttpResponse:
    """Take a student off the roster (their attempts stay theirs)."""
    klass = _get_class_for_user(request, class_id)
    membership = get_object_or_404(klass.memberships.select_related("student"), pk=membership_id)
    username = membership.student.username
    if not _confirmed(request):
        return _confirm_page(
            request,
            title=f"Remove {username}",
            consequence=(
                f"{username} will be taken off the roster of {klass.name}: they no longer "
                "see its assigned quizzes, and they leave its gradebook. Their attempts are "
                "kept, and they can join again with the class code."
            ),
            button="Yes, remove",
            parent=(klass.name, klass.get_absolute_url()),
            cancel_url=f"{klass.get_absolute_url()}#roster",
        )
    membership.delete()
    status = f"Removed {username} from {klass.name}."
    return _class_changed(request, klass, "roster", status)


@teacher_required
@require_POST
def assignment_create(request: HttpRequest, class_id: int) -> HttpResponse:
    klass = _get_class_for_user(request, class_id)
    form = AssignmentForm(
        request.POST, quizzes=Quiz.objects.teachable_by(request.user), klass=klass
    )
    if not form.is_valid():
        return _class_page(request, klass, "assignments", assignment_form=form)
    assignment = form.save(commit=False)
    assignment.klass = klass
    assignment.save()
    status = f"Assigned “{assignment.quiz.title}”, due {when(assignment.due_at)}."
    return _class_changed(request, klass, "assignments", status)


def _get_assignment(klass: Class, assignment_id: int):
    return get_object_or_404(klass.assignments.select_related("quiz"), pk=assignment_id)


@teacher_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, class_id: int, assignment_id: int) -> HttpResponse:
    klass = _get_class_for_user(request, class_id)
    assignment = _get_assignment(klass, assignment_id)
    form = AssignmentForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Dates saved for “{assignment.quiz.title}”.")
        return redirect(klass)
    context = {"klass": klass, "assignment": assignment, "form": form}
    return render(request, "teach/assignment_edit.html", context)


@teacher_required
@require_POST
def assignment_delete(request: HttpRequest, class_id: int, assignment_id: int) -> HttpResponse:
    klass = _get_class_for_user(request, class_id)
    assignment = _get_assignment(klass, assignment_id)
    if not _confirmed(request):
        return _confirm_page(
            request,
            title=f"Unassign “{assignment.quiz.title}”",
            consequence=(
                f"“{assignment.quiz.title}” will no longer be assigned to {klass.name}: it "
                "leaves the students' list of assigned quizzes and the class gradebook. "
                "Attempts already made are kept."
            ),
            button="Yes, unassign",
            parent=(klass.name, klass.get_absolute_url()),
            cancel_url=f"{klass.get_absolute_url()}#assignments",
        )
    assignment.delete()
    status = f"“{assignment.quiz.title}” is no longer assigned (attempts are kept)."
    return _class_changed(request, klass, "assignments", status)


def _sort_header(key: str, label: str, sort: str, descending: bool) -> dict:
    """A column header's link: the sorted column flips its direction, others sort
    ascending first."""
    current = key == sort
    direction = "asc" if current and descending else "desc" if current else "asc"
    return {
        "label": label,
        "url": f"?sort={key}&dir={direction}",
        "aria_sort": ("descending" if descending else "ascending") if current else "",
        "next": "descending" if direction == "desc" else "ascending",
    }


@teacher_required
@require_GET
def class_gradebook(request: HttpRequest, class_id: int) -> HttpResponse:
    """Students × assigned quizzes; ?sort=name|q<assignment id>&dir=asc|desc."""
    klass = _get_class_for_user(request, class_id)
    book = gradebook.build(klass, timezone.now())
    descending = request.GET.get("dir") == "desc"
    sort = gradebook.sort_rows(book, request.GET.get("sort", "name"), descending)
    columns = [("name", "Student")] + [(f"q{a.pk}", a.quiz.title) for a in book.assignments]
    context = {
        "klass": klass,
        "book": book,
        "headers": [_sort_header(key, label, sort, descending) for key, label in columns],
    }
    return render(request, "teach/gradebook.html", context)


@teacher_required
@require_GET
def class_gradebook_csv(request: HttpRequest, class_id: int) -> HttpResponse:
    klass = _get_class_for_user(request, class_id)
    book = gradebook.build(klass, timezone.now())
    gradebook.sort_rows(book, "name", False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gradebook-{klass.pk}.csv"'
    gradebook.write_csv(book, response)
    return response


# --------------------------------------------------------------------------------------
# Essay grading


@dataclass
class EssayItem:
    response: Response
    form: EssayGradeForm
    saved: bool = False


def _essay_item(response: Response, data=None, saved: bool = False) -> EssayItem:
    initial = {}
    if response.fraction is not None:
        initial = {"score": response.score, "comment": response.comment}
    form = EssayGradeForm(
        data, prefix=f"r{response.pk}", points=response.question.points, initial=initial
    )
    return EssayItem(response, form, saved)


@teacher_required
@require_GET
def grading_queue(request: HttpRequest) -> HttpResponse:
    """Essay answers waiting for a grade, oldest first (?quiz=ID, ?class=ID narrow it;
    ?show=all includes the graded ones, to change a grade)."""
    responses = _essays_to_grade(request).select_related(
        "attempt__user", "attempt__quiz", "question"
    )
    show_all = request.GET.get("show") == "all"
    if not show_all:
        responses = responses.filter(fraction__isnull=True)
    quizzes = Quiz.objects.teachable_by(request.user)
    classes = Class.objects.taught_by(request.user)
    quiz = klass = None
    if request.GET.get("quiz", "").isdecimal():
        quiz = get_object_or_404(quizzes, pk=request.GET["quiz"])
        responses = responses.filter(attempt__quiz=quiz)
    if request.GET.get("class", "").isdecimal():
        klass = get_object_or_404(classes, pk=request.GET["class"])
        responses = responses.filter(attempt__user__class_memberships__klass=klass)
    responses = responses.order_by("attempt__submitted_at", "pk")
    context = {
        "items": [_essay_item(r) for r in responses],
        "quiz": quiz,
        "klass": klass,
        "show_all": show_all,
        "single": False,
    }
    return render(request, "teach/grading.html", context)


@teacher_required
@require_http_methods(["GET", "POST"])
def grade_essay(request: HttpRequest, response_id: int) -> HttpResponse:
    """One essay answer: GET shows it alone; POST records score and comment, after
    which the student's review and kept grade show them."""
    response = _get_essay_to_grade(request, response_id)
    if request.method == "GET":
        context = {"items": [_essay_item(response)], "single": True}
        return render(request, "teach/grading.html", context)
    item = _essay_item(response, request.POST)
    if item.form.is_valid():
        quiz_services.grade_essay(
            response, request.user, item.form.fraction(), item.form.cleaned_data["comment"]
        )
        if not request.htmx:
            messages.success(request, f"Graded {response.attempt.user.username}'s answer.")
            return redirect("teach:grading")
        item = _essay_item(response, saved=True)
    context = {"items": [item], "item": item, "single": True}
    return render(request, _template(request, "teach/grading.html", "essay-item"), context)
