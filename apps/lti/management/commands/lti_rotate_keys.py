from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from lti_tool.models import Key


class Command(BaseCommand):
    help = (
        "Make a new key pair to sign with from now on. Older public keys stay in the key set "
        "(platforms may still check tokens signed with them) until --retire-after days."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--retire-after",
            type=int,
            default=7,
            help="Retire (unpublish) keys older than this many days (default 7).",
        )

    def handle(self, *args, **options):
        now = timezone.now()
        with transaction.atomic():
            new = Key.objects.generate()
            retired = (
                Key.objects.active()
                .exclude(pk=new.pk)
                .filter(datetime_created__lt=now - timedelta(days=options["retire_after"]))
                .update(is_active=False)
            )
        # The kid only: a private key is never printed.
        self.stdout.write(f"New signing key {new}; {retired} old key(s) retired.")
