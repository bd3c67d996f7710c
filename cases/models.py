"""Cases, their parties, mediators, appointments, conversations and agreements, and the append-only timeline."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling import personal_data
from buurtbemiddeling.constraints import ChecksInPython
from buurtbemiddeling.models import (
    MediationService,
    Neighbourhood,
    ReferenceItem,
    TimeStampedModel,
)
from buurtbemiddeling.personal_data import BLANK, NULL, TEXT
from buurtbemiddeling.roles import PERM_COORDINATE, PERM_MEDIATE
from buurtbemiddeling.validators import (
    validate_house_number,
    validate_no_control_characters,
    validate_phone,
    validate_postcode,
)
from organisations.models import MediatorProfile

from .constants import (
    ENDED_STATUSES,
    FITS_PARTICIPATION,
    OPEN_STATUSES,
    AgreementKept,
    AppointmentKind,
    AppointmentPlace,
    AppointmentStatus,
    CaseStatus,
    Channel,
    ConversationKind,
    EventKind,
    OutcomeCategory,
    Participation,
    PreferredContact,
    Side,
    Tenure,
)

# --- Reference lists (per service, edited by admins) ---------------------------------


class ConflictType(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("soort conflict")
        verbose_name_plural = _("soorten conflict")
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="conflicttype_unique_per_service"),
        ]


class UnsuitabilityReason(ReferenceItem):
    fits_participation = models.CharField(
        _("past bij deelname"),
        max_length=20,
        choices=FITS_PARTICIPATION,
        blank=True,
        help_text=_("Biedt de zaakpagina deze keuze aan als een partij weigert of stopt."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("reden niet geschikt")
        verbose_name_plural = _("redenen niet geschikt")
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="unsuitability_unique_per_service"),
        ]


class Outcome(ReferenceItem):
    """How a case ended. The category drives the figures and what a referrer is told."""

    category = models.CharField(_("categorie"), max_length=30, choices=OutcomeCategory.choices)
    counts_as_resolved = models.BooleanField(
        _("telt als opgelost"),
        default=False,
        help_text=_("Telt mee in het slagingspercentage en wordt aan de verwijzer gemeld als opgelost."),
    )
    requires_conversation = models.BooleanField(
        _("vereist een vastgelegd gesprek"),
        default=False,
        help_text=_("Afsluiten met deze uitkomst kan pas als er minstens één gesprek is vastgelegd."),
    )
    fits_participation = models.CharField(
        _("past bij deelname"),
        max_length=20,
        choices=FITS_PARTICIPATION,
        blank=True,
        help_text=_("Biedt de zaakpagina deze keuze aan als een partij weigert of stopt."),
    )

    class Meta(ReferenceItem.Meta):
        verbose_name = _("uitkomst")
        verbose_name_plural = _("uitkomsten")
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="outcome_unique_per_service"),
            models.CheckConstraint(condition=Q(category__in=OutcomeCategory.values), name="outcome_category_valid"),
        ]


# --- Cases ----------------------------------------------------------------------------


class CaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one rule for who sees which case.

        Coordinators: every case of their own service. Mediators: the cases they are
        assigned to now (a replaced mediator loses access), until the service's
        `mediator_access_days` after the case ended (closed or unsuitable). Everyone else,
        referrers and installation admins included: none (referrers see their referrals
        through referrals' gateway).
        """
        if not getattr(user, "is_authenticated", False) or not user.service_id:
            return self.none()
        whole_service = self.whole_service_of(user)
        if whole_service is not None:
            return self.filter(service_id=whole_service)
        if user.has_perm(PERM_MEDIATE):
            active = Assignment.objects.filter(case=OuterRef("pk"), mediator__user=user, ended_on__isnull=True)
            ended_before = timezone.now() - dt.timedelta(days=user.service.mediator_access_days)
            still_open_to_them = Q(closed_at__isnull=True) | Q(closed_at__gt=ended_before)
            return self.filter(still_open_to_them, service_id=user.service_id).filter(Exists(active))
        return self.none()

    def whole_service_of(self, user) -> int | None:
        """The service whose every case `visible_to` gives the user (a coordinator's), else None.

        For reads written in SQL (the work queue), which cannot start from the queryset.
        """
        if getattr(user, "is_authenticated", False) and user.service_id and user.has_perm(PERM_COORDINATE):
            return user.service_id
        return None

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class Case(TimeStampedModel):
    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    reference = models.CharField(_("zaaknummer"), max_length=20, editable=False)
    year = models.PositiveSmallIntegerField(_("jaar"), editable=False)
    sequence = models.PositiveIntegerField(_("volgnummer"), editable=False)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED)
    channel = models.CharField(_("binnengekomen via"), max_length=20, choices=Channel.choices)
    referrer_organisation = models.ForeignKey(
        "organisations.PartnerOrganisation",
        verbose_name=_("verwijzende organisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referred_cases",
    )
    reported_on = models.DateField(_("datum melding"))
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("wijk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    conflict_types = models.ManyToManyField(
        ConflictType, verbose_name=_("soort conflict"), blank=True, related_name="cases"
    )
    description = models.TextField(
        _("omschrijving"), blank=True, max_length=5000, validators=[validate_no_control_characters]
    )
    tried_already = models.TextField(
        _("wat is al geprobeerd"), blank=True, max_length=3000, validators=[validate_no_control_characters]
    )
    is_complex = models.BooleanField(
        _("complex"),
        default=False,
        help_text=_("Bijvoorbeeld psychische problemen, meervoudige problematiek of een taalbarrière."),
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coördinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="coordinated_cases",
    )
    # Milestones, each set by the workflow (cases/services.py) and dated.
    first_contact_at = models.DateTimeField(_("eerste contact"), null=True, blank=True)
    suitability_decided_at = models.DateTimeField(_("geschiktheid beoordeeld op"), null=True, blank=True)
    is_suitable = models.BooleanField(_("geschikt"), null=True, blank=True)
    unsuitability_reason = models.ForeignKey(
        UnsuitabilityReason,
        verbose_name=_("reden niet geschikt"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    unsuitability_advice = models.TextField(_("advies waar naartoe"), blank=True, max_length=2000)
    standby_review_on = models.DateField(_("standby herbeoordelen op"), null=True, blank=True)
    follow_up_due_on = models.DateField(_("nazorg gepland op"), null=True, blank=True)
    outcome = models.ForeignKey(Outcome, verbose_name=_("uitkomst"), on_delete=models.PROTECT, null=True, blank=True)
    closed_at = models.DateTimeField(_("afgesloten op"), null=True, blank=True)
    anonymised_at = models.DateTimeField(
        _("geanonimiseerd op"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Persoonsgegevens zijn na de bewaartermijn vervangen; de cijfers tellen nog mee."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("zaak")
        verbose_name_plural = _("zaken")
        ordering = ["-reported_on", "-id"]
        permissions = [
            ("coordinate_case", _("Kan zaken coördineren (intake, workflow, toewijzen, afsluiten)")),
            ("mediate_case", _("Kan als bemiddelaar werken aan toegewezen zaken")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["service", "reference"], name="case_reference_unique_per_service"),
            models.UniqueConstraint(fields=["service", "year", "sequence"], name="case_sequence_unique_per_service"),
            models.CheckConstraint(condition=Q(status__in=CaseStatus.values), name="case_status_valid"),
            models.CheckConstraint(condition=Q(channel__in=Channel.values), name="case_channel_valid"),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.CLOSED) | Q(outcome__isnull=False, closed_at__isnull=False),
                name="case_closed_has_outcome",
            ),
            models.CheckConstraint(
                condition=~Q(status=CaseStatus.STANDBY) | Q(standby_review_on__isnull=False),
                name="case_standby_has_review_date",
            ),
        ]
        indexes = [
            models.Index(fields=["service", "status", "reported_on"], name="case_service_status_idx"),
            models.Index(fields=["service", "-reported_on", "-id"], name="case_service_reported_idx"),
            # The case list filtered on a neighbourhood (and a status), newest first.
            models.Index(
                fields=["service", "neighbourhood", "status", "-reported_on", "-id"], name="case_service_nbh_idx"
            ),
            models.Index(fields=["service", "channel"], name="case_service_channel_idx"),
            models.Index(fields=["service", "follow_up_due_on"], name="case_service_followup_idx"),
            models.Index(fields=["service", "standby_review_on"], name="case_service_standby_idx"),
            models.Index(fields=["service", "closed_at"], name="case_service_closed_idx"),
            # The figures' decided and first-contact periods.
            models.Index(fields=["service", "suitability_decided_at"], name="case_service_suitability_idx"),
            models.Index(fields=["service", "first_contact_at"], name="case_service_contact_idx"),
            # Work queue rules that sort on another column than their filter: without these,
            # PostgreSQL walks an index in the sort order through all of the service's cases.
            models.Index(
                fields=["coordinator", "-reported_on", "-id"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_coordinator_open_idx",
            ),
            # The case list filtered by coordinator (a handover when someone leaves), newest first.
            models.Index(fields=["coordinator", "-reported_on", "-id"], name="case_coordinator_list_idx"),
            models.Index(
                fields=["service", "suitability_decided_at", "id"],
                condition=Q(status=CaseStatus.SUITABLE),
                name="case_suitable_idx",
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("cases:detail", kwargs={"reference": self.reference})

    @property
    def is_self_report(self) -> bool:
        """A resident reported this case themselves, by any channel (web, phone, desk, ...).

        Who reported decides, not how: without a referring organisation the report came
        from a resident, and the case is not made known to any organisation without that
        resident's consent (domain rule 4; partners/services.has_disclosure).
        """
        return self.referrer_organisation_id is None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Party(TimeStampedModel):
    """One household on side A or B of a case. Several households per side are possible."""

    case = models.ForeignKey(Case, verbose_name=_("zaak"), on_delete=models.CASCADE, related_name="parties")
    side = models.CharField(_("kant"), max_length=1, choices=Side.choices)
    is_reporter = models.BooleanField(_("melder"), default=False)
    name = models.CharField(_("naam"), max_length=200, blank=True, validators=[validate_no_control_characters])
    street = models.CharField(_("straat"), max_length=200, blank=True, validators=[validate_no_control_characters])
    house_number = models.CharField(_("huisnummer"), max_length=20, blank=True, validators=[validate_house_number])
    postcode = models.CharField(_("postcode"), max_length=7, blank=True, validators=[validate_postcode])
    city = models.CharField(_("plaats"), max_length=100, blank=True, validators=[validate_no_control_characters])
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mailadres"), blank=True)
    preferred_contact = models.CharField(
        _("voorkeur contact"), max_length=10, choices=PreferredContact.choices, blank=True
    )
    contact_time_preference = models.CharField(_("bereikbaar op"), max_length=200, blank=True)
    interpreter_language = models.CharField(
        _("tolk nodig (taal)"), max_length=100, blank=True, help_text=_("Leeg als er geen tolk nodig is.")
    )
    tenure = models.CharField(_("woonsituatie"), max_length=20, choices=Tenure.choices, default=Tenure.UNKNOWN)
    housing_corporation = models.ForeignKey(
        "organisations.PartnerOrganisation",
        verbose_name=_("woningcorporatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tenant_parties",
    )
    participation = models.CharField(
        _("deelname"), max_length=20, choices=Participation.choices, default=Participation.UNKNOWN
    )
    # The coordinator chose to go on with the willing parties only (after this one refused or stopped).
    left_out_at = models.DateTimeField(_("verder zonder deze partij sinds"), null=True, blank=True)

    class Meta:
        verbose_name = _("partij")
        verbose_name_plural = _("partijen")
        ordering = ["side", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(side__in=Side.values), name="party_side_valid"),
            models.CheckConstraint(condition=Q(tenure__in=Tenure.values), name="party_tenure_valid"),
            models.CheckConstraint(
                condition=Q(participation__in=Participation.values), name="party_participation_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["postcode", "house_number"], name="party_address_idx"),
            # The repeat check matches names in any case (name__iexact is UPPER(name) = UPPER(%s)
            # on PostgreSQL); an index on the bare name made it read every party (#21).
            models.Index(Upper("name"), name="party_name_upper_idx"),
            models.Index(fields=["street"], name="party_street_idx"),
            # Search by phone (stored compact, as the forms normalise it) and by e-mail (any case).
            models.Index(fields=["phone"], name="party_phone_idx"),
            models.Index(Upper("email"), name="party_email_upper_idx"),
        ]

    def __str__(self):
        # No name or address: this string ends up in logs (django-auditlog's object_repr).
        return f"{self.get_side_display()} #{self.pk}"

    @property
    def display_name(self) -> str:
        """For pages that may show personal data: the name, else the address."""
        return self.name or self.address or str(self.get_side_display())

    def clean(self):
        super().clean()
        if self.housing_corporation_id and self.case_id and self.housing_corporation.service_id != self.case.service_id:
            raise ValidationError(
                {"housing_corporation": _("Deze woningcorporatie hoort bij een andere bemiddelingsorganisatie.")}
            )

    @property
    def address(self) -> str:
        line = " ".join(part for part in [self.street, self.house_number] if part)
        return ", ".join(part for part in [line, self.postcode, self.city] if part)


class CaseEvent(models.Model):
    """An entry in a case's timeline. Append-only: written once by a service, never edited."""

    case = models.ForeignKey(Case, verbose_name=_("zaak"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("soort"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tijdstip"), default=timezone.now, db_index=True)
    from_status = models.CharField(_("van status"), max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(_("naar status"), max_length=20, choices=CaseStatus.choices, blank=True)
    reason = models.TextField(_("toelichting"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["case", "created_at"], name="caseevent_case_time_idx"),
            # The figures' "reopened" count: rare events among millions.
            models.Index(
                fields=["created_at"],
                condition=Q(kind=EventKind.STATUS_CHANGED, from_status__in=ENDED_STATUSES, to_status=CaseStatus.INTAKE),
                name="caseevent_reopened_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Case events are append-only and cannot be changed.")
        super().save(*args, **kwargs)


# --- Mediators ------------------------------------------------------------------------


class Assignment(TimeStampedModel):
    """A mediator working on a case. Replacing a mediator ends the row; history is kept."""

    case = models.ForeignKey(Case, verbose_name=_("zaak"), on_delete=models.CASCADE, related_name="assignments")
    mediator = models.ForeignKey(
        MediatorProfile, verbose_name=_("bemiddelaar"), on_delete=models.PROTECT, related_name="assignments"
    )
    started_on = models.DateField(_("gestart op"))
    ended_on = models.DateField(_("gestopt op"), null=True, blank=True)
    end_reason = models.CharField(_("reden stoppen"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("toewijzing")
        verbose_name_plural = _("toewijzingen")
        ordering = ["started_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "mediator"],
                condition=Q(ended_on__isnull=True),
                name="assignment_one_active_per_mediator",
            ),
        ]
        indexes = [
            models.Index(fields=["mediator", "ended_on"], name="assignment_mediator_idx"),
            models.Index(fields=["mediator", "started_on"], name="assignment_mediator_start_idx"),  # figures
        ]

    def __str__(self):
        return f"{self.mediator} - {self.case}"


class MediatorAcquaintance(TimeStampedModel):
    """A mediator knows a party: a conflict of interest for that case."""

    mediator = models.ForeignKey(
        MediatorProfile, verbose_name=_("bemiddelaar"), on_delete=models.CASCADE, related_name="acquaintances"
    )
    party = models.ForeignKey(Party, verbose_name=_("partij"), on_delete=models.CASCADE, related_name="known_by")
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bekende van bemiddelaar")
        verbose_name_plural = _("bekenden van bemiddelaars")
        constraints = [
            models.UniqueConstraint(fields=["mediator", "party"], name="acquaintance_unique"),
        ]

    def __str__(self):
        return f"{self.mediator} / {self.party_id}"


class CaseRecord(TimeStampedModel):
    """A record of a case that keeps a copy of its case's service.

    The figures, the agenda and the reminders read a service's conversations, agreements and
    appointments in a period through (service, date) without joining every case the service
    ever had (see docs/performance.md). Always the case's own service: set on save.
    """

    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.service_id = self.case.service_id
        super().save(*args, **kwargs)


# --- Appointments ----------------------------------------------------------------------


class Appointment(CaseRecord):
    """A planned intake or joint conversation with two mediators; logged as a Conversation once held.

    `sequence` counts the changes sent to the mediators (iCalendar SEQUENCE): their
    calendars replace the event with the same `uid` by the higher sequence.
    """

    case = models.ForeignKey(Case, verbose_name=_("zaak"), on_delete=models.CASCADE, related_name="appointments")
    kind = models.CharField(_("soort gesprek"), max_length=20, choices=AppointmentKind.choices)
    starts_at = models.DateTimeField(_("begint om"))
    ends_at = models.DateTimeField(_("eindigt om"))
    place = models.CharField(_("plaats"), max_length=20, choices=AppointmentPlace.choices)
    location = models.CharField(
        _("adres of locatie"),
        max_length=300,
        blank=True,
        validators=[validate_no_control_characters],
        help_text=_("Bij een neutrale locatie: naam en adres."),
    )
    mediators = models.ManyToManyField(
        MediatorProfile, verbose_name=_("bemiddelaars"), related_name="appointments", blank=True
    )
    parties = models.ManyToManyField(Party, verbose_name=_("partijen"), related_name="appointments", blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.PLANNED
    )
    cancel_reason = models.CharField(
        _("reden annuleren"), max_length=300, blank=True, validators=[validate_no_control_characters]
    )
    conversation = models.OneToOneField(
        "Conversation",
        verbose_name=_("gesprek"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointment",
    )
    uid = models.UUIDField(_("agenda-id"), default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(_("wijzigingsnummer"), default=0, editable=False)
    reminder_sent_at = models.DateTimeField(_("herinnering verstuurd"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gepland door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AppointmentKind.values), name="appointment_kind_valid"),
            models.CheckConstraint(condition=Q(place__in=AppointmentPlace.values), name="appointment_place_valid"),
            models.CheckConstraint(condition=Q(status__in=AppointmentStatus.values), name="appointment_status_valid"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="appointment_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["case", "starts_at"], name="appointment_case_start_idx"),
            models.Index(fields=["service", "status", "starts_at"], name="appointment_service_start_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("Het gesprek eindigt na het begin.")})
        if self.place == AppointmentPlace.NEUTRAL and not self.location.strip():
            raise ValidationError({"location": _("Vul de naam en het adres van de neutrale locatie in.")})


# --- Conversations and agreements -----------------------------------------------------


class Conversation(CaseRecord):
    """A contact or conversation in a case, with a short confidential report."""

    case = models.ForeignKey(Case, verbose_name=_("zaak"), on_delete=models.CASCADE, related_name="conversations")
    kind = models.CharField(_("soort"), max_length=20, choices=ConversationKind.choices)
    held_on = models.DateField(_("datum"))
    duration_minutes = models.PositiveSmallIntegerField(_("duur (minuten)"), null=True, blank=True)
    mediators = models.ManyToManyField(MediatorProfile, verbose_name=_("bemiddelaars"), blank=True)
    parties = models.ManyToManyField(Party, verbose_name=_("aanwezige partijen"), blank=True)
    care_worker = models.CharField(
        _("begeleidende hulpverlener"),
        max_length=200,
        blank=True,
        help_text=_("Naam en organisatie, als iemand meekwam."),
    )
    report = models.TextField(
        _("verslag (vertrouwelijk)"), blank=True, max_length=10000, validators=[validate_no_control_characters]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("gesprek")
        verbose_name_plural = _("gesprekken")
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ConversationKind.values), name="conversation_kind_valid"),
        ]
        indexes = [
            models.Index(fields=["case", "held_on"], name="conversation_case_date_idx"),
            models.Index(fields=["service", "held_on"], name="conversation_service_date_idx"),  # figures
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.held_on}"


class ConversationRevision(ChecksInPython, models.Model):
    """A conversation as it was before a correction. Append-only: the history of a report.

    Who took part (mediators, parties) is not copied: `changed_fields` says whether it
    was changed, so no list of people outlives the conversation in a second place.
    """

    conversation = models.ForeignKey(
        Conversation, verbose_name=_("gesprek"), on_delete=models.CASCADE, related_name="revisions"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=ConversationKind.choices)
    held_on = models.DateField(_("datum"))
    duration_minutes = models.PositiveSmallIntegerField(_("duur (minuten)"), null=True, blank=True)
    care_worker = models.CharField(_("begeleidende hulpverlener"), max_length=200, blank=True)
    report = models.TextField(_("verslag (vertrouwelijk)"), blank=True, max_length=10000)
    # The names of the fields the correction changed, comma-separated (no values).
    changed_fields = models.CharField(_("gewijzigde velden"), max_length=200, blank=True)
    reason = models.TextField(
        _("wat is er gecorrigeerd"), blank=True, max_length=2000, validators=[validate_no_control_characters]
    )
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gecorrigeerd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revised_at = models.DateTimeField(_("gecorrigeerd op"), default=timezone.now)

    class Meta:
        verbose_name = _("eerdere versie van een gesprek")
        verbose_name_plural = _("eerdere versies van gesprekken")
        ordering = ["-revised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ConversationKind.values), name="conversationrevision_kind_valid"
            ),
        ]

    def __str__(self):
        # Not the report: this string ends up in logs.
        return f"{self.get_kind_display()} {self.held_on} ({self.revised_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ValueError("Conversation revisions are append-only and cannot be changed.")
        super().save(*args, **kwargs)

    def changed_field_labels(self) -> list[str]:
        """The changed fields by their Dutch names, for the history on the page."""
        opts = Conversation._meta
        names = [name for name in self.changed_fields.split(",") if name]
        return [str(opts.get_field(name).verbose_name) for name in names if name in CORRECTABLE_CONVERSATION_FIELDS]


# What a correction may change (services.conversation_correct); the rest of a conversation stays.
CORRECTABLE_CONVERSATION_FIELDS = (
    "kind",
    "held_on",
    "duration_minutes",
    "mediators",
    "parties",
    "care_worker",
    "report",
)


class Agreement(CaseRecord):
    case = models.ForeignKey(Case, verbose_name=_("zaak"), on_delete=models.CASCADE, related_name="agreements")
    conversation = models.ForeignKey(
        Conversation,
        verbose_name=_("gesprek"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agreements",
    )
    text = models.TextField(_("afspraak"), max_length=2000, validators=[validate_no_control_characters])
    review_on = models.DateField(_("evalueren op"), null=True, blank=True)
    # Judged at follow-up (services.agreement_judge): whether it held, and when that was judged.
    kept = models.CharField(
        _("nagekomen"), max_length=10, choices=AgreementKept.choices, blank=True, default=AgreementKept.NOT_JUDGED
    )
    kept_judged_on = models.DateField(_("beoordeeld op"), null=True, blank=True)

    class Meta:
        verbose_name = _("afspraak")
        verbose_name_plural = _("afspraken")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kept__in=AgreementKept.values), name="agreement_kept_valid"),
            # A judgement has its date, and only a judgement has one.
            models.CheckConstraint(
                condition=Q(kept=AgreementKept.NOT_JUDGED, kept_judged_on__isnull=True)
                | (~Q(kept=AgreementKept.NOT_JUDGED) & Q(kept_judged_on__isnull=False)),
                name="agreement_judged_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["service", "kept_judged_on"], name="agreement_service_judged_idx"),  # figures
        ]

    def __str__(self):
        # Not the text: this string ends up in logs.
        return _("Afspraak #%(id)s") % {"id": self.pk}

    def full_clean(self, *args, **kwargs):
        # Filled here too (not only in save()): callers validate before saving and never set it.
        if self.case_id is not None:
            self.service_id = self.case.service_id
        super().full_clean(*args, **kwargs)

    @property
    def is_judged(self) -> bool:
        return self.kept != AgreementKept.NOT_JUDGED


class CaseTombstone(models.Model):
    """What is left of a case that had to be removed entirely (a withdrawn referral).

    It keeps the number, so no later case gets it (`case_create` numbers after the cases
    and the tombstones) and the access history of that number stays its own, and holds
    nothing about the case or anyone in it.
    """

    service = models.ForeignKey(
        MediationService, verbose_name=_("bemiddelingsorganisatie"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("zaaknummer"), max_length=20)
    year = models.PositiveSmallIntegerField(_("jaar"))
    sequence = models.PositiveIntegerField(_("volgnummer"))
    removed_at = models.DateTimeField(_("verwijderd op"), default=timezone.now)

    class Meta:
        verbose_name = _("verwijderde zaak")
        verbose_name_plural = _("verwijderde zaken")
        ordering = ["service", "year", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["service", "year", "sequence"], name="tombstone_sequence_unique"),
        ]

    def __str__(self):
        return self.reference


# --- Personal data (buurtbemiddeling/personal_data.py) --------------------------------

personal_data.register(ConflictType, non_personal=["name", "name_en"])
personal_data.register(UnsuitabilityReason, non_personal=["name", "name_en", "fits_participation"])
personal_data.register(Outcome, non_personal=["name", "name_en", "category", "fits_participation"])
personal_data.register(
    Case,
    personal={"description": TEXT, "tried_already": BLANK, "unsuitability_advice": BLANK},
    non_personal=["reference", "status", "channel"],
    case="",
    resident="parties",
    export=["reference", "reported_on", "status", "channel", "conflict_types", "closed_at", "outcome"],
    audited=True,
)
personal_data.register(
    Party,
    personal={
        "name": TEXT,
        "street": BLANK,
        "house_number": BLANK,
        "postcode": BLANK,
        "city": BLANK,
        "phone": BLANK,
        "email": BLANK,
        "contact_time_preference": BLANK,
        "interpreter_language": BLANK,
        "housing_corporation": NULL,
    },
    non_personal=["side", "preferred_contact", "tenure", "participation"],
    case="case",
    resident="",
    export=["side", "is_reporter", "preferred_contact", "tenure", "participation", "created_at"],
    audited=True,
)
personal_data.register(
    CaseEvent,
    # Reasons may quote people: they go with the case. Not part of one resident's export:
    # they are the coordinator's notes and name staff.
    personal={"reason": TEXT},
    non_personal=["kind", "from_status", "to_status"],
    case="case",
    audited=True,
    append_only=True,
)
# Why a mediator was replaced: free text about the case, gone with it.
personal_data.register(Assignment, personal={"end_reason": TEXT}, case="case")
personal_data.register(
    MediatorAcquaintance,
    personal={"note": TEXT},
    case="party__case",
    resident="party",
    export=["created_at"],
    audited=True,  # recorded and removed by coordinators on the case and volunteer pages
)
personal_data.register(
    Conversation,
    personal={"report": TEXT, "care_worker": BLANK},
    non_personal=["kind"],
    case="case",
    resident="parties",
    export=["kind", "held_on", "duration_minutes"],
    audited=True,
)
personal_data.register(
    Agreement,
    personal={"text": TEXT},
    case="case",
    resident="conversation__parties",
    non_personal=["kept"],
    export=["review_on", "kept", "kept_judged_on"],
    audited=True,
)
personal_data.register(
    Appointment,
    # The place may be a resident's address; why it was cancelled may quote people.
    personal={"location": BLANK, "cancel_reason": TEXT},
    non_personal=["kind", "place", "status"],
    case="case",
    resident="parties",
    export=["kind", "starts_at", "ends_at", "place", "status"],
    audited=True,
)
personal_data.register(CaseTombstone, non_personal=["reference"])
personal_data.register(
    ConversationRevision,
    # Earlier versions of a report: personal like the report itself, anonymised and erased
    # with it, and part of the resident's export (what we keep about them).
    personal={"report": TEXT, "care_worker": BLANK, "reason": TEXT},
    non_personal=["kind", "changed_fields"],
    case="conversation__case",
    resident="conversation__parties",
    export=["kind", "held_on", "revised_at"],
    audited=True,
    append_only=True,
)
