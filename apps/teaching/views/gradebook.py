"""The gradebook: the whole class, or one assignment, on screen and as CSV."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.classes.models import Class
from apps.teaching import gradebook
from apps.teaching.views.access import get_class_to_grade, grader_required


def _sort_header(key: str, label: str, extra: str, sort: str, descending: bool) -> dict:
    """A column header's link: the sorted column flips its direction, others sort
    ascending first."""
    current = key == sort
    direction = "asc" if current and descending else "desc" if current else "asc"
    return {
        "key": key,
        "label": label,
        "extra": extra,
        "url": f"?sort={key}&dir={direction}",
        "aria_sort": ("descending" if descending else "ascending") if current else "",
        "next": "descending" if direction == "desc" else "ascending",
    }


def _sorted(request: HttpRequest, book: gradebook.Gradebook, columns: list) -> list[dict]:
    """Sorts the book as ?sort=…&dir=asc|desc asks; the headers of `columns` (key,
    label, extra) as links that sort by them."""
    descending = request.GET.get("dir") == "desc"
    sort = gradebook.sort_rows(book, request.GET.get("sort", "name"), descending)
    return [_sort_header(*column, sort=sort, descending=descending) for column in columns]


def _csv(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _runs_class(request: HttpRequest, klass: Class) -> bool:
    """Whether the user runs the class, so that its page may be linked: a teaching
    assistant reaches its gradebook but not its page."""
    return Class.objects.taught_by(request.user).filter(pk=klass.pk).exists()


def _get_assignment(klass: Class, assignment_id: int):
    return get_object_or_404(klass.assignments.select_related("quiz"), pk=assignment_id)


@grader_required
@require_GET
def class_gradebook(request: HttpRequest, class_id: int) -> HttpResponse:
    """Students × assigned quizzes, with totals and class averages;
    ?sort=name|total|q<assignment id>&dir=asc|desc."""
    klass = get_class_to_grade(request, class_id)
    book = gradebook.build(klass, timezone.now())
    columns = [("name", "Student", "")]
    columns += [(f"q{c.assignment.pk}", c.title, f"of {c.out_of} pts") for c in book.columns]
    columns += [("total", "Total", "")]
    context = {
        "klass": klass,
        "book": book,
        "headers": _sorted(request, book, columns),
        "runs_class": _runs_class(request, klass),
    }
    return render(request, "teach/gradebook.html", context)


@grader_required
@require_GET
def class_gradebook_csv(request: HttpRequest, class_id: int) -> HttpResponse:
    klass = get_class_to_grade(request, class_id)
    book = gradebook.build(klass, timezone.now())
    gradebook.sort_rows(book, "name", False)
    response = _csv(f"gradebook-{klass.pk}.csv")
    gradebook.write_csv(book, response)
    return response


@grader_required
@require_GET
def assignment_gradebook(request: HttpRequest, class_id: int, assignment_id: int) -> HttpResponse:
    """One assignment: where each student stands, attempts, points, percentage, first
    submission; ?sort=name|q<assignment id>&dir=asc|desc."""
    klass = get_class_to_grade(request, class_id)
    assignment = _get_assignment(klass, assignment_id)
    book = gradebook.build(klass, timezone.now(), assignment)
    columns = [("name", "Student", ""), (f"q{assignment.pk}", "Grade", "")]
    context = {
        "klass": klass,
        "assignment": assignment,
        "book": book,
        "column": book.columns[0],
        "headers": _sorted(request, book, columns),
        "runs_class": _runs_class(request, klass),
    }
    return render(request, "teach/assignment_gradebook.html", context)


@grader_required
@require_GET
def assignment_gradebook_csv(
    request: HttpRequest, class_id: int, assignment_id: int
) -> HttpResponse:
    klass = get_class_to_grade(request, class_id)
    assignment = _get_assignment(klass, assignment_id)
    book = gradebook.build(klass, timezone.now(), assignment)
    gradebook.sort_rows(book, "name", False)
    response = _csv(f"gradebook-{klass.pk}-{assignment.quiz.slug}.csv")
    gradebook.write_assignment_csv(book, response)
    return response
