from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    """Kinds of partner organisation; also the referrer type in the figures."""

    HOUSING_CORPORATION = "housing_corporation", _("Woningcorporatie")
    POLICE = "police", _("Politie")
    MUNICIPALITY = "municipality", _("Gemeente")
    CARE_PROVIDER = "care_provider", _("Zorgaanbieder / GGZ")
    SOCIAL_WORK = "social_work", _("Maatschappelijk werk / sociaal wijkteam")
    HOME_CARE = "home_care", _("Thuiszorg")
    GENERAL_PRACTITIONER = "general_practitioner", _("Huisarts")
    NEIGHBOURHOOD_ORGANISATION = "neighbourhood_organisation", _("Wijkorganisatie / welzijn")
    MELDPUNT = "meldpunt", _("Meldpunt Zorg en Woonoverlast")
    SHELTER = "shelter", _("Opvang- en zorgorganisatie")
    OTHER = "other", _("Overig")
