from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.quizzes.formats import EXPORT_FORMATS, QTI12, export_quiz
from apps.quizzes.models import Quiz


class Command(BaseCommand):
    help = (
        "Write a quiz's current questions as GIFT, Moodle XML or a QTI 1.2 zip for Canvas "
        "(to --output FILE; text formats to standard output without it). What a format "
        "cannot keep is listed on standard error."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiz", required=True, metavar="SLUG")
        parser.add_argument("--format", required=True, choices=list(EXPORT_FORMATS))
        parser.add_argument("--output", type=Path, metavar="FILE")

    def handle(self, *args, quiz: str, format: str, output: Path | None, **options):
        target = Quiz.objects.filter(slug=quiz).first()
        if target is None:
            raise CommandError(f"No quiz with the slug '{quiz}'.")
        if output is None and format == QTI12:
            raise CommandError("A QTI package is a zip file: give --output FILE.")
        try:
            export = export_quiz(target, format)
        except ValueError as exc:
            raise CommandError(
                f"'{quiz}' cannot be written as {EXPORT_FORMATS[format]}: {exc}"
            ) from exc
        for line in export.report:
            self.stderr.write(f"not kept: {line}")
        if output is None:
            self.stdout.write(export.data.decode(), ending="")
            return
        try:
            output.write_bytes(export.data)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}") from exc
        count = target.questions.current().count()
        self.stderr.write(f"Wrote {count} questions to {output} ({EXPORT_FORMATS[format]}).")
