"""What a review card shows: its front (the prompt) and its back (the answer), per kind."""

import random
from dataclasses import dataclass, field

from apps.lessons.models import Lesson
from apps.quizzes.models import Choice, Question, choices_in_order
from apps.quizzes.presentation import accepted_answers
from apps.quizzes.services import question_with_choices
from apps.review.models import Card


@dataclass
class Face:
    """A card as the session page shows it."""

    card: Card
    prompt: str  # the line above the front, saying what to recall
    lessons: list[Lesson] = field(default_factory=list)  # a term's use in the course
    question: Question | None = None
    options: list[Choice] = field(default_factory=list)  # in this card's own order
    right: list[str] = field(default_factory=list)  # a question's right answers, as HTML


def _question_face(card: Card) -> Face:
    """A question shown to recall, its options (if it lists any) in an order drawn for
    this card and review, so neither the author's order nor the last one gives it away."""
    question = question_with_choices(card.question_id)
    spec = question.spec
    options: list[Choice] = []
    right: list[str] = []
    if spec.pairs:
        right = [f"{c.text_html} → {c.match_text}" for c in question.choice_list if c.text]
        options = [c for c in question.choice_list if c.text]
    elif spec.lists_choices:
        order = [c.pk for c in question.choice_list]
        random.Random(f"{card.pk}:{card.version}").shuffle(order)
        options = choices_in_order(question, order)
        right = [c.text_html for c in options if c.fraction > 0]
    else:
        right = [label for label, _ in accepted_answers(question)]
    return Face(card, "Answer the question you got wrong, then check.", question=question,
                options=options, right=right)  # fmt: skip


def face_of(card: Card) -> Face:
    if card.kind == Card.Kind.TERM:
        lessons = list(card.term.key_in_lessons.published().order_by("order"))
        return Face(card, "What does this term mean, and where does the course use it?",
                    lessons=lessons)  # fmt: skip
    if card.kind == Card.Kind.CELL:
        return Face(card, "Which view explains this?")
    if card.kind == Card.Kind.READING:
        return Face(card, "Which view reads the case this way?")
    return _question_face(card)
