"""Instructor accounts without the admin: invitations to teach (made by curators and
superusers, or from a class page to co-teach or assist in it), accepting them, and a
class's co-instructors and teaching assistants."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.classes.models import Class
from apps.core import throttle
from apps.core.dates import when
from apps.core.forms import SignUpForm
from apps.core.roles import Action, may
from apps.teaching import invitations
from apps.teaching.forms import InvitationForm, TeacherForm
from apps.teaching.models import Invitation
from apps.teaching.views.access import (
    confirm_page,
    confirmed,
    teacher_required,
)

# The session key under which a new link waits to be shown once, after the redirect.
NEW_LINK = "teach:new-invitation-link"
RECENT_INVITATIONS = 50


def _require_curator(request: HttpRequest) -> None:
    if not may(request.user, Action.CURATE):
        raise PermissionDenied


def invite(request: HttpRequest, email: str, klass=None, class_role="") -> str:
    """Make an invitation, mail it when possible, and keep its link for the next page;
    returns the status line saying what happened."""
    invitation, token = invitations.invite(request.user, email, klass, class_role)
    link = request.build_absolute_uri(reverse("teach:invitation_accept", args=[token]))
    request.session[NEW_LINK] = link
    mailed = invitations.mail_invitation(invitation, link)
    until = when(invitation.expires_at)
    if mailed:
        return f"Invitation mailed to {email}. The link works once, until {until}."
    return (
        f"Invitation made. Copy the link below and send it yourself: it works once, until {until}."
    )


def new_link(request: HttpRequest) -> str:
    """The link of the invitation just made, shown once (only its hash is stored)."""
    return request.session.pop(NEW_LINK, "")


def invitations_manageable(request: HttpRequest):
    """Invitations the user may see and withdraw: curators every one, others those to the
    classes they run."""
    if may(request.user, Action.CURATE):
        return Invitation.objects.all()
    return Invitation.objects.filter(klass__in=Class.objects.taught_by(request.user))


@teacher_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest) -> HttpResponse:
    """Curators and superusers invite instructors and see the invitations of late."""
    _require_curator(request)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        messages.success(request, invite(request, form.cleaned_data["email"]))
        return redirect("teach:invitations")
    now = timezone.now()
    recent = Invitation.objects.select_related("invited_by", "accepted_by", "klass").order_by(
        "-created_at", "-pk"
    )[:RECENT_INVITATIONS]
    context = {"form": form, "invitations": recent, "now": now, "new_link": new_link(request)}
    return render(request, "teach/invitations.html", context)


@teacher_required
@require_POST
def invitation_withdraw(request: HttpRequest, invitation_id: int) -> HttpResponse:
    """Withdraw an invitation not yet accepted: its link stops working."""
    invitation = get_object_or_404(
        invitations_manageable(request).filter(accepted_at__isnull=True), pk=invitation_id
    )
    back = invitation.klass.get_absolute_url() if invitation.klass else reverse("teach:invitations")
    if not confirmed(request):
        return confirm_page(
            request,
            title="Withdraw the invitation",
            consequence=(
                f"The link sent{f' to {invitation.email}' if invitation.email else ''} to "
                f"{invitation.offer()} will stop working."
            ),
            button="Yes, withdraw",
            parent=("Invitations", back),
            cancel_url=back,
        )
    invitation.delete()
    messages.success(request, "Invitation withdrawn: its link no longer works.")
    return redirect(back)


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The invitation link: a signed-in user accepts it with one button; anyone else signs
    up through it. A link that is unknown, used or expired answers 404."""
    invitation = invitations.find_invitation(token)
    if invitation is None:
        return render(request, "teach/invitation_accept.html", {"invitation": None}, status=404)
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            return _accepted(request, token, request.user)
    else:
        form = SignUpForm(
            request.POST or None,
            address=throttle.client_address(request),
            initial={"email": invitation.email},
        )
        if request.method == "POST" and form.is_valid():
            try:
                user = invitations.sign_up_and_accept(form, token)
            except invitations.InvitationError as exc:
                form.add_error(None, str(exc))
            else:
                login(request, user)
                messages.success(
                    request, f"Welcome, {user.username}: you can now {invitation.offer()}."
                )
                return redirect("teach:dashboard")
    context = {"invitation": invitation, "form": form, "next": request.path}
    return render(request, "teach/invitation_accept.html", context)


def _accepted(request: HttpRequest, token: str, user) -> HttpResponse:
    try:
        invitation = invitations.accept_invitation(token, user)
    except invitations.InvitationError as exc:
        messages.error(request, str(exc))
        return redirect("site:home")
    messages.success(request, f"Invitation accepted: you can now {invitation.offer()}.")
    return redirect("teach:dashboard")


def teachers_context(request: HttpRequest, klass: Class) -> dict:
    """What the class page's Teachers section shows."""
    return {
        "teachers": klass.teachers.select_related("user").order_by("role", "user__username"),
        "class_invitations": klass.invitations.usable().order_by("-created_at"),
        "teacher_form": TeacherForm(),
        "new_link": new_link(request),
    }
