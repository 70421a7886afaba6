"""Importing GIFT or Moodle XML; exporting GIFT, Moodle XML or QTI 1.2 for Canvas."""

from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from apps.quizzes.formats import EXPORT_FORMATS, GIFT, export_quiz
from apps.quizzes.gift import GiftSyntaxError
from apps.quizzes.models import Quiz
from apps.teaching import services
from apps.teaching.forms import (
    GIFT_LIMIT,
    ConfirmImportForm,
    ImportForm,
)
from apps.teaching.models import PendingImport
from apps.teaching.views.access import (
    Kind,
    get_quiz_to_edit,
    get_quiz_to_teach,
    teacher_required,
)


def _import_page(
    request: HttpRequest, quiz: Quiz, form, status: int = 200, **extra
) -> HttpResponse:
    context = {"quiz": quiz, "form": form, "limit_kb": GIFT_LIMIT // 1024, **extra}
    return render(request, "teach/import.html", context, status=status)


@teacher_required
@require_http_methods(["GET", "POST"])
def quiz_import(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """Upload or paste GIFT or Moodle XML, see every question it will create (or the first error, by
    line), then confirm. The previewed text waits on the server (private to its author,
    for an hour); the confirmation names it and creates all the questions in one
    transaction, or none."""
    quiz = get_quiz_to_edit(request, quiz_id)
    if request.method == "GET":
        return _import_page(request, quiz, ImportForm())
    if request.POST.get("step") == "confirm":
        confirm = ConfirmImportForm(request.POST)
        pending = None
        if confirm.is_valid():
            held = PendingImport.objects.confirmable_by(request.user, quiz)
            pending = held.filter(key=confirm.cleaned_data["pending"]).first()
        if pending is None:
            error = "This preview has expired or was already imported: upload the file again."
            return _import_page(request, quiz, ImportForm(), status=400, error=error)
        try:
            created = services.confirm_import(pending)
        except GiftSyntaxError as exc:
            return _import_page(
                request, quiz, ImportForm(initial={"text": pending.text}), error=str(exc)
            )
        messages.success(
            request, f"Imported {len(created)} question{'s' if len(created) != 1 else ''}."
        )
        return redirect("teach:quiz_edit", quiz.pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _import_page(request, quiz, form, status=413 if form.too_large() else 200)
    text = form.gift_text()
    try:
        result = services.check_questions(text)
    except GiftSyntaxError as exc:
        return _import_page(request, quiz, ImportForm(initial={"text": text}), error=str(exc))
    pending = services.hold_import(request.user, quiz, text)
    items = [(gift, Kind(gift.kind).label) for gift in result.questions]
    return _import_page(
        request,
        quiz,
        form,
        items=items,
        warnings=result.warnings,
        confirm=ConfirmImportForm(initial={"pending": pending.key}),
    )


@teacher_required
@require_GET
def quiz_export(request: HttpRequest, quiz_id: int) -> HttpResponse:
    """The quiz's questions as a file to download: ``?format=`` gift (the default),
    moodlexml or qti12 (a zip for Canvas, with a report of what Canvas scores
    differently)."""
    quiz = get_quiz_to_teach(request, quiz_id)
    fmt = request.GET.get("format", GIFT)
    if fmt not in EXPORT_FORMATS:
        raise BadRequest(f"Unknown export format; choose one of {', '.join(EXPORT_FORMATS)}.")
    try:
        export = export_quiz(quiz, fmt)
    except ValueError as exc:
        messages.error(request, f"This quiz cannot be written as {EXPORT_FORMATS[fmt]}: {exc}")
        return redirect("teach:dashboard")
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
