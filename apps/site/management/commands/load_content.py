from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.cases import content_files as case_files
from apps.cases.models import Case
from apps.core.admin import record_revisions
from apps.core.content_files import ContentError, check_links
from apps.core.page_cache import bump_content_version
from apps.lab import content_files as lab_files
from apps.lessons import content_files as lesson_files
from apps.lessons.models import GlossaryTerm, Lesson, Source, Theory
from apps.quizzes.loading import load_checks, load_quizzes
from apps.site import search
from apps.site.content import link_targets


class Command(BaseCommand):
    help = "Load content/ into the database: idempotent upsert by slug, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(settings.BASE_DIR / "content"))

    def handle(self, *args, **options):
        content_dir = Path(options["dir"])
        documents: list = []
        warnings: list[str] = []
        try:
            with transaction.atomic(), search.rebuild_once_after():
                lesson_files.load(content_dir, documents)
                case_files.load(content_dir, documents)
                lab_files.load(content_dir, documents)
                quizzes = load_quizzes(content_dir, documents, warnings)
                checks = load_checks(content_dir, documents, warnings)
                check_links(documents, link_targets())
                record_revisions("Loaded from the content files")
        except ContentError as exc:
            raise CommandError(f"Nothing was loaded. {exc}") from exc
        # Saves bumped it inside the transaction; pages rendered before it committed, and
        # rows made by bulk_create (actors, events), must not outlive it.
        bump_content_version()
        for warning in warnings:
            self.stderr.write(self.style.WARNING(f"Authoring lint: {warning}"))
        self.stdout.write(
            f"Loaded {Theory.objects.count()} theories, {Lesson.objects.count()} lessons, "
            f"{Case.objects.count()} cases, {GlossaryTerm.objects.count()} glossary terms, "
            f"{Source.objects.count()} sources, {quizzes} quizzes, {checks} checks in lessons."
        )
