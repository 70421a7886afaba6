from django.contrib import admin

from apps.core.admin import (
    DraftWhileLive,
    HistoryAdmin,
    IdsInRange,
    MarkdownPreviewMedia,
    publish,
    rendered_preview,
    unpublish,
)
from apps.lessons.models import (
    ComparisonCell,
    ComparisonDimension,
    GlossaryTerm,
    Lesson,
    LessonProgress,
    Source,
    Theory,
)


@admin.register(Theory)
class TheoryAdmin(DraftWhileLive, MarkdownPreviewMedia, HistoryAdmin):
    list_display = ["title", "slug", "status", "order"]
    list_filter = ["status"]
    search_fields = ["title", "thesis", "body"]
    prepopulated_fields = {"slug": ["title"]}
    actions = [publish, unpublish]
    readonly_fields = ["preview"]
    preview = rendered_preview("body")


@admin.register(Lesson)
class LessonAdmin(DraftWhileLive, MarkdownPreviewMedia, HistoryAdmin):
    list_display = ["order", "title", "theory", "status", "reading_minutes"]
    list_display_links = ["title"]
    list_filter = ["status", "theory"]
    search_fields = ["title", "summary", "body"]
    ordering = ["order"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["key_terms", "sources"]
    actions = [publish, unpublish]
    readonly_fields = ["preview", "reading_minutes"]
    preview = rendered_preview("body")


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(DraftWhileLive, MarkdownPreviewMedia, HistoryAdmin):
    list_display = ["term", "slug", "status"]
    list_filter = ["status"]
    search_fields = ["term", "definition"]
    prepopulated_fields = {"slug": ["term"]}
    filter_horizontal = ["related"]
    actions = [publish, unpublish]
    readonly_fields = ["preview"]
    preview = rendered_preview("definition")


@admin.register(Source)
class SourceAdmin(IdsInRange, HistoryAdmin):
    list_display = ["authors", "year", "title", "kind"]
    list_filter = ["kind"]
    search_fields = ["authors", "title", "key"]


class ComparisonCellInline(IdsInRange, admin.StackedInline):
    model = ComparisonCell
    extra = 0


@admin.register(ComparisonDimension)
class ComparisonDimensionAdmin(MarkdownPreviewMedia, HistoryAdmin):
    list_display = ["order", "title", "status"]
    list_display_links = ["title"]
    list_filter = ["status"]
    search_fields = ["title", "cells__summary", "cells__detail"]
    inlines = [ComparisonCellInline]
    actions = [publish, unpublish]


@admin.register(LessonProgress)
class LessonProgressAdmin(IdsInRange, admin.ModelAdmin):
    list_display = ["user", "lesson", "state", "section", "updated_at"]
    list_filter = ["lesson", "state"]
    search_fields = ["user__username"]
