import pytest
import reversion
from reversion.models import Version

from apps.cases.models import Actor, Case, CaseReading, TimelineEvent
from tests.cases.conftest import make_case

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/cases/case/"


def change_url(case: Case) -> str:
    return f"{CHANGELIST}{case.pk}/change/"


def test_curators_can_open_the_changelist_and_a_case(client, carol, case):
    client.force_login(carol)
    changelist = client.get(CHANGELIST)
    assert changelist.status_code == 200
    assert case.title in changelist.content.decode()
    html = client.get(change_url(case)).content.decode()
    assert "Rendered preview" in html and 'id="covenant"' in html  # the saved body_html
    assert "js/admin-preview.js" in html  # live Markdown preview while editing
    for inline in ("actors", "events", "readings"):
        assert f'id="{inline}-group"' in html
    assert client.get(f"{CHANGELIST}{case.pk}/history/").status_code == 200


def test_curators_can_filter_and_search_cases(client, carol):
    make_case("league-and-abyssinia")
    make_case("concert-of-europe", status="draft", order=2)
    client.force_login(carol)
    drafts = client.get(CHANGELIST, {"status__exact": "draft"}).content.decode()
    assert "Case concert-of-europe" in drafts and "Case league-and-abyssinia" not in drafts
    found = client.get(CHANGELIST, {"q": "Selassie"})
    assert found.context["cl"].result_count == 2  # by actor name, each case once


@pytest.mark.parametrize("persona", ["alice", "ingrid"])
def test_students_and_instructors_cannot_reach_the_case_admin(client, case, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in (CHANGELIST, change_url(case)):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_anonymous_visitors_are_sent_to_log_in(client, case):
    response = client.get(CHANGELIST)
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_curators_publish_and_unpublish_from_the_list(client, carol):
    case = make_case(status="draft")
    client.force_login(carol)
    client.post(CHANGELIST, {"action": "publish", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.status == "published"
    client.post(CHANGELIST, {"action": "unpublish", "_selected_action": [case.pk]})
    case.refresh_from_db()
    assert case.status == "draft"


def test_a_case_revision_includes_its_actors_events_and_readings(carol, case):
    assert reversion.is_registered(Case)
    assert all(reversion.is_registered(m) for m in (Actor, TimelineEvent, CaseReading))
    with reversion.create_revision():
        case.save()
    [version] = Version.objects.get_for_object(case)
    models = {v.content_type.model for v in version.revision.version_set.all()}
    assert models == {"case", "actor", "timelineevent", "casereading"}


def test_saving_in_the_admin_records_a_revision_with_the_curator(client, carol, case):
    client.force_login(carol)
    form = client.get(change_url(case)).context["adminform"].form
    data = {
        **{k: v for k, v in form.initial.items() if v is not None and k != "id"},
        "title": "Renamed case",
        "lessons": [lesson.pk for lesson in case.lessons.all()],
        "key_terms": [term.pk for term in case.key_terms.all()],
        "sources": [source.pk for source in case.sources.all()],
        "discussion": '["Why?"]',
        "interpretations": "{}",
    }
    for prefix, objects in (
        ("actors", case.actors.all()),
        ("events", case.events.all()),
        ("readings", case.readings.all()),
    ):
        data |= {
            f"{prefix}-TOTAL_FORMS": len(objects),
            f"{prefix}-INITIAL_FORMS": len(objects),
            f"{prefix}-MIN_NUM_FORMS": 0,
            f"{prefix}-MAX_NUM_FORMS": 1000,
        }
        for i, obj in enumerate(objects):
            fields = {f.name: f.value_from_object(obj) for f in obj._meta.concrete_fields}
            for name, value in fields.items():
                if name in ("case", "explains_html", "misses_html"):
                    continue
                data[f"{prefix}-{i}-{name}"] = "" if value is None else value
            data[f"{prefix}-{i}-case"] = case.pk
    response = client.post(change_url(case), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    [version] = Version.objects.get_for_object(case)
    assert version.revision.user == carol
    assert version.field_dict["title"] == "Renamed case"


@pytest.mark.parametrize("field", ["lessons", "key_terms", "sources"])
def test_an_id_too_large_to_store_is_a_form_error_not_a_crash(client, carol, field):
    client.force_login(carol)
    response = client.post("/admin/cases/case/add/", {"title": "X", field: "9" * 21})
    assert response.status_code == 200
    assert "is not a valid value" in response.content.decode()
    assert not Case.objects.filter(title="X").exists()
