"""The question bank as an instructor reads it: each bank question once, with the quizzes
that use it, its versions, and the quizzes of theirs it can still go into."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse

from apps.quizzes.models import Question, Quiz


@dataclass
class Use:
    """One quiz using the question: its own points, and where the reader works on it."""

    quiz: Quiz
    points: int
    url: str


@dataclass
class Version:
    number: int
    excerpt: str
    current_in: list[str] = field(default_factory=list)  # quizzes asking it now
    kept_in: list[str] = field(default_factory=list)  # quizzes whose attempts answered it
    answers: int = 0


@dataclass
class BankEntry:
    question: Question  # the current version, as the first quiz listed holds it
    uses: list[Use] = field(default_factory=list)
    targets: list[Quiz] = field(default_factory=list)  # the reader's quizzes without it
    versions: list[Version] = field(default_factory=list)


def bank_entries(rows: list[Question], targets: list[Quiz]) -> list[BankEntry]:
    """Group current rows (with their quizzes) into bank questions, in the rows' order;
    `targets` are the quizzes the reader may add to (and so edit)."""
    editable = {quiz.pk for quiz in targets}
    entries: dict[int, BankEntry] = {}
    for row in rows:
        entry = entries.setdefault(row.entry_id, BankEntry(row))
        if row.quiz_id in editable:
            url = reverse("teach:quiz_edit", args=[row.quiz_id]) + f"#question-{row.pk}"
        else:
            url = reverse("teach:quiz_preview", args=[row.quiz_id])
        entry.uses.append(Use(row.quiz, row.points, url))
    for entry in entries.values():
        using = {use.quiz.pk for use in entry.uses}
        entry.targets = [quiz for quiz in targets if quiz.pk not in using]
    return list(entries.values())


def add_versions(entries: list[BankEntry], quizzes) -> None:
    """Fill in each entry's versions, newest first, as they stand in `quizzes` (those the
    reader may see): one query, however many entries and versions."""
    by_entry = {entry.question.entry_id: entry for entry in entries}
    rows = (
        Question.objects.filter(entry_id__in=list(by_entry), quiz__in=quizzes)
        .select_related("quiz")
        .annotate(answers=Count("responses"))
        .order_by("entry_id", "-version", "quiz__title", "pk")
    )
    for row in rows:
        versions = by_entry[row.entry_id].versions
        if not versions or versions[-1].number != row.version:
            versions.append(Version(row.version, row.excerpt()))
        version = versions[-1]
        (version.current_in if row.current else version.kept_in).append(row.quiz.title)
        version.answers += row.answers
