"""The referral form: a consent gate first, then per party who agreed, when and how."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.forms import (
    CleanTextMixin,
    DateInput,
    ModelChoiceField,
    ModelMultipleChoiceField,
    SingleValueMixin,
)
from buurtbemiddeling.validators import normalise_house_number, normalise_phone, normalise_postcode
from cases.constants import Channel
from cases.models import ConflictType
from organisations.models import ContactPerson

from . import services
from .constants import ConsentGate, ConsentMethod
from .services import IDENTIFYING_FIELDS


class ConsentGateForm(SingleValueMixin, forms.Form):
    """Asked first; the answers decide which fields the referral form has at all."""

    resident = forms.ChoiceField(
        label=_(
            "Weet de bewoner die u wilt verwijzen dat u buurtbemiddeling inschakelt, "
            "en gaf hij of zij toestemming om de gegevens aan ons door te geven?"
        ),
        choices=ConsentGate.choices,
        widget=forms.RadioSelect,
    )
    neighbour = forms.ChoiceField(
        label=_("En de buren (de andere partij): weten zij ervan en gaven zij ook toestemming?"),
        choices=[
            (ConsentGate.YES.value, _("Ja, ook de buren gaven toestemming")),
            (ConsentGate.NOT_YET.value, _("Nee, of nog niet: ik geef alleen hun adres door")),
        ],
        widget=forms.RadioSelect,
        initial=ConsentGate.NOT_YET.value,
    )


class ConsentFields(SingleValueMixin, forms.Form):
    agreed_by = forms.CharField(
        label=_("Wie gaf toestemming?"), max_length=200, help_text=_("Naam van de bewoner die toestemming gaf.")
    )
    agreed_on = forms.DateField(label=_("Wanneer?"), widget=DateInput())
    method = forms.ChoiceField(label=_("Hoe?"), choices=ConsentMethod.choices, widget=forms.RadioSelect)

    def clean_agreed_on(self):
        value = self.cleaned_data["agreed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("De datum van de toestemming kan niet in de toekomst liggen."))
        return value


class ReferralPartyForm(SingleValueMixin, CleanTextMixin, forms.Form):
    """One party. With consent: contact details; without: the address only."""

    name = forms.CharField(label=_("Naam"), max_length=200, required=False)
    phone = forms.CharField(label=_("Telefoonnummer"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mailadres"), max_length=254, required=False)
    street = forms.CharField(label=_("Straat"), max_length=200)
    house_number = forms.CharField(label=_("Huisnummer"), max_length=20)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, help_text=_("Bijvoorbeeld 1234 AB"))
    city = forms.CharField(label=_("Plaats"), max_length=100, required=False)

    def __init__(self, *args, consented: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.consented = consented
        if not consented:
            for name in IDENTIFYING_FIELDS:
                del self.fields[name]
        else:
            self.fields["name"].required = True

    def clean_postcode(self):
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(value) if value else ""

    def clean_house_number(self):
        return normalise_house_number(self.cleaned_data["house_number"])

    def clean(self):
        cleaned = super().clean()
        if not self.consented:
            # The page did not offer these fields; a request that carries them anyway is refused.
            sent = [name for name in IDENTIFYING_FIELDS if self.data.get(self.add_prefix(name), "").strip()]
            if sent:
                raise forms.ValidationError(
                    _(
                        "Zonder toestemming mag u van deze partij alleen het adres doorgeven, "
                        "geen naam, telefoonnummer of e-mailadres."
                    ),
                    code="no_consent",
                )
        elif not (cleaned.get("phone") or cleaned.get("email")):
            self.add_error(
                "phone", _("Vul een telefoonnummer of e-mailadres in, zodat de coördinator contact kan opnemen.")
            )
        return cleaned

    def details(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value}


class ReferralForm(SingleValueMixin, CleanTextMixin, forms.Form):
    own_reference = forms.CharField(
        label=_("Uw eigen kenmerk (optioneel)"),
        max_length=50,
        required=False,
        help_text=_("Dit kenmerk noemen we in onze berichten aan u."),
    )
    conflict_types = ModelMultipleChoiceField(
        label=_("Waar gaat het conflict over?"),
        queryset=ConflictType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    description = forms.CharField(
        label=_("Korte omschrijving"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        required=False,
        help_text=_("Alleen wat de coördinator nodig heeft voor het eerste contact."),
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conflict_types"].queryset = ConflictType.objects.filter(service=service, is_active=True)


class PhoneReferralForm(SingleValueMixin, forms.Form):
    """Who phoned (or came by) to refer: one of the contact persons of a partner organisation."""

    contact_person = ModelChoiceField(
        label=_("Wie verwijst?"),
        queryset=ContactPerson.objects.none(),
        help_text=_(
            "De contactpersoon van de partnerorganisatie. Hij of zij krijgt de stand van zaken per e-mail, "
            "zonder inhoud. Staat de persoon er niet bij? Voeg hem of haar eerst toe bij Partners."
        ),
        error_messages={"required": _("Kies wie er verwijst.")},
    )
    channel = forms.ChoiceField(
        label=_("Binnengekomen via"),
        choices=[(c.value, c.label) for c in services.OFFLINE_CHANNELS],
        initial=Channel.PHONE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["contact_person"]
        field.queryset = (
            ContactPerson.objects.filter(organisation__service=service, organisation__is_active=True, is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )
        field.label_from_instance = lambda person: f"{person.organisation.name}: {person.name}"
