from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_migrate, post_save


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.contrib.auth import get_user_model

        from apps.core import checks, roles  # noqa: F401 - checks registers itself

        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="core-sync-roles")
        post_save.connect(
            roles.make_new_user_a_student, sender=get_user_model(), dispatch_uid="core-new-student"
        )
        m2m_changed.connect(
            roles.curators_reach_the_admin,
            sender=get_user_model().groups.through,
            dispatch_uid="core-curators-reach-the-admin",
        )
