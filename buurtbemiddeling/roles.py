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
    server test) also removes the rows the data migration wrote.
    """
    import importlib

    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    importlib.import_module("buurtbemiddeling.migrations.0003_roles").grant_roles(apps)
