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


class DayPart(models.TextChoices):
    """A part of a weekday a volunteer mediator can usually be asked for (availability)."""

    MON_MORNING = "mon_am", _("maandagochtend")
    MON_AFTERNOON = "mon_pm", _("maandagmiddag")
    MON_EVENING = "mon_ev", _("maandagavond")
    TUE_MORNING = "tue_am", _("dinsdagochtend")
    TUE_AFTERNOON = "tue_pm", _("dinsdagmiddag")
    TUE_EVENING = "tue_ev", _("dinsdagavond")
    WED_MORNING = "wed_am", _("woensdagochtend")
    WED_AFTERNOON = "wed_pm", _("woensdagmiddag")
    WED_EVENING = "wed_ev", _("woensdagavond")
    THU_MORNING = "thu_am", _("donderdagochtend")
    THU_AFTERNOON = "thu_pm", _("donderdagmiddag")
    THU_EVENING = "thu_ev", _("donderdagavond")
    FRI_MORNING = "fri_am", _("vrijdagochtend")
    FRI_AFTERNOON = "fri_pm", _("vrijdagmiddag")
    FRI_EVENING = "fri_ev", _("vrijdagavond")
    SAT_MORNING = "sat_am", _("zaterdagochtend")
    SAT_AFTERNOON = "sat_pm", _("zaterdagmiddag")
    SAT_EVENING = "sat_ev", _("zaterdagavond")
    SUN_MORNING = "sun_am", _("zondagochtend")
    SUN_AFTERNOON = "sun_pm", _("zondagmiddag")
    SUN_EVENING = "sun_ev", _("zondagavond")


# Weekdays in the order of the availability grid, each with its three parts.
WEEKDAYS = list(dict.fromkeys(code.split("_")[0] for code in DayPart.values))

# The rows and columns of the availability grid (and the overview's summary).
WEEKDAY_LABELS = {
    "mon": _("maandag"),
    "tue": _("dinsdag"),
    "wed": _("woensdag"),
    "thu": _("donderdag"),
    "fri": _("vrijdag"),
    "sat": _("zaterdag"),
    "sun": _("zondag"),
}
PART_LABELS = {"am": _("ochtend"), "pm": _("middag"), "ev": _("avond")}
