"""Core models: the time-stamped base, tenancy (mediation services and their area) and users."""

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device as OTPDevice
from django_otp.models import ThrottlingMixin

from .constraints import ChecksInPython
from .roles import PERM_COORDINATE
from .validators import validate_organisation_phone, validate_reference_prefix


class TimeStampedModel(ChecksInPython, models.Model):
    """Abstract base: every model knows when it was created and last changed (aware UTC)."""

    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """get_<field>_display(), without Django's per-call rebuild of the choices.

        Django builds a dict of every choice on each call, hashing each lazy label, which
        translates every label of the field: a list page with a status column paid a few
        hundred translations per render. Here the value -> label map is built once per
        field; only the label shown is translated.
        """
        labels = _CHOICE_LABELS.get(field)
        if labels is None:
            labels = _CHOICE_LABELS.setdefault(field, dict(field.flatchoices))
        value = getattr(self, field.attname)
        try:
            label = labels.get(value, value)
        except TypeError:  # an unhashable value (a JSON field with choices): Django's way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


_CHOICE_LABELS: dict = {}


class ServiceScopedQuerySet(models.QuerySet):
    """The tenancy gateway for models that belong to one mediation service.

    `visible_to(user)` is the only place that decides which rows a person may see: rows of
    the person's own service, and only when they hold the model's view permission. Models
    with finer rules (cases) override it; nobody filters on `service` by hand in a view.
    """

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.service_id:
            return self.none()
        opts = self.model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            return self.none()
        return self.filter(service_id=user.service_id)


class CoordinatorScopedQuerySet(models.QuerySet):
    """The tenancy gateway for records only coordinators work with (partner records).

    Coordinators of the owning service with the model's view permission see them; everyone
    else, partner users (referrers) and installation admins included, sees none.
    `service_lookup` says how a row reaches its service.
    """

    service_lookup = "service_id"

    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.service_id:
            return self.none()
        opts = self.model._meta
        if not (user.has_perm(PERM_COORDINATE) and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")):
            return self.none()
        return self.filter(**{self.service_lookup: user.service_id})


def collect_other_service_errors(service_id, errors: dict, **related) -> None:
    """Collect an error for every related object that belongs to another service."""
    for field, obj in related.items():
        if obj is not None and service_id is not None and obj.service_id != service_id:
            errors[field] = _("Dit hoort bij een andere bemiddelingsorganisatie.")


def require_same_service(service_id, **related) -> None:
    """Refuse (ValidationError per field) anything related that belongs to another service.

    The one check every service function and model `clean()` uses when a write joins
    records: a case and a partner organisation, a case and a mediator, and so on.
    """
    errors: dict = {}
    collect_other_service_errors(service_id, errors, **related)
    if errors:
        raise ValidationError(errors)


class MediationServiceQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not getattr(user, "is_authenticated", False) or not user.service_id:
            return self.none()
        return self.filter(pk=user.service_id)

    def covering_postcode(self, postcode: str):
        """Services whose postcode ranges contain this Dutch postcode ("1234 AB")."""
        # Only ASCII digits: str.isdigit() also accepts "²", which int() refuses.
        digits = "".join(ch for ch in postcode if ch in "0123456789")[:4]
        if len(digits) != 4:
            return self.none()
        number = int(digits)
        return self.filter(
            is_active=True,
            postcode_ranges__start__lte=number,
            postcode_ranges__end__gte=number,
        ).distinct()


class MediationService(TimeStampedModel):
    """One local mediation organisation (bemiddelingsorganisatie); the unit of tenancy."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    reference_prefix = models.CharField(
        _("voorvoegsel zaaknummer"),
        max_length=6,
        default="BB",
        validators=[validate_reference_prefix],
        help_text=_("Zaaknummers worden bijvoorbeeld BB-2026-00042."),
    )
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True, validators=[validate_organisation_phone])
    website = models.URLField(_("website"), blank=True)
    privacy_statement = models.TextField(
        _("privacyverklaring"),
        blank=True,
        help_text=_("Op de pagina Privacy (onderaan elke pagina). Leeg: een standaardtekst met uw gegevens."),
    )
    accessibility_statement = models.TextField(
        _("toegankelijkheidsverklaring"),
        blank=True,
        help_text=_("Op de pagina Toegankelijkheid (onderaan elke pagina). Leeg: een standaardtekst."),
    )
    # Set when the admin uploads a logo (ServiceLogo holds the image): the header shows it
    # and its address changes with it, so browsers may keep it for a long time.
    logo_updated_at = models.DateTimeField(_("logo gewijzigd"), null=True, blank=True, editable=False)
    intervision_per_year = models.PositiveSmallIntegerField(
        _("intervisies per jaar"),
        default=4,
        validators=[MaxValueValidator(52)],
        help_text=_(
            "Zoveel intervisies vraagt u van een bemiddelaar in twaalf maanden. "
            "Wie er minder had, staat in het overzicht van bemiddelaars bij 'Intervisie nodig'."
        ),
    )
    retention_months = models.PositiveSmallIntegerField(
        _("bewaartermijn (maanden na afsluiten)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    first_contact_target_days = models.PositiveSmallIntegerField(
        _("eerste contact binnen (werkdagen)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    follow_up_weeks = models.PositiveSmallIntegerField(
        _("nazorg na (weken)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(52)],
    )
    mediator_access_days = models.PositiveSmallIntegerField(
        _("bemiddelaars zien een afgesloten zaak nog (dagen)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_(
            "Daarna opent een bemiddelaar de zaak niet meer, ook niet via een oude link. 0: niet meer na afsluiten."
        ),
    )
    is_active = models.BooleanField(_("actief"), default=True)

    objects = MediationServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("bemiddelingsorganisatie")
        verbose_name_plural = _("bemiddelingsorganisaties")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(retention_months__gte=1), name="service_retention_positive"),
        ]

    def __str__(self):
        return self.name


class ServiceLogo(models.Model):
    """A service's logo for the page header, uploaded by its admin (PNG, JPEG, WebP or SVG).

    Kept apart from MediationService, which every signed-in request reads with the user:
    the image is read only when a browser asks for it (views.service_logo).
    """

    service = models.OneToOneField(MediationService, on_delete=models.CASCADE, related_name="logo")
    content_type = models.CharField(max_length=40)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("logo")
        verbose_name_plural = _("logo's")

    def __str__(self):
        return str(self.service)


def localized(name: str, name_en: str = "") -> str:
    """The label in the active language: the English one in the English interface, when there is one."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class ReferenceItem(TimeStampedModel):
    """Abstract base of a service's own reference list (conflict types, outcomes, ...), edited by its admin."""

    service = models.ForeignKey(MediationService, verbose_name=_("bemiddelingsorganisatie"), on_delete=models.CASCADE)
    name = models.CharField(_("naam"), max_length=200)
    name_en = models.CharField(
        _("naam in het Engels"),
        max_length=200,
        blank=True,
        help_text=_("In de Engelse versie van de app. Leeg: de Nederlandse naam."),
    )
    position = models.PositiveSmallIntegerField(_("volgorde"), default=0)
    is_active = models.BooleanField(_("actief"), default=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return localized(self.name, self.name_en)


class Municipality(TimeStampedModel):
    """A municipality (gemeente) a service works for; figures can be split per municipality."""

    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.CASCADE,
        related_name="municipalities",
    )
    name = models.CharField(_("naam"), max_length=120)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="municipality_unique_per_service"),
        ]

    def __str__(self):
        return self.name


class PostcodeRange(TimeStampedModel):
    """A range of four-digit postcode areas (e.g. 7500-7547) that routes reports to a service."""

    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.CASCADE,
        related_name="postcode_ranges",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="postcode_ranges",
    )
    start = models.PositiveSmallIntegerField(
        _("van postcode"), validators=[MinValueValidator(1000), MaxValueValidator(9999)]
    )
    end = models.PositiveSmallIntegerField(
        _("tot en met postcode"), validators=[MinValueValidator(1000), MaxValueValidator(9999)]
    )

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("postcodegebied")
        verbose_name_plural = _("postcodegebieden")
        ordering = ["start"]
        indexes = [models.Index(fields=["start", "end"], name="postcoderange_bounds_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__gte=1000, end__lte=9999, start__lte=models.F("end")),
                name="postcoderange_valid_bounds",
            ),
        ]

    def __str__(self):
        return f"{self.start}-{self.end}"

    def clean(self):
        super().clean()
        if self.start is None or self.end is None:
            return
        if self.start > self.end:
            raise ValidationError({"end": _("De eindpostcode moet gelijk aan of na de beginpostcode liggen.")})
        if self.municipality_id and self.municipality.service_id != self.service_id:
            raise ValidationError({"municipality": _("Deze gemeente hoort bij een andere organisatie.")})
        # One postcode goes to exactly one service, so ranges may not overlap anywhere.
        overlapping = PostcodeRange.objects.filter(start__lte=self.end, end__gte=self.start).exclude(pk=self.pk)
        clash = overlapping.select_related("service").first()
        if clash:
            raise ValidationError(
                _("Overlapt met postcodegebied %(range)s van %(service)s.") % {"range": clash, "service": clash.service}
            )


class Neighbourhood(TimeStampedModel):
    """A neighbourhood (wijk) of a service, used on cases, mediator profiles and figures."""

    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.CASCADE,
        related_name="neighbourhoods",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("gemeente"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="neighbourhoods",
    )
    name = models.CharField(_("naam"), max_length=120)
    is_active = models.BooleanField(_("actief"), default=True)

    objects = ServiceScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("wijk")
        verbose_name_plural = _("wijken")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="neighbourhood_unique_per_service"),
        ]

    def __str__(self):
        return self.name


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Colleagues of one's own service; nobody else."""
        if not getattr(user, "is_authenticated", False) or not user.service_id:
            return self.none()
        return self.filter(service_id=user.service_id)


class BuurtUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(ChecksInPython, AbstractUser):
    """A person who logs in. Roles are Django groups; code asks for permissions.

    Staff of a service (coordinators, mediators) and referrers belong to one service;
    referrers also to one partner organisation. Installation-wide admins have no service.
    """

    email = models.EmailField(_("e-mailadres"), blank=True)
    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    partner_organisation = models.ForeignKey(
        "organisations.PartnerOrganisation",
        verbose_name=_("partnerorganisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Alleen voor verwijzers: de organisatie waar deze persoon werkt."),
    )
    phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True, validators=[validate_organisation_phone])

    objects = BuurtUserManager()

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        constraints = [
            # A partner-organisation user always belongs to a service as well.
            models.CheckConstraint(
                condition=Q(partner_organisation__isnull=True) | Q(service__isnull=False),
                name="user_partner_requires_service",
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if self.partner_organisation_id:
            if not self.service_id:
                self.service_id = self.partner_organisation.service_id
            elif self.partner_organisation.service_id != self.service_id:
                raise ValidationError(
                    {"partner_organisation": _("Deze partnerorganisatie hoort bij een andere bemiddelingsorganisatie.")}
                )

    @property
    def role(self):
        """The user's main role, derived from permissions (for navigation and display)."""
        from .roles import role_of

        return role_of(self)


class AccessAction(models.TextChoices):
    CASE_VIEWED = "case_viewed", _("Zaak bekeken")
    CASE_LIST_VIEWED = "case_list_viewed", _("Zakenlijst / zoekresultaat bekeken")
    EXPORT = "export", _("Export gemaakt")
    SUBJECT_ACCESS = "subject_access", _("Inzageverzoek: gegevens van een bewoner geëxporteerd")
    ERASURE = "erasure", _("Bewoner gewist")
    RETENTION_RUN = "retention_run", _("Bewaartermijn toegepast")
    LOGIN_LOCKED = "login_locked", _("Inloggen geblokkeerd na herhaalde fouten")


class AccessLog(models.Model):
    """Who looked at (or tried to look at) personal data. Append-only, never personal data itself.

    Foreign keys are kept without database constraints and without cascades, so deleting
    or renaming anything never rewrites the log; the names are copied in at write time.
    """

    at = models.DateTimeField(_("tijdstip (UTC)"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        "User",
        verbose_name=_("gebruiker"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    username = models.CharField(_("gebruikersnaam"), max_length=150, blank=True)
    role = models.CharField(_("rol"), max_length=20, blank=True)
    service = models.ForeignKey(
        MediationService,
        verbose_name=_("bemiddelingsorganisatie"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    organisation = models.CharField(_("organisatie"), max_length=200, blank=True)
    action = models.CharField(_("handeling"), max_length=30, choices=AccessAction.choices)
    object_type = models.CharField(_("soort object"), max_length=30, blank=True)
    object_id = models.CharField(_("object"), max_length=64, blank=True)
    allowed = models.BooleanField(_("toegestaan"))
    client_address = models.GenericIPAddressField(_("adres cliënt"), null=True, blank=True)
    detail = models.CharField(_("toelichting"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("toegangsregel")
        verbose_name_plural = _("toegangslogboek")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-at"], name="accesslog_object_idx"),
            models.Index(fields=["user", "-at"], name="accesslog_user_idx"),
            models.Index(fields=["service", "-at"], name="accesslog_service_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The access log is append-only.")
        super().save(*args, **kwargs)


class BackupCodeDevice(ThrottlingMixin, OTPDevice):
    """One-time backup codes for the second factor, stored hashed (never in plain text).

    django-otp's own static device keeps its codes readable; these are hashed with the
    project's password hasher, so a database dump does not give them away.
    """

    class Meta(OTPDevice.Meta):
        verbose_name = _("reservecodes")
        verbose_name_plural = _("reservecodes")

    def get_throttle_factor(self):
        # Like the authenticator: after each wrong code, twice as long before the next try.
        return 1

    def verify_token(self, token):
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        token = "".join(ch for ch in str(token) if ch.isalnum()).lower()
        for code in self.codes.filter(used_at__isnull=True) if token else []:
            if check_password(token, code.code_hash):
                code.used_at = timezone.now()
                code.save(update_fields=["used_at"])
                self.throttle_reset()
                return True
        self.throttle_increment()
        return False


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=256)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reservecode")
        verbose_name_plural = _("reservecodes")

    def __str__(self):
        return f"{self.device_id}: {'gebruikt' if self.used_at else 'ongebruikt'}"


# --- Personal data (buurtbemiddeling/personal_data.py) --------------------------------

from . import personal_data  # noqa: E402


class RateCounter(models.Model):
    """How often one (hashed) client did one thing in one window; counted under a row lock.

    The cache cannot count atomically (a get and a set): ten posts at once all read the
    same number. See buurtbemiddeling/ratelimit.py.
    """

    key = models.CharField(_("sleutel"), max_length=120, unique=True)
    count = models.PositiveIntegerField(_("aantal"), default=0)
    expires_at = models.DateTimeField(_("verloopt op"), db_index=True)

    class Meta:
        verbose_name = _("teller")
        verbose_name_plural = _("tellers")

    def __str__(self):
        return self.key


class Submission(models.Model):
    """A form that was sent once: a second post with the same key is the same submission.

    A double click, a reload after a slow answer, or the same form sent from two tabs at
    once store one case, not three (buurtbemiddeling/submissions.py). The key is a random
    value the page carried; `result` is where the first post led (a path or a reference).
    """

    key = models.CharField(_("sleutel"), max_length=80, unique=True)
    result = models.CharField(_("resultaat"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("verzonden formulier")
        verbose_name_plural = _("verzonden formulieren")

    def __str__(self):
        return self.key


personal_data.register(
    MediationService,
    # The organisation's own public contact details, not a person's.
    non_personal=[
        "name",
        "reference_prefix",
        "email",
        "phone",
        "website",
        "privacy_statement",
        "accessibility_statement",
        "logo_updated_at",
    ],
)
personal_data.register(ServiceLogo, non_personal=["content_type", "content"])
personal_data.register(Municipality, non_personal=["name"])
personal_data.register(PostcodeRange)
personal_data.register(Neighbourhood, non_personal=["name"])
personal_data.register(
    User,
    professional=["first_name", "last_name", "email", "phone"],
    # The login name is how the logs name a member of staff; the password is a hash and
    # never reaches the change log (audit.py excludes it).
    non_personal=["username", "password"],
    audited=True,
)
personal_data.register(
    AccessLog,
    professional=["username", "client_address"],
    non_personal=["role", "organisation", "action", "object_type", "object_id", "detail"],
)
personal_data.register(BackupCodeDevice, non_personal=["name"])
personal_data.register(BackupCode, non_personal=["code_hash"])
personal_data.register(Submission, non_personal=["key", "result"])
personal_data.register(RateCounter, non_personal=["key"])
