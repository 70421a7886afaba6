from django.core.management.base import BaseCommand

from apps.lti.services import forget_expired_nonces, queue_scores_now_shown, send_due_scores


class Command(BaseCommand):
    help = (
        "Queue the scores students may now see (a quiz closed, marks released) and send "
        "the LTI scores that are due (run every minute from cron or a timer)."
    )

    def handle(self, *args, **options):
        shown = queue_scores_now_shown()
        sent, failed = send_due_scores()
        forgotten = forget_expired_nonces()
        self.stdout.write(
            f"{shown} score(s) now shown; {sent} score(s) sent, {failed} failed; "
            f"{forgotten} old nonce(s) dropped."
        )
