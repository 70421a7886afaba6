from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "apps.review"
    label = "review"
    verbose_name = "Spaced review"

    def ready(self):
        from apps.quizzes.signals import question_answered
        from apps.review.services import record_answer

        question_answered.connect(record_answer, dispatch_uid="review-record-answer")
