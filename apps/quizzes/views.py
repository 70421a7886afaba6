"""Quiz pages: list, intro with attempt history, taking, summary, submitting, review.

Every attempt is reached through `_get_attempt_for_user` (to look at it), or
`_get_own_attempt` and `services.answering` (to answer it); all answer 404 for anyone
else's attempt, so nobody learns that it exists. The take page never renders a fraction,
a key or feedback; only a checked answer (immediate feedback) and the review, within the
quiz's rules, do.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.decorators import login_required_for_htmx
from apps.core.roles import Action, may
from apps.quizzes import grades, services
from apps.quizzes.forms import AnswerForm, SelfAssessmentForm
from apps.quizzes.models import (
    Attempt,
    Question,
    Quiz,
    Response,
    SelfAssessment,
    is_answer,
    scores_shown,
)
from apps.quizzes.presentation import (
    SlotState,
    marking_criteria,
    names_for_attempt,
    review_items,
    slot_states,
    take_context,
)

Kind = Question.Kind


def _get_quiz_for_user(request: HttpRequest, slug: str) -> Quiz:
    """A quiz `request.user` may see (404 otherwise, so nobody learns a hidden one exists)."""
    quiz = get_object_or_404(Quiz, slug=slug)
    if not quiz.is_visible_to(request.user):
        raise Http404
    return quiz


def _get_attempt_for_user(request: HttpRequest, attempt_id: int) -> Attempt:
    """An attempt `request.user` may look at: their own, or one they teach or curate."""
    attempts = Attempt.objects.visible_to(request.user).select_related("quiz", "user")
    return get_object_or_404(attempts, pk=attempt_id)


def _get_own_attempt(request: HttpRequest, attempt_id: int, with_quiz: bool = True) -> Attempt:
    """An attempt `request.user` may answer: only ever their own; with its quiz unless the
    caller never reads it (a join of the quiz's thirty columns is a third of a small
    query's time). An answer's save reads it through `services.answering` instead."""
    attempts = Attempt.objects.select_related("quiz") if with_quiz else Attempt.objects
    return get_object_or_404(attempts, pk=attempt_id, user_id=request.user.pk)


@require_GET
def quiz_list(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    quizzes = list(Quiz.objects.visible_to(request.user))
    user = request.user
    found = grades.summaries([user.pk], [q.pk for q in quizzes]) if user.is_authenticated else {}
    shown = scores_shown(quizzes, user, now)
    for quiz in quizzes:
        summary = found.get((user.pk, quiz.pk), grades.EMPTY)
        quiz.kept_grade = summary.kept_grade(quiz) if quiz.pk in shown else None
        quiz.attempted = bool(summary.submitted)
        quiz.open_attempt = summary.in_progress
    return render(request, "quizzes/list.html", {"quizzes": quizzes})


@require_GET
def quiz_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The intro: what the quiz is, its rules, and the student's attempts with the grade
    kept. Anonymous visitors see the intro and a sign-in link."""
    quiz = _get_quiz_for_user(request, slug)
    now = timezone.now()
    rules = quiz.rules_for(request.user)
    scores_visible = quiz.scores_visible(now, rules)
    attempts, open_attempt, attempts_left, kept = [], None, None, None
    if request.user.is_authenticated:
        # An attempt whose time ran out while nobody was on its page is closed first, as
        # the take page would, so the list shows it graded rather than open.
        attempts = [
            services.close_if_overdue(attempt, now)
            for attempt in quiz.attempts.filter(user=request.user).order_by("number")
        ]
        open_attempt = next((a for a in attempts if a.in_progress), None)
        if rules.attempts_allowed:
            used = sum(a.counted for a in attempts)
            attempts_left = max(0, rules.attempts_allowed - used)
        # Only a submitted attempt holds a grade: a student with none (everyone as an exam
        # starts, and in the middle of their first attempt) is spared the grade's queries.
        if scores_visible and any(a.state == Attempt.State.SUBMITTED for a in attempts):
            kept = grades.kept_grade(request.user, quiz)
    context = {
        "quiz": quiz,
        "attempts": attempts,
        "open_attempt": open_attempt,
        "attempts_left": attempts_left,
        "kept_grade": kept,
        "scores_visible": scores_visible,
        "feedback_visible": quiz.feedback_visible(now, rules),
        "rules": rules,
        "is_open": rules.is_open(now),
        "may_take": may(request.user, Action.TAKE_QUIZZES),
        "question_count": quiz.questions.current().exclude(kind=Kind.DESCRIPTION).count(),
    }
    return render(request, "quizzes/detail.html", context)


@login_required
@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    quiz = _get_quiz_for_user(request, slug)
    if not may(request.user, Action.TAKE_QUIZZES):
        raise PermissionDenied
    try:
        attempt = services.start_attempt(quiz, request.user)
    except services.QuizError as exc:
        messages.error(request, str(exc))
        return redirect(quiz)
    return redirect("quizzes:take", attempt.pk)


def _responses_by_question(attempt: Attempt) -> dict[int, Response]:
    """Every response of the attempt with its question's kind: one query for any length.
    Unordered: Response's default order would join the attempt and the quiz to sort by them."""
    responses = (
        attempt.responses.select_related("question")
        .only("question_id", "answer", "saved_at", "checked_at", "fraction", "feedback",
              "question__kind")
        .order_by()
    )  # fmt: skip
    return {response.question_id: response for response in responses}


def _leave_attempt(request: HttpRequest, attempt: Attempt) -> HttpResponse:
    """Out of a closed attempt to its review (htmx follows HX-Redirect); the review says
    when time ran out."""
    url = attempt.get_absolute_url()
    if request.htmx:
        return HttpResponse(headers={"HX-Redirect": url})
    return redirect(url)


def _slot(request: HttpRequest, attempt: Attempt) -> int:
    try:
        slot = int(request.GET.get("q", 1))
    except ValueError:
        slot = 1
    return min(max(slot, 1), len(attempt.question_order))


def _go_to(attempt: Attempt, slot: int, go: str) -> str:
    """Where a plain (no-JS) form post continues: another slot, the summary, or here."""
    if go == "summary":
        return reverse("quizzes:summary", args=[attempt.pk])
    if go.isdecimal() and 1 <= int(go) <= len(attempt.question_order):
        slot = int(go)
    return reverse("quizzes:take", args=[attempt.pk]) + f"?q={slot}"


@login_required_for_htmx
@require_http_methods(["GET", "POST"])
def take(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """One question of an open attempt (?q=N); POST answers it (`_answer`)."""
    now = timezone.now()
    if request.method == "POST":
        return _answer(request, attempt_id, now)
    attempt = services.close_if_overdue(_get_own_attempt(request, attempt_id), now)
    if not attempt.in_progress:
        return _leave_attempt(request, attempt)
    slot = _slot(request, attempt)
    question = services.question_with_choices(attempt.question_order[slot - 1])
    return render(request, "quizzes/take.html", _take_context(attempt, question, slot, now))


def _answer(request: HttpRequest, attempt_id: int, now) -> HttpResponse:
    """Save the posted answer: htmx autosave gets the save status back, Check (immediate
    feedback) the locked question with its feedback, and a plain form post continues to
    the slot or page it names. The attempt is read once, locked, for the save; only a
    check reads the quiz."""
    action = request.POST.get("action", "save")
    checking = action == "check"
    try:
        with services.answering(attempt_id, request.user.pk, now, with_quiz=checking) as attempt:
            if not attempt.in_progress:
                return _leave_attempt(request, attempt)
            slot = _slot(request, attempt)
            question = services.question_with_choices(attempt.question_order[slot - 1])
            form = AnswerForm(question, names_for_attempt(attempt), request.POST)
            if not form.is_valid():
                return HttpResponseBadRequest("That answer is not one of the options.")
            error = ""
            if question.is_scored:
                try:
                    services.store_response(attempt, question.pk, form.answer(), now, checking)
                except services.AnswerLocked as exc:
                    # A checked answer's inputs are disabled, so a plain post from its page
                    # carries no answer: it only navigates. An htmx post comes from a stale
                    # tab.
                    error = str(exc) if request.htmx else ""
                except services.QuizError as exc:
                    error = str(exc)
    except Attempt.DoesNotExist:
        raise Http404 from None
    if request.htmx and not checking:
        # 200 even for a refusal: htmx swaps only successes, and the reason belongs beside
        # the answer, in the status that screen readers announce. A saved answer also
        # updates its slot in the question list (out of band).
        saved = question.is_scored and not error
        slot_state = SlotState(slot, None, is_answer(form.answer()), False, question.is_scored)
        context = {"saved": saved, "error": error, "slot_state": slot_state if saved else None}
        return render(request, "quizzes/take.html#autosave-reply", context)
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(_go_to(attempt, slot, request.POST.get("go", "")))
    # After Check the form is swapped whole (its slot in the question list with it), and
    # focus goes to its outcome (see app.js).
    context = _take_context(attempt, question, slot, now)
    context.update(error=error, action=action)
    return render(request, "quizzes/take.html#check-reply", context)


def _take_context(attempt: Attempt, question: Question, slot: int, now) -> dict:
    responses = _responses_by_question(attempt)
    return take_context(
        quiz=attempt.quiz,
        attempt=attempt,
        questions=[responses[question_id].question for question_id in attempt.question_order],
        responses=responses,
        slot=slot,
        question=question,
        choices=attempt.ordered_choices(question),
        names=names_for_attempt(attempt),
        response=responses[question.pk],
        take_url=reverse("quizzes:take", args=[attempt.pk]),
        can_check=attempt.quiz.feedback_mode == Quiz.FeedbackMode.IMMEDIATE,
        seconds_left=_seconds_left(attempt, now),
    )


def _seconds_left(attempt: Attempt, now) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - now).total_seconds()))


@login_required
@require_GET
def summary(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Answered and unanswered questions, and the one button that submits."""
    now = timezone.now()
    attempt = services.close_if_overdue(_get_own_attempt(request, attempt_id), now)
    if not attempt.in_progress:
        return _leave_attempt(request, attempt)
    responses = _responses_by_question(attempt)
    questions = [responses[question_id].question for question_id in attempt.question_order]
    slots = [s for s in slot_states(questions, responses) if s.is_question]
    context = {
        "quiz": attempt.quiz,
        "attempt": attempt,
        "slots": slots,
        "answered": sum(1 for s in slots if s.answered),
        "first_unanswered": next((s.number for s in slots if not s.answered), None),
        "seconds_left": _seconds_left(attempt, now),
    }
    return render(request, "quizzes/summary.html", context)


@login_required
@require_POST
def submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """Grade once: a repeated post finds the attempt submitted and just shows it."""
    attempt = services.submit_attempt(_get_own_attempt(request, attempt_id, with_quiz=False))
    return _leave_attempt(request, attempt)


@login_required
@require_GET
def review(request: HttpRequest, attempt_id: int) -> HttpResponse:
    """The result and each question with the answer given; the score, the correct answers
    and the feedback appear as the quiz's review settings allow."""
    attempt = _get_attempt_for_user(request, attempt_id)
    if attempt.in_progress and attempt.user_id == request.user.pk:
        return redirect("quizzes:take", attempt.pk)
    items = review_items(attempt)
    rules = attempt.quiz.rules_for(attempt.user)
    due = rules.due_at if attempt.submitted_at else None
    context = {
        # Set when the student's class had the quiz due before this attempt came in.
        "late_for": due if due and attempt.submitted_at > due else None,
        "quiz": attempt.quiz,
        "attempt": attempt,
        "rules": rules,
        "show": attempt.review_options(request.user, timezone.now(), rules),
        "items": items,
        "is_own": attempt.user_id == request.user.pk,
        "needs_grading": any(item.response.needs_grading for item in items),
    }
    return render(request, "quizzes/review.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def self_assess(request: HttpRequest, attempt_id: int, number: int) -> HttpResponse:
    """Question `number` of a submitted attempt, an essay no instructor has graded yet:
    the student's answer beside the model answer, and the guide's criteria to tick. Only
    the attempt's student, and only where the quiz's review shows feedback."""
    attempt = _get_own_attempt(request, attempt_id)
    if attempt.in_progress:
        return redirect("quizzes:take", attempt.pk)
    if not 1 <= number <= len(attempt.question_order):
        raise Http404("No such question in this attempt")
    response = get_object_or_404(
        attempt.responses.select_related("question"),
        question_id=attempt.question_order[number - 1],
    )
    question = response.question
    criteria = marking_criteria(question)
    rules = attempt.quiz.rules_for(request.user)
    feedback_shown = attempt.review_options(request.user, timezone.now(), rules).feedback
    if question.grades_itself or not question.is_scored or not criteria or not feedback_shown:
        raise Http404("This answer has no marking guide to assess it against")
    review_url = reverse("quizzes:review", args=[attempt.pk]) + f"#review-{number}"
    if response.fraction is not None:
        messages.info(request, "Your instructor has graded this answer; their grade stands.")
        return redirect(review_url)
    existing = SelfAssessment.objects.filter(response=response).first()
    form = SelfAssessmentForm(criteria, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assess(response, form.cleaned_data["met"], len(criteria))
        except services.QuizError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Saved your self-assessment. It is not a grade.")
        return redirect(review_url)
    met = set(existing.met) if existing else set()
    context = {
        "quiz": attempt.quiz,
        "attempt": attempt,
        "number": number,
        "question": question,
        "response": response,
        "criteria": [(index, text, index in met) for index, text in enumerate(criteria)],
        "existing": existing,
        "form": form,
        "review_url": review_url,
    }
    return render(request, "quizzes/self_assess.html", context)
