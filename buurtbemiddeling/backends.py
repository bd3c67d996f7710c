"""The authentication backend: Django's ModelBackend with the permission check made cheaper.

Every page a signed-in person opens checks a permission. Django's ModelBackend reads them
in two ORM queries per request (the user's own and their groups'), which cost more in
Python than in the database; here it is one SQL statement. The rules are Django's:
inactive users have none, superusers all, everyone else what their groups and their own
permissions give; nothing is kept beyond the request, so a changed role counts on the next
page. The signed-in user is read with their service, together with the session's second
factor when there is one (middleware.OTPMiddleware).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connections, router

# The user middleware.OTPMiddleware already read with the session's device, for get_user.
_known_user: ContextVar = ContextVar("known_user", default=None)


@contextmanager
def known_user(user) -> Iterator[None]:
    """While inside, get_user takes `user` (already read) when the session names them."""
    token = _known_user.set(user)
    try:
        yield
    finally:
        _known_user.reset(token)


class UserBackend(ModelBackend):
    def get_user(self, user_id):
        """The signed-in user with their service (every page needs it), in one statement."""
        user = _known_user.get()
        if user is None or str(user.pk) != str(user_id):
            user_model = get_user_model()
            try:
                user = user_model._default_manager.select_related("service").get(pk=user_id)
            except user_model.DoesNotExist:
                return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = self._load_permissions(user_obj)
        return user_obj._perm_cache

    def _load_permissions(self, user_obj) -> set[str]:
        if user_obj.is_superuser:
            pairs = Permission.objects.values_list("content_type__app_label", "codename")
        else:
            pairs = self._own_and_group_permissions(user_obj)
        return {f"{app_label}.{codename}" for app_label, codename in pairs}

    @staticmethod
    def _own_and_group_permissions(user_obj) -> list[tuple[str, str]]:
        # One statement instead of ModelBackend's two ORM queries: this runs on every page.
        User = type(user_obj)
        user_permissions = User.user_permissions.through._meta
        user_groups = User.groups.through._meta
        group_permissions = Group.permissions.through._meta
        sql = (
            f"SELECT ct.app_label, p.codename FROM {Permission._meta.db_table} p "  # noqa: S608 - table names only
            f"JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id "
            f"WHERE p.id IN ("
            f"SELECT up.permission_id FROM {user_permissions.db_table} up WHERE up.user_id = %s "
            f"UNION SELECT gp.permission_id FROM {group_permissions.db_table} gp "
            f"JOIN {user_groups.db_table} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
        )
        with connections[router.db_for_read(Permission)].cursor() as cursor:
            cursor.execute(sql, [user_obj.pk, user_obj.pk])
            return cursor.fetchall()
