"""How a question is put in front of a student, shared by the take page and the teaching
area's preview: the order of its options, the names its inputs carry, the state of each
slot, and the context of the take page (an attempt is optional: a preview has none).

Nothing a page shows before grading may tell a right option from a wrong one: option
values and element ids are opaque names drawn for each attempt (`OptionNames`), never
database ids or the author's order, and listed options appear in an order drawn for each
attempt unless the author fixed it.
"""

from dataclasses import dataclass, field

from django.utils.crypto import salted_hmac

from apps.quizzes.models import Attempt, Choice, Question, Quiz, Response


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


@dataclass
class SlotState:
    number: int
    answered: bool
    checked: bool
    is_question: bool
    current: bool = False


def slot_states(
    questions: list[Question], responses: dict[int, Response] | None, current: int = 0
) -> list[SlotState]:
    """Answered or not, per slot; without responses (a preview) nothing is answered."""
    states = []
    for number, question in enumerate(questions, start=1):
        response = responses.get(question.pk) if responses else None
        states.append(
            SlotState(
                number=number,
                answered=response is not None and response.is_answered,
                checked=response is not None and response.checked_at is not None,
                is_question=question.is_scored,
                current=number == current,
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
    return {
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
        "slots": slot_states(questions, responses, current=slot),
        "seconds_left": seconds_left,
    }
