"""A curator edits a published lesson or case as a draft while the live page stays up,
previews it as its page, publishes or discards it; the history gives times to the second,
starts from the content files, and says which version a revert restored."""

import re

import pytest
from django.core.management import call_command
from reversion.models import Version

from apps.cases.models import Case
from apps.core.models import ContentDraft
from apps.lessons.models import Lesson

pytestmark = pytest.mark.django_db

SLUG = "how-regimes-work"


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def form_data(response) -> dict:
    """What the admin's change form would post as shown: its fields and every inline row."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data |= {
            management.add_prefix(name): management[name].value() for name in management.fields
        }
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None and value is not False:
                data[form.add_prefix(name)] = value
    return data


def edit(client, obj, button: str, **changes):
    data = form_data(client.get(change_url(obj))) | changes
    if button:
        data[button] = "1"
    return client.post(change_url(obj), data)


def live_page(client, obj) -> str:
    client.logout()
    return client.get(obj.get_absolute_url()).content.decode()


@pytest.fixture
def lesson(content):
    return Lesson.objects.get(slug=SLUG)


def test_a_draft_keeps_the_live_page_until_it_is_published(client, carol, lesson):
    live_body = lesson.body
    client.force_login(carol)
    response = edit(client, lesson, "_save_draft", summary="A draft summary, not yet live.")
    assert response.status_code == 302 and response.url == change_url(lesson)
    lesson.refresh_from_db()
    assert lesson.body == live_body and "A draft summary" not in lesson.summary
    assert "A draft summary" not in live_page(client, lesson)

    client.force_login(carol)
    form = client.get(change_url(lesson))
    assert form.context["adminform"].form["summary"].value() == "A draft summary, not yet live."
    assert "This page has a draft" in form.content.decode()

    preview = client.get(change_url(lesson).replace("change/", "draft/preview/"))
    assert preview.status_code == 200
    assert "A draft summary, not yet live." in preview.content.decode()
    assert "Students still see the live page" in preview.content.decode()
    assert "A draft summary" not in live_page(client, lesson)  # nor did the preview leak

    client.force_login(carol)
    client.post(change_url(lesson).replace("change/", "draft/publish/"))
    assert not ContentDraft.objects.exists()
    assert "A draft summary, not yet live." in live_page(client, lesson)
    newest = Version.objects.get_for_object(lesson).first()
    assert re.fullmatch(
        r"Published the draft saved \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \w+", newest.revision.comment
    )
    assert newest.revision.user == carol


def test_a_draft_edited_again_then_saved_goes_live_and_is_spent(client, carol, lesson):
    client.force_login(carol)
    edit(client, lesson, "_save_draft", summary="First draft.")
    edit(client, lesson, "_save_draft", title="Drafted title")  # the form shows the draft
    assert ContentDraft.objects.count() == 1
    lesson.refresh_from_db()
    assert lesson.title != "Drafted title" and lesson.summary != "First draft."
    assert edit(client, lesson, "_save").status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.summary) == ("Drafted title", "First draft.")
    assert not ContentDraft.objects.exists()


def test_discarding_a_draft_leaves_the_live_page_as_it_was(client, carol, lesson):
    client.force_login(carol)
    edit(client, lesson, "_save_draft", summary="Never mind.")
    client.post(change_url(lesson).replace("change/", "draft/discard/"))
    assert not ContentDraft.objects.exists()
    lesson.refresh_from_db()
    assert lesson.summary != "Never mind."
    assert "This page has a draft" not in client.get(change_url(lesson)).content.decode()


def test_a_draft_with_a_broken_link_is_refused_beside_its_field(client, carol, lesson):
    client.force_login(carol)
    body = lesson.body + "\n\nSee [nowhere](/lessons/no-such-lesson/)."
    response = edit(client, lesson, "_save_draft", body=body)
    assert response.status_code == 200
    assert "no-such-lesson" in str(response.context["adminform"].form.errors["body"])
    assert not ContentDraft.objects.exists()


def test_an_unchanged_form_saves_no_draft(client, carol, lesson):
    client.force_login(carol)
    edit(client, lesson, "_save")  # the form trims the file's final newline once
    response = edit(client, lesson, "_save_draft")
    assert response.status_code == 302
    assert not ContentDraft.objects.exists()


def test_a_case_draft_removes_and_adds_timeline_rows_only_when_published(client, carol, content):
    case = Case.objects.filter(status="published").first()
    events = list(case.events.order_by("pk"))
    client.force_login(carol)
    data = form_data(client.get(change_url(case)))
    data["events-0-DELETE"] = "on"
    data["_save_draft"] = "1"
    assert client.post(change_url(case), data).status_code == 302
    assert list(case.events.order_by("pk")) == events  # live rows untouched

    client.post(change_url(case).replace("change/", "draft/publish/"))
    assert list(case.events.order_by("pk")) == events[1:]
    assert not ContentDraft.objects.exists()


def test_only_curators_reach_a_draft(client, carol, alice, ingrid, lesson):
    client.force_login(carol)
    edit(client, lesson, "_save_draft", summary="Curators only.")
    preview = change_url(lesson).replace("change/", "draft/preview/")
    publish = change_url(lesson).replace("change/", "draft/publish/")
    for user in (alice, ingrid):
        client.force_login(user)
        assert client.get(preview).status_code == 302  # to the admin's sign-in
        client.post(publish)
    assert ContentDraft.objects.count() == 1
    client.force_login(carol)
    assert client.get(publish).status_code == 405  # publishing is a POST


def test_the_history_starts_from_the_files_and_names_what_a_revert_restored(client, carol, lesson):
    baseline = Version.objects.get_for_object(lesson).last()
    assert baseline.revision.comment == "Loaded from the content files"
    call_command("load_content", verbosity=0)  # the same files again: nothing to record
    assert Version.objects.get_for_object(lesson).count() == 1

    client.force_login(carol)
    original = lesson.title
    edit(client, lesson, "_save", title="A renamed lesson")
    history = client.get(change_url(lesson).replace("change/", "history/")).content.decode()
    assert len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", history)) == 2

    url = f"/admin/lessons/lesson/{lesson.pk}/history/{baseline.pk}/"
    response = client.post(url, form_data(client.get(url)))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == original
    comment = Version.objects.get_for_object(lesson).first().revision.comment
    assert re.fullmatch(
        rf"Restored the version saved \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d \w+ "
        rf"\(revision {baseline.revision_id}: “Loaded from the content files”\)",
        comment,
    )
