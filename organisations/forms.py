"""Forms about the service's mediators."""

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.forms import CleanTextMixin, ModelMultipleChoiceField, TimeSpanForm

from .models import MediatorProfile


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
