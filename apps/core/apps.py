from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

# Saving any of these changes what anonymous visitors see, so cached pages are dropped.
CONTENT_MODELS = {
    "lessons.Theory", "lessons.Lesson", "lessons.GlossaryTerm", "lessons.Source",
    "lessons.ComparisonDimension", "lessons.ComparisonCell", "cases.Case", "cases.Actor",
    "cases.TimelineEvent", "cases.CaseReading", "quizzes.Quiz", "quizzes.Question",
    "quizzes.Choice",
}  # fmt: skip


def content_saved(sender, **kwargs) -> None:
    from apps.core.page_cache import bump_content_version

    meta = getattr(sender, "_meta", None)
    if meta is None:
        return
    # A many-to-many change arrives from the link table Django made for its model.
    owner = meta.auto_created._meta if meta.auto_created else meta
    if owner.label in CONTENT_MODELS:
        bump_content_version()


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.contrib.auth import get_user_model

        from apps.core import roles

        post_migrate.connect(roles.sync_role_groups_after_migrate, dispatch_uid="core-sync-roles")
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_saved, dispatch_uid=f"core-content-saved-{signal}")
        post_save.connect(
            roles.make_new_user_a_student, sender=get_user_model(), dispatch_uid="core-new-student"
        )
        m2m_changed.connect(
            roles.curators_reach_the_admin,
            sender=get_user_model().groups.through,
            dispatch_uid="core-curators-reach-the-admin",
        )
