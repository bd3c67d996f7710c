import pytest

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from buurtbemiddeling.roles import PERM_COORDINATE, PERM_MEDIATE, PERM_REFER, role_of

# Which role holds which key permission: True = must have, False = must not have.
EXPECTED = {
    Role.COORDINATOR: {PERM_COORDINATE: True, PERM_MEDIATE: False, PERM_REFER: False, "cases.delete_case": False},
    Role.MEDIATOR: {PERM_COORDINATE: False, PERM_MEDIATE: True, PERM_REFER: False, "cases.add_case": False},
    Role.REFERRER: {
        PERM_COORDINATE: False,
        PERM_MEDIATE: False,
        PERM_REFER: True,
        "cases.view_case": False,
        "cases.view_party": False,
        "organisations.view_partnerorganisation": False,
    },
    Role.ADMIN: {
        PERM_COORDINATE: False,
        PERM_REFER: False,
        "buurtbemiddeling.change_mediationservice": True,
        "buurtbemiddeling.add_user": True,
        "cases.change_conflicttype": True,
        "cases.delete_case": False,
    },
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_gets_exactly_the_permissions_it_should(role, service):
    user = UserFactory(service=service, role=role)
    for perm, expected in EXPECTED[role].items():
        assert user.has_perm(perm) is expected, f"{role} {perm}"
    assert role_of(user) == role


def test_a_user_without_a_group_has_no_role_and_no_case_permissions(service):
    user = UserFactory(service=service)
    assert role_of(user) is None
    assert not user.has_perm(PERM_COORDINATE)
    assert not user.get_all_permissions()


def test_rebuilding_the_role_groups_gives_exactly_what_the_migrations_gave(db):
    from django.contrib.auth.models import Group

    from buurtbemiddeling.roles import ensure_role_groups

    def snapshot():
        return {
            group.name: sorted(group.permissions.values_list("content_type__app_label", "codename"))
            for group in Group.objects.order_by("name")
        }

    migrated = snapshot()
    assert migrated, "the data migrations create the role groups"
    Group.objects.all().delete()  # what a flushed test database looks like
    ensure_role_groups()
    assert snapshot() == migrated


def test_the_roles_table_is_authoritative_after_migrate(db):
    """A permission granted to a role group by hand is gone after the next migrate."""
    from django.contrib.auth.models import Group, Permission
    from django.core.management import call_command

    from buurtbemiddeling.constants import ROLE_GROUP_NAMES, Role
    from buurtbemiddeling.roles import ROLE_PERMISSIONS

    mediators = Group.objects.get(name=ROLE_GROUP_NAMES[Role.MEDIATOR])
    extra = Permission.objects.get(content_type__app_label="cases", codename="coordinate_case")
    mediators.permissions.add(extra)
    call_command("migrate", verbosity=0)
    held = {f"{app}.{code}" for app, code in mediators.permissions.values_list("content_type__app_label", "codename")}
    assert held == ROLE_PERMISSIONS[Role.MEDIATOR]
    assert "cases.coordinate_case" not in held
