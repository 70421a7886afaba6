"""How a question is put in front of a student, shared by the take page and the teaching
area's preview: the order of its options, the names its inputs carry, the state of each
slot, and the context of the take page (an attempt is optional: a preview has none).

Nothing a page shows before grading may tell a right option from a wrong one: option
values and element ids are opaque names drawn for each attempt (`OptionNames`), never
database ids or the author's order, and listed options appear in an order drawn for each
attempt unless the author fixed it.
"""

import re
from dataclasses import dataclass, field

from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

from apps.quizzes.models import (
    Attempt,
    CheckAnswer,
    Choice,
    LessonCheck,
    Question,
    Quiz,
    Response,
    render_text,
)


class OptionNames:
    """Opaque per-attempt names for a question's options and matching rows.

    `key` identifies the attempt (or preview); the same choice gets a different name in
    every attempt, and names say nothing about order, ids or which option is right.
    """

    def __init__(self, key: str):
        self.key = key

    def name(self, choice_id: int) -> str:
        digest = salted_hmac("quizzes.option", f"{self.key}:{choice_id}", algorithm="sha256")
        return digest.hexdigest()[:16]

    def by_name(self, choices: list[Choice]) -> dict[str, int]:
        """{name: choice id} for `choices`, to read a posted answer back."""
        return {self.name(choice.pk): choice.pk for choice in choices}


def names_for_attempt(attempt: Attempt) -> OptionNames:
    return OptionNames(f"attempt:{attempt.pk}")


def names_for_preview(user, quiz: Quiz) -> OptionNames:
    return OptionNames(f"preview:{user.pk}:{quiz.pk}")


class PlaceNames(OptionNames):
    """Opaque names drawn from the options' places in the question rather than their
    database ids, so a check's page reads the same after the content is loaded afresh."""

    def __init__(self, key: str, choices: list[Choice]):
        super().__init__(key)
        self.places = {choice.pk: choice.position for choice in choices}

    def name(self, choice_id: int) -> str:
        return super().name(self.places[choice_id])


def names_for_check(user, check: LessonCheck) -> OptionNames:
    """A check's names, for one reader and one version of its question; every anonymous
    reader shares them, since their pages are cached and shared."""
    reader = user.pk if user.is_authenticated else "anonymous"
    question = check.question
    key = f"check:{reader}:{check.lesson.slug}:{check.position}:v{question.version}"
    return PlaceNames(key, question.choice_list)


@dataclass
class Option:
    """A listed option as an input shows it."""

    name: str
    choice: Choice
    picked: bool


@dataclass
class MatchRow:
    name: str
    choice: Choice  # the item (left side); match_text is its right answer
    chosen: str


@dataclass
class AnswerView:
    """A response's answer shaped for a template: the listed options with the picked ones
    marked, what was typed, what each matching row holds."""

    picked: set = field(default_factory=set)
    typed: str = ""
    options: list[Option] = field(default_factory=list)
    match_rows: list[MatchRow] = field(default_factory=list)


def answer_view(
    question: Question, choices: list[Choice], answer, names: OptionNames | None = None
) -> AnswerView:
    spec = question.spec
    view = AnswerView()

    def name(choice: Choice) -> str:
        return names.name(choice.pk) if names else str(choice.pk)

    if spec.pairs:
        chosen = answer if isinstance(answer, dict) else {}
        view.match_rows = [
            MatchRow(name(c), c, chosen.get(str(c.pk), "")) for c in choices if c.text
        ]
    elif spec.lists_choices:
        if spec.picks_many:
            view.picked = set(answer or [])
        else:
            view.picked = {answer} if answer is not None else set()
        view.options = [Option(name(c), c, c.pk in view.picked) for c in choices]
    elif isinstance(answer, str):
        view.typed = answer
    return view


def question_numbers(questions: list[Question]) -> list[int | None]:
    """Each slot's number as students read it: the scored questions count 1, 2, 3…; a
    description (a note between questions) is not a question and has none."""
    numbers, count = [], 0
    for question in questions:
        if question.is_scored:
            count += 1
        numbers.append(count if question.is_scored else None)
    return numbers


@dataclass
class SlotState:
    """A slot of the take page's question list. Its markup is written here rather than in
    the template: the list has a button per slot on every question page, and the template's
    loop cost about 0.1 ms of CPU per slot (a tenth of a ten-question page; measured),
    these f-strings a few microseconds. Every value in them is a number."""

    number: int  # the slot's position, as ?q= names it
    question_number: int | None  # None for a note
    answered: bool
    checked: bool
    is_question: bool
    current: bool = False

    @property
    def nav_button(self) -> SafeString:
        """The slot's button in the question list: it posts the answer form and goes to the
        slot. Its label reads the question's number and the slot's state."""
        n = int(self.number)
        current = ' aria-current="step"' if self.current else ""
        opening = f'<button type="submit" form="answer-form" name="go" value="{n}"'
        if not self.is_question:
            html = (
                f'{opening} class="qnav is-note"{current} aria-label="Note">'
                '<span aria-hidden="true">i</span></button>'
            )
        else:
            shown = int(self.question_number)
            html = (
                f'{opening} class="qnav"{current} aria-labelledby="qnav-name-{n} slot-state-{n}">'
                f'<span id="qnav-name-{n}" hidden>Question {shown},</span>'
                f"{shown}{self._state()}</button>"
            )
        return mark_safe(html)  # noqa: S308 - numbers and fixed words only

    @property
    def out_of_band(self) -> SafeString:
        """The slot's state for an htmx reply, which swaps it into the question list."""
        return self._state(' hx-swap-oob="true"')

    def _state(self, extra: str = "") -> SafeString:
        answered = self.answered
        mark = '<span class="answered-mark" aria-hidden="true">✓</span>' if answered else ""
        said = "checked" if self.checked else "answered" if answered else "not answered"
        html = (
            f'<span id="slot-state-{int(self.number)}" class="slot-state'
            f'{" is-answered" if answered else ""}"{extra}>{mark}'
            f'<span class="visually-hidden">{said}</span></span>'
        )
        return mark_safe(html)  # noqa: S308 - numbers and fixed words only


def slot_states(
    questions: list[Question], responses: dict[int, Response] | None, current: int = 0
) -> list[SlotState]:
    """Answered or not, per slot; without responses (a preview) nothing is answered."""
    states = []
    numbered = zip(questions, question_numbers(questions), strict=True)
    for slot, (question, question_number) in enumerate(numbered, start=1):
        response = responses.get(question.pk) if responses else None
        states.append(
            SlotState(
                number=slot,
                question_number=question_number,
                answered=response is not None and response.is_answered,
                checked=response is not None and response.checked_at is not None,
                is_question=question.is_scored,
                current=slot == current,
            )
        )
    return states


def accepted_answers(question: Question) -> list[tuple[str, float]]:
    """The typed answers that earn credit, best first, written for a student."""
    accepted = []
    for choice in question.choice_list:
        if choice.fraction <= 0:
            continue
        if question.kind == Question.Kind.NUMERICAL:
            if choice.low is not None and choice.high is not None:
                label = f"{choice.low:g} to {choice.high:g}"
            elif choice.value is None:
                continue
            elif choice.tolerance:
                label = f"{choice.value:g} ± {choice.tolerance:g}"
            else:
                label = f"{choice.value:g}"
        else:
            label = choice.text
        accepted.append((label, choice.fraction))
    return sorted(accepted, key=lambda item: -item[1])


def take_context(
    *,
    quiz: Quiz,
    questions: list[Question],
    slot: int,
    question: Question,
    choices: list[Choice],
    names: OptionNames,
    response: Response | None,
    take_url: str,
    can_check: bool,
    attempt: Attempt | None = None,
    responses: dict[int, Response] | None = None,
    seconds_left: int | None = None,
) -> dict:
    """The take page's context for one question, in an attempt or a preview."""
    checked = response is not None and response.checked_at is not None
    total = len(questions)
    numbers = question_numbers(questions)
    return {
        "question_number": numbers[slot - 1],
        "question_total": sum(1 for n in numbers if n is not None),
        "quiz": quiz,
        "attempt": attempt,
        "slot": slot,
        "total": total,
        "previous_slot": slot - 1 if slot > 1 else None,
        "next_slot": slot + 1 if slot < total else None,
        "take_url": take_url,
        "question": question,
        "inline_blank": question.text_parts is not None and question.spec.fits_blank,
        "answer": answer_view(question, choices, response and response.answer, names),
        "response": response,
        "saved": response is not None and response.saved_at is not None,
        "checked": checked,
        # What "Check answer" may show besides the verdict, as the review would.
        "show_answers": checked and quiz.review_answers,
        "accepted": accepted_answers(question) if checked and question.spec.typed_length else [],
        "can_check": can_check and question.grades_itself and not checked,
        "slots": (slots := slot_states(questions, responses, current=slot)),
        "slot_state": slots[slot - 1],
        "seconds_left": seconds_left,
    }


@dataclass
class CheckView:
    """A check inside a lesson as its partial shows it: the question with its options in
    this reader's order, and the last answer (with its verdict) when there is one."""

    check: LessonCheck
    question: Question
    names: OptionNames
    answer: AnswerView
    answered: CheckAnswer | None = None
    error: str = ""
    section_title: str = ""

    @property
    def anchor(self) -> str:
        return self.check.anchor

    @property
    def id_prefix(self) -> str:
        """Prefixes the ids the kind partials write, so several checks share a page."""
        return f"{self.anchor}-"

    @property
    def inline_blank(self) -> bool:
        return self.question.text_parts is not None and self.question.spec.fits_blank

    @property
    def accepted(self) -> list[tuple[str, float]]:
        if self.answered is None or not self.question.spec.typed_length:
            return []
        return accepted_answers(self.question)


def check_choices(question: Question, names: OptionNames) -> list[Choice]:
    """The options in the order this reader sees them: drawn from their opaque names (so
    from the reader and the version, never the author's order), unless the kind or the
    author fixes the order."""
    if question.spec.shuffled and question.shuffle_choices:
        return sorted(question.choice_list, key=lambda choice: names.name(choice.pk))
    return list(question.choice_list)


def check_view(
    check: LessonCheck,
    user,
    answered: CheckAnswer | None = None,
    error: str = "",
    section_title: str = "",
) -> CheckView:
    """One check for `user`; `answered` is shown only when it answered the current version."""
    question = check.question
    names = names_for_check(user, check)
    if answered is not None and answered.question_id != question.pk:
        answered = None
    choices = check_choices(question, names)
    shown = answer_view(question, choices, answered and answered.answer, names)
    return CheckView(check, question, names, shown, answered, error, section_title)


def lesson_checks(lesson, user, again: int | None = None) -> dict[str, list[CheckView]]:
    """{section id: its checks in order} for the lesson page, each with the reader's last
    answer (except check number `again`, asked afresh). Three queries, whatever the number
    of checks."""
    checks = list(lesson.checks.select_related("question").prefetch_related("question__choices"))
    last = {}
    if user.is_authenticated:
        last = {
            a.lesson_check_id: a
            for a in CheckAnswer.objects.filter(user=user, lesson_check__lesson=lesson)
        }
    titles = {item["id"]: item["title"] for item in lesson.toc}
    by_section: dict[str, list[CheckView]] = {}
    for check in checks:
        answered = None if check.position == again else last.get(check.pk)
        view = check_view(check, user, answered, section_title=titles.get(check.section, ""))
        by_section.setdefault(check.section, []).append(view)
    return by_section


_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.+)$", re.M)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def marking_criteria(question: Question) -> list[str]:
    """The criteria of an essay's marking guide (its explanation), as safe inline HTML:
    the guide's list items when it has a list, else its sentences; the closing "See […]"
    pointer to the lesson is not a criterion."""
    guide = (question.general_feedback or "").strip()
    items = _LIST_ITEM.findall(guide)
    if not items:
        items = _SENTENCE_END.split(" ".join(guide.split()))
    return [
        render_text(item.strip(), question.text_format, inline=True)
        for item in items
        if item.strip() and not item.strip().startswith("See [")
    ]


@dataclass
class ReviewItem:
    number: int  # the slot's position
    question_number: int | None  # None for a note
    question: Question
    response: Response
    choices: list[Choice]
    answer: AnswerView
    accepted: list[tuple[str, float]]  # accepted typed answers: (label, fraction)


def review_items(attempt: Attempt) -> list[ReviewItem]:
    """Each slot of the attempt with its answer, as a review shows it (the quiz's review
    page and the instructor's view of an attempt); two queries."""
    responses = attempt.responses.select_related("question", "self_assessment").prefetch_related(
        "question__choices", "question__criteria__levels", "rubric_marks"
    )
    by_question = {r.question_id: r for r in responses}
    questions = [by_question[question_id].question for question_id in attempt.question_order]
    items = []
    numbered = zip(questions, question_numbers(questions), strict=True)
    for number, (question, question_number) in enumerate(numbered, start=1):
        response = by_question[question.pk]
        choices = attempt.ordered_choices(question)
        items.append(
            ReviewItem(
                number=number,
                question_number=question_number,
                question=question,
                response=response,
                choices=choices,
                answer=answer_view(question, choices, response.answer),
                accepted=accepted_answers(question) if question.spec.typed_length else [],
            )
        )
    return items
