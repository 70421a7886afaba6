"""An authoring lint: surface features that let a student find the key without knowing
the answer. It warns; it never refuses. `load_content` runs it on the course bank (which
passes with no warnings), and the teaching area shows it on GIFT import and in the editor.

It reads question-likes: `kind`, `title`, `line` (0 when unknown) and `answers`, a list of
(text, fraction) pairs in the author's order.
"""

import re
from dataclasses import dataclass

from apps.quizzes.kinds import MISSINGWORD, NUMERICAL, SINGLE, TRUEFALSE

# The key is "clearly the longest" when it is this much longer than every wrong option.
LONGEST_RATIO = 1.25
LONGEST_MARGIN = 15
SINGLE_ANSWER = (SINGLE, MISSINGWORD)


@dataclass(frozen=True)
class Item:
    kind: str
    title: str
    line: int
    answers: list[tuple[str, float]]


def item_from_gift(gift) -> Item:
    return Item(gift.kind, gift.title, gift.line, [(a.text, a.fraction) for a in gift.answers])


def item_from_question(question) -> Item:
    answers = [(c.text, c.fraction) for c in question.choice_list]
    return Item(question.kind, question.title, 0, answers)


def _where(item: Item) -> str:
    name = f"“{item.title}”" if item.title else "a question"
    return f"line {item.line}: {name}" if item.line else name


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[*_`\\]", "", text).split())


def _first_word(text: str) -> str:
    words = _plain(text).split()
    return words[0].casefold() if words else ""


def question_warnings(item: Item) -> list[str]:
    """What gives away the key of one single-answer question, or gives credit by mistake."""
    if item.kind == NUMERICAL and any(text == "*" and f > 0 for text, f in item.answers):
        return [f"{_where(item)}: the catch-all answer (any other number) earns credit"]
    if item.kind not in SINGLE_ANSWER:
        return []
    keys = [_plain(text) for text, fraction in item.answers if fraction >= 1]
    wrong = [_plain(text) for text, fraction in item.answers if fraction < 1]
    if len(keys) != 1 or len(wrong) < 2:
        return []
    key, warnings = keys[0], []
    longest_wrong = max(len(text) for text in wrong)
    if len(key) > LONGEST_RATIO * longest_wrong or len(key) > longest_wrong + LONGEST_MARGIN:
        warnings.append(
            f"{_where(item)}: the right option is clearly the longest "
            f"({len(key)} characters, the longest wrong one {longest_wrong})"
        )
    openings = {_first_word(text) for text in wrong}
    if len(openings) == 1 and _first_word(key) not in openings:
        warnings.append(
            f"{_where(item)}: only the right option does not begin with "
            f"“{openings.pop()}”, like the others"
        )
    endings = {text.endswith(".") for text in wrong}
    if len(endings) == 1 and key.endswith(".") not in endings:
        warnings.append(
            f"{_where(item)}: only the right option "
            + ("ends with a full stop" if key.endswith(".") else "lacks a full stop")
        )
    return warnings


def quiz_warnings(items: list[Item]) -> list[str]:
    """Per-question warnings, then the patterns a whole quiz can show."""
    warnings = [warning for item in items for warning in question_warnings(item)]
    verdicts = [dict(item.answers).get("true", 0) >= 1 for item in items if item.kind == TRUEFALSE]
    if len(verdicts) >= 2 and len(set(verdicts)) == 1:
        warnings.append(
            f"all {len(verdicts)} true/false items are {'true' if verdicts[0] else 'false'}"
        )
    positions = [
        next(i for i, (_, fraction) in enumerate(item.answers) if fraction >= 1)
        for item in items
        if item.kind in SINGLE_ANSWER and sum(f >= 1 for _, f in item.answers) == 1
    ]
    if len(positions) >= 3 and len(set(positions)) == 1:
        warnings.append(
            f"the right option is always option {positions[0] + 1} as written "
            f"({len(positions)} questions); students who see the written order can guess it"
        )
    return warnings
