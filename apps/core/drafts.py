"""Drafts of live pages. A curator edits a published lesson or case as a draft while the
live page stays up; the draft is a django-reversion revision of the page's objects, so
previewing, editing and publishing it reuse reversion's own revert (which also deletes
inline rows the draft removed)."""

from contextlib import contextmanager

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from reversion.models import Revision, Version
from reversion.utils import mute_signals

from apps.core.models import ContentDraft

DRAFT_COMMENT = "Draft (not live)"
VERSION_FIELDS = ("object_id", "content_type_id", "db", "format", "serialized_data", "object_repr")


class DraftConflict(Exception):
    """The draft adds a row whose id the database has since given to another row."""


class _RollBack(Exception):
    def __init__(self, value):
        self.value = value


def draft_of(obj) -> ContentDraft | None:
    content_type = ContentType.objects.get_for_model(obj)
    return (
        ContentDraft.objects.select_related("revision__user")
        .filter(content_type=content_type, object_id=str(obj.pk))
        .first()
    )


def _revert(draft: ContentDraft) -> None:
    for content_type_id, pk in draft.added:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        if model._default_manager.filter(pk=pk).exists():
            raise DraftConflict(
                f"The draft adds a {model._meta.verbose_name} whose id another row now has; "
                "discard the draft and make the edit again."
            )
    draft.revision.revert(delete=True)


@contextmanager
def as_drafted(draft: ContentDraft | None, *, quiet: bool = True):
    """Inside a transaction, the database holds the draft in place of the live rows.
    `quiet` mutes model signals, so nothing outside the database hears of the swap."""
    with transaction.atomic():
        if draft is not None:
            if quiet:
                with mute_signals(pre_save, post_save, pre_delete, post_delete, m2m_changed):
                    _revert(draft)
            else:
                _revert(draft)
        yield


def render_rolled_back(draft: ContentDraft | None, render):
    """What `render()` returns while the draft is in place; then every write is undone."""
    try:
        with as_drafted(draft):
            response = render()
            if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                response.render()
            raise _RollBack(response)
    except _RollBack as rolled_back:
        return rolled_back.value


def save_draft(obj, user, draft: ContentDraft | None, save) -> tuple[object, ContentDraft | None]:
    """Run `save()` (the admin's change form) against the page as drafted, record what it
    wrote as the page's new draft and undo the writes. Returns save()'s response, and the
    draft when the form was valid and changed something (a response other than a redirect
    means the form was invalid; a redirect without a draft, that nothing changed)."""
    newest_before = Revision.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        with as_drafted(draft):
            with reversion.create_revision():
                reversion.set_user(user)
                response = save()
            if response.status_code != 302:
                if hasattr(response, "render"):
                    response.render()
                raise _RollBack((response, None))
            newest = Version.objects.get_for_object(obj).first()
            if newest is None or newest.revision_id <= newest_before:
                raise _RollBack((response, None))  # identical to the live page: not recorded
            raise _RollBack((response, list(newest.revision.version_set.values(*VERSION_FIELDS))))
    except _RollBack as rolled_back:
        response, versions = rolled_back.value
    if versions is None:
        return response, None
    return response, _keep(obj, user, draft, versions)


@transaction.atomic
def _keep(obj, user, old: ContentDraft | None, versions: list[dict]) -> ContentDraft:
    if old is not None:
        old.revision.delete()
    revision = Revision.objects.create(
        date_created=timezone.now(), user=user, comment=DRAFT_COMMENT
    )
    Version.objects.bulk_create(Version(revision=revision, **fields) for fields in versions)
    added = [
        [fields["content_type_id"], fields["object_id"]]
        for fields in versions
        if not ContentType.objects.get_for_id(fields["content_type_id"])
        .model_class()
        ._default_manager.filter(pk=fields["object_id"])
        .exists()
    ]
    return ContentDraft.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        revision=revision,
        added=added,
    )


@transaction.atomic
def publish(draft: ContentDraft, user) -> None:
    """The draft becomes the live page, recorded as a revision of its own."""
    obj = draft.content_type.get_object_for_this_type(pk=draft.object_id)
    saved = timezone.localtime(draft.revision.date_created)
    _revert(draft)
    # Before the new revision: one identical to the newest is not recorded (ignore_duplicates).
    draft.revision.delete()
    obj.refresh_from_db()
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(f"Published the draft saved {saved:%Y-%m-%d %H:%M:%S %Z}")
        obj.save()


def discard(draft: ContentDraft) -> None:
    draft.revision.delete()


def save_live(draft: ContentDraft, user, save):
    """Run `save()` (the admin's change form, showing the draft) for real: what the form
    holds goes live and the draft is spent. An invalid form changes nothing."""
    try:
        with as_drafted(draft), reversion.create_revision():
            reversion.set_user(user)
            response = save()
            if response.status_code != 302:
                if hasattr(response, "render"):
                    response.render()
                raise _RollBack(response)
            draft.revision.delete()
            return response
    except _RollBack as rolled_back:
        return rolled_back.value
