from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureMethod(models.TextChoices):
    """How a resident gave consent to make their case known to a partner organisation."""

    SPOKEN = "spoken", _("Mondeling")
    WRITTEN = "written", _("Schriftelijk")
    # Ticked by the resident on the public self-report form.
    WEB_FORM = "web_form", _("Via het meldformulier")


class JointVisitOutcome(models.TextChoices):
    """What the resident said about mediation at a joint home visit."""

    AGREES = "agrees", _("Wil meedoen aan bemiddeling")
    DECLINES = "declines", _("Wil geen bemiddeling")
    LATER = "later", _("Later opnieuw bespreken")


class TrajectoryEnd(models.TextChoices):
    """Why a pre-trajectory (voortraject) ended."""

    TIME_IS_RIGHT = "time_is_right", _("Het moment is daar: terug naar intake")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Toestemming om te delen ingetrokken")
    STOPPED = "stopped", _("Gestopt")
