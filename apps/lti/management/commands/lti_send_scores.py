from django.core.management.base import BaseCommand

from apps.lti.services import forget_expired_nonces, send_due_scores


class Command(BaseCommand):
    help = "Send the LTI scores that are due (run every minute from cron or a timer)."

    def handle(self, *args, **options):
        sent, failed = send_due_scores()
        forgotten = forget_expired_nonces()
        self.stdout.write(
            f"{sent} score(s) sent, {failed} failed; {forgotten} old nonce(s) dropped."
        )
