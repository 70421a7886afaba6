from django.contrib import admin

from apps.cases.models import Actor, Case, CaseReading, TimelineEvent
from apps.core.admin import (
    DraftWhileLive,
    HistoryAdmin,
    IdsInRange,
    LabelledTabularInline,
    MarkdownPreviewMedia,
    publish,
    rendered_preview,
    unpublish,
)


class ActorInline(LabelledTabularInline):
    model = Actor
    extra = 0
    fields = ["order", "name", "kind", "role"]


class TimelineEventInline(LabelledTabularInline):
    model = TimelineEvent
    extra = 0
    fields = ["date", "precision", "kind", "title", "section", "description"]


class CaseReadingInline(IdsInRange, admin.StackedInline):
    model = CaseReading
    extra = 0
    fields = ["theory", "prediction", "explains", "misses", "verdict"]


@admin.register(Case)
class CaseAdmin(DraftWhileLive, MarkdownPreviewMedia, HistoryAdmin):
    """VersionAdmin registers Case with reversion following its inlines (actors, events,
    readings), so restoring a revision restores the whole case. The body and the readings'
    Markdown fields get a live preview button; the saved page shows under "Rendered preview"."""

    list_display = ["title", "status", "order", "period"]
    list_editable = ["order"]
    list_filter = ["status"]
    search_fields = ["title", "summary", "body", "actors__name", "events__title"]
    ordering = ["order", "title"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["lessons", "key_terms", "sources"]
    inlines = [ActorInline, TimelineEventInline, CaseReadingInline]
    actions = [publish, unpublish]
    readonly_fields = ["preview"]
    preview = rendered_preview("body")
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "order", "period", "summary"]}),
        ("Narrative", {"fields": ["body", "preview"]}),
        ("Links", {"fields": ["lessons", "key_terms", "sources"]}),
        ("Discussion and interpretations", {"fields": ["discussion", "interpretations"]}),
    ]
