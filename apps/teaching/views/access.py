"""What every view of the teaching area (/teach/) goes through.

Every view is gated by `teacher_required` (instructors and curators; students get 403),
or, where a teaching assistant may go too (the dashboard, gradebooks, statistics and
essay grading), by `grader_required`. Views reach objects only through the helpers below,
which answer 404 for anything the user may not see, so nobody learns that another
instructor's quiz or class exists:

    get_quiz_to_edit     quizzes the user may change (Quiz.objects.editable_by)
    get_quiz_to_teach    ... may also preview, copy, export and count (teachable_by)
    get_quiz_to_grade    ... or read statistics of, also as a TA (quizzes_to_grade)
    get_class_for_user   classes the user runs: owner, co-instructor (Class.taught_by)
    get_class_to_grade   ... or assists as a TA (Class.graded_by)
    get_essay_to_grade   essay answers in attempts the user teaches (Attempt.taught_by)
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.classes.models import Class, Teacher
from apps.core.decorators import login_required_for_htmx
from apps.core.roles import Action, may
from apps.quizzes.models import Attempt, Question, Quiz, Response

Kind = Question.Kind


def teacher_required(view):
    """Signed in (else the login page; 403 for htmx) and an instructor or curator."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (may(request.user, Action.TEACH) or may(request.user, Action.CURATE)):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required_for_htmx(wrapper)


def grader_required(view):
    """Like teacher_required, but a teaching assistant of some class (who may hold no
    role beyond Student) is let in as well."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user = request.user
        if not (
            may(user, Action.TEACH)
            or may(user, Action.CURATE)
            or Teacher.objects.filter(user=user).exists()
        ):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required_for_htmx(wrapper)


def get_quiz_to_edit(request: HttpRequest, quiz_id: int) -> Quiz:
    return get_object_or_404(Quiz.objects.editable_by(request.user), pk=quiz_id)


def get_quiz_to_teach(request: HttpRequest, quiz_id: int) -> Quiz:
    return get_object_or_404(Quiz.objects.teachable_by(request.user), pk=quiz_id)


def quizzes_to_grade(request: HttpRequest):
    """The quizzes whose statistics and essays the user may read: those they teach, and
    those assigned to a class they run or assist."""
    classes = Class.objects.graded_by(request.user)
    assigned = Quiz.objects.filter(assignments__klass__in=classes).values("pk")
    return Quiz.objects.filter(
        Q(pk__in=Quiz.objects.teachable_by(request.user).values("pk")) | Q(pk__in=assigned)
    )


def get_quiz_to_grade(request: HttpRequest, quiz_id: int) -> Quiz:
    return get_object_or_404(quizzes_to_grade(request), pk=quiz_id)


def get_question_to_edit(quiz: Quiz, question_id: int) -> Question:
    questions = quiz.questions.current().prefetch_related("choices")
    return get_object_or_404(questions, pk=question_id)


def get_class_for_user(request: HttpRequest, class_id: int) -> Class:
    return get_object_or_404(Class.objects.taught_by(request.user), pk=class_id)


def get_class_to_grade(request: HttpRequest, class_id: int) -> Class:
    return get_object_or_404(Class.objects.graded_by(request.user), pk=class_id)


def essays_to_grade(request: HttpRequest):
    attempts = Attempt.objects.taught_by(request.user).filter(state=Attempt.State.SUBMITTED)
    return Response.objects.filter(attempt__in=attempts, question__kind=Kind.ESSAY)


def get_essay_to_grade(request: HttpRequest, response_id: int) -> Response:
    responses = essays_to_grade(request).select_related(
        "attempt__user", "attempt__quiz", "question"
    )
    return get_object_or_404(responses, pk=response_id)


def template_for(request: HttpRequest, name: str, partial: str) -> str:
    return f"{name}#{partial}" if request.htmx else name


def confirmed(request: HttpRequest) -> bool:
    """May this removal act now? An htmx request has asked already (hx-confirm); a form
    posted without JavaScript acts only from the confirmation page (confirm=yes)."""
    return bool(request.htmx) or request.POST.get("confirm") == "yes"


def confirm_page(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    button: str,
    parent: tuple[str, str],
    cancel_url: str,
) -> HttpResponse:
    """Asks before a removal, for browsers without JavaScript: the page says what will
    happen and posts back to the same URL with confirm=yes. `parent` is the breadcrumb
    (name, url) of the page the removal is made from."""
    context = {
        "title": title,
        "consequence": consequence,
        "button": button,
        "parent_name": parent[0],
        "parent_url": parent[1],
        "cancel_url": cancel_url,
        "action_url": request.path,
    }
    return render(request, "teach/confirm.html", context)


def bank_questions(request: HttpRequest):
    """The user's question bank: the current questions of every quiz they may teach
    (their own and the course quizzes; every quiz for a curator)."""
    return Question.objects.current().filter(quiz__in=Quiz.objects.teachable_by(request.user))
