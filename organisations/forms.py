"""Forms for the volunteer pages (they validate; organisations/services.py writes) and a talk planned with mediators."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.forms import (
    CleanTextMixin,
    DateInput,
    ModelChoiceField,
    ModelMultipleChoiceField,
    SingleValueMixin,
    TimeSpanForm,
)
from buurtbemiddeling.models import Neighbourhood
from buurtbemiddeling.validators import normalise_phone, normalise_postcode

from .constants import PART_LABELS, WEEKDAY_LABELS, WEEKDAYS, DayPart
from .models import MediatorProfile
from .selectors import ACTIVE, ALL, INACTIVE


class NeighbourhoodChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class VolunteerForm(CleanTextMixin, forms.ModelForm):
    """All of a mediator's profile except the login (admins link users)."""

    day_parts = forms.MultipleChoiceField(
        label=_("Beschikbaar"),
        choices=DayPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Vink de dagdelen aan waarop deze bemiddelaar meestal kan."),
    )
    neighbourhoods = NeighbourhoodChoiceField(
        label=_("Wijken"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Kies wijken uit de lijst.")},
    )
    max_cases = forms.IntegerField(
        label=_("Maximaal aantal zaken tegelijk"),
        min_value=1,
        max_value=30,
        initial=3,
        error_messages={
            "required": _("Vul in hoeveel zaken deze bemiddelaar tegelijk kan hebben."),
            "invalid": _("Vul een heel getal in."),
            "min_value": _("Vul ten minste 1 in. Kan iemand tijdelijk geen zaken doen? Vink dan 'actief' uit."),
            "max_value": _("Vul hoogstens 30 in."),
        },
    )

    class Meta:
        model = MediatorProfile
        fields = [
            "name",
            "phone",
            "email",
            "street",
            "postcode",
            "languages",
            "neighbourhoods",
            "max_cases",
            "trained_on",
            "is_active",
        ]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "trained_on": DateInput(),
        }
        help_texts = {
            "is_active": _(
                "Zonder vinkje krijgt deze bemiddelaar geen nieuwe zaken meer; lopende zaken blijven staan."
            ),
        }
        error_messages = {"name": {"required": _("Vul de naam van de bemiddelaar in.")}}

    def __init__(self, *args, neighbourhoods, **kwargs):
        """`neighbourhoods`: a queryset of the service's own (organisations.selectors.neighbourhoods_for)."""
        super().__init__(*args, **kwargs)
        self.fields["neighbourhoods"].queryset = neighbourhoods
        if self.instance.pk:
            self.initial.setdefault("day_parts", self.instance.day_parts)
        self.fields["email"].error_messages["invalid"] = _(
            "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."
        )
        self.fields["trained_on"].error_messages["invalid"] = _("Vul een geldige datum in.")

    def clean_postcode(self):
        value = self.cleaned_data["postcode"]
        return normalise_postcode(value) if value else ""

    def clean_phone(self):
        value = self.cleaned_data["phone"]
        return normalise_phone(value) if value else ""

    def clean_trained_on(self):
        value = self.cleaned_data["trained_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("Deze datum kan niet in de toekomst liggen."))
        return value

    def validate_unique(self):
        pass  # the services check what must be unique

    def _post_clean(self):
        # The service validates the model (full_clean) and writes; the form only checks its fields.
        pass

    def grid(self) -> list[dict]:
        """The availability grid: a row per weekday, a cell per part with its checkbox."""
        boxes = {box.data["value"]: box for box in self["day_parts"]}
        return [
            {"label": WEEKDAY_LABELS[day], "cells": [boxes[f"{day}_{part}"] for part in PART_LABELS]}
            for day in WEEKDAYS
        ]

    def part_labels(self):
        return list(PART_LABELS.values())


class IntervisionForm(SingleValueMixin, forms.Form):
    attended_on = forms.DateField(
        label=_("Datum intervisie"),
        widget=DateInput(),
        error_messages={"required": _("Vul de datum van de intervisie in."), "invalid": _("Vul een geldige datum in.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("attended_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class VolunteerFilterForm(forms.Form):
    """The overview's filters (GET, so they stay in the address while you work)."""

    status = forms.ChoiceField(
        label=_("Actief"),
        choices=[(ACTIVE, _("Actief")), (INACTIVE, _("Niet actief")), (ALL, _("Iedereen"))],
        required=False,
    )
    neighbourhood = ModelChoiceField(
        label=_("Wijk"),
        queryset=Neighbourhood.objects.none(),
        required=False,
        empty_label=_("Alle wijken"),
        error_messages={"invalid_choice": _("Kies een wijk uit de lijst.")},
    )
    day_part = forms.ChoiceField(label=_("Beschikbaar op"), required=False)
    needs = forms.BooleanField(label=_("Training of intervisie nodig"), required=False)
    q = forms.CharField(label=_("Naam"), required=False, max_length=100)

    def __init__(self, *args, neighbourhoods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["neighbourhood"].queryset = neighbourhoods
        self.fields["neighbourhood"].label_from_instance = lambda n: n.name
        self.fields["day_part"].choices = [("", _("Alle dagdelen")), *DayPart.choices]


class TalkForm(CleanTextMixin, TimeSpanForm):
    """A talk planned with mediators: which talk, when, where, with whom (cases/appointments.py).

    The caller gives the kinds and places to choose from and the mediators who may be
    chosen; all of them are ticked at first.
    """

    kind = forms.ChoiceField(label=_("Soort gesprek"))
    place = forms.ChoiceField(label=_("Plaats"))
    location = forms.CharField(
        label=_("Adres of locatie"),
        max_length=300,
        required=False,
        help_text=_("Bij de bewoner thuis: leeg laten voor het adres van de partij."),
    )
    mediators = ModelMultipleChoiceField(
        label=_("Bemiddelaars"),
        queryset=MediatorProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    field_order = ["kind", "date", "starts_at", "ends_at", "place", "location", "mediators"]

    def __init__(self, *args, kinds, places, mediators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["place"].choices = places
        self.fields["mediators"].queryset = mediators
        self.initial.setdefault("mediators", [m.pk for m in mediators])
