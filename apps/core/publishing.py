"""Draft/published status shared by every piece of curated content."""

from django.db import models

from apps.core.markup import render_markdown
from apps.core.roles import Action, may


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """Students see published content; curators also see drafts."""
        return self if may(user, Action.CURATE) else self.published()


class RendersMarkdown(models.Model):
    """Markdown stored as written and rendered (sanitized) once, on save.

    Subclasses list `markdown_fields`; each `name` is rendered into `name_html`, and a
    `body` also fills `toc` when the model has one.
    """

    markdown_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        rendered_fields = []
        for name in self.markdown_fields:
            rendered = render_markdown(getattr(self, name))
            setattr(self, f"{name}_html", rendered.html)
            rendered_fields.append(f"{name}_html")
            if name == "body" and hasattr(self, "toc"):
                self.toc = rendered.toc
                rendered_fields.append("toc")
        # update_or_create saves only the fields it was given: what was rendered from
        # them must be written too, or the page keeps showing the old text.
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *rendered_fields}
        super().save(*args, **kwargs)


class Publishable(RendersMarkdown):
    """Curated content: a draft/published status, and Markdown fields rendered on save."""

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT
