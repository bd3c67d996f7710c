from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles people have. Each is a Django group holding the permissions of roles.ROLE_PERMISSIONS."""

    COORDINATOR = "coordinator", _("Coördinator")
    MEDIATOR = "mediator", _("Bemiddelaar")
    REFERRER = "referrer", _("Verwijzer")
    ADMIN = "admin", _("Beheerder")


# The role groups' names (buurtbemiddeling/roles.py gives them their permissions).
# Only the demo seeder and tests use these, to put a person in a role; permission checks never do.
ROLE_GROUP_NAMES = {
    Role.COORDINATOR: "Coördinatoren",
    Role.MEDIATOR: "Bemiddelaars",
    Role.REFERRER: "Verwijzers",
    Role.ADMIN: "Beheerders",
}
