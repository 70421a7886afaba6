from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class QuizzesConfig(AppConfig):
    name = "apps.quizzes"
    label = "quizzes"

    def ready(self):
        from apps.quizzes.models import Choice, Question
        from apps.quizzes.services import forget_question

        for model in (Question, Choice):
            post_save.connect(forget_question, sender=model, dispatch_uid=f"forget-{model}")
            post_delete.connect(forget_question, sender=model, dispatch_uid=f"drop-{model}")
