"""The self-report forms: the self-check, the postcode and the report itself.

Every field has a max_length; no files are accepted; text is checked for control characters.
"""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtbemiddeling.models import MediationService
from buurtbemiddeling.validators import (
    normalise_house_number,
    normalise_phone,
    normalise_postcode,
    validate_no_control_characters,
)
from cases.constants import PreferredContact, Side, Tenure
from cases.models import ConflictType
from organisations.constants import OrganisationKind
from organisations.models import PartnerOrganisation

# Bidirectional-text controls can disguise what a name or address really says.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# --- The self-check answers -----------------------------------------------------------


class Talked(models.TextChoices):
    YES = "yes", gettext_lazy("Ja")
    NOT_YET = "not_yet", gettext_lazy("Nee, nog niet")
    CANNOT = "cannot", gettext_lazy("Nee, dat durf ik niet of het lukt niet")


class Violence(models.TextChoices):
    NO = "no", gettext_lazy("Nee")
    NOW = "now", gettext_lazy("Ja, ik word bedreigd of ik voel me niet veilig")
    PAST = "past", gettext_lazy("Het is eerder gebeurd, maar de dreiging is nu voorbij")


class LegalProcedure(models.TextChoices):
    NO = "no", gettext_lazy("Nee")
    YES = "yes", gettext_lazy("Ja")
    UNKNOWN = "unknown", gettext_lazy("Weet ik niet")


# --- Forms ------------------------------------------------------------------------------


def validate_plain_text(value: str) -> None:
    """Control characters and text-direction tricks are never meant by a resident."""
    validate_no_control_characters(value)
    if value and any(ch in BIDI_CONTROLS or (unicodedata.category(ch) == "Cc" and ch not in "\t\n\r") for ch in value):
        raise ValidationError(_("Deze tekst bevat ongeldige tekens."), code="control_characters")


class ResidentFormMixin:
    """Bootstrap classes and screen-reader links between an input, its hint and its error.

    Hints and errors get ids (`<id>-hint`, `<id>-error`) that the input names in
    `aria-describedby`; groups of radios or checkboxes carry that on their fieldset instead
    (see templates/selfreport/_choices.html).
    """

    GROUP_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            if isinstance(widget, (*self.GROUP_WIDGETS, forms.CheckboxInput)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if isinstance(widget, forms.Textarea):
                # Over-long text gets a clear message rather than being cut off silently.
                widget.attrs.pop("maxlength", None)
        self._describe()

    def full_clean(self):
        super().full_clean()
        self._describe()

    def _describe(self):
        errors = self._errors or {}
        for name, field in self.fields.items():
            widget = field.widget
            if widget.is_hidden or isinstance(widget, self.GROUP_WIDGETS):
                continue
            # Not self[name]: that caches a bound field before subclasses finish their labels.
            auto_id = self.auto_id % self.add_prefix(name)
            described = []
            if field.help_text:
                described.append(f"{auto_id}-hint")
            if name in errors:
                described.append(f"{auto_id}-error")
                widget.attrs["aria-invalid"] = "true"
                if "is-invalid" not in widget.attrs["class"]:
                    widget.attrs["class"] += " is-invalid"
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    validate_plain_text(value)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


TOO_LONG = gettext_lazy("Gebruik maximaal %(limit_value)d tekens. Nu zijn het er %(show_value)d.")


def _choice(label, choices, *, required=True, message=None, help_text=""):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=help_text,
        error_messages={"required": message or gettext_lazy("Kies een antwoord.")},
    )


def _text(label, max_length, *, required=False, message=None, help_text="", textarea=False, **attrs):
    widget = forms.Textarea(attrs={"rows": 5, **attrs}) if textarea else forms.TextInput(attrs=attrs)
    error_messages = {"max_length": TOO_LONG}
    if message:
        error_messages["required"] = message
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=widget,
        error_messages=error_messages,
    )


class SelfCheckForm(ResidentFormMixin, forms.Form):
    talked = _choice(gettext_lazy("Hebt u zelf al met uw buren gepraat over het probleem?"), Talked.choices)
    violence = _choice(
        gettext_lazy("Is er geweld gebruikt, of wordt u bedreigd?"),
        Violence.choices,
        help_text=gettext_lazy("Bijvoorbeeld slaan, duwen, of zeggen dat ze u iets aan zullen doen."),
    )
    legal = _choice(
        gettext_lazy("Loopt er over dit probleem een rechtszaak of een andere juridische procedure?"),
        LegalProcedure.choices,
    )


class PostcodeForm(ResidentFormMixin, forms.Form):
    postcode = _text(
        gettext_lazy("Wat is uw postcode?"),
        20,
        required=True,
        message=gettext_lazy("Vul uw postcode in, bijvoorbeeld 1234 AB."),
        help_text=gettext_lazy("Bijvoorbeeld 1234 AB"),
        autocomplete="postal-code",
        **{"class": "input-short"},
    )

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])


CONTACT_CHOICES = [
    (c.value, c.label) for c in (PreferredContact.PHONE, PreferredContact.EMAIL, PreferredContact.LETTER)
]
TENURE_CHOICES = [
    (Tenure.OWNER.value, gettext_lazy("Koophuis: ik ben eigenaar")),
    (Tenure.TENANT_CORPORATION.value, gettext_lazy("Huurhuis van een woningcorporatie")),
    (Tenure.TENANT_PRIVATE.value, gettext_lazy("Huurhuis van een particuliere verhuurder")),
    (Tenure.UNKNOWN.value, gettext_lazy("Weet ik niet of zeg ik liever niet")),
]
OTHER_CORPORATION = "other"


class ReportForm(ResidentFormMixin, forms.Form):
    """The report itself. The field order is the page order (and the error summary's)."""

    # About the resident.
    name = _text(
        gettext_lazy("Uw naam"), 200, required=True, message=gettext_lazy("Vul uw naam in."), autocomplete="name"
    )
    phone = _text(
        gettext_lazy("Telefoonnummer"),
        30,
        help_text=gettext_lazy("Bijvoorbeeld 06 12345678"),
        autocomplete="tel",
        inputmode="tel",
        type="tel",
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mailadres"),
        max_length=254,
        required=False,
        help_text=gettext_lazy("Bijvoorbeeld naam@voorbeeld.nl"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": gettext_lazy("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."),
            "max_length": TOO_LONG,
        },
    )
    street = _text(
        gettext_lazy("Straat"),
        200,
        required=True,
        message=gettext_lazy("Vul uw straat in."),
        autocomplete="address-line1",
    )
    house_number = _text(
        gettext_lazy("Huisnummer"),
        20,
        required=True,
        message=gettext_lazy("Vul uw huisnummer in."),
        help_text=gettext_lazy("Met toevoeging, bijvoorbeeld 12a"),
        **{"class": "input-short"},
    )
    city = _text(gettext_lazy("Plaats"), 100, autocomplete="address-level2")
    preferred_contact = _choice(gettext_lazy("Hoe wilt u het liefst contact?"), CONTACT_CHOICES, required=False)
    contact_time_preference = _text(
        gettext_lazy("Wanneer bent u het best te bereiken?"),
        200,
        help_text=gettext_lazy("Bijvoorbeeld: doordeweeks na 17.00 uur"),
    )
    # About the neighbour.
    neighbour_name = _text(
        gettext_lazy("Naam van uw buren"),
        200,
        help_text=gettext_lazy("Weet u de naam niet? Laat dit dan leeg."),
        autocomplete="off",
    )
    neighbour_street = _text(
        gettext_lazy("Straat"),
        200,
        required=True,
        message=gettext_lazy("Vul de straat van uw buren in."),
        autocomplete="off",
    )
    neighbour_house_number = _text(
        gettext_lazy("Huisnummer"),
        20,
        required=True,
        message=gettext_lazy("Vul het huisnummer van uw buren in."),
        help_text=gettext_lazy("Met toevoeging, bijvoorbeeld 12a"),
        autocomplete="off",
        **{"class": "input-short"},
    )
    neighbour_postcode = _text(
        gettext_lazy("Postcode"),
        20,
        help_text=gettext_lazy("Bijvoorbeeld 1234 AB. Weet u het niet? Laat dit dan leeg."),
        autocomplete="off",
        **{"class": "input-short"},
    )
    neighbour_city = _text(gettext_lazy("Plaats"), 100, autocomplete="off")
    # The conflict.
    conflict_types = forms.MultipleChoiceField(
        label=gettext_lazy("Waar gaat het over?"),
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("U kunt meer dan één ding kiezen."),
        error_messages={
            "required": gettext_lazy("Kies minstens één onderwerp. Past niets? Kies dan Overig."),
            "invalid_choice": gettext_lazy("Kies een onderwerp uit de lijst."),
        },
    )
    description = _text(
        gettext_lazy("Wat is er aan de hand?"),
        3000,
        required=True,
        message=gettext_lazy("Vertel kort wat er aan de hand is."),
        help_text=gettext_lazy("Vertel in een paar zinnen wat er gebeurt en wat het met u doet. Maximaal 3000 tekens."),
        textarea=True,
    )
    since = _text(
        gettext_lazy("Sinds wanneer speelt dit?"),
        100,
        help_text=gettext_lazy("Bijvoorbeeld: sinds de zomer, of ongeveer 3 maanden"),
    )
    tried_already = _text(
        gettext_lazy("Wat hebt u zelf al geprobeerd?"),
        3000,
        help_text=gettext_lazy("Bijvoorbeeld: een gesprek, een briefje, de verhuurder gebeld. Maximaal 3000 tekens."),
        textarea=True,
        rows=3,
    )
    # The home.
    tenure = _choice(gettext_lazy("Woont u in een koophuis of een huurhuis?"), TENURE_CHOICES, required=False)
    housing_corporation = forms.ChoiceField(
        label=gettext_lazy("Bij welke woningcorporatie huurt u?"),
        required=False,
        help_text=gettext_lazy("Alleen als u huurt bij een woningcorporatie."),
        error_messages={"invalid_choice": gettext_lazy("Kies een woningcorporatie uit de lijst.")},
    )
    housing_corporation_other = _text(
        gettext_lazy("Staat uw woningcorporatie er niet bij? Schrijf dan de naam hier."),
        200,
    )
    # Who may know (domain rule 4): nobody, unless the resident asks for it here.
    may_know = forms.MultipleChoiceField(
        label=gettext_lazy("Mag een van deze organisaties weten dat u zich hebt gemeld?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Alleen als u dat wilt, bijvoorbeeld omdat zij u al helpen. Zet u niets aan, dan hoort geen "
            "enkele organisatie van uw melding. U kunt dit later altijd weer intrekken."
        ),
        error_messages={"invalid_choice": gettext_lazy("Kies een organisatie uit de lijst.")},
    )
    # Consent and confirmation.
    consent = forms.BooleanField(
        label=gettext_lazy(
            "Ik geef toestemming dat mijn melding wordt geregistreerd en dat mijn gegevens tijdelijk worden bewaard."
        ),
        error_messages={
            "required": gettext_lazy("Geef toestemming. Zonder uw toestemming kunnen wij uw melding niet behandelen.")
        },
    )
    send_confirmation = forms.BooleanField(
        label=gettext_lazy("Stuur mij een bevestiging per e-mail"),
        required=False,
        help_text=gettext_lazy(
            "In de e-mail staan alleen uw meldnummer en wat er nu gebeurt. Niet wat u hebt geschreven."
        ),
    )

    def __init__(self, *args, service: MediationService, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.conflict_type_objects = {
            str(ct.pk): ct for ct in ConflictType.objects.filter(service=service, is_active=True)
        }
        if self.conflict_type_objects:
            self.fields["conflict_types"].choices = [(pk, ct.name) for pk, ct in self.conflict_type_objects.items()]
        else:
            # A service without (active) conflict types: the description says it all.
            del self.fields["conflict_types"]
        self.corporations = {
            str(org.pk): org
            for org in PartnerOrganisation.objects.filter(
                service=service, kind=OrganisationKind.HOUSING_CORPORATION, is_active=True
            )
        }
        if self.corporations:
            self.fields["housing_corporation"].choices = [
                ("", _("Kies een woningcorporatie (niet verplicht)")),
                *((pk, org.name) for pk, org in self.corporations.items()),
                (OTHER_CORPORATION, _("Een andere woningcorporatie")),
            ]
        else:
            del self.fields["housing_corporation"]
            self.fields["housing_corporation_other"].label = _("Bij welke woningcorporatie huurt u?")
            self.fields["housing_corporation_other"].help_text = _("Alleen als u huurt bij een woningcorporatie.")
            self._describe()
        # Per kind of organisation the service works with, the ones of that kind.
        self.organisations_by_kind: dict[str, list[PartnerOrganisation]] = {}
        for org in PartnerOrganisation.objects.filter(service=service, is_active=True).order_by("kind", "name"):
            self.organisations_by_kind.setdefault(org.kind, []).append(org)
        if self.organisations_by_kind:
            self.fields["may_know"].choices = [
                (kind, f"{OrganisationKind(kind).label} ({', '.join(org.name for org in orgs)})")
                for kind, orgs in self.organisations_by_kind.items()
            ]
        else:
            del self.fields["may_know"]
        self.fields["consent"].label = _(
            "Ik geef %(service)s toestemming om mijn melding te registreren en mijn gegevens tijdelijk te bewaren."
        ) % {"service": service.name}

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalise_phone(value) if value else ""

    def clean_house_number(self):
        return normalise_house_number(self.cleaned_data["house_number"])

    def clean_neighbour_house_number(self):
        return normalise_house_number(self.cleaned_data["neighbour_house_number"])

    def clean_neighbour_postcode(self):
        value = self.cleaned_data["neighbour_postcode"]
        return normalise_postcode(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        phone, email = cleaned.get("phone"), cleaned.get("email")
        if "phone" in cleaned and "email" in cleaned and not (phone or email):
            self.add_error(
                "phone", _("Vul een telefoonnummer of een e-mailadres in, zodat wij contact met u kunnen opnemen.")
            )
        elif cleaned.get("preferred_contact") == PreferredContact.PHONE and "phone" in cleaned and not phone:
            self.add_error("phone", _("Vul uw telefoonnummer in, of kies een andere manier van contact."))
        elif cleaned.get("preferred_contact") == PreferredContact.EMAIL and "email" in cleaned and not email:
            self.add_error("email", _("Vul uw e-mailadres in, of kies een andere manier van contact."))
        if cleaned.get("send_confirmation") and "email" in cleaned and not email:
            self.add_error("email", _("Vul uw e-mailadres in als u een bevestiging per e-mail wilt."))
        return cleaned

    def party_data(self, *, postcode: str) -> list[dict]:
        data = self.cleaned_data
        tenure = data.get("tenure") or Tenure.UNKNOWN
        corporation = None
        if tenure == Tenure.TENANT_CORPORATION:
            corporation = self.corporations.get(data.get("housing_corporation") or "")
        reporter = {
            "side": Side.A,
            "is_reporter": True,
            "name": data["name"],
            "street": data["street"],
            "house_number": data["house_number"],
            "postcode": postcode,
            "city": data["city"],
            "phone": data["phone"],
            "email": data["email"],
            "preferred_contact": data.get("preferred_contact") or "",
            "contact_time_preference": data["contact_time_preference"],
            "tenure": tenure,
            "housing_corporation": corporation,
        }
        neighbour = {
            "side": Side.B,
            "is_reporter": False,
            "name": data["neighbour_name"],
            "street": data["neighbour_street"],
            "house_number": data["neighbour_house_number"],
            "postcode": data["neighbour_postcode"],
            "city": data["neighbour_city"],
            "tenure": Tenure.UNKNOWN,
        }
        return [reporter, neighbour]

    def organisations_that_may_know(self) -> list[PartnerOrganisation]:
        """The organisations the resident asked may know of the report (none unless asked)."""
        return [org for kind in self.cleaned_data.get("may_know", []) for org in self.organisations_by_kind[kind]]

    def conflict_types_chosen(self) -> list[ConflictType]:
        return [self.conflict_type_objects[pk] for pk in self.cleaned_data.get("conflict_types", [])]

    def case_description(self, *, check: dict) -> str:
        """The resident's text plus what the coordinator should know, in Dutch (the staff's language)."""
        data = self.cleaned_data
        with translation.override("nl"):
            lines = [data["description"], ""]
            if data["since"]:
                lines.append(_("Sinds wanneer: %(since)s") % {"since": data["since"]})
            other = data["housing_corporation_other"]
            if other and (data.get("tenure") or Tenure.UNKNOWN) in (Tenure.TENANT_CORPORATION, Tenure.UNKNOWN):
                lines.append(_("Woningcorporatie (door de melder genoemd): %(name)s") % {"name": other})
            lines.append(
                _(
                    "Vragen vooraf: zelf met de buren gepraat: %(talked)s; geweld of bedreiging: %(violence)s; "
                    "juridische procedure: %(legal)s."
                )
                % {
                    "talked": _label(Talked, check.get("talked")),
                    "violence": _label(Violence, check.get("violence")),
                    "legal": _label(LegalProcedure, check.get("legal")),
                }
            )
        return "\n".join(lines).strip()


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return "-"
