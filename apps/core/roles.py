"""Who may do what. Views and templates ask `may()`; nothing else checks roles."""

from django.apps import apps
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q

CURATED_APPS = ("lessons", "cases", "reversion")


class Role(models.TextChoices):
    STUDENT = "Student"
    INSTRUCTOR = "Instructor"
    CURATOR = "Curator"


class Action(models.TextChoices):
    TAKE_QUIZZES = "take_quizzes"
    TEACH = "teach"
    CURATE = "curate"


ROLE_ACTIONS = {
    Role.STUDENT: [Action.TAKE_QUIZZES],
    Role.INSTRUCTOR: [Action.TAKE_QUIZZES, Action.TEACH],
    Role.CURATOR: [Action.TAKE_QUIZZES, Action.CURATE],
}


def may(user, action: Action) -> bool:
    """True when `user` is signed in, active and holds the permission behind `action`.

    Superusers may do everything (Django's has_perm already says so).
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(f"core.{action}")


def role_permissions(role: Role) -> list[Permission]:
    perms = list(
        Permission.objects.filter(
            content_type__app_label="core", codename__in=[str(a) for a in ROLE_ACTIONS[role]]
        )
    )
    if role == Role.CURATOR:
        perms += Permission.objects.filter(content_type__app_label__in=CURATED_APPS)
    return perms


def sync_role_groups() -> None:
    """Create the three role groups and give each exactly its permissions (idempotent)."""
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set(role_permissions(role))


def sync_role_groups_after_migrate(sender, **kwargs) -> None:
    # post_migrate is sent once per app with models, in the registry's order, each app's
    # permissions made as it goes: by the last app's signal every permission exists, so
    # the groups are synced then, once (not once per app: 16 times the same queries).
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender is last:
        sync_role_groups()


@transaction.atomic
def grant_role(user, role: Role) -> None:
    """Put `user` in the role's group (a curator thereby reaches the admin)."""
    group, _ = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)


def curators_reach_the_admin(sender, instance, action, pk_set, reverse=False, **kwargs) -> None:
    """Whoever joins the Curator group, by grant_role or a superuser in the admin's user or
    group form, gets admin access (is_staff): curating happens in the admin."""
    if action != "post_add" or not pk_set:
        return
    if reverse:
        if instance.name == Role.CURATOR.value:
            instance.user_set.filter(pk__in=pk_set).update(is_staff=True)
            forget_users(pk_set)  # an update() sends no post_save
    elif (
        not instance.is_staff
        and Group.objects.filter(pk__in=pk_set, name=Role.CURATOR.value).exists()
    ):
        instance.is_staff = True
        instance.save(update_fields=["is_staff"])


def user_roles(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return sorted(g.name for g in user.groups.all())


def make_new_user_a_student(sender, instance, created, raw=False, **kwargs) -> None:
    """Every new account starts as a Student."""
    if created and not raw:
        group, _ = Group.objects.get_or_create(name=Role.STUDENT.value)
        instance.groups.add(group)


# A signed-in request needs its user and the user's permissions (every page's menu asks
# `may()`): kept in the cache, they cost one cache round trip instead of two queries.
# Every change that can alter either drops the copy: a user's save or deletion (password,
# is_active, is_superuser, last_login: so a password change still signs other sessions
# out), a change of their groups or own permissions, and, for every user at once, a change
# of any group's permissions (through the generation stored beside the copies).
USER_CACHE_SECONDS = 300
GENERATION_KEY = "auth-generation"


def _user_key(user_id) -> str:
    return f"auth-user:{user_id}"


def forget_users(user_ids) -> None:
    cache.delete_many([_user_key(pk) for pk in user_ids])


def forget_user(sender, instance, **kwargs) -> None:
    """post_save / post_delete of a user: its cached copy goes."""
    forget_users([instance.pk])


def forget_membership(sender, instance, action, pk_set, reverse=False, model=None, **kwargs):
    """m2m_changed of a user's groups or permissions (either side of the relation)."""
    if not action.startswith("post_"):
        return
    if isinstance(instance, Group | Permission):  # the group's or permission's side
        if action == "post_clear":
            forget_all_users()
        else:
            forget_users(pk_set or [])
    else:
        forget_users([instance.pk])


def forget_all_users(*args, **kwargs) -> None:
    """A group's permissions changed, or a group or permission went: every copy is stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


class PermissionBackend(ModelBackend):
    """Django's model backend, reading a user's own and their groups' permissions in one
    query instead of two, and keeping the user with their permissions in the cache."""

    def get_user(self, user_id):
        key = _user_key(user_id)
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY) or 1
        cached = found.get(key)
        if cached is not None and cached[0] == generation:
            user = cached[1]
        else:
            user = super().get_user(user_id)
            if user is None:
                return None
            self.get_all_permissions(user)  # read now, so that the copy holds them
            cache.set(key, (generation, user), USER_CACHE_SECONDS)
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                perms = perms.filter(Q(user=user_obj) | Q(group__user=user_obj))
            pairs = perms.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in pairs.distinct()}
        return user_obj._perm_cache
