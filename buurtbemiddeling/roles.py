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
