"""Classes: roster, join codes, assignments."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.classes import services as class_services
from apps.classes.models import Class, Teacher
from apps.core.dates import when
from apps.quizzes.models import Quiz
from apps.teaching.forms import (
    AssignmentForm,
    ClassForm,
    ClassRenameForm,
    JoinCodeForm,
    TeacherForm,
)
from apps.teaching.views.access import (
    confirm_page,
    confirmed,
    get_class_for_user,
    teacher_required,
    template_for,
)
from apps.teaching.views.accounts import invite, teachers_context


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


def _assignable(request: HttpRequest):
    """The quizzes the user may assign: those they teach, archived ones aside."""
    return Quiz.objects.teachable_by(request.user).active()


def _class_context(request: HttpRequest, klass: Class, **extra) -> dict:
    context = {
        "klass": klass,
        "join_url": request.build_absolute_uri(klass.join_path()),
        "code_valid": klass.code_is_valid(timezone.now()),
        "members": klass.memberships.select_related("student").order_by("student__username"),
        "assignments": klass.assignments.select_related("quiz"),
        "assignment_form": AssignmentForm(quizzes=_assignable(request), klass=klass),
        "code_form": JoinCodeForm(),
        "rename_form": ClassRenameForm(instance=klass),
        "status": "",
        **teachers_context(request, klass),
    }
    context.update(extra)
    return context


def _class_page(request: HttpRequest, klass: Class, partial: str, **extra) -> HttpResponse:
    context = _class_context(request, klass, **extra)
    return render(request, template_for(request, "teach/class_detail.html", partial), context)


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
    klass = get_class_for_user(request, class_id)
    return render(request, "teach/class_detail.html", _class_context(request, klass))


@teacher_required
@require_POST
def class_code(request: HttpRequest, class_id: int) -> HttpResponse:
    """Replace the join code (the old one stops working), with an optional expiry."""
    klass = get_class_for_user(request, class_id)
    form = JoinCodeForm(request.POST)
    if not form.is_valid():
        return _class_page(request, klass, "join-code", code_form=form)
    class_services.replace_code(klass, form.cleaned_data["code_expires_at"])
    status = f"New code {klass.join_code}: the old one no longer works."
    return _class_changed(request, klass, "join-code", status)


@teacher_required
@require_POST
def class_rename(request: HttpRequest, class_id: int) -> HttpResponse:
    klass = get_class_for_user(request, class_id)
    old_name = klass.name
    form = ClassRenameForm(request.POST, instance=Class.objects.get(pk=klass.pk))
    if not form.is_valid():
        return _class_page(request, klass, "class-name", rename_form=form)
    class_services.rename_class(klass, form.cleaned_data["name"])
    status = f"Renamed “{old_name}” to “{klass.name}”."
    return _class_changed(request, klass, "class-name", status)


@teacher_required
@require_POST
def class_archive(request: HttpRequest, class_id: int) -> HttpResponse:
    """Archive a class that has ended (archive=yes) or bring it back (archive=no)."""
    klass = get_class_for_user(request, class_id)
    archived = request.POST.get("archive") != "no"
    if archived and not confirmed(request):
        return confirm_page(
            request,
            title=f"Archive {klass.name}",
            consequence=(
                f"{klass.name} will leave your list of classes, its join code will stop "
                "working, and its students will no longer see its assigned quizzes. Its "
                "roster, assignments, attempts and gradebook are kept, and you can bring "
                "it back."
            ),
            button="Yes, archive",
            parent=(klass.name, klass.get_absolute_url()),
            cancel_url=klass.get_absolute_url(),
        )
    class_services.archive_class(klass, archived)
    if archived:
        messages.success(request, f"Archived {klass.name}: its gradebook stays here.")
    else:
        messages.success(request, f"{klass.name} is back: its code works again.")
    return redirect(klass)


@teacher_required
@require_POST
def member_remove(request: HttpRequest, class_id: int, membership_id: int) -> HttpResponse:
    """Take a student off the roster (their attempts stay theirs)."""
    klass = get_class_for_user(request, class_id)
    membership = get_object_or_404(klass.memberships.select_related("student"), pk=membership_id)
    username = membership.student.username
    if not confirmed(request):
        return confirm_page(
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
    class_services.leave_roster(membership)
    status = f"Removed {username} from {klass.name}."
    return _class_changed(request, klass, "roster", status)


@teacher_required
@require_POST
def assignment_create(request: HttpRequest, class_id: int) -> HttpResponse:
    klass = get_class_for_user(request, class_id)
    form = AssignmentForm(request.POST, quizzes=_assignable(request), klass=klass)
    if not form.is_valid():
        return _class_page(request, klass, "assignments", assignment_form=form)
    assignment = class_services.assign(klass, form.save(commit=False))
    status = f"Assigned “{assignment.quiz.title}”, due {when(assignment.due_at)}."
    return _class_changed(request, klass, "assignments", status)


def _get_assignment(klass: Class, assignment_id: int):
    return get_object_or_404(klass.assignments.select_related("quiz"), pk=assignment_id)


@teacher_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request: HttpRequest, class_id: int, assignment_id: int) -> HttpResponse:
    klass = get_class_for_user(request, class_id)
    assignment = _get_assignment(klass, assignment_id)
    form = AssignmentForm(request.POST or None, instance=assignment)
    if request.method == "POST" and form.is_valid():
        class_services.assign(klass, form.save(commit=False))
        messages.success(request, f"Dates saved for “{assignment.quiz.title}”.")
        return redirect(klass)
    context = {"klass": klass, "assignment": assignment, "form": form}
    return render(request, "teach/assignment_edit.html", context)


@teacher_required
@require_POST
def assignment_delete(request: HttpRequest, class_id: int, assignment_id: int) -> HttpResponse:
    klass = get_class_for_user(request, class_id)
    assignment = _get_assignment(klass, assignment_id)
    if not confirmed(request):
        return confirm_page(
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
    class_services.unassign(assignment)
    status = f"“{assignment.quiz.title}” is no longer assigned (attempts are kept)."
    return _class_changed(request, klass, "assignments", status)


@teacher_required
@require_POST
def teacher_add(request: HttpRequest, class_id: int) -> HttpResponse:
    """Add a co-instructor or teaching assistant by username or email; an address no
    account uses is sent an invitation to the class instead."""
    klass = get_class_for_user(request, class_id)
    form = TeacherForm(request.POST)
    if not form.is_valid():
        return _class_page(request, klass, "teachers", teacher_form=form)
    role = Teacher.Role(form.cleaned_data["role"])
    if form.invite_email:
        status = invite(request, form.invite_email, klass, role)
        return _class_changed(request, klass, "teachers", status)
    try:
        teacher, created = class_services.add_teacher(klass, form.user, role)
    except class_services.StaffError as exc:
        form.add_error("person", str(exc))
        return _class_page(request, klass, "teachers", teacher_form=form)
    verb = "Added" if created else "Made"
    status = f"{verb} {teacher.user.username} {role.label.lower()} of {klass.name}."
    return _class_changed(request, klass, "teachers", status)


@teacher_required
@require_POST
def teacher_remove(request: HttpRequest, class_id: int, teacher_id: int) -> HttpResponse:
    """Take a co-instructor or teaching assistant off the class."""
    klass = get_class_for_user(request, class_id)
    teacher = get_object_or_404(klass.teachers.select_related("user"), pk=teacher_id)
    username = teacher.user.username
    if not confirmed(request):
        return confirm_page(
            request,
            title=f"Remove {username}",
            consequence=(
                f"{username} will no longer be {teacher.get_role_display().lower()} of "
                f"{klass.name}: they lose its roster, gradebook, statistics and essays. "
                "Grades they gave are kept."
            ),
            button="Yes, remove",
            parent=(klass.name, klass.get_absolute_url()),
            cancel_url=f"{klass.get_absolute_url()}#teachers",
        )
    class_services.remove_teacher(teacher)
    status = f"{username} no longer teaches {klass.name}."
    return _class_changed(request, klass, "teachers", status)
