import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission, User

from apps.core.roles import Action, Role, grant_role, may, sync_role_groups


@pytest.mark.django_db
def test_every_new_account_is_a_student(alice):
    assert list(alice.groups.values_list("name", flat=True)) == ["Student"]
    assert may(alice, Action.TAKE_QUIZZES)
    assert not may(alice, Action.TEACH)
    assert not may(alice, Action.CURATE)


@pytest.mark.django_db
def test_instructors_teach_but_do_not_curate(ingrid):
    assert may(ingrid, Action.TEACH)
    assert may(ingrid, Action.TAKE_QUIZZES)
    assert not may(ingrid, Action.CURATE)
    assert not ingrid.is_staff


@pytest.mark.django_db
def test_curators_curate_and_reach_the_admin(carol):
    assert may(carol, Action.CURATE)
    assert not may(carol, Action.TEACH)
    assert carol.is_staff


@pytest.mark.django_db
def test_superusers_may_do_everything(root):
    assert all(may(root, action) for action in Action)


def test_anonymous_visitors_may_do_nothing():
    assert not any(may(AnonymousUser(), action) for action in Action)


@pytest.mark.django_db
def test_an_inactive_user_loses_every_role(ingrid):
    ingrid.is_active = False
    ingrid.save()
    assert not may(ingrid, Action.TEACH)


@pytest.mark.django_db
def test_role_groups_are_synced_idempotently():
    sync_role_groups()
    sync_role_groups()
    assert set(Group.objects.values_list("name", flat=True)) == {r.value for r in Role}
    curator = Group.objects.get(name="Curator")
    assert curator.permissions.filter(codename="curate").exists()
    assert not curator.permissions.filter(codename="teach").exists()


@pytest.mark.django_db
def test_granting_a_role_twice_changes_nothing(alice):
    grant_role(alice, Role.INSTRUCTOR)
    grant_role(alice, Role.INSTRUCTOR)
    assert alice.groups.filter(name="Instructor").count() == 1


@pytest.mark.django_db
def test_the_user_menu_shows_only_what_the_role_allows(client, alice, ingrid):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "Teaching area" not in html and "Curate content" not in html
    client.force_login(ingrid)
    assert "Teaching area" in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_permission_given_directly_counts_with_the_groups_in_one_query(
    alice, django_assert_num_queries
):
    teach = Permission.objects.get(content_type__app_label="core", codename=Action.TEACH)
    alice.user_permissions.add(teach)
    alice = User.objects.get(pk=alice.pk)  # no permission cache yet
    with django_assert_num_queries(1):
        assert may(alice, Action.TEACH) and may(alice, Action.TAKE_QUIZZES)
        assert not may(alice, Action.CURATE)
    assert alice.get_all_permissions() == {"core.teach", "core.take_quizzes"}
