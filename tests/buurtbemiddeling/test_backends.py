"""The authentication backend: Django's permission rules, in fewer queries per page."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buurtbemiddeling.backends import UserBackend
from buurtbemiddeling.constants import ROLE_GROUP_NAMES, Role
from buurtbemiddeling.factories import UserFactory
from buurtbemiddeling.models import User


def fresh(user):
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_has_the_permissions_djangos_own_backend_gives(role, service):
    user = UserFactory(service=service if role != Role.ADMIN else None, role=role)

    assert UserBackend().get_all_permissions(fresh(user)) == ModelBackend().get_all_permissions(fresh(user))
    assert UserBackend().get_all_permissions(fresh(user))  # every role has some


def test_own_permissions_and_group_permissions_both_count(service):
    user = UserFactory(service=service)
    group = Group.objects.create(name="Extra")
    group.permissions.add(Permission.objects.get(codename="view_mediationservice"))
    user.groups.add(group)
    user.user_permissions.add(Permission.objects.get(codename="change_user"))

    perms = UserBackend().get_all_permissions(fresh(user))

    assert perms == {"buurtbemiddeling.view_mediationservice", "buurtbemiddeling.change_user"}
    assert perms == ModelBackend().get_all_permissions(fresh(user))


def test_a_superuser_has_every_permission_and_an_inactive_user_none(service):
    superuser = UserFactory(service=None, is_superuser=True)
    inactive = UserFactory(service=service, role=Role.COORDINATOR, is_active=False)

    assert len(UserBackend().get_all_permissions(fresh(superuser))) == Permission.objects.count()
    assert UserBackend().get_all_permissions(fresh(inactive)) == set()


def test_a_changed_role_counts_on_the_next_page(client, service):
    user = UserFactory(service=service, role=Role.COORDINATOR)
    client.force_login(user)
    assert client.get(reverse("cases:queue")).status_code == 200

    user.groups.set([Group.objects.get(name=ROLE_GROUP_NAMES[Role.REFERRER])])

    assert client.get(reverse("cases:queue")).status_code == 403


def test_a_page_reads_the_permissions_in_one_query(client, coordinator):
    client.force_login(coordinator)
    client.get(reverse("cases:queue"))  # warm up: content types, role groups

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("cases:queue"))

    sqls = [q["sql"] for q in queries.captured_queries]
    assert sum("auth_permission" in sql for sql in sqls) == 1
