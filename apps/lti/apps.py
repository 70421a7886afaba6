from django.apps import AppConfig


class LtiConfig(AppConfig):
    name = "apps.lti"
    label = "lti"
    verbose_name = "LTI 1.3 tool"

    def ready(self):
        from apps.lti.services import queue_scores_for_attempt, queue_scores_for_quiz
        from apps.quizzes.signals import attempt_graded, release_changed

        attempt_graded.connect(queue_scores_for_attempt, dispatch_uid="lti-queue-scores")
        release_changed.connect(queue_scores_for_quiz, dispatch_uid="lti-queue-released")
