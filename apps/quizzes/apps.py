from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class QuizzesConfig(AppConfig):
    name = "apps.quizzes"
    label = "quizzes"

    def ready(self):
        from apps.quizzes.grades import record_lesson_result
        from apps.quizzes.models import Attempt, Choice, Question
        from apps.quizzes.services import forget_question
        from apps.quizzes.signals import attempt_graded

        for model in (Question, Choice):
            post_save.connect(forget_question, sender=model, dispatch_uid=f"forget-{model}")
            post_delete.connect(forget_question, sender=model, dispatch_uid=f"drop-{model}")
        attempt_graded.connect(
            record_lesson_result, sender=Attempt, dispatch_uid="lesson-quiz-passed"
        )
