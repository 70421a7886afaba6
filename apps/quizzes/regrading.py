"""What a regrade would do: the plan that both its dry run and services.regrade follow.

A corrected question is a new version (services.save_question); submitted attempts keep
the version they answered, and its marks. A regrade moves each answer to the current
version of its question and grades it there. Choice answers are stored as option ids, so an
option is matched to the option in the same place of the new version; a version whose kind
changed, or that gained or lost options, cannot be matched and is not regraded. Marks a
person gave (an essay's grade, an override) are never replaced.

Planning reads a fixed number of queries however many attempts there are.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from apps.quizzes.kinds import grade_response
from apps.quizzes.models import Attempt, Question, Quiz, Response


@dataclass(frozen=True)
class OutdatedVersion:
    """An earlier version of a question that submitted attempts still answer."""

    old: Question
    new: Question
    answers: int
    problem: str = ""  # why it cannot be regraded; "" when it can

    @property
    def regradable(self) -> bool:
        return not self.problem


@dataclass
class MarkChange:
    """One answer moved to the corrected version and graded there."""

    response: Response
    old_question: Question
    old_score: float | None
    new_question: Question
    new_answer: object
    new_fraction: float | None
    new_score: float | None
    new_feedback: str

    @property
    def changed(self) -> bool:
        return self.old_score != self.new_score or self.old_question.points != (
            self.new_question.points
        )


@dataclass
class AttemptChange:
    """One submitted attempt's answers to the regraded versions, and its total after."""

    attempt: Attempt
    marks: list[MarkChange] = field(default_factory=list)

    def __post_init__(self):
        self.old_score = self.attempt.score or 0.0
        self.old_max_score = self.attempt.max_score

    @property
    def new_score(self) -> float:
        delta = sum((m.new_score or 0) - (m.old_score or 0) for m in self.marks)
        return round(self.old_score + delta, 4)

    @property
    def new_max_score(self) -> float:
        delta = sum(m.new_question.max_points - m.old_question.max_points for m in self.marks)
        return self.old_max_score + delta

    @property
    def changed_marks(self) -> list[MarkChange]:
        return [m for m in self.marks if m.changed]

    @property
    def changed(self) -> bool:
        return (self.old_score, self.old_max_score) != (self.new_score, self.new_max_score)

    @staticmethod
    def _percent(score: float, max_score: float) -> float:
        return 100 * score / max_score if max_score else 0.0

    @property
    def old_percent(self) -> float:
        return self._percent(self.old_score, self.old_max_score)

    @property
    def new_percent(self) -> float:
        return self._percent(self.new_score, self.new_max_score)

    @property
    def difference(self) -> float:
        """The change in percentage points."""
        return self.new_percent - self.old_percent


@dataclass
class RegradePlan:
    quiz: Quiz
    outdated: list[OutdatedVersion]
    chosen: list[Question]  # the current versions to regrade to
    attempts: list[AttemptChange]
    kept_by_person: int  # answers left alone because a person marked them
    in_progress: int  # open attempts on an earlier version (regraded once submitted)

    @property
    def changed(self) -> list[AttemptChange]:
        return [a for a in self.attempts if a.changed]

    @property
    def unchanged(self) -> int:
        return len(self.attempts) - len(self.changed)

    @property
    def regradable(self) -> list[Question]:
        """The current versions that some regradable earlier version leads to, in order."""
        found = {v.new.pk: v.new for v in self.outdated if v.regradable}
        return sorted(found.values(), key=lambda q: (q.position, q.pk))


def _current_versions(quiz: Quiz) -> tuple[dict[int, Question], dict[int, Question]]:
    """({question id: that question}, {earlier version id: its current version}) over every
    version of the quiz's questions; two queries."""
    versions = {q.pk: q for q in quiz.questions.all().prefetch_related("choices")}
    successor = {q.previous_id: q for q in versions.values() if q.previous_id in versions}
    latest = {}
    for question in versions.values():
        if question.current:
            continue
        newer = successor.get(question.pk)
        while newer is not None and not newer.current:
            newer = successor.get(newer.pk)
        if newer is not None:
            latest[question.pk] = newer
    return versions, latest


def _problem(old: Question, new: Question) -> str:
    if old.kind != new.kind:
        return "its kind changed, so the old answers do not fit the new version"
    if not new.grades_itself:
        return "essays are marked by a person, never regraded"
    if (old.spec.lists_choices or old.spec.pairs) and len(old.choice_list) != len(new.choice_list):
        return "options were added or removed, so the old answers cannot be matched to them"
    return ""


def translate_answer(old: Question, new: Question, answer):
    """The answer as it reads in the new version: each option id becomes the id of the
    option in the same place, a matching text that was reworded becomes the new wording;
    a typed answer is unchanged."""
    if answer is None or not (old.spec.lists_choices or old.spec.pairs):
        return answer
    ids = {o.pk: n.pk for o, n in zip(old.choice_list, new.choice_list, strict=True)}
    if old.spec.pairs:
        # The student picked a text, not a place: a text the new version still offers
        # keeps its meaning (a corrected pairing), one it no longer offers was reworded
        # and is read as the text now in its place.
        offered = {n.match_text for n in new.choice_list}
        texts = {}
        for o, n in zip(old.choice_list, new.choice_list, strict=True):
            if o.match_text not in offered:
                texts.setdefault(o.match_text, n.match_text)
        if not isinstance(answer, dict):
            return answer
        return {
            str(ids.get(_as_id(key), key)): texts.get(value, value) for key, value in answer.items()
        }
    if isinstance(answer, list):
        return [ids.get(_as_id(value), value) for value in answer]
    return ids.get(_as_id(answer), answer)


def translate_choice_order(old: Question, new: Question, order: list[int]) -> list[int]:
    ids = {o.pk: n.pk for o, n in zip(old.choice_list, new.choice_list, strict=True)}
    return [ids[pk] for pk in order if pk in ids]


def _as_id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def plan_regrade(quiz: Quiz, question_ids=None, attempt_ids=None) -> RegradePlan:
    """What regrading the quiz's submitted attempts to the current versions of the chosen
    questions (every regradable one when `question_ids` is None) would change, optionally
    only for some attempts. Nothing is written."""
    versions, latest = _current_versions(quiz)
    submitted = Response.objects.filter(
        attempt__quiz=quiz,
        attempt__state=Attempt.State.SUBMITTED,
        question_id__in=list(latest),
    )
    answered = defaultdict(int)
    for row in submitted.values("question_id"):
        answered[row["question_id"]] += 1
    outdated = [
        OutdatedVersion(versions[pk], latest[pk], count, _problem(versions[pk], latest[pk]))
        for pk, count in answered.items()
    ]
    outdated.sort(key=lambda v: (v.new.position, v.new.pk, v.old.version))
    regradable = {v.old.pk: v.new for v in outdated if v.regradable}
    if question_ids is not None:
        wanted = {int(pk) for pk in question_ids}
        regradable = {old: new for old, new in regradable.items() if new.pk in wanted}
    chosen = sorted({q.pk: q for q in regradable.values()}.values(), key=lambda q: q.position)

    responses = submitted.filter(question_id__in=list(regradable)).select_related("attempt__user")
    if attempt_ids is not None:
        responses = responses.filter(attempt_id__in=list(attempt_ids))
    attempts: dict[int, AttemptChange] = {}
    kept_by_person = 0
    for response in responses.order_by("attempt__user__username", "attempt__number", "pk"):
        if response.graded_by_id is not None:
            kept_by_person += 1
            continue
        old, new = versions[response.question_id], regradable[response.question_id]
        answer = translate_answer(old, new, response.answer)
        fraction, feedback = grade_response(new, answer)
        score = None if fraction is None else round(fraction * new.max_points, 4)
        change = attempts.setdefault(response.attempt_id, AttemptChange(response.attempt))
        mark = MarkChange(response, old, response.score, new, answer, fraction, score, feedback)
        change.marks.append(mark)
    in_progress = (
        Attempt.objects.filter(
            quiz=quiz,
            state=Attempt.State.IN_PROGRESS,
            responses__question_id__in=list(regradable),
        )
        .distinct()
        .count()
    )
    return RegradePlan(quiz, outdated, chosen, list(attempts.values()), kept_by_person, in_progress)
