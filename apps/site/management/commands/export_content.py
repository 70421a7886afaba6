from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.cases import content_files as case_files
from apps.lab import content_files as lab_files
from apps.lessons import content_files as lesson_files
from apps.quizzes.loading import export_checks, export_quizzes


class Command(BaseCommand):
    help = "Write the database's content back to content/ (the canonical file form)."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BASE_DIR / "content"))

    def handle(self, *args, **options):
        content_dir = Path(options["dir"])
        lesson_files.export(content_dir)
        case_files.export(content_dir)
        lab_files.export(content_dir)
        export_quizzes(content_dir)
        export_checks(content_dir)
        self.stdout.write(f"Exported content to {content_dir}")
