"""Forms of the reports app: which letter, for whom."""

from django import forms
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.forms import ModelChoiceField
from cases.constants import Side
from cases.models import Party

from .constants import LetterKind
from .models import LetterTemplate


class PartyChoiceField(ModelChoiceField):
    def label_from_instance(self, party):
        return f"{party.display_name} ({party.get_side_display()})"


class LetterChoiceForm(forms.Form):
    """Sent by GET from the case page's letters panel: a template and a party of the case."""

    sjabloon = ModelChoiceField(
        label=_("Brief"),
        queryset=LetterTemplate.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Kies een brief."),
            "invalid_choice": _("Kies een van de brieven uit de lijst."),
        },
    )
    partij = PartyChoiceField(
        label=_("Aan"),
        queryset=Party.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Kies aan wie de brief gaat."),
            "invalid_choice": _("Kies een van de partijen van deze zaak."),
        },
    )

    def __init__(self, *args, templates, parties, **kwargs):
        kwargs.setdefault("auto_id", "letter-%s")
        super().__init__(*args, **kwargs)
        self.fields["sjabloon"].queryset = templates
        self.fields["partij"].queryset = parties
        self.has_choices = True
        if not self.is_bound:
            # The usual first letter: the introduction to the neighbour (party B).
            listed_templates, listed_parties = list(templates), list(parties)
            self.has_choices = bool(listed_templates and listed_parties)
            intro = next((t for t in listed_templates if t.kind == LetterKind.INTRO_PARTY_B), None)
            side_b = next((p for p in listed_parties if p.side == Side.B), None)
            self.initial.setdefault("sjabloon", intro.pk if intro else None)
            self.initial.setdefault("partij", side_b.pk if side_b else None)
