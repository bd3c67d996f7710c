from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling import personal_data
from buurtbemiddeling.models import MediationService, TimeStampedModel
from buurtbemiddeling.personal_data import TEXT
from buurtbemiddeling.roles import PERM_REFER, PERM_VIEW_ORGANISATION_REFERRALS
from buurtbemiddeling.validators import validate_no_control_characters

from .constants import ConsentMethod


class ReferralQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A referrer sees their own referrals; with the extra permission, their organisation's."""
        if not getattr(user, "is_authenticated", False) or not user.has_perm(PERM_REFER):
            return self.none()
        if user.partner_organisation_id and user.has_perm(PERM_VIEW_ORGANISATION_REFERRALS):
            return self.filter(organisation_id=user.partner_organisation_id)
        return self.filter(referrer=user)


class Referral(TimeStampedModel):
    """A handover of a case by a professional of a partner organisation.

    Online, the professional is a referrer user (`referrer`); by phone, the coordinator
    registers it for one of the organisation's contact persons (`contact_person`,
    `registered_by`). Either way the same consent gate applies and the professional hears
    the same milestones. The referrer keeps this row (their reference, when it was sent)
    but never sees the case: what they are told comes from the case status through one
    milestone mapping.
    """

    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("zaak"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral",
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verwijzer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    contact_person = models.ForeignKey(
        "organisations.ContactPerson",
        verbose_name=_("contactpersoon"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        help_text=_("Bij een verwijzing per telefoon: de professional die verwees."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geregistreerd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "organisations.PartnerOrganisation",
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    own_reference = models.CharField(_("eigen kenmerk verwijzer"), max_length=50, blank=True)
    # What the referrer was last told by e-mail (a milestone key from referrals/milestones.py).
    last_notified_milestone = models.CharField(_("laatst gemelde stand"), max_length=20, blank=True)
    confirmed_at = models.DateTimeField(_("toestemming bevestigd op"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bevestigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("verwijzing")
        verbose_name_plural = _("verwijzingen")
        ordering = ["-created_at", "-id"]
        permissions = [
            ("submit_referral", _("Kan zaken verwijzen")),
            ("view_organisation_referrals", _("Kan alle verwijzingen van de eigen organisatie zien")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(referrer__isnull=False) | Q(contact_person__isnull=False),
                name="referral_has_a_professional",
            ),
        ]
        indexes = [
            models.Index(fields=["referrer", "-created_at"], name="referral_referrer_idx"),
            models.Index(fields=["organisation", "-created_at"], name="referral_org_idx"),
        ]

    def __str__(self):
        return self.own_reference or f"#{self.pk}"

    @property
    def professional(self):
        """Who referred: the referrer user, or the contact person who phoned."""
        return self.referrer or self.contact_person

    @property
    def notify_address(self) -> str:
        """Where the milestones go: the professional's own e-mail address."""
        professional = self.professional
        return getattr(professional, "email", "") or ""


class ReferralConsent(TimeStampedModel):
    """Who agreed to their details being passed on, when and how (domain rule 2).

    A party without a consent row may be described by address only.
    """

    referral = models.ForeignKey(
        Referral, verbose_name=_("verwijzing"), on_delete=models.CASCADE, related_name="consents"
    )
    party = models.OneToOneField(
        "cases.Party",
        verbose_name=_("partij"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referral_consent",
    )
    agreed_by = models.CharField(_("wie gaf toestemming"), max_length=200, validators=[validate_no_control_characters])
    agreed_on = models.DateField(_("wanneer"))
    method = models.CharField(_("hoe"), max_length=10, choices=ConsentMethod.choices)

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        constraints = [
            models.CheckConstraint(condition=Q(method__in=ConsentMethod.values), name="referralconsent_method_valid"),
        ]

    def __str__(self):
        # Not the name: this string ends up in logs.
        return f"{_('Toestemming')} {self.agreed_on}"


# --- Personal data (buurtbemiddeling/personal_data.py) --------------------------------

personal_data.register(
    Referral,
    # The referrer's own reference for their file: what their list shows, also after a
    # withdrawal (the row then holds nothing else); it names no one.
    non_personal=["own_reference", "last_notified_milestone"],
)
personal_data.register(
    ReferralConsent,
    personal={"agreed_by": TEXT},
    non_personal=["method"],
    case="referral__case",
    resident="party",
    export=["agreed_on", "method"],
    audited=True,
)
