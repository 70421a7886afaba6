from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.quizzes.formats import format_of, parse_questions
from apps.quizzes.gift import GiftSyntaxError
from apps.quizzes.loading import question_from_gift
from apps.quizzes.models import Quiz
from apps.quizzes.services import save_question

FORMAT_NAMES = {"gift": "GIFT", "moodlexml": "Moodle XML"}


class Command(BaseCommand):
    help = (
        "Import a GIFT or Moodle XML file (told apart by its content) into a quiz, after its "
        "questions. A quiz that does not exist yet is created as a draft. On any error "
        "nothing is saved and the command exits with status 1, naming the line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiz", required=True, metavar="SLUG")

    def handle(self, *args, file: Path, quiz: str, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"Nothing was imported. {file} is not UTF-8 text.") from exc
        try:
            result = parse_questions(text)
        except GiftSyntaxError as exc:
            raise CommandError(f"Nothing was imported. {file}:{exc.line}: {exc.message}") from exc
        if not result.questions:
            raise CommandError(f"Nothing was imported. {file} holds no questions.")
        for warning in result.warnings:
            self.stderr.write(f"{file}: warning: {warning}")
        target, created = append_to_quiz(quiz, result.questions, file)
        action = "Created draft quiz" if created else "Updated quiz"
        self.stdout.write(
            f"{action} '{target.slug}': {len(result.questions)} questions imported from "
            f"{FORMAT_NAMES[format_of(text)]}."
        )


def append_to_quiz(slug: str, questions: list, file: Path) -> tuple[Quiz, bool]:
    """Add parsed questions after a quiz's current ones, creating the quiz as a draft when
    the slug is new; all or nothing, with an error naming the file, line and question."""
    with transaction.atomic():
        target, created = Quiz.objects.get_or_create(
            slug=slug, defaults={"title": slug.replace("-", " ").capitalize()}
        )
        start = target.questions.current().count()
        for offset, gift in enumerate(questions, start=1):
            try:
                question, choices = question_from_gift(gift, target, start + offset)
                question.full_clean(exclude=["quiz", "previous"])
            except (ValueError, ValidationError) as exc:
                name = f"question {gift.title!r}" if gift.title else f"question {offset}"
                reason = "; ".join(getattr(exc, "messages", [str(exc)]))
                raise CommandError(
                    f"Nothing was imported. {file}:{gift.line}: {name}: {reason}"
                ) from exc
            save_question(question, choices)
    return target, created
