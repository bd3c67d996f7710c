from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentMethod(models.TextChoices):
    SPOKEN = "spoken", _("Mondeling")
    WRITTEN = "written", _("Schriftelijk")


class ConsentGate(models.TextChoices):
    YES = "yes", _("Ja, de bewoner(s) weten ervan en gaven toestemming om gegevens door te geven")
    NOT_YET = "not_yet", _("Nee, of nog niet")
