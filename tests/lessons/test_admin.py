import pytest
from reversion.models import Version

from apps.lessons.models import Lesson


@pytest.mark.django_db
def test_curators_edit_lessons_in_the_admin_with_search_and_filters(client, carol, content):
    client.force_login(carol)
    response = client.get("/admin/lessons/lesson/?q=regime&status__exact=published")
    assert response.status_code == 200
    assert "How regimes work" in response.content.decode()
    lesson = Lesson.objects.get(slug="how-regimes-work")
    change = client.get(f"/admin/lessons/lesson/{lesson.pk}/change/").content.decode()
    assert "admin-preview.js" in change
    assert "Rendered preview" in change


@pytest.mark.django_db
def test_students_and_instructors_cannot_reach_the_admin(client, alice, ingrid):
    for user in (alice, ingrid):
        client.force_login(user)
        response = client.get("/admin/lessons/lesson/")
        assert response.status_code == 302 and "/admin/login/" in response.url


def _lesson_edit(client, lesson, body: str):
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "theory": lesson.theory_id,
            "key_terms": [t.pk for t in lesson.key_terms.all()],
            "sources": [s.pk for s in lesson.sources.all()],
            "objectives": '["Explain the shadow of the future"]',
            "takeaways": '["It works"]',
            "body": body,
        }
    )
    return client.post(url, data)


@pytest.mark.django_db
def test_saving_in_the_admin_renders_sanitized_html_and_keeps_a_revision(client, carol, content):
    client.force_login(carol)
    lesson = Lesson.objects.get(slug="how-regimes-work")
    revisions_before = Version.objects.get_for_object(lesson).count()
    body = "## New section {#new}\n\n<script>alert(1)</script> [x](javascript:alert(1))"
    response = _lesson_edit(client, lesson, body)
    assert response.status_code == 302, response.context["adminform"].form.errors
    lesson.refresh_from_db()
    assert '<h2 id="new">New section</h2>' in lesson.body_html
    assert "<script" not in lesson.body_html and "javascript:" not in lesson.body_html
    assert Version.objects.get_for_object(lesson).count() == revisions_before + 1
    history = client.get(f"/admin/lessons/lesson/{lesson.pk}/history/")
    assert history.status_code == 200


@pytest.mark.django_db
def test_a_revision_can_be_restored(client, carol, content):
    client.force_login(carol)
    lesson = Lesson.objects.get(slug="how-regimes-work")
    import reversion

    with reversion.create_revision():
        lesson.save()
    original_title = lesson.title
    lesson.title = "Changed title"
    with reversion.create_revision():
        lesson.save()
    version = Version.objects.get_for_object(lesson).last()  # the oldest
    page = client.get(f"/admin/lessons/lesson/{lesson.pk}/history/{version.pk}/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"objectives": "[]", "takeaways": "[]", "key_terms": [], "sources": []})
    client.post(f"/admin/lessons/lesson/{lesson.pk}/history/{version.pk}/", data)
    lesson.refresh_from_db()
    assert lesson.title == original_title


@pytest.mark.django_db
def test_the_markdown_preview_sanitizes_and_needs_a_curator(client, carol, alice):
    client.force_login(alice)
    assert client.post("/admin/markdown-preview/", {"text": "x"}).status_code == 302
    client.force_login(carol)
    response = client.post(
        "/admin/markdown-preview/", {"text": "**bold** <img src=x onerror=alert(1)>"}
    )
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.content.decode()
    assert "onerror" not in response.content.decode()
    assert client.get("/admin/markdown-preview/").status_code == 405


@pytest.mark.django_db
def test_curators_publish_and_unpublish_in_bulk(client, carol, content):
    client.force_login(carol)
    ids = list(Lesson.objects.values_list("pk", flat=True)[:2])
    before = {pk: Version.objects.get_for_object_reference(Lesson, pk).count() for pk in ids}
    client.post("/admin/lessons/lesson/", {"action": "unpublish", "_selected_action": ids})
    assert Lesson.objects.filter(pk__in=ids, status="draft").count() == 2
    after = {pk: Version.objects.get_for_object_reference(Lesson, pk).count() for pk in ids}
    assert after == {pk: count + 1 for pk, count in before.items()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("## A {#a}\n\nSee [it](/cases/concert-of-europe/#no-such-section).",
         "Line 3: broken link /cases/concert-of-europe/#no-such-section"),
        ("## A {#a}\n\n![a map](/static/img/map.png)", "Images are not supported"),
    ],
)  # fmt: skip
def test_the_admin_refuses_what_load_content_would_refuse_beside_the_field(
    client, carol, content, body, message
):
    client.force_login(carol)
    lesson = Lesson.objects.get(slug="how-regimes-work")
    before = lesson.body
    response = _lesson_edit(client, lesson, body)
    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors["body"])
    lesson.refresh_from_db()
    assert lesson.body == before


@pytest.mark.django_db
def test_a_link_to_a_section_the_edit_itself_adds_is_accepted(client, carol, content):
    client.force_login(carol)
    lesson = Lesson.objects.get(slug="how-regimes-work")
    body = "## Fresh {#fresh}\n\nBack to [the top](/lessons/how-regimes-work/#fresh)."
    assert _lesson_edit(client, lesson, body).status_code == 302
