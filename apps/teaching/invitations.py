"""Writes on invitations: making one, mailing its link, accepting it (by a signed-in
user, or by signing up through it). Each runs in one transaction."""

import logging
import secrets
import smtplib

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from apps.classes import services as class_services
from apps.classes.models import Class, Teacher
from apps.core.checks import password_reset_by_email
from apps.core.dates import when
from apps.core.roles import Role, grant_role
from apps.teaching.models import INVITATION_LIFETIME, Invitation, hash_token

logger = logging.getLogger(__name__)


class InvitationError(Exception):
    """The invitation cannot be accepted; the message is written for the person invited."""


def invite(
    invited_by, email: str = "", klass: Class | None = None, class_role: str = "", now=None
) -> tuple[Invitation, str]:
    """A new invitation and its token (the only time the token exists in clear): to teach,
    or, with a class, to co-teach or assist in it. It works once, for INVITATION_LIFETIME."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        token_hash=hash_token(token),
        email=email,
        invited_by=invited_by,
        klass=klass,
        class_role=class_role if klass is not None else "",
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    return invitation, token


def mail_invitation(invitation: Invitation, link: str) -> bool:
    """Mail the link to the invited address: True when a mail went out; False when there
    is no address, no mailer configured, or the mail server refused (the inviter then
    copies the link from the page)."""
    if not invitation.email or not password_reset_by_email():
        return False
    inviter = invitation.invited_by.get_full_name() or invitation.invited_by.username
    body = (
        f"{inviter} invites you to {invitation.offer()}.\n\n"
        f"Follow this link to accept, signing up first if you have no account yet:\n\n"
        f"{link}\n\n"
        f"The link works once, until {when(invitation.expires_at)}. If you did not expect "
        "this invitation, ignore this mail: nothing happens unless the link is followed.\n"
    )
    try:
        send_mail(f"Invitation to {invitation.offer()}", body, None, [invitation.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("Invitation %s could not be mailed", invitation.pk)
        return False
    return True


def find_invitation(token: str, now=None) -> Invitation | None:
    """The invitation a link's token opens, while it is usable; None otherwise."""
    found = Invitation.objects.usable(now).select_related("klass", "invited_by")
    return found.filter(token_hash=hash_token(token)).first()


@transaction.atomic
def accept_invitation(token: str, user, now=None) -> Invitation:
    """Give `user` what the invitation offers and use it up. The invitation's row is
    locked, so two people following one link at once cannot both accept it."""
    now = now or timezone.now()
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("klass")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not invitation.is_usable(now):
        raise InvitationError("This invitation link has expired or was already used.")
    if invitation.klass is None or invitation.class_role == Teacher.Role.CO_INSTRUCTOR:
        grant_role(user, Role.INSTRUCTOR)
        # The role just granted must count for the checks below, not the cached answer.
        # (attribute access, not __dict__: request.user is a lazy wrapper around the user)
        for cached in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            if hasattr(user, cached):
                delattr(user, cached)
    if invitation.klass is not None:
        try:
            class_services.add_teacher(
                invitation.klass, user, Teacher.Role(invitation.class_role), now=now
            )
        except class_services.StaffError as exc:
            raise InvitationError(str(exc)) from exc
    invitation.accepted_by = user
    invitation.accepted_at = now
    invitation.save(update_fields=["accepted_by", "accepted_at"])
    return invitation


@transaction.atomic
def sign_up_and_accept(form, token: str, now=None):
    """Create the account from a valid sign-up form and accept the invitation with it;
    if the invitation cannot be accepted, no account is created either."""
    user = form.save()
    accept_invitation(token, user, now)
    return user
