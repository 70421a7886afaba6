"""Writes on classes: creating one, replacing its code, joining, leaving the roster,
adding and removing co-instructors and teaching assistants."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.classes.models import (
    Assignment,
    Class,
    Membership,
    Override,
    Teacher,
    new_join_code,
    normalise_code,
)
from apps.core import throttle
from apps.core.dates import when
from apps.core.roles import Action, may
from apps.quizzes.services import follow_rules

# Codes are random; a collision is rare enough that a few draws always find a free one.
CODE_DRAWS = 10
# Wrong codes one student may type in a while. Per student, never per address: a lecture
# hall behind one router mistypes more than that between them.
WRONG_CODES = throttle.Throttle("join-fail:student", limit=10)


class JoinError(Exception):
    """The code was refused; the message is written for the student."""


class TooManyWrongCodes(JoinError):
    """The student typed too many wrong codes lately, so no code is tried for a while."""


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


def find_class(code: str, student, now=None) -> Class:
    """The class a join code opens for `student`; JoinError says why it does not.

    Every refused code counts against the student (WRONG_CODES); past its limit every
    code, right or wrong, is refused with TooManyWrongCodes until the while is over, so
    codes cannot be found by trying. A right code does not reset the count: a student who
    knows one code could otherwise go on guessing between uses of it.
    """
    key = str(student.pk)
    if WRONG_CODES.is_locked(key):
        raise TooManyWrongCodes(
            f"Too many wrong codes; try again in {WRONG_CODES.seconds // 60} minutes."
        )
    try:
        return _class_for_code(code, now or timezone.now())
    except JoinError:
        WRONG_CODES.record(key)
        raise


def _class_for_code(code: str, now) -> Class:
    normalised = normalise_code(code)
    klass = Class.objects.select_related("owner").filter(join_code=normalised).first()
    if klass is None:
        raise JoinError(
            f"No class has the code “{code.strip()}”. Check it with your instructor: codes "
            "have 8 letters and digits."
        )
    if klass.archived_at is not None:
        raise JoinError(f"{klass.name} has ended: its code no longer works.")
    if not klass.code_is_valid(now):
        raise JoinError(
            f"The code for {klass.name} expired on {when(klass.code_expires_at)}. "
            "Ask your instructor for a new one."
        )
    return klass


class TeachesThisClass(JoinError):
    """The person teaches the class, so is not also graded in it."""


def check_may_join(klass: Class, student) -> None:
    """Raise TeachesThisClass when `student` owns the class or teaches it as a
    co-instructor or teaching assistant: a class's teachers are never its students (and
    add_teacher refuses the converse)."""
    if student.pk == klass.owner_id:
        role = "you own it"
    else:
        teacher = klass.teachers.filter(user=student).first()
        if teacher is None:
            return
        role = f"as its {teacher.get_role_display().lower()}"
    raise TeachesThisClass(
        f"You teach {klass.name} ({role}), so you cannot also join it as a student."
    )


def join_class(student, klass: Class, now=None) -> tuple[Membership, bool]:
    """Put `student` in the class (found by find_class): (membership, True when new).
    Joining again changes nothing; one who teaches the class is refused (TeachesThisClass).
    The class's row is locked meanwhile, as add_teacher locks it, so that nobody becomes
    both at once."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            Class.objects.select_for_update().filter(pk=klass.pk).first()
            check_may_join(klass, student)
            return Membership.objects.get_or_create(
                klass=klass, student=student, defaults={"joined_at": now}
            )
    except IntegrityError:
        # A double click joined in the other request.
        return Membership.objects.get(klass=klass, student=student), False


def rename_class(klass: Class, name: str) -> Class:
    klass.name = name
    klass.save(update_fields=["name"])
    return klass


def archive_class(klass: Class, archived: bool, now=None) -> Class:
    """Archive a class that has ended (its code stops working, its students no longer see
    its assignments, it leaves the instructor's list) or bring it back; its roster,
    assignments and gradebook are kept either way."""
    klass.archived_at = (now or timezone.now()) if archived else None
    klass.save(update_fields=["archived_at"])
    return klass


def leave_roster(membership: Membership) -> None:
    """Take a student off a class's roster: its assignments and gradebook no longer list
    them; their attempts are kept, and the class code lets them join again."""
    membership.delete()


def assign(klass: Class, assignment: Assignment) -> Assignment:
    """Assign a quiz to the class with the assignment's dates (validated by its form)."""
    assignment.klass = klass
    assignment.save()
    return assignment


def unassign(assignment: Assignment) -> None:
    """Take a quiz off the class: attempts already made are kept."""
    assignment.delete()


@transaction.atomic
def grant_override(
    assignment: Assignment,
    students,
    *,
    extra_attempts: int = 0,
    due_at=None,
    closes_at=None,
    time_limit: int | None = None,
    by=None,
    now=None,
) -> list[Override]:
    """Give each student (members of the assignment's class, checked by the form) these
    exceptions, replacing any they had for this assignment; an attempt one of them has
    open gets the time it now allows."""
    now = now or timezone.now()
    fields = {
        "extra_attempts": extra_attempts or 0,
        "due_at": due_at,
        "closes_at": closes_at,
        "time_limit": time_limit,
        "granted_by": by,
        "granted_at": now,
    }
    overrides = [
        Override.objects.update_or_create(assignment=assignment, student=student, defaults=fields)[
            0
        ]
        for student in students
    ]
    follow_rules(assignment.quiz, students)
    return overrides


@transaction.atomic
def withdraw_override(override: Override) -> None:
    """Take an exception back: the student's rules are the class's again, an open attempt's
    deadline included."""
    override.delete()
    follow_rules(override.assignment.quiz, [override.student])


class StaffError(Exception):
    """The person cannot take that role in the class; the message says why."""


def add_teacher(klass: Class, user, role: Teacher.Role, now=None) -> tuple[Teacher, bool]:
    """Make `user` a co-instructor or teaching assistant of the class: (teacher, True when
    new). Someone who already teaches it changes role. A co-instructor must be an
    instructor; the owner and the class's own students cannot be added."""
    name = user.username
    if user.pk == klass.owner_id:
        raise StaffError(f"{name} owns {klass.name} already.")
    if role == Teacher.Role.CO_INSTRUCTOR and not may(user, Action.TEACH):
        raise StaffError(
            f"{name} is not an instructor. Add them as a teaching assistant, or invite "
            "them to teach by email."
        )
    with transaction.atomic():
        Class.objects.select_for_update().filter(pk=klass.pk).first()
        if klass.memberships.filter(student=user).exists():
            raise StaffError(
                f"{name} is a student in {klass.name}. Take them off the roster first."
            )
        teacher, created = Teacher.objects.select_for_update().get_or_create(
            klass=klass, user=user, defaults={"role": role, "added_at": now or timezone.now()}
        )
        if not created and teacher.role != role:
            teacher.role = role
            teacher.save(update_fields=["role"])
    return teacher, created


def remove_teacher(teacher: Teacher) -> None:
    """Take a co-instructor or teaching assistant off the class: they no longer reach it,
    its gradebook or its students' attempts. Grades they gave stay."""
    teacher.delete()
