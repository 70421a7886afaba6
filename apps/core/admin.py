"""Admin pieces every curated model shares: publish actions and a rendered preview."""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, resolve, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin
from reversion.models import Version

from apps.core import drafts
from apps.core.markup import render_markdown
from apps.core.page_cache import bump_content_version
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


class DraftWhileLive:
    """Admin mixin for a VersionAdmin of a page students read: a published page is edited
    as a draft ("Save as draft") while the live page stays up; the draft can be previewed
    as its page, edited again, published or discarded (apps.core.drafts)."""

    change_form_template = "admin/core/draft_change_form.html"

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}_draft"
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/draft/preview/", view(self.draft_preview), name=f"{name}_preview"
            ),
            path(
                "<path:object_id>/draft/publish/", view(self.draft_publish), name=f"{name}_publish"
            ),
            path(
                "<path:object_id>/draft/discard/", view(self.draft_discard), name=f"{name}_discard"
            ),
        ] + super().get_urls()

    def _page_and_draft(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"No {self.model._meta.verbose_name} with that id.")
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj, drafts.draft_of(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        draft = drafts.draft_of(obj) if obj is not None else None
        wants_draft = request.method == "POST" and "_save_draft" in request.POST
        if obj is None or (draft is None and not wants_draft):
            return super().change_view(request, object_id, form_url, extra_context)
        context = {**(extra_context or {}), "draft": draft}

        def change_form():
            # ModelAdmin's view, not VersionAdmin's, which would record a revision of its own
            # around it: the draft functions decide what is recorded.
            return admin.ModelAdmin.changeform_view(self, request, object_id, form_url, context)

        if wants_draft:
            request.saving_draft = True  # the admin's "changed successfully" would mislead
            response, saved = drafts.save_draft(obj, request.user, draft, change_form)
            if response.status_code != 302:
                return response  # the form's errors; nothing was kept
            request.saving_draft = False
            if saved is None:
                self.message_user(request, "Nothing differs from the live page: no draft saved.")
            else:
                self.message_user(
                    request, "Draft saved. The live page is unchanged until you publish it."
                )
            return redirect(request.path)
        if request.method == "POST":
            return drafts.save_live(draft, request.user, change_form)
        return drafts.render_rolled_back(draft, change_form)

    def message_user(self, request, message, *args, **kwargs):
        if not getattr(request, "saving_draft", False):
            super().message_user(request, message, *args, **kwargs)

    def draft_preview(self, request, object_id):
        obj, draft = self._page_and_draft(request, object_id)
        if draft is None:
            raise Http404("This page has no draft.")

        def page():
            obj.refresh_from_db()
            match = resolve(obj.get_absolute_url())
            request.draft_preview = {
                "saved_at": draft.saved_at,
                "edit_url": reverse(
                    f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk]
                ),
            }
            return match.func(request, *match.args, **match.kwargs)

        response = drafts.render_rolled_back(draft, page)
        bump_content_version()  # a view may have cached what it read from the draft
        return response

    @method_decorator(require_POST)
    def draft_publish(self, request, object_id):
        obj, draft = self._page_and_draft(request, object_id)
        if draft is not None:
            try:
                drafts.publish(draft, request.user)
            except drafts.DraftConflict as conflict:
                self.message_user(request, str(conflict), messages.ERROR)
            else:
                self.message_user(request, "The draft is now the live page.", messages.SUCCESS)
        return redirect(
            reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        )

    @method_decorator(require_POST)
    def draft_discard(self, request, object_id):
        obj, draft = self._page_and_draft(request, object_id)
        if draft is not None:
            drafts.discard(draft)
            self.message_user(request, "Draft discarded. The live page is unchanged.")
        return redirect(
            reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
        )


class HistoryAdmin(VersionAdmin):
    """django-reversion's admin, with a history that gives times to the second and says,
    for a revert, which saved version it restored."""

    object_history_template = "admin/core/object_history.html"

    def reversion_register(self, model, **kwargs):
        # Loading unchanged content files again must not add a revision per page.
        super().reversion_register(model, ignore_duplicates=True, **kwargs)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        response = super().revision_view(request, object_id, version_id, extra_context)
        if request.method == "POST" and response.status_code == 302:
            restored = Version.objects.select_related("revision").get(pk=version_id).revision
            newest = Version.objects.get_for_object_reference(
                self.model, unquote(object_id)
            ).first()
            if newest is not None and newest.revision_id != restored.pk:
                saved = timezone.localtime(restored.date_created)
                newest.revision.comment = (
                    f"Restored the version saved {saved:%Y-%m-%d %H:%M:%S %Z} "
                    f"(revision {restored.pk}: “{restored.get_comment() or 'no comment'}”)"
                )
                newest.revision.save(update_fields=["comment"])
        return response


def record_revisions(comment: str) -> None:
    """A revision of every page a HistoryAdmin keeps history for (its inlines follow it),
    unless identical to the page's newest; so the history can always restore, for
    instance, what the content files held."""
    for model in reversion.get_registered_models():
        if not (
            admin.site.is_registered(model)
            and isinstance(admin.site.get_model_admin(model), HistoryAdmin)
        ):
            continue  # an inline's model: recorded with its page
        for obj in model._default_manager.all():
            with reversion.create_revision():
                reversion.set_comment(comment)
                reversion.add_to_revision(obj)
