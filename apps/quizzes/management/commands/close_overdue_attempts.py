from django.core.management.base import BaseCommand

from apps.quizzes.models import Attempt
from apps.quizzes.services import close_overdue_attempts


class Command(BaseCommand):
    help = (
        "Close, at their deadlines, timed attempts whose students never came back "
        "(run it every few minutes from cron; pages also close them as they are viewed)."
    )

    def handle(self, *args, **options):
        closed = close_overdue_attempts(Attempt.objects.all())
        self.stdout.write(f"Closed {closed} overdue attempt{'s' if closed != 1 else ''}.")
