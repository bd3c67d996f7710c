"""The four ways a service works with partner organisations (domain rule 6).

Consultation, pre-trajectory (voortraject), accompaniment and joint home visit are records of
their own. Only coordinators of the owning service see them (the gateway
`buurtbemiddeling.models.CoordinatorScopedQuerySet`); partner users never do, and none of
these records gives anyone access to a case.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling import personal_data
from buurtbemiddeling.models import (
    CoordinatorScopedQuerySet,
    MediationService,
    TimeStampedModel,
    collect_other_service_errors,
    require_same_service,
)
from buurtbemiddeling.personal_data import TEXT
from buurtbemiddeling.validators import validate_no_control_characters
from organisations.models import NO_RESIDENT_DATA, PartnerOrganisation

from .constants import DisclosureMethod, JointVisitOutcome, TrajectoryEnd


class TrajectoryPartQuerySet(CoordinatorScopedQuerySet):
    service_lookup = "trajectory__service_id"


class Consultation(TimeStampedModel):
    """A coordinator advises a partner's professional how to raise mediation with clients.

    Deliberately without any link to a case or a resident: it is about the professional's
    work in general. The free-text fields are short and warn against resident data.
    """

    service = models.ForeignKey(
        MediationService, verbose_name=_("bemiddelingsorganisatie"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partnerorganisatie"),
        on_delete=models.PROTECT,
        related_name="consultations",
    )
    held_on = models.DateField(_("datum"))
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coördinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    professional_name = models.CharField(
        _("naam professional"),
        max_length=200,
        validators=[validate_no_control_characters],
        help_text=_("De medewerker van de partner die advies vroeg, niet een bewoner."),
    )
    topic = models.CharField(
        _("onderwerp (zonder bewonersgegevens)"),
        max_length=300,
        validators=[validate_no_control_characters],
        help_text=NO_RESIDENT_DATA,
    )
    follow_up = models.TextField(
        _("vervolg (zonder bewonersgegevens)"),
        max_length=1000,
        blank=True,
        validators=[validate_no_control_characters],
        help_text=NO_RESIDENT_DATA,
    )

    objects = CoordinatorScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultatie")
        verbose_name_plural = _("consultaties")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-held_on"], name="consultation_org_date_idx"),
            models.Index(fields=["service", "held_on"], name="consultation_service_date_idx"),  # figures
        ]

    def __str__(self):
        return f"{self.organisation} {self.held_on}"

    def clean(self):
        super().clean()
        errors = {}
        collect_other_service_errors(self.service_id, errors, organisation=getattr(self, "organisation", None))
        if errors:
            raise ValidationError(errors)


class DisclosureConsent(TimeStampedModel):
    """A resident asked the service to make their case known to one partner organisation.

    Needed before a self-reported case is linked to a partner (domain rule 4). Withdrawing
    it ends the links that depended on it; the row stays as history.
    """

    service = models.ForeignKey(
        MediationService, verbose_name=_("bemiddelingsorganisatie"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("bewoner"),
        on_delete=models.CASCADE,
        related_name="disclosure_consents",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partnerorganisatie"),
        on_delete=models.PROTECT,
        related_name="disclosure_consents",
    )
    given_on = models.DateField(_("toestemming gegeven op"))
    method = models.CharField(_("hoe"), max_length=10, choices=DisclosureMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ingetrokken door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CoordinatorScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("toestemming om te delen")
        verbose_name_plural = _("toestemmingen om te delen")
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(method__in=DisclosureMethod.values), name="disclosure_method_valid"),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="disclosure_withdrawn_after_given",
            ),
            models.UniqueConstraint(
                fields=["party", "organisation"],
                condition=Q(withdrawn_on__isnull=True),
                name="disclosure_one_active_per_party_org",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.given_on})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_on is None

    def clean(self):
        super().clean()
        errors = {}
        collect_other_service_errors(
            self.service_id,
            errors,
            organisation=getattr(self, "organisation", None),
            party=getattr(getattr(self, "party", None), "case", None),
        )
        if errors:
            raise ValidationError(errors)


class PreTrajectory(TimeStampedModel):
    """A multi-agency trajectory (voortraject) around a resident; mediation waits on standby.

    The case's `standby_review_on` follows `review_on` while the trajectory runs. "The time
    is right" ends it and moves the case back into intake (partners/services.py).
    """

    service = models.ForeignKey(
        MediationService, verbose_name=_("bemiddelingsorganisatie"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("zaak"), on_delete=models.CASCADE, related_name="pre_trajectories"
    )
    party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("rond bewoner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pre_trajectories",
    )
    lead_organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("regievoerende organisatie"),
        on_delete=models.PROTECT,
        related_name="led_pre_trajectories",
    )
    organisations = models.ManyToManyField(
        PartnerOrganisation,
        verbose_name=_("deelnemende organisaties"),
        through="PreTrajectoryParticipation",
        related_name="pre_trajectories",
        blank=True,
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coördinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_on = models.DateField(_("gestart op"))
    review_on = models.DateField(_("herbeoordelen op"))
    notes = models.TextField(_("notities"), max_length=2000, blank=True, validators=[validate_no_control_characters])
    ended_on = models.DateField(_("beëindigd op"), null=True, blank=True)
    end_reason = models.CharField(_("reden einde"), max_length=30, choices=TrajectoryEnd.choices, blank=True)

    objects = CoordinatorScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("voortraject")
        verbose_name_plural = _("voortrajecten")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True), name="pretrajectory_one_active_per_case"
            ),
            models.CheckConstraint(
                condition=Q(end_reason="") | Q(end_reason__in=TrajectoryEnd.values),
                name="pretrajectory_end_reason_valid",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True, end_reason="") | Q(ended_on__isnull=False) & ~Q(end_reason=""),
                name="pretrajectory_ended_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["service", "started_on"], name="pretrajectory_service_date_idx")]  # figures

    def __str__(self):
        return f"{self.case} / {self.lead_organisation}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def clean(self):
        super().clean()
        errors = {}
        case = getattr(self, "case", None)
        collect_other_service_errors(
            self.service_id, errors, case=case, lead_organisation=getattr(self, "lead_organisation", None)
        )
        if self.party_id and case is not None and self.party.case_id != case.pk:
            errors["party"] = _("Deze bewoner hoort niet bij deze zaak.")
        if errors:
            raise ValidationError(errors)


class PreTrajectoryParticipation(TimeStampedModel):
    """An organisation taking part in a pre-trajectory, from `joined_on` until `left_on`."""

    trajectory = models.ForeignKey(
        PreTrajectory, verbose_name=_("voortraject"), on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partnerorganisatie"),
        on_delete=models.PROTECT,
        related_name="pre_trajectory_participations",
    )
    joined_on = models.DateField(_("doet mee sinds"))
    left_on = models.DateField(_("gestopt op"), null=True, blank=True)

    objects = TrajectoryPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("deelname aan voortraject")
        verbose_name_plural = _("deelnames aan voortrajecten")
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["trajectory", "organisation"],
                condition=Q(left_on__isnull=True),
                name="participation_one_active_per_org",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} ({self.trajectory})"

    def clean(self):
        super().clean()
        trajectory = getattr(self, "trajectory", None)
        organisation = getattr(self, "organisation", None)
        if trajectory is not None:
            require_same_service(trajectory.service_id, organisation=organisation)


class Accompaniment(TimeStampedModel):
    """A care worker of a partner accompanies a resident through the mediation.

    Recorded on the party and on the conversations the worker attends. It gives the worker
    and their organisation no access to the case.
    """

    service = models.ForeignKey(
        MediationService, verbose_name=_("bemiddelingsorganisatie"), on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(
        "cases.Party", verbose_name=_("bewoner"), on_delete=models.CASCADE, related_name="accompaniments"
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partnerorganisatie"),
        on_delete=models.PROTECT,
        related_name="accompaniments",
    )
    care_worker_name = models.CharField(
        _("naam hulpverlener"), max_length=200, validators=[validate_no_control_characters]
    )
    started_on = models.DateField(_("begeleidt sinds"))
    ended_on = models.DateField(_("gestopt op"), null=True, blank=True)
    conversations = models.ManyToManyField(
        "cases.Conversation", verbose_name=_("aanwezig bij gesprekken"), blank=True, related_name="accompaniments"
    )

    objects = CoordinatorScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("begeleiding")
        verbose_name_plural = _("begeleidingen")
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="accompaniment_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "ended_on"], name="accompaniment_org_idx"),
            models.Index(fields=["service", "started_on"], name="accompaniment_service_date_idx"),  # figures
        ]

    def __str__(self):
        # Not the care worker's name: this string ends up in the change log.
        return f"{self.organisation} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def clean(self):
        super().clean()
        errors = {}
        collect_other_service_errors(
            self.service_id,
            errors,
            organisation=getattr(self, "organisation", None),
            party=getattr(getattr(self, "party", None), "case", None),
        )
        if self.started_on and self.ended_on and self.ended_on < self.started_on:
            errors["ended_on"] = _("De einddatum ligt op of na de begindatum.")
        if errors:
            raise ValidationError(errors)


class JointVisit(TimeStampedModel):
    """A coordinator and a partner's professional visit a resident together to discuss mediation.

    Linked to a case when there is one; a visit before any report is recorded without.
    """

    service = models.ForeignKey(
        MediationService, verbose_name=_("bemiddelingsorganisatie"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("zaak"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="joint_visits",
    )
    party = models.ForeignKey(
        "cases.Party",
        verbose_name=_("bezochte bewoner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="joint_visits",
    )
    organisation = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partnerorganisatie"),
        on_delete=models.PROTECT,
        related_name="joint_visits",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coördinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    professional_name = models.CharField(
        _("naam professional"), max_length=200, validators=[validate_no_control_characters]
    )
    visited_on = models.DateField(_("datum bezoek"))
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=JointVisitOutcome.choices)
    notes = models.CharField(_("toelichting"), max_length=500, blank=True, validators=[validate_no_control_characters])

    objects = CoordinatorScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gezamenlijk huisbezoek")
        verbose_name_plural = _("gezamenlijke huisbezoeken")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=JointVisitOutcome.values), name="jointvisit_outcome_valid"),
            models.CheckConstraint(
                condition=Q(party__isnull=True) | Q(case__isnull=False), name="jointvisit_party_needs_case"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-visited_on"], name="jointvisit_org_date_idx"),
            models.Index(fields=["service", "visited_on"], name="jointvisit_service_date_idx"),  # figures
        ]

    def __str__(self):
        return f"{self.organisation} {self.visited_on}"

    def clean(self):
        super().clean()
        errors = {}
        case = getattr(self, "case", None)
        collect_other_service_errors(
            self.service_id, errors, case=case, organisation=getattr(self, "organisation", None)
        )
        if self.party_id and (case is None or self.party.case_id != case.pk):
            errors["party"] = _("Deze bewoner hoort niet bij deze zaak.")
        if errors:
            raise ValidationError(errors)


# --- Personal data (buurtbemiddeling/personal_data.py) --------------------------------

personal_data.register(
    Consultation,
    # About a professional's question, never a resident (the form warns); masked all the same.
    professional=["professional_name", "topic", "follow_up"],
    audited=True,
)
personal_data.register(
    DisclosureConsent,
    non_personal=["method"],
    case="party__case",
    resident="party",
    export=["organisation", "given_on", "method", "withdrawn_on"],
    audited=True,
)
personal_data.register(
    PreTrajectory,
    personal={"notes": TEXT},
    # "Consent withdrawn" says something about the resident; an ended trajectory needs it.
    sensitive=["end_reason"],
    case="case",
    resident="party",
    export=["lead_organisation", "started_on", "review_on", "ended_on", "end_reason"],
    audited=True,
)
personal_data.register(PreTrajectoryParticipation, audited=True)
personal_data.register(
    Accompaniment,
    personal={"care_worker_name": TEXT},
    case="party__case",
    resident="party",
    export=["organisation", "started_on", "ended_on"],
    audited=True,
)
personal_data.register(
    JointVisit,
    personal={"notes": TEXT},
    professional=["professional_name"],
    non_personal=["outcome"],
    case="case",
    resident="party",
    export=["organisation", "visited_on", "outcome"],
    audited=True,
)
