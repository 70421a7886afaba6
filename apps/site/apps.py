from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save

# Every model whose rows a visitor reads as course content. Saving one changes what
# anonymous visitors see (cached pages are dropped) and may change the search index.
CONTENT_MODELS = {
    "lessons.Theory", "lessons.Lesson", "lessons.GlossaryTerm", "lessons.Source",
    "lessons.ComparisonDimension", "lessons.ComparisonCell", "cases.Case", "cases.Actor",
    "cases.TimelineEvent", "cases.CaseReading", "quizzes.Quiz", "quizzes.Question",
    "quizzes.Choice",
}  # fmt: skip
# The ones the search index is built from (see search._documents).
SEARCHED_MODELS = {
    "lessons.Theory", "lessons.Lesson", "lessons.GlossaryTerm", "cases.Case", "quizzes.Quiz",
    "quizzes.Question",
}  # fmt: skip


def content_saved(sender, **kwargs) -> None:
    from apps.core.page_cache import bump_content_version
    from apps.site import search

    meta = getattr(sender, "_meta", None)
    # Migrations save through historical models ("__fake__"), whose tables may not yet
    # match the models search and the cache read.
    if meta is None or sender.__module__ == "__fake__":
        return
    # A many-to-many change arrives from the link table Django made for its model.
    owner = meta.auto_created._meta if meta.auto_created else meta
    if owner.label in CONTENT_MODELS:
        bump_content_version()
    if owner.label in SEARCHED_MODELS:
        search.content_changed()


class SiteConfig(AppConfig):
    """What spans the domain apps: home, search, the comparison, content files."""

    name = "apps.site"
    label = "site"
    verbose_name = "Site"

    def ready(self):
        from django.contrib import admin

        from apps.site.content import CHECKED_IN_ADMIN, CheckedContentForm

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_saved, dispatch_uid=f"site-content-saved-{signal}")
        # Curators' edits pass the checks load_content applies to the files. The admins
        # are registered by the apps below; only this app knows every page to link to.
        for model in CHECKED_IN_ADMIN:
            model_admin = admin.site.get_model_admin(model)
            model_admin.form = type(
                "Checked" + model_admin.form.__name__, (CheckedContentForm, model_admin.form), {}
            )
