"""Invitations to teach: made by curators and superusers (or from a class page), mailed
when mail is configured and shown once to copy, accepted once by signing up through the
link or by a signed-in user, refused when expired, used or withdrawn."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from apps.classes.models import Teacher
from apps.core.roles import Action, Role, may
from apps.teaching import invitations
from apps.teaching.models import Invitation, hash_token
from tests.conftest import PASSWORD, make_user
from tests.teaching.conftest import client_for, make_class

pytestmark = pytest.mark.django_db
SIGN_UP = {
    "username": "nadia",
    "email": "nadia@example.org",
    "password1": "a-long-and-new-passphrase-7",
    "password2": "a-long-and-new-passphrase-7",
}


def accept_url(token: str) -> str:
    return reverse("teach:invitation_accept", args=[token])


def link_on(page: str) -> str:
    return re.search(r'id="new-invitation-link"[^>]* value="http://testserver([^"]+)"', page)[1]


def fresh(user):
    """The user as the next request sees it (permission caches dropped)."""
    return User.objects.get(pk=user.pk)


def test_a_curator_makes_an_invitation_and_sees_its_link_once(carol, settings):
    settings.MAILERS = {}
    client = client_for(carol)
    response = client.post(reverse("teach:invitations"), {"email": " Nadia@Example.org "})
    assert response["Location"] == reverse("teach:invitations")
    page = client.get(reverse("teach:invitations")).content.decode()
    assert "Copy the link below" in page
    link = link_on(page)
    token = link.rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get()
    assert invitation.email == "nadia@example.org"
    assert invitation.token_hash == hash_token(token) != token
    assert token not in str(Invitation.objects.values_list())
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)
    again = client.get(reverse("teach:invitations")).content.decode()
    assert "new-invitation-link" not in again
    assert "nadia@example.org" in again and "Waiting" in again


def test_a_superuser_may_invite_and_an_instructor_may_not(root, ingrid):
    assert client_for(root).get(reverse("teach:invitations")).status_code == 200
    response = client_for(ingrid).post(reverse("teach:invitations"), {"email": "x@example.org"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_a_bad_address_is_named_and_nothing_is_made(carol):
    response = client_for(carol).post(reverse("teach:invitations"), {"email": "not an address"})
    assert response.status_code == 200
    assert "Their email address: Enter a valid email address." in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invitation_is_mailed_over_smtp_and_its_link_signs_up_an_instructor(
    client, carol, smtp_server
):
    client_for(carol).post(reverse("teach:invitations"), {"email": "nadia@example.org"})
    [(recipients, message)] = smtp_server.messages
    assert recipients == ["nadia@example.org"]
    assert "teach on Regimes" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    link = re.search(r"http://testserver(/teach/invitations/accept/\S+/)", body)[1]

    page = client.get(link).content.decode()
    assert "carol invites you to teach on Regimes as an instructor" in page
    assert 'value="nadia@example.org"' in page  # the address invited, filled in
    response = client.post(link, SIGN_UP)
    assert response["Location"] == reverse("teach:dashboard")
    nadia = User.objects.get(username="nadia")
    assert may(nadia, Action.TEACH)
    assert set(nadia.groups.values_list("name", flat=True)) == {Role.STUDENT, Role.INSTRUCTOR}
    assert client.get(reverse("teach:dashboard")).status_code == 200  # signed in
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == nadia and invitation.accepted_at is not None


def test_a_link_works_once(client, carol, bob):
    _, token = invitations.invite(carol, "nadia@example.org")
    assert client.post(accept_url(token), SIGN_UP).status_code == 302
    second = client_for(bob)
    assert second.get(accept_url(token)).status_code == 404
    assert second.post(accept_url(token)).status_code == 404
    assert not may(fresh(bob), Action.TEACH)


def test_an_expired_link_signs_nobody_up(client, carol):
    past = timezone.now() - timedelta(days=8)
    _, token = invitations.invite(carol, "nadia@example.org", now=past)
    response = client.post(accept_url(token), SIGN_UP)
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    assert not User.objects.filter(username="nadia").exists()


def test_an_unknown_token_looks_like_a_used_one(client, carol):
    _, token = invitations.invite(carol)
    invitations.accept_invitation(token, make_user("first"))
    used = client.get(accept_url(token))
    unknown = client.get(accept_url("x" * 43))
    assert used.status_code == unknown.status_code == 404
    page = used.content.decode().replace(token, "<token>")
    assert page == unknown.content.decode().replace("x" * 43, "<token>")


def test_a_faulty_sign_up_is_shown_again_and_leaves_the_link_unused(client, carol):
    _, token = invitations.invite(carol)
    response = client.post(accept_url(token), {**SIGN_UP, "password2": "something else"})
    assert response.status_code == 200
    assert "password fields didn’t match" in response.content.decode()
    assert not User.objects.filter(username="nadia").exists()
    assert Invitation.objects.usable().count() == 1


def test_a_signed_in_student_accepts_and_becomes_an_instructor(carol, alice):
    _, token = invitations.invite(carol)
    client = client_for(alice)
    page = client.get(accept_url(token)).content.decode()
    assert "Accept as alice" in page
    assert client.post(accept_url(token))["Location"] == reverse("teach:dashboard")
    assert may(fresh(alice), Action.TEACH)


def test_logging_in_from_the_invitation_comes_back_to_it(client, carol, alice):
    _, token = invitations.invite(carol)
    page = client.get(accept_url(token)).content.decode()
    login = re.search(r'href="(/accounts/login/\?next=[^"]+)"', page)[1]
    response = client.post(login, {"username": "alice", "password": PASSWORD})
    assert response["Location"] == accept_url(token)


def test_a_class_invitation_makes_a_teaching_assistant_who_is_not_an_instructor(
    ingrid, alice, client
):
    klass = make_class(ingrid, students=[alice])
    _, token = invitations.invite(ingrid, "ta@example.org", klass, Teacher.Role.ASSISTANT)
    page = client.get(accept_url(token)).content.decode()
    assert "assist in Seminar A as a teaching assistant" in page
    client.post(accept_url(token), SIGN_UP)
    nadia = User.objects.get(username="nadia")
    assert not may(nadia, Action.TEACH)
    assert klass.teachers.get().user == nadia
    assert client.get(reverse("teach:gradebook", args=[klass.pk])).status_code == 200


def test_a_class_invitation_to_co_teach_makes_an_instructor_too(ingrid, bob):
    klass = make_class(ingrid)
    _, token = invitations.invite(ingrid, "", klass, Teacher.Role.CO_INSTRUCTOR)
    client_for(bob).post(accept_url(token))
    assert may(fresh(bob), Action.TEACH)
    assert klass.teachers.get(user=bob).role == Teacher.Role.CO_INSTRUCTOR


def test_an_invitation_that_cannot_be_accepted_creates_no_account(ingrid, alice, client):
    klass = make_class(ingrid, students=[alice])
    _, token = invitations.invite(ingrid, "", klass, Teacher.Role.ASSISTANT)
    # alice is a student of the class, so she cannot assist in it.
    response = client_for(alice).post(accept_url(token))
    assert response["Location"] == reverse("site:home")
    assert not klass.teachers.exists()
    assert Invitation.objects.usable().count() == 1


def test_a_withdrawn_invitation_stops_working(carol, client):
    invitation, token = invitations.invite(carol, "nadia@example.org")
    url = reverse("teach:invitation_withdraw", args=[invitation.pk])
    curator = client_for(carol)
    asked = curator.post(url)  # without JavaScript: the confirmation page first
    assert "will stop working" in asked.content.decode()
    assert client.get(accept_url(token)).status_code == 200
    assert curator.post(url, {"confirm": "yes"}).status_code == 302
    assert client.get(accept_url(token)).status_code == 404


def test_without_a_mailer_the_page_says_to_copy_the_link(carol, settings, mailoutbox):
    settings.MAILERS = {}
    client = client_for(carol)
    client.post(reverse("teach:invitations"), {"email": "nadia@example.org"})
    page = client.get(reverse("teach:invitations")).content.decode()
    assert "Copy the link below and send it yourself" in page
    assert mailoutbox == []


def test_two_acceptances_of_one_link_cannot_both_succeed(carol, alice, bob):
    _, token = invitations.invite(carol)
    invitations.accept_invitation(token, alice)
    with pytest.raises(invitations.InvitationError):
        invitations.accept_invitation(token, bob)
    assert not may(fresh(bob), Action.TEACH)
