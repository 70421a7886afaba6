from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "apps.review"
    label = "review"
    verbose_name = "Spaced review"

    def ready(self):
        from apps.quizzes.signals import questions_answered
        from apps.review.services import record_answers

        questions_answered.connect(record_answers, dispatch_uid="review-record-answers")
