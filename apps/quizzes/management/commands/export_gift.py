from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.quizzes.gift import write_gift
from apps.quizzes.loading import question_to_gift
from apps.quizzes.models import Quiz


class Command(BaseCommand):
    help = "Write a quiz's current questions as GIFT (to standard output, or --output FILE)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", type=Path)

    def handle(self, *args, slug: str, output: Path | None, **options):
        quiz = Quiz.objects.filter(slug=slug).first()
        if quiz is None:
            raise CommandError(f"No quiz with the slug '{slug}'.")
        questions = list(quiz.questions.current().prefetch_related("choices"))
        try:
            text = write_gift(question_to_gift(q) for q in questions)
        except ValueError as exc:
            raise CommandError(f"'{slug}' cannot be written as GIFT: {exc}") from exc
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {len(questions)} questions to {output}")
