"""Admin pieces every curated model shares: publish actions and a rendered preview."""

from django.contrib import admin, messages
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.core.publishing import Status


@admin.action(description="Publish selected items")
def publish(modeladmin, request, queryset):
    count = queryset.update(status=Status.PUBLISHED)
    modeladmin.message_user(request, f"Published {count} item(s).", messages.SUCCESS)


@admin.action(description="Return selected items to draft")
def unpublish(modeladmin, request, queryset):
    count = queryset.update(status=Status.DRAFT)
    modeladmin.message_user(request, f"Moved {count} item(s) back to draft.", messages.SUCCESS)


def rendered_preview(field: str, description: str = "Rendered preview"):
    """A read-only admin field showing the sanitized HTML saved from a Markdown field."""

    @admin.display(description=description)
    def preview(obj):
        html = getattr(obj, f"{field}_html", "") if obj else ""
        if not html:
            return "Save to see the rendered page."
        return format_html('<div class="admin-preview">{}</div>', mark_safe(html))  # noqa: S308

    return preview
