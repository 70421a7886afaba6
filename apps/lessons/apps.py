from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class LessonsConfig(AppConfig):
    name = "apps.lessons"
    label = "lessons"

    def ready(self):
        from apps.lessons import search

        # The index is small, so a curator's save simply rebuilds it; load_content
        # rebuilds once at the end instead (it sets `search.deferred`).
        for model_name in ("Lesson", "GlossaryTerm", "Theory"):
            model = self.get_model(model_name)
            post_save.connect(
                search.content_changed, sender=model, dispatch_uid=f"search-{model_name}"
            )
            post_delete.connect(
                search.content_changed, sender=model, dispatch_uid=f"search-del-{model_name}"
            )
