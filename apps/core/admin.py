"""Admin pieces every curated model shares: publish actions and a rendered preview."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.views.decorators.http import require_POST

from apps.core.markup import render_markdown
from apps.core.publishing import Status
from apps.core.roles import Action, may

MAX_PREVIEW_CHARS = 200_000


# The largest id any of our databases stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def _refuse_huge_ids(values, field) -> None:
    # SQLite cannot even bind a larger integer (OverflowError, a 500); say so as a form error.
    for value in values:
        if str(value).strip().isdecimal() and int(value) > MAX_ID:
            raise forms.ValidationError(
                field.error_messages.get(
                    "invalid_pk_value", field.error_messages["invalid_choice"]
                ),
                code="invalid_choice",
                params={"pk": value, "value": value},
            )


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        _refuse_huge_ids([value], self)
        return super().to_python(value)


class IdsChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        _refuse_huge_ids(value, self)
        return super()._check_values(value)


class IdsInRange:
    """Admin mixin: related-object fields answer an id too large to store with a form
    error, on every database."""

    formfield_overrides = {
        models.ForeignKey: {"form_class": IdChoiceField},
        models.ManyToManyField: {"form_class": IdsChoiceField},
    }


class MarkdownPreviewMedia(IdsInRange):
    """Admin mixin: a live "Preview Markdown" button under every Markdown textarea."""

    class Media:
        js = ["js/admin-preview.js"]
        css = {"all": ["css/admin-preview.css"]}


@staff_member_required
@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """Render posted Markdown exactly as saving would: sanitized HTML, nothing stored."""
    if not may(request.user, Action.CURATE):
        raise PermissionDenied
    text = request.POST.get("text", "")
    if len(text) > MAX_PREVIEW_CHARS:
        return HttpResponse(
            f"Text too long to preview (limit {MAX_PREVIEW_CHARS} characters).", status=413
        )
    return HttpResponse(render_markdown(text).html)


class LabelledTabularInline(IdsInRange, admin.TabularInline):
    """A tabular inline whose inputs are named for screen readers: Django shows each
    field's label only as its column heading, which leaves the inputs themselves nameless
    (WCAG 1.3.1, 4.1.2). Each gets "<column>, row N" as its aria-label."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)

        class LabelledFormSet(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                row = "new row" if index is None else f"row {index + 1}"
                for name, field in form.fields.items():
                    widget = getattr(field.widget, "widget", field.widget)  # related wrappers
                    label = capfirst(field.label or name.replace("_", " "))
                    widget.attrs.setdefault("aria-label", f"{label}, {row}")

        return LabelledFormSet


def _set_status(modeladmin, request, queryset, status: str, verb: str) -> None:
    # Saving each object (not queryset.update) renders it and records a revision to restore.
    with reversion.create_revision():
        reversion.set_user(request.user)
        reversion.set_comment(f"{verb} from the list")
        for obj in queryset:
            obj.status = status
            obj.save()
    modeladmin.message_user(request, f"{verb} {len(queryset)} item(s).", messages.SUCCESS)


@admin.action(description="Publish selected items")
def publish(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, Status.PUBLISHED, "Published")


@admin.action(description="Return selected items to draft")
def unpublish(modeladmin, request, queryset):
    _set_status(modeladmin, request, queryset, Status.DRAFT, "Moved to draft")


def rendered_preview(field: str, description: str = "Rendered preview"):
    """A read-only admin field showing the sanitized HTML saved from a Markdown field."""

    @admin.display(description=description)
    def preview(_model_admin, obj):
        html = getattr(obj, f"{field}_html", "") if obj else ""
        if not html:
            return "Save to see the rendered page."
        return format_html('<div class="admin-preview">{}</div>', mark_safe(html))  # noqa: S308

    return preview
