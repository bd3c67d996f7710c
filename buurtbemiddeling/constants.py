from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles people have. Each is a Django group whose permissions a data migration sets."""

    COORDINATOR = "coordinator", _("Coördinator")
    MEDIATOR = "mediator", _("Bemiddelaar")
    REFERRER = "referrer", _("Verwijzer")
    ADMIN = "admin", _("Beheerder")


# Group names as created by the data migration (buurtbemiddeling/migrations/0003_roles.py).
# Only the demo seeder and tests use these, to put a person in a role; permission checks never do.
ROLE_GROUP_NAMES = {
    Role.COORDINATOR: "Coördinatoren",
    Role.MEDIATOR: "Bemiddelaars",
    Role.REFERRER: "Verwijzers",
    Role.ADMIN: "Beheerders",
}
