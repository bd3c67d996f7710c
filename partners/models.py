from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.models import MediationService, ServiceScopedQuerySet, TimeStampedModel

from .constants import OrganisationKind


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
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True)
    is_active = models.BooleanField(_("actief"), default=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
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
