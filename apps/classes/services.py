"""Writes on classes: creating one, replacing its code, joining, leaving the roster."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.classes.models import Class, Membership, new_join_code, normalise_code

# Codes are random; a collision is rare enough that a few draws always find a free one.
CODE_DRAWS = 10


class JoinError(Exception):
    """The code was refused; the message is written for the student."""


def _with_fresh_code(save) -> None:
    """Run `save` until the join code it writes is unique."""
    for _ in range(CODE_DRAWS):
        try:
            with transaction.atomic():
                save(new_join_code())
            return
        except IntegrityError:
            continue
    raise RuntimeError("could not draw a free join code")


def create_class(owner, name: str, code_expires_at=None) -> Class:
    klass = Class(owner=owner, name=name, code_expires_at=code_expires_at)

    def save(code):
        klass.pk, klass._state.adding = None, True
        klass.join_code = code
        klass.save()

    _with_fresh_code(save)
    return klass


def replace_code(klass: Class, code_expires_at=None) -> Class:
    """Give the class a new join code (the old one stops working at once)."""

    def save(code):
        klass.join_code = code
        klass.code_expires_at = code_expires_at
        klass.save(update_fields=["join_code", "code_expires_at"])

    _with_fresh_code(save)
    return klass


def find_class(code: str, now=None) -> Class:
    """The class a join code opens; JoinError says why a code does not open one."""
    now = now or timezone.now()
    normalised = normalise_code(code)
    klass = Class.objects.select_related("owner").filter(join_code=normalised).first()
    if klass is None:
        raise JoinError(
            f"No class has the code “{code.strip()}”. Check it with your instructor: codes "
            "have 8 letters and digits."
        )
    if not klass.code_is_valid(now):
        raise JoinError(
            f"The code for {klass.name} expired on {klass.code_expires_at:%-d %b %Y, %H:%M} "
            "UTC. Ask your instructor for a new one."
        )
    return klass


def join_class(student, code: str, now=None) -> tuple[Membership, bool]:
    """Put `student` in the class the code opens: (membership, True when new). Joining
    again changes nothing."""
    now = now or timezone.now()
    klass = find_class(code, now)
    try:
        with transaction.atomic():
            return Membership.objects.get_or_create(
                klass=klass, student=student, defaults={"joined_at": now}
            )
    except IntegrityError:
        # A double click joined in the other request.
        return Membership.objects.get(klass=klass, student=student), False
