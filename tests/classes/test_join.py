"""Joining a class with a code or a link; wrong and expired codes say so; joining twice
changes nothing; instructors manage the code and the roster."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.classes import services
from apps.classes.models import CODE_ALPHABET, CODE_LENGTH, Membership, Teacher, new_join_code
from tests.conftest import PASSWORD
from tests.teaching.conftest import HX, client_for, make_class

pytestmark = pytest.mark.django_db


def test_codes_are_eight_unambiguous_characters():
    codes = {new_join_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("0O1IL5S2Z") & set(CODE_ALPHABET)


def test_each_class_gets_its_own_code(ingrid):
    first, second = make_class(ingrid, "A"), make_class(ingrid, "B")
    assert first.join_code != second.join_code


def test_a_typed_code_shows_the_class_and_asks_before_joining(alice, ingrid):
    klass = make_class(ingrid)
    client = client_for(alice)
    typed = f" {klass.join_code[:4].lower()}-{klass.join_code[4:]} "
    response = client.post(reverse("classes:join"), {"code": typed}, follow=True)
    link = reverse("classes:join_code", args=[klass.join_code])
    assert response.redirect_chain == [(link, 302)]
    page = response.content.decode()
    assert "Join Seminar A" in page and "Taught by ingrid" in page
    assert not Membership.objects.exists()
    response = client.post(link, follow=True)
    assert response.redirect_chain[-1][0] == reverse("classes:assigned")
    assert f"You have joined {klass.name}." in response.content.decode()
    assert Membership.objects.filter(klass=klass, student=alice).exists()


def test_joining_twice_is_harmless(alice, ingrid):
    klass = make_class(ingrid)
    client = client_for(alice)
    link = reverse("classes:join_code", args=[klass.join_code])
    client.post(link)
    assert "You are already in this class." in client.get(link).content.decode()
    response = client.post(link, follow=True)
    assert "You are already in Seminar A." in response.content.decode()
    assert Membership.objects.count() == 1


def test_a_wrong_code_says_so(alice):
    page = client_for(alice).post(reverse("classes:join"), {"code": "NOPE1234"}).content.decode()
    assert "No class has the code “NOPE1234”" in page
    assert not Membership.objects.exists()


def test_an_expired_code_says_so(alice, ingrid):
    expired = timezone.now() - timedelta(minutes=1)
    klass = services.create_class(ingrid, "Old seminar", code_expires_at=expired)
    page = client_for(alice).post(reverse("classes:join"), {"code": klass.join_code}).content
    assert b"The code for Old seminar expired on" in page and b"Ask your instructor" in page
    assert not Membership.objects.exists()


def test_the_link_asks_before_joining(alice, ingrid):
    klass = make_class(ingrid)
    client = client_for(alice)
    link = reverse("classes:join_code", args=[klass.join_code])
    page = client.get(link).content.decode()
    assert "Join Seminar A" in page and "Taught by ingrid" in page
    assert not Membership.objects.exists()  # a GET (a link preview, a prefetch) joins nobody
    assert client.post(link).url == reverse("classes:assigned")
    assert Membership.objects.filter(student=alice).exists()
    assert "You are already in this class." in client.get(link).content.decode()


def test_a_wrong_link_is_a_404_that_says_why(alice):
    response = client_for(alice).get(reverse("classes:join_code", args=["WRONGXYZ"]))
    assert response.status_code == 404
    assert "No class has the code" in response.content.decode()


def test_signed_out_visitors_log_in_first_and_come_back(ingrid):
    klass = make_class(ingrid)
    link = reverse("classes:join_code", args=[klass.join_code])
    response = Client().get(link)
    assert response.status_code == 302 and response.url == f"/accounts/login/?next={link}"


def test_a_newcomer_signs_up_from_the_join_link_and_comes_back_to_it(ingrid):
    klass = make_class(ingrid)
    link = reverse("classes:join_code", args=[klass.join_code])
    client = Client()
    login_page = client.get(client.get(link).url).content.decode()
    signup = re.search(r'href="(/accounts/signup/\?next=[^"]+)"', login_page)[1]
    assert signup == f"/accounts/signup/?next={link}"
    form = client.get(signup).content.decode()
    assert f'<input type="hidden" name="next" value="{link}">' in form
    response = client.post(
        "/accounts/signup/",
        {"username": "newcomer", "email": "new@example.org", "password1": "a-long-passphrase-9",
         "password2": "a-long-passphrase-9", "next": link},
    )  # fmt: skip
    assert response.url == link
    assert "Join Seminar A" in client.get(link).content.decode()


@pytest.mark.parametrize("target", ["https://evil.example.net/", "//evil.example.net/x"])
def test_sign_up_never_sends_a_new_account_off_the_site(target):
    response = Client().post(
        "/accounts/signup/",
        {"username": "newcomer", "email": "new@example.org", "password1": "a-long-passphrase-9",
         "password2": "a-long-passphrase-9", "next": target},
    )  # fmt: skip
    assert response.url == reverse("site:home")


def test_a_new_code_replaces_the_old_one(ingrid, alice):
    klass = make_class(ingrid)
    old = klass.join_code
    client = client_for(ingrid)
    page = client.post(reverse("teach:class_code", args=[klass.pk]), {}, **HX).content.decode()
    klass.refresh_from_db()
    assert klass.join_code != old and f"New code {klass.join_code}" in page
    response = client_for(alice).post(reverse("classes:join"), {"code": old})
    assert "No class has the code" in response.content.decode()


def test_the_class_page_shows_the_code_and_the_link(ingrid):
    klass = make_class(ingrid)
    page = client_for(ingrid).get(reverse("teach:class_detail", args=[klass.pk])).content.decode()
    assert klass.join_code in page
    assert f"http://testserver/classes/join/{klass.join_code}/" in page


def test_removing_a_student_from_the_roster(ingrid, alice, bob):
    klass = make_class(ingrid, students=[alice, bob])
    membership = klass.memberships.get(student=alice)
    url = reverse("teach:member_remove", args=[klass.pk, membership.pk])
    page = client_for(ingrid).post(url, **HX).content.decode()
    assert page.strip().startswith('<section id="roster"')
    assert "Removed alice from Seminar A." in page
    assert list(klass.memberships.values_list("student__username", flat=True)) == ["bob"]


def test_creating_a_class(ingrid):
    response = client_for(ingrid).post(reverse("teach:class_create"), {"name": "Seminar C"})
    klass = ingrid.classes_taught.get()
    assert response.url == reverse("teach:class_detail", args=[klass.pk])
    assert len(klass.join_code) == CODE_LENGTH


# -- guessing codes --------------------------------------------------------------------

LIMIT = services.WRONG_CODES.limit
LOCKED = f"Too many wrong codes; try again in {services.WRONG_CODES.seconds // 60} minutes."


def join(client, code: str):
    return client.post(reverse("classes:join"), {"code": code})


def type_wrong_codes(client, count: int) -> None:
    for n in range(count):
        assert join(client, f"NOPE{n:04d}").status_code == 200, n


def test_too_many_wrong_codes_lock_the_student_out_even_for_the_right_code(alice, ingrid):
    klass = make_class(ingrid)
    client = client_for(alice)
    type_wrong_codes(client, LIMIT)
    response = join(client, klass.join_code)
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    link = client.get(reverse("classes:join_code", args=[klass.join_code]))
    assert link.status_code == 429 and LOCKED in link.content.decode()
    assert client.post(reverse("classes:join_code", args=[klass.join_code])).status_code == 429
    assert not Membership.objects.exists()


def test_wrong_links_count_as_wrong_codes(alice, ingrid):
    klass = make_class(ingrid)
    client = client_for(alice)
    for n in range(LIMIT):
        assert client.get(reverse("classes:join_code", args=[f"NOPE{n:04d}"])).status_code == 404
    assert join(client, klass.join_code).status_code == 429


def test_a_right_code_does_not_wipe_the_count(alice, ingrid):
    klass = make_class(ingrid)
    client = client_for(alice)
    type_wrong_codes(client, LIMIT - 1)
    assert join(client, klass.join_code).status_code == 302
    type_wrong_codes(client, 1)
    assert join(client, "NOPE9999").status_code == 429


def test_one_students_wrong_codes_do_not_lock_another(alice, bob, ingrid):
    klass = make_class(ingrid)
    type_wrong_codes(client_for(alice), LIMIT)
    assert join(client_for(bob), klass.join_code).status_code == 302


def test_the_lockout_ends_when_its_time_is_up(alice, ingrid, clock):
    klass = make_class(ingrid)
    client = client_for(alice)
    type_wrong_codes(client, LIMIT)
    clock.advance(services.WRONG_CODES.seconds - 5)
    assert join(client, klass.join_code).status_code == 429
    clock.advance(6)
    assert join(client, klass.join_code).status_code == 302


def test_the_join_and_log_in_throttles_never_lock_each_other(alice, bob, ingrid):
    klass = make_class(ingrid)
    type_wrong_codes(client_for(alice), LIMIT)
    credentials = {"username": "alice", "password": PASSWORD}
    assert Client().post("/accounts/login/", credentials).status_code == 302
    # Whatever is typed as a username at the log-in cannot name a student's counter.
    for username in (str(bob.pk), f"join-fail:student:{bob.pk}") * LIMIT:
        Client().post("/accounts/login/", {"username": username, "password": "wrong"})
    assert join(client_for(bob), klass.join_code).status_code == 302


# -- those who teach a class are not its students ----------------------------------------


@pytest.mark.parametrize(
    ("role", "message"),
    [
        (None, "You teach Seminar A (you own it), so you cannot also join it as a student."),
        (Teacher.Role.ASSISTANT,
         "You teach Seminar A (as its teaching assistant), so you cannot also join it as a student."),
        (Teacher.Role.CO_INSTRUCTOR,
         "You teach Seminar A (as its co-instructor), so you cannot also join it as a student."),
    ],
)  # fmt: skip
def test_someone_who_teaches_the_class_cannot_join_it_as_a_student(ingrid, ivan, role, message):
    klass = make_class(ingrid)
    person = ingrid
    if role is not None:
        person = ivan
        services.add_teacher(klass, ivan, role)
    client = client_for(person)
    link = reverse("classes:join_code", args=[klass.join_code])
    shown = client.get(link)
    assert shown.status_code == 403 and message in shown.content.decode()
    assert f"Join {klass.name}</button>" not in shown.content.decode()
    refused = client.post(link)
    assert refused.status_code == 403 and message in refused.content.decode()
    typed = client.post(reverse("classes:join"), {"code": klass.join_code}, follow=True)
    assert message in typed.content.decode()
    with pytest.raises(services.JoinError, match="cannot also join"):
        services.join_class(person, klass)
    assert not Membership.objects.exists()


def test_a_teaching_assistant_may_still_join_another_class(ingrid, ivan):
    assisted, other = make_class(ingrid, "Seminar A"), make_class(ingrid, "Seminar B")
    services.add_teacher(assisted, ivan, Teacher.Role.ASSISTANT)
    membership, created = services.join_class(ivan, other)
    assert created and membership.klass == other


def test_the_refusal_points_a_teaching_assistant_to_a_page_they_may_open(ingrid, bob):
    klass = make_class(ingrid)
    services.add_teacher(klass, bob, Teacher.Role.ASSISTANT)
    client = client_for(bob)
    page = client.get(reverse("classes:join_code", args=[klass.join_code])).content.decode()
    target = re.search(r'<a class="button" href="([^"]+)">Go to your teaching area', page)[1]
    assert client.get(target).status_code == 200
