from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

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
        # The cached copies of users and their permissions (roles.PermissionBackend).
        user = get_user_model()
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(roles.forget_user, sender=user, dispatch_uid=f"core-user-{name}")
            for model in (Group, Permission):
                uid = f"core-{model.__name__}-{name}"
                signal.connect(roles.forget_all_users, sender=model, dispatch_uid=uid)
        for through in (user.groups.through, user.user_permissions.through):
            uid = f"core-forget-{through.__name__}"
            m2m_changed.connect(roles.forget_membership, sender=through, dispatch_uid=uid)
        m2m_changed.connect(
            roles.forget_all_users,
            sender=Group.permissions.through,
            dispatch_uid="core-group-permissions-changed",
        )
