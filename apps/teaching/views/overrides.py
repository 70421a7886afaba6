"""Exceptions to an assignment for one student or a group (per-student overrides)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.classes import services as class_services
from apps.teaching.forms import OverrideForm
from apps.teaching.views.access import get_class_for_user, teacher_required


@teacher_required
@require_http_methods(["GET", "POST"])
def assignment_overrides(request: HttpRequest, class_id: int, assignment_id: int) -> HttpResponse:
    """The exceptions given for one assigned quiz, and a form to give more (to one
    student or to several at once); POST remove=ID withdraws one."""
    klass = get_class_for_user(request, class_id)
    assignment = get_object_or_404(
        klass.assignments.select_related("quiz", "klass"), pk=assignment_id
    )
    overrides = assignment.overrides.select_related("student")
    here = redirect("teach:assignment_overrides", klass.pk, assignment.pk)
    if request.method == "POST" and "remove" in request.POST:
        if not request.POST["remove"].isdecimal():
            return HttpResponseBadRequest("Choose the exception to withdraw.")
        override = get_object_or_404(overrides, pk=request.POST["remove"])
        class_services.withdraw_override(override)
        messages.success(request, f"Withdrew {override.student.username}'s exception.")
        return here
    form = OverrideForm(request.POST or None, assignment=assignment)
    if request.method == "POST" and form.is_valid():
        students = list(form.cleaned_data["students"])
        class_services.grant_override(assignment, students, by=request.user, **form.exceptions())
        names = ", ".join(student.username for student in students)
        messages.success(request, f"Saved the exception for {names}.")
        return here
    context = {"klass": klass, "assignment": assignment, "overrides": overrides, "form": form}
    return render(request, "teach/assignment_overrides.html", context)
