"""What a review card shows: its front (the prompt) and its back (the answer), per kind.

A question answered wrongly comes back as a question to answer again, shown the way a
quiz shows it (`quizzes.presentation`): its options carry opaque names drawn for this
card and this review, and are listed in an order drawn for them too, unless the author
fixed the order. Nothing in the page tells a right option from a wrong one until the
answer is checked.
"""

import random
from dataclasses import dataclass, field

from apps.lessons.models import Lesson
from apps.quizzes.kinds import grade_response
from apps.quizzes.models import Question, Response, choices_in_order
from apps.quizzes.presentation import AnswerView, OptionNames, accepted_answers, answer_view
from apps.quizzes.services import question_with_choices
from apps.review.models import Card


@dataclass
class Face:
    """A card as the session page shows it."""

    card: Card
    prompt: str  # the line above the front, saying what to recall
    lessons: list[Lesson] = field(default_factory=list)  # a term's use in the course
    question: Question | None = None
    answer: AnswerView | None = None  # a question's inputs, as the quiz partials take them
    inline_blank: bool = False
    checked: Response | None = None  # a checked answer (never saved), with its verdict
    right: list[str] = field(default_factory=list)  # a question's right answers, as HTML


def names_for_card(card: Card) -> OptionNames:
    """Opaque option names for one review of one card: new ones after every rating."""
    return OptionNames(f"review:{card.pk}:{card.version}")


def _question_face(card: Card, answer=None, check: bool = False) -> Face:
    question = question_with_choices(card.question_id)
    names = names_for_card(card)
    order = [choice.pk for choice in question.choice_list]
    if question.spec.shuffled and question.shuffle_choices:
        random.Random(names.name(0)).shuffle(order)
    choices = choices_in_order(question, order)
    checked = None
    if check:
        fraction, feedback = grade_response(question, answer)
        checked = Response(question=question, answer=answer, fraction=fraction, feedback=feedback)
    if question.spec.pairs:
        right = [f"{c.text_html} → {c.match_text}" for c in question.choice_list if c.text]
    elif question.spec.lists_choices:
        right = [c.text_html for c in choices if c.fraction >= 1]
    else:
        right = [label for label, fraction in accepted_answers(question) if fraction >= 1]
    return Face(
        card,
        "You got this question wrong before. Answer it again, then check.",
        question=question,
        answer=answer_view(question, choices, answer, names),
        inline_blank=question.text_parts is not None and question.spec.fits_blank,
        checked=checked,
        right=right,
    )


def face_of(card: Card, answer=None, check: bool = False) -> Face:
    """The card's face; for a question, with `answer` filled in and, when `check`, graded."""
    if card.kind == Card.Kind.TERM:
        lessons = list(card.term.key_in_lessons.published().order_by("order"))
        return Face(card, "What does this term mean, and where does the course use it?",
                    lessons=lessons)  # fmt: skip
    if card.kind == Card.Kind.CELL:
        return Face(card, "Which view explains this?")
    if card.kind == Card.Kind.READING:
        return Face(card, "Which view reads the case this way?")
    return _question_face(card, answer, check)
