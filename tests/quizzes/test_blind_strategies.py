"""No blind strategy passes: a student who reads nothing but the page's form, answering
every course quiz (and a freshly imported GIFT quiz) by a rule that ignores the question,
earns no more than chance plus ten percentage points on the choice-type questions.

Pages are fetched through HTTP exactly as a browser gets them; each strategy's pick is
then graded by the server's own grader. The shuffle's random generator is seeded, so the
run is the same every time, and several attempts per quiz are pooled.
"""

import random
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.classes.models import Assignment, Class, Membership
from apps.lessons.models import Lesson
from apps.quizzes import services
from apps.quizzes.kinds import grade_response
from apps.quizzes.models import Attempt, Question, Quiz
from apps.quizzes.presentation import names_for_attempt, names_for_check
from tests.conftest import make_user
from tests.quizzes.conftest import OPTION, RADIO, Shown, client_for, shown_options, visible_text
from tests.teaching.conftest import import_gift_text

pytestmark = pytest.mark.django_db

# With 11 quizzes this pools about 340 choice questions: chance alone stays about four
# standard deviations inside the margin.
ATTEMPTS_PER_QUIZ = 3
MARGIN = 0.10
STRATEGIES = {
    "lowest value": lambda options: min(options, key=lambda o: o.value),
    "highest value": lambda options: max(options, key=lambda o: o.value),
    "first shown": lambda options: options[0],
    "last shown": lambda options: options[-1],
    # Ties go to the first shown (max keeps the first of equals).
    "longest label": lambda options: max(options, key=lambda o: len(o.label)),
}
TRUEFALSE_STRATEGIES = {
    "always true": lambda options: next(o for o in options if o.label == "True"),
    "always false": lambda options: next(o for o in options if o.label == "False"),
}


def _credit(question: Question, attempt: Attempt, picked: Shown) -> float:
    choice_id = names_for_attempt(attempt).by_name(question.choice_list)[picked.value]
    answer = [choice_id] if question.spec.picks_many else choice_id
    return grade_response(question, answer).fraction


def _chance(question: Question) -> float:
    """The credit a pick made at random earns on average."""
    return sum(max(0.0, min(1.0, c.fraction)) for c in question.choice_list) / len(
        question.choice_list
    )


def play_blind(
    client, quizzes: list[Quiz], monkeypatch, attempts: int = ATTEMPTS_PER_QUIZ
) -> dict[str, tuple[float, float, int]]:
    """{strategy: (mean credit, mean chance, questions)} over every choice-type question."""
    seeded = random.Random(20261202)
    # Each new attempt draws its shuffle from a generator seeded from this one.
    monkeypatch.setattr(
        services, "random", SimpleNamespace(Random=lambda: random.Random(seeded.random()))
    )
    totals: dict[str, list[float]] = {}
    for quiz in quizzes:
        for _ in range(attempts):
            take = client.post(reverse("quizzes:start", args=[quiz.slug])).url
            attempt = Attempt.objects.get(quiz=quiz, state=Attempt.State.IN_PROGRESS)
            for slot, question_id in enumerate(attempt.question_order, start=1):
                question = services.question_with_choices(question_id)
                if not question.spec.lists_choices:
                    continue
                options = shown_options(client.get(f"{take}?q={slot}").content.decode())
                assert len(options) == len(question.choice_list)
                rules = dict(STRATEGIES)
                if question.kind == Question.Kind.TRUEFALSE:
                    rules |= TRUEFALSE_STRATEGIES
                for name, rule in rules.items():
                    entry = totals.setdefault(name, [0.0, 0.0, 0])
                    entry[0] += _credit(question, attempt, rule(options))
                    entry[1] += _chance(question)
                    entry[2] += 1
            client.post(reverse("quizzes:submit", args=[attempt.pk]))
    return {name: (c / n, ch / n, n) for name, (c, ch, n) in totals.items()}


def assert_no_strategy_beats_chance(results: dict) -> None:
    table = "\n".join(
        f"{name:14} credit {credit:6.1%}  chance {chance:6.1%}  ({n} questions)"
        for name, (credit, chance, n) in results.items()
    )
    print(table)
    beaten = [name for name, (credit, chance, _) in results.items() if credit > chance + MARGIN]
    assert beaten == [], table


def test_no_blind_strategy_passes_the_course_quizzes(content, alice, monkeypatch):
    quizzes = list(Quiz.objects.published().for_course())
    assert len(quizzes) == 11
    results = play_blind(client_for(alice), quizzes, monkeypatch)
    assert results["first shown"][2] >= 11 * ATTEMPTS_PER_QUIZ * 8
    assert_no_strategy_beats_chance(results)


# Written the careless way: the key is always the first option, so only the engine
# (opaque names, a shuffle per attempt) stands between a blind student and the marks.
IMPORTED = "\n\n".join(
    [
        f"::q{n}::Which of these is option {n}? {{\n=Alpha {n}\n~Bravo {n}\n~Gamma {n}\n~Delta {n}\n}}"
        for n in range(1, 13)
    ]
    + [f"::tf{n}::Statement {n} is true. {{{'TRUE' if n % 2 else 'FALSE'}}}" for n in range(1, 7)]
)


def test_no_blind_strategy_passes_a_quiz_imported_from_gift(ingrid, alice, monkeypatch):
    quiz = Quiz.objects.create(slug="imported", title="Imported", owner=ingrid)
    teacher = client_for(ingrid)
    url = reverse("teach:quiz_import", args=[quiz.pk])
    assert "Alpha 1" in teacher.post(url, {"text": IMPORTED}).content.decode()  # the preview
    import_gift_text(teacher, url, IMPORTED)
    assert quiz.questions.current().count() == 18
    Quiz.objects.filter(pk=quiz.pk).update(status="published")
    klass = Class.objects.create(name="Seminar", owner=ingrid)
    Membership.objects.create(klass=klass, student=alice)
    Assignment.objects.create(klass=klass, quiz=quiz, due_at=timezone.now() + timedelta(days=7))
    # Enough attempts that chance alone stays well inside the margin (about 4 standard
    # deviations for the option names, which differ with every attempt).
    results = play_blind(client_for(alice), [quiz], monkeypatch, attempts=20)
    assert_no_strategy_beats_chance(results)


def shown_check_options(html: str, anchor: str) -> list[Shown]:
    section = re.search(rf'<section class="lesson-check" id="{anchor}".*?</section>', html, re.S)
    form = section.group(0)
    found = [Shown(value, visible_text(label)) for _, value, label in RADIO.findall(form)]
    return found or [Shown(value, visible_text(label)) for value, label in OPTION.findall(form)]


# Enough readers that chance alone stays about four standard deviations inside the margin
# (each sees the checks' options in an order and under names drawn for them).
CHECK_READERS = 20


def test_no_blind_strategy_passes_the_checks_inside_the_lessons(content):
    totals: dict[str, list[float]] = {}
    lessons = list(Lesson.objects.published().prefetch_related("checks__question__choices"))
    for number in range(CHECK_READERS):
        reader = make_user(f"reader{number}")
        client = client_for(reader)
        for lesson in lessons:
            html = client.get(lesson.get_absolute_url()).content.decode()
            for check in lesson.checks.all():
                question = check.question
                if not question.spec.lists_choices:
                    continue
                options = shown_check_options(html, check.anchor)
                assert len(options) == len(question.choice_list)
                names = names_for_check(reader, check).by_name(question.choice_list)
                rules = dict(STRATEGIES)
                if question.kind == Question.Kind.TRUEFALSE:
                    rules |= TRUEFALSE_STRATEGIES
                for name, rule in rules.items():
                    picked = names[rule(options).value]
                    answer = [picked] if question.spec.picks_many else picked
                    entry = totals.setdefault(name, [0.0, 0.0, 0])
                    entry[0] += grade_response(question, answer).fraction
                    entry[1] += _chance(question)
                    entry[2] += 1
    results = {name: (c / n, ch / n, n) for name, (c, ch, n) in totals.items()}
    assert results["first shown"][2] >= CHECK_READERS * 16
    assert_no_strategy_beats_chance(results)
