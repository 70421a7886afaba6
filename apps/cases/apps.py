from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CasesConfig(AppConfig):
    name = "apps.cases"
    label = "cases"

    def ready(self):
        from apps.lessons import search

        case = self.get_model("Case")
        post_save.connect(search.content_changed, sender=case, dispatch_uid="search-Case")
        post_delete.connect(search.content_changed, sender=case, dispatch_uid="search-del-Case")
