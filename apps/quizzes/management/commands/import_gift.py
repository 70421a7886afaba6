from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.quizzes.gift import GiftSyntaxError, parse_gift
from apps.quizzes.loading import sync_questions
from apps.quizzes.management.commands.import_questions import append_to_quiz
from apps.quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Import GIFT questions into a quiz: appended after its questions, or with --replace "
        "in their place (questions already in attempts are kept as old versions). A quiz "
        "that does not exist yet is created as a draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--quiz", required=True, metavar="SLUG")
        parser.add_argument("--replace", action="store_true")

    def handle(self, *args, file: Path, quiz: str, replace: bool, **options):
        try:
            result = parse_gift(file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except GiftSyntaxError as exc:
            raise CommandError(f"Nothing was imported. {file}:{exc.line}: {exc.message}") from exc
        for warning in result.warnings:
            self.stderr.write(f"{file}: warning: {warning}")
        if not replace:
            target, created = append_to_quiz(quiz, result.questions, file)
        else:
            try:
                with transaction.atomic():
                    target, created = Quiz.objects.get_or_create(
                        slug=quiz, defaults={"title": quiz.replace("-", " ").capitalize()}
                    )
                    sync_questions(target, result.questions, file)
            except ValueError as exc:
                raise CommandError(f"Nothing was imported. {exc}") from exc
        action = "Created draft quiz" if created else "Updated quiz"
        self.stdout.write(f"{action} '{target.slug}': {len(result.questions)} questions imported.")
