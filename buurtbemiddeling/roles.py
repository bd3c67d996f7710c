"""A person's role, derived from their permissions (never from group names)."""

from .constants import Role

PERM_COORDINATE = "cases.coordinate_case"
PERM_MEDIATE = "cases.mediate_case"
PERM_REFER = "referrals.submit_referral"
PERM_VIEW_ORGANISATION_REFERRALS = "referrals.view_organisation_referrals"


def role_of(user) -> Role | None:
    if not getattr(user, "is_authenticated", False):
        return None
    if user.is_superuser:
        return Role.ADMIN
    if user.has_perm(PERM_COORDINATE):
        return Role.COORDINATOR
    if user.has_perm(PERM_MEDIATE):
        return Role.MEDIATOR
    if user.has_perm(PERM_REFER):
        return Role.REFERRER
    if user.is_staff:
        return Role.ADMIN
    return None


def ensure_role_groups() -> None:
    """Create the role groups as the data migration does, if they are missing.

    Only tests and the demo seeder need this: a test that flushes the database (a live
    server test) also removes the rows the data migrations wrote. Every migration that grants
    role permissions must be listed here too.
    """
    import importlib

    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    grants = []
    roles = importlib.import_module("buurtbemiddeling.migrations.0003_roles").ROLES
    grants += [(group, perm) for group, perms in roles.items() for perm in perms]
    partners = importlib.import_module("partners.migrations.0003_coordinator_permissions").GRANTS
    grants += [(group, perm) for group, perms in partners.items() for perm in perms]
    figures = importlib.import_module("cases.migrations.0003_national_mapping_figures").ADMIN_PERMISSIONS
    grants += [("Beheerders", ("cases", codename)) for codename in figures]
    for group_name, (app_label, codename) in grants:
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
