"""The people a service works with: partner organisations and its volunteer mediators.

Partner and referrer organisations, their contact persons and working agreements: the
ground a mediation service works on with housing corporations, police, the municipality,
care and social work. The four ways of working together with them (partners/) and
referrals (referrals/) build on these. Moved out of partners/ with the tables kept
(migration 0001, state only).

The service's volunteer mediators, their availability, training and intervision (the CCV
quality criteria ask for both). Their cases (assignments, acquaintances with parties) are
in cases/, which builds on these. Moved out of cases/ with the table kept (migration 0003).
"""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling import personal_data
from buurtbemiddeling.models import (
    CoordinatorScopedQuerySet,
    MediationService,
    Neighbourhood,
    ServiceScopedQuerySet,
    TimeStampedModel,
)
from buurtbemiddeling.validators import (
    validate_no_control_characters,
    validate_organisation_phone,
    validate_phone,
    validate_postcode,
)

from .constants import DayPart, OrganisationKind

# Shown on every free-text field a coordinator fills in about a partner's work without a case.
NO_RESIDENT_DATA = _("Geen namen, adressen of andere gegevens van bewoners invullen.")


class OrganisationPartQuerySet(CoordinatorScopedQuerySet):
    """Rows that belong to a service through their partner organisation."""

    service_lookup = "organisation__service_id"


class PartnerOrganisation(TimeStampedModel):
    """An organisation the service works with and receives referrals from."""

    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.PROTECT,
        related_name="partner_organisations",
    )
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=40, choices=OrganisationKind.choices)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True, validators=[validate_organisation_phone])
    is_active = models.BooleanField(_("actief"), default=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        db_table = "partners_partnerorganisation"  # moved from partners; the table stays
        verbose_name = _("partnerorganisatie")
        verbose_name_plural = _("partnerorganisaties")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="partner_unique_name_per_service"),
            models.CheckConstraint(condition=Q(kind__in=OrganisationKind.values), name="partner_kind_valid"),
        ]
        indexes = [models.Index(fields=["service", "kind"], name="partner_service_kind_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partners:detail", kwargs={"partner_id": self.pk})


class ContactPerson(TimeStampedModel):
    """A professional at a partner organisation the service can call."""

    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partnerorganisatie"),
        on_delete=models.CASCADE,
        related_name="contact_persons",
    )
    name = models.CharField(_("naam"), max_length=200, validators=[validate_no_control_characters])
    role = models.CharField(_("functie"), max_length=200, blank=True, validators=[validate_no_control_characters])
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True, validators=[validate_organisation_phone])
    email = models.EmailField(_("e-mailadres"), blank=True)
    is_active = models.BooleanField(_("actief"), default=True)

    objects = OrganisationPartQuerySet.as_manager()

    class Meta:
        db_table = "partners_contactperson"
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class WorkingAgreement(TimeStampedModel):
    """A working agreement (werkafspraak) with a partner, reviewed on a set date."""

    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partnerorganisatie"),
        on_delete=models.CASCADE,
        related_name="working_agreements",
    )
    description = models.TextField(
        _("afspraak"), max_length=3000, validators=[validate_no_control_characters], help_text=NO_RESIDENT_DATA
    )
    starts_on = models.DateField(_("ingangsdatum"))
    review_on = models.DateField(_("evalueren op"))

    objects = OrganisationPartQuerySet.as_manager()

    class Meta:
        db_table = "partners_workingagreement"
        verbose_name = _("werkafspraak")
        verbose_name_plural = _("werkafspraken")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_on__gte=F("starts_on")), name="workingagreement_review_after_start"
            ),
        ]

    def __str__(self):
        return self.description[:60]

    def clean(self):
        super().clean()
        if self.starts_on and self.review_on and self.review_on < self.starts_on:
            raise ValidationError({"review_on": _("De evaluatiedatum ligt op of na de ingangsdatum.")})


# --- Volunteer mediators ----------------------------------------------------------------


class MediatorQuerySet(ServiceScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class MediatorProfile(TimeStampedModel):
    """A trained volunteer mediator of a service; may or may not log in."""

    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.PROTECT,
        related_name="mediators",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mediator_profile",
    )
    name = models.CharField(_("naam"), max_length=200, validators=[validate_no_control_characters])
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(
        _("e-mailadres"), blank=True, help_text=_("Hier komen de uitnodigingen voor afspraken binnen.")
    )
    street = models.CharField(_("straat"), max_length=200, blank=True, validators=[validate_no_control_characters])
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[validate_postcode])
    is_active = models.BooleanField(
        _("actief"), default=True, help_text=_("Een bemiddelaar die niet actief is, krijgt geen nieuwe zaken.")
    )
    neighbourhoods = models.ManyToManyField(Neighbourhood, verbose_name=_("wijken"), blank=True)
    languages = models.CharField(
        _("talen"),
        max_length=200,
        blank=True,
        validators=[validate_no_control_characters],
        help_text=_("Bijvoorbeeld: Nederlands, Engels, Turks"),
    )
    max_cases = models.PositiveSmallIntegerField(_("maximaal aantal zaken tegelijk"), default=3)
    # Day parts (DayPart codes, space-separated, in the grid's order).
    availability = models.CharField(_("beschikbaar"), max_length=200, blank=True)
    trained_on = models.DateField(
        _("basistraining afgerond op"), null=True, blank=True, help_text=_("De datum op het certificaat.")
    )

    objects = MediatorQuerySet.as_manager()

    class Meta:
        db_table = "cases_mediatorprofile"  # moved from cases; the table stays
        verbose_name = _("bemiddelaar")
        verbose_name_plural = _("bemiddelaars")
        ordering = ["name"]
        indexes = [models.Index(fields=["service", "is_active"], name="mediator_service_active_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:volunteer", kwargs={"mediator_id": self.pk})

    @property
    def day_parts(self) -> list[str]:
        """The availability as DayPart codes, in the grid's order."""
        chosen = set(self.availability.split())
        return [code for code in DayPart.values if code in chosen]

    @day_parts.setter
    def day_parts(self, codes):
        chosen = set(codes)
        self.availability = " ".join(code for code in DayPart.values if code in chosen)

    def clean(self):
        super().clean()
        if set(self.availability.split()) - set(DayPart.values):
            raise ValidationError({"availability": _("Kies dagdelen uit de lijst.")})


class IntervisionAttendance(TimeStampedModel):
    """A mediator took part in an intervision meeting (intervisie) on this date."""

    mediator = models.ForeignKey(
        MediatorProfile, verbose_name=_("bemiddelaar"), on_delete=models.CASCADE, related_name="intervisions"
    )
    attended_on = models.DateField(_("datum intervisie"))

    class Meta:
        verbose_name = _("intervisie")
        verbose_name_plural = _("intervisies")
        ordering = ["-attended_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["mediator", "attended_on"], name="intervision_once_a_day"),
        ]

    def __str__(self):
        return f"{self.mediator} {self.attended_on:%Y-%m-%d}"

    def clean(self):
        super().clean()
        if self.attended_on and self.attended_on > timezone.localdate() + dt.timedelta(days=1):
            raise ValidationError(
                {"attended_on": _("Een intervisie die nog moet komen, legt u vast als ze geweest is.")}
            )


# --- Personal data (buurtbemiddeling/personal_data.py) --------------------------------

personal_data.register(
    PartnerOrganisation,
    # The organisation's general contact details, not a person's.
    non_personal=["name", "kind", "email", "phone"],
)
personal_data.register(ContactPerson, professional=["name", "phone", "email"], non_personal=["role"], audited=True)
# The form warns: no resident data in a working agreement.
personal_data.register(WorkingAgreement, non_personal=["description"])
personal_data.register(
    MediatorProfile,
    professional=["name", "phone", "email", "street", "postcode"],
    non_personal=["languages", "availability"],
    audited=True,
)
personal_data.register(IntervisionAttendance, non_personal=[], audited=True)
