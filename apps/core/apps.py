from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.contrib.auth import get_user_model

        from apps.core import roles

        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="core-sync-roles")
        post_save.connect(
            roles.make_new_user_a_student, sender=get_user_model(), dispatch_uid="core-new-student"
        )
