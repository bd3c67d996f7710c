"""The national code list and each service's mapping of its own categories onto it; the
service's letter templates.

The figures' benchmark export (reports/figures.py) counts per national code. Moved out of
cases/ with the tables kept (migration 0001, state only). Letters: reports/letters.py.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling import personal_data
from buurtbemiddeling.models import (
    MediationService,
    ServiceScopedQuerySet,
    TimeStampedModel,
    collect_other_service_errors,
)
from buurtbemiddeling.validators import validate_no_control_characters
from cases.constants import Channel
from cases.models import ConflictType, Outcome
from organisations.constants import OrganisationKind

from .constants import LetterKind
from .letters import unknown_fields

REFERRER_SELF = "self_reporter"
# The referrer types of the figures: zelfmelder plus the kinds of partner organisation.
REFERRER_KIND_CHOICES = [(REFERRER_SELF, _("Zelfmelder")), *OrganisationKind.choices]


class NationalDimension(models.TextChoices):
    """What a national code classifies; each matches one breakdown of the figures."""

    CONFLICT_TYPE = "conflict_type", _("Soort conflict")
    OUTCOME = "outcome", _("Uitkomst")
    REFERRER = "referrer", _("Soort verwijzer")
    CHANNEL = "channel", _("Binnengekomen via")


class NationalCategory(TimeStampedModel):
    """A category of the national code list (installation-wide, edited by admins).

    The official list is not public, so services map their own reference lists onto these
    codes (`NationalCategoryMapping`); the benchmark export counts per code.
    """

    dimension = models.CharField(_("dimensie"), max_length=20, choices=NationalDimension.choices)
    code = models.CharField(_("landelijke code"), max_length=30)
    label = models.CharField(_("omschrijving"), max_length=200)
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    is_active = models.BooleanField(_("actief"), default=True)

    class Meta:
        db_table = "cases_nationalcategory"  # moved from cases; the table stays
        verbose_name = _("landelijke categorie")
        verbose_name_plural = _("landelijke categorieën")
        ordering = ["dimension", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="nationalcategory_unique_code"),
            models.CheckConstraint(
                condition=Q(dimension__in=NationalDimension.values), name="nationalcategory_dimension_valid"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.label}"


class NationalCategoryMapping(TimeStampedModel):
    """One of a service's own categories mapped onto a national code.

    Exactly one source is set: a conflict type, an outcome, a referrer type or a channel.
    Several own categories may map onto one national code; each own category onto one.
    """

    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.CASCADE,
        related_name="national_mappings",
    )
    national_category = models.ForeignKey(
        NationalCategory, verbose_name=_("landelijke categorie"), on_delete=models.PROTECT, related_name="mappings"
    )
    conflict_type = models.ForeignKey(
        ConflictType,
        verbose_name=_("soort conflict"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="national_mappings",
    )
    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("uitkomst"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="national_mappings",
    )
    referrer_kind = models.CharField(_("soort verwijzer"), max_length=40, choices=REFERRER_KIND_CHOICES, blank=True)
    channel = models.CharField(_("binnengekomen via"), max_length=20, choices=Channel.choices, blank=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        db_table = "cases_nationalcategorymapping"
        verbose_name = _("koppeling aan landelijke code")
        verbose_name_plural = _("koppelingen aan landelijke codes")
        ordering = ["service", "national_category", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(conflict_type__isnull=False, outcome__isnull=True, referrer_kind="", channel="")
                    | Q(conflict_type__isnull=True, outcome__isnull=False, referrer_kind="", channel="")
                    | (Q(conflict_type__isnull=True, outcome__isnull=True, channel="") & ~Q(referrer_kind=""))
                    | (Q(conflict_type__isnull=True, outcome__isnull=True, referrer_kind="") & ~Q(channel=""))
                ),
                name="nationalmapping_one_source",
            ),
            models.CheckConstraint(
                condition=Q(channel="") | Q(channel__in=Channel.values), name="nationalmapping_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(referrer_kind="") | Q(referrer_kind__in=[value for value, _label in REFERRER_KIND_CHOICES]),
                name="nationalmapping_referrer_kind_valid",
            ),
            models.UniqueConstraint(
                fields=["service", "conflict_type"],
                condition=Q(conflict_type__isnull=False),
                name="nationalmapping_one_per_conflict_type",
            ),
            models.UniqueConstraint(
                fields=["service", "outcome"],
                condition=Q(outcome__isnull=False),
                name="nationalmapping_one_per_outcome",
            ),
            models.UniqueConstraint(
                fields=["service", "referrer_kind"],
                condition=~Q(referrer_kind=""),
                name="nationalmapping_one_per_referrer_kind",
            ),
            models.UniqueConstraint(
                fields=["service", "channel"], condition=~Q(channel=""), name="nationalmapping_one_per_channel"
            ),
        ]

    def __str__(self):
        return f"{self.source_label} → {self.national_category}"

    @property
    def dimension(self) -> str | None:
        if self.conflict_type_id:
            return NationalDimension.CONFLICT_TYPE
        if self.outcome_id:
            return NationalDimension.OUTCOME
        if self.referrer_kind:
            return NationalDimension.REFERRER
        if self.channel:
            return NationalDimension.CHANNEL
        return None

    @property
    def source_label(self) -> str:
        if self.conflict_type_id:
            return str(self.conflict_type)
        if self.outcome_id:
            return str(self.outcome)
        if self.referrer_kind:
            return str(self.get_referrer_kind_display())
        return str(self.get_channel_display())

    def clean(self):
        super().clean()
        sources = [bool(self.conflict_type_id), bool(self.outcome_id), bool(self.referrer_kind), bool(self.channel)]
        if sum(sources) != 1:
            raise ValidationError(
                _("Kies precies één eigen categorie: een soort conflict, uitkomst, verwijzer of kanaal.")
            )
        errors = {}
        collect_other_service_errors(
            self.service_id,
            errors,
            **{field: getattr(self, field) for field in ("conflict_type", "outcome") if getattr(self, f"{field}_id")},
        )
        if self.national_category_id and self.national_category.dimension != self.dimension:
            errors["national_category"] = _("Kies een landelijke categorie van de dimensie %(dimension)s.") % {
                "dimension": NationalDimension(self.dimension).label
            }
        if errors:
            raise ValidationError(errors)


def validate_merge_fields(text: str) -> None:
    """Refuse names between braces that are no merge field, naming them."""
    unknown = unknown_fields(text)
    if unknown:
        raise ValidationError(
            _("Onbekende invulvelden: %(fields)s. Gebruik alleen de invulvelden uit de lijst.")
            % {"fields": ", ".join("{" + name + "}" for name in unknown)},
            code="unknown_field",
        )


class LetterTemplate(TimeStampedModel):
    """A letter a coordinator prints for a party of a case, edited by the service's admin.

    Subject and body are text with merge fields (reports/letters.py), never a template the
    server runs. They are the same for every resident: no resident's data is typed in them.
    """

    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.CASCADE,
        related_name="letter_templates",
    )
    kind = models.CharField(_("soort brief"), max_length=30, choices=LetterKind.choices, default=LetterKind.OTHER)
    name = models.CharField(_("naam"), max_length=100, validators=[validate_no_control_characters])
    subject = models.CharField(
        _("onderwerp"),
        max_length=200,
        validators=[validate_no_control_characters, validate_merge_fields],
        help_text=_("De onderwerpregel van de brief; invulvelden mogen."),
    )
    body = models.TextField(
        _("tekst"),
        max_length=10000,
        validators=[validate_no_control_characters, validate_merge_fields],
        help_text=_(
            "Typ hier geen gegevens van bewoners: die komen uit de zaak via de invulvelden. Een lege regel "
            "begint een nieuwe alinea; regels die met een streepje en een spatie beginnen worden een opsomming."
        ),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("briefsjabloon")
        verbose_name_plural = _("briefsjablonen")
        ordering = ["service", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="lettertemplate_unique_name_per_service"),
            models.CheckConstraint(condition=Q(kind__in=LetterKind.values), name="lettertemplate_kind_valid"),
        ]

    def __str__(self):
        return self.name


# --- Personal data (buurtbemiddeling/personal_data.py) --------------------------------

personal_data.register(NationalCategory, non_personal=["dimension", "code", "label"])
personal_data.register(NationalCategoryMapping, non_personal=["referrer_kind", "channel"])
# Templates, the same for every resident (the help text says so): the residents' data comes
# in only when a letter is made, from the case.
personal_data.register(LetterTemplate, non_personal=["kind", "name", "subject", "body"])
