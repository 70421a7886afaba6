"""The student's side of classes: joining with a code or a link, and what is assigned."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from apps.classes import services
from apps.classes.forms import JoinForm
from apps.classes.models import Class, Membership
from apps.classes.progress import assigned_quizzes
from apps.core.roles import Action, may


def _require_student(request: HttpRequest) -> None:
    if not may(request.user, Action.TAKE_QUIZZES):
        raise PermissionDenied


def _joined(request: HttpRequest, membership: Membership, created: bool) -> HttpResponse:
    name = membership.klass.name
    if created:
        messages.success(request, f"You have joined {name}. Its quizzes are listed below.")
    else:
        messages.info(request, f"You are already in {name}.")
    return redirect("classes:assigned")


@login_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Type a code: a right one leads to the class's join page, which names the class and
    asks to confirm, as its link does (429 while too many wrong codes lock the student
    out)."""
    _require_student(request)
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            klass = services.find_class(form.cleaned_data["code"], request.user)
        except services.TooManyWrongCodes as exc:
            form.add_error(None, str(exc))
            status = 429
        except services.JoinError as exc:
            form.add_error("code", str(exc))
        else:
            return redirect(klass.join_path())
    return render(request, "classes/join.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def join_code(request: HttpRequest, code: str) -> HttpResponse:
    """The join link: GET says which class it opens, POST joins (a link alone never
    changes anything, so link previews cannot join anyone). A wrong link counts as a
    wrong code: guessing links is guessing codes. Someone who teaches the class is told
    they cannot join it (403)."""
    _require_student(request)
    try:
        klass = services.find_class(code, request.user)
    except services.JoinError as exc:
        form = JoinForm(initial={"code": code})
        status = 429 if isinstance(exc, services.TooManyWrongCodes) else 404
        context = {"form": form, "error": str(exc)}
        return render(request, "classes/join.html", context, status=status)
    try:
        if request.method == "POST":
            return _joined(request, *services.join_class(request.user, klass))
        services.check_may_join(klass, request.user)
    except services.TeachesThisClass as exc:
        context = {"klass": klass, "refused": str(exc)}
        return render(request, "classes/join_confirm.html", context, status=403)
    already = klass.memberships.filter(student=request.user).exists()
    return render(request, "classes/join_confirm.html", {"klass": klass, "already": already})


@login_required
@require_GET
def assigned(request: HttpRequest) -> HttpResponse:
    """Every quiz the student's classes assign, by due date, with where they stand
    (archived quizzes and classes left out)."""
    items = assigned_quizzes(request.user, timezone.now())
    classes = Class.objects.for_student(request.user).select_related("owner")
    context = {"items": items, "classes": classes}
    return render(request, "classes/assigned.html", context)
