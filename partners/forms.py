"""Forms for partner pages and the case page's collaboration panel. They validate; services write."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.forms import CleanTextMixin, DateInput
from cases.constants import ConversationKind
from organisations.models import NO_RESIDENT_DATA, ContactPerson, PartnerOrganisation, WorkingAgreement

from .constants import DisclosureMethod, JointVisitOutcome
from .models import Consultation, JointVisit


def party_label(party) -> str:
    """A party as a coordinator recognises it: side, then name or address."""
    detail = party.name or party.address
    return f"{party.get_side_display()}: {detail}" if detail else str(party.get_side_display())


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects fetched once by the caller (no query per rendering)."""

    def __init__(self, *, objects=(), label_from=str, **kwargs):
        super().__init__(**kwargs)
        self.set_objects(objects, label_from)

    def set_objects(self, objects, label_from=str):
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [("", "---------")] + [(key, label_from(obj)) for key, obj in self.objects.items()]

    def clean(self, value):
        value = super().clean(value)
        return self.objects.get(value) if value else None


class ObjectMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, *, objects=(), label_from=str, **kwargs):
        super().__init__(**kwargs)
        self.set_objects(objects, label_from)

    def set_objects(self, objects, label_from=str):
        self.objects = {str(obj.pk): obj for obj in objects}
        self.choices = [(key, label_from(obj)) for key, obj in self.objects.items()]

    def clean(self, value):
        return [self.objects[key] for key in super().clean(value)]


class PanelForm(CleanTextMixin, forms.Form):
    """A small form on the case page (rendered with |crispy inside the panel's <form> tag).

    Organisation and party choices are lists the caller fetched once for the whole panel.
    """

    def __init__(self, *args, organisations=(), parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, (ObjectChoiceField, ObjectMultipleChoiceField)):
                if getattr(field, "source", "") == "organisations":
                    field.set_objects(organisations)
                elif getattr(field, "source", "") == "parties":
                    field.set_objects(parties, party_label)


def _organisation_field(label, **kwargs):
    field = ObjectChoiceField(label=label, **kwargs)
    field.source = "organisations"
    return field


def _party_field(label, **kwargs):
    field = ObjectChoiceField(label=label, **kwargs)
    field.source = "parties"
    return field


def _today():
    return timezone.localdate()


class DisclosureConsentForm(PanelForm):
    party = _party_field(_("Welke bewoner gaf toestemming?"))
    organisation = _organisation_field(_("Aan welke organisatie mag de zaak bekend worden?"))
    given_on = forms.DateField(label=_("Wanneer"), widget=DateInput(), initial=_today)
    method = forms.ChoiceField(
        label=_("Hoe"),
        # What a coordinator records; "web form" only comes from the resident's own form.
        choices=[(m.value, m.label) for m in (DisclosureMethod.SPOKEN, DisclosureMethod.WRITTEN)],
        widget=forms.RadioSelect,
        initial=DisclosureMethod.SPOKEN,
    )


class PreTrajectoryStartForm(PanelForm):
    lead_organisation = _organisation_field(_("Regievoerende organisatie"))
    organisations = ObjectMultipleChoiceField(
        label=_("Andere deelnemende organisaties"), required=False, widget=forms.CheckboxSelectMultiple
    )
    organisations.source = "organisations"
    party = _party_field(_("Rond welke bewoner"), required=False)
    review_on = forms.DateField(
        label=_("Opnieuw bekijken op"),
        widget=DateInput(),
        help_text=_("De zaak staat tot dan op standby en komt op die dag terug in de werkvoorraad."),
    )
    notes = forms.CharField(
        label=_("Notities"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class ReviewDateForm(PanelForm):
    review_on = forms.DateField(label=_("Nieuwe datum om opnieuw te bekijken"), widget=DateInput())


class TrajectoryOrganisationForm(PanelForm):
    organisation = _organisation_field(_("Organisatie toevoegen"))


class TimeIsRightForm(PanelForm):
    reason = forms.CharField(
        label=_("Toelichting (optioneel)"), max_length=500, required=False, widget=forms.TextInput()
    )


class AccompanimentForm(PanelForm):
    party = _party_field(_("Welke bewoner wordt begeleid?"))
    organisation = _organisation_field(_("Organisatie van de hulpverlener"))
    care_worker_name = forms.CharField(label=_("Naam hulpverlener"), max_length=200)
    started_on = forms.DateField(label=_("Begeleidt sinds"), widget=DateInput(), initial=_today)


class AttendanceForm(forms.Form):
    """Which conversations of the case the care worker attended (rendered as checkboxes)."""

    conversations = ObjectMultipleChoiceField(label=_("Aanwezig bij"), required=False)

    def __init__(self, *args, conversations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conversations"].set_objects(
            conversations, lambda c: f"{ConversationKind(c.kind).label} {c.held_on:%d-%m-%Y}"
        )


class CaseJointVisitForm(PanelForm):
    party = _party_field(_("Bezochte bewoner"), required=False)
    organisation = _organisation_field(_("Partnerorganisatie"))
    professional_name = forms.CharField(label=_("Naam professional van de partner"), max_length=200)
    visited_on = forms.DateField(label=_("Datum bezoek"), widget=DateInput(), initial=_today)
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=JointVisitOutcome.choices, widget=forms.RadioSelect)
    notes = forms.CharField(label=_("Toelichting"), max_length=500, required=False)


# --- Partner pages ---------------------------------------------------------------------


class PageModelForm(CleanTextMixin, forms.ModelForm):
    """A one-topic page form (rendered with |crispy in partners/form.html)."""

    def validate_unique(self):
        # Uniqueness is the service's job (with a Dutch message at the field).
        pass


class PartnerForm(PageModelForm):
    class Meta:
        model = PartnerOrganisation
        fields = ["name", "kind", "email", "phone", "is_active"]


class ContactPersonForm(PageModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "role", "phone", "email"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel"})}


class WorkingAgreementForm(PageModelForm):
    class Meta:
        model = WorkingAgreement
        fields = ["description", "starts_on", "review_on"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "starts_on": DateInput(),
            "review_on": DateInput(),
        }


class ConsultationForm(PageModelForm):
    class Meta:
        model = Consultation
        fields = ["held_on", "professional_name", "topic", "follow_up"]
        widgets = {"held_on": DateInput(), "follow_up": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class JointVisitForm(PageModelForm):
    """A joint visit recorded from the partner page: no case (yet), so no resident data."""

    class Meta:
        model = JointVisit
        fields = ["visited_on", "professional_name", "outcome", "notes"]
        widgets = {"visited_on": DateInput()}
        help_texts = {"notes": NO_RESIDENT_DATA}

    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=JointVisitOutcome.choices, widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("visited_on", timezone.localdate())
        super().__init__(*args, **kwargs)
