"""Forms for the coordinator's and mediator's work. They validate and render; services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.forms import (
    CleanTextMixin,
    DateInput,
    FastSelect,
    ModelChoiceField,
    ModelMultipleChoiceField,
    SingleValueMixin,
    StampField,
)
from buurtbemiddeling.models import Neighbourhood, User, localized
from buurtbemiddeling.roles import PERM_COORDINATE, users_with_permission
from buurtbemiddeling.validators import normalise_house_number, normalise_phone, normalise_postcode
from organisations.constants import OrganisationKind
from organisations.models import MediatorProfile, PartnerOrganisation

from . import workflow
from .constants import AgreementKept, CaseStatus, Channel, ConversationKind, Participation, Side, Tenure
from .models import (
    ConflictType,
    Outcome,
    Party,
    UnsuitabilityReason,
)
from .selectors import QUEUE_TITLES, case_filter_choices
from .services import PARTY_EDITABLE


class PartyForm(CleanTextMixin, forms.ModelForm):
    """One household. Side B may be left empty at registration: details can follow later."""

    class Meta:
        model = Party
        fields = list(PARTY_EDITABLE)  # what a household has; the same list the edit service accepts
        field_classes = {"housing_corporation": ModelChoiceField}
        widgets = {
            "postcode": forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text", "size": 8}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["housing_corporation"].queryset = PartnerOrganisation.objects.filter(
            service=service, kind=OrganisationKind.HOUSING_CORPORATION, is_active=True
        )
        self.fields["postcode"].help_text = _("Bijvoorbeeld 1234 AB")
        self.fields["tenure"].required = False

    def clean_tenure(self):
        return self.cleaned_data.get("tenure") or Tenure.UNKNOWN

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "").strip()
        return normalise_postcode(value) if value else ""

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "").strip()
        return normalise_phone(value) if value else ""

    def clean_house_number(self):
        value = self.cleaned_data.get("house_number", "").strip()
        return normalise_house_number(value) if value else ""

    def has_details(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("name", "street", "house_number", "postcode", "phone", "email"))

    def party_data(self, *, side: str) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self.Meta.fields}
        data = {key: ("" if value is None and key != "housing_corporation" else value) for key, value in data.items()}
        data["side"] = side
        data["is_reporter"] = side == Side.A
        return data


class AddPartyForm(SingleValueMixin, PartyForm):
    """A household added to a case later on: which side it is on must be said, never assumed."""

    side = forms.ChoiceField(
        label=_("Kant"),
        choices=Side.choices,
        initial=Side.B,
        error_messages={
            "required": _("Kies aan welke kant deze partij staat (A of B)."),
            "invalid_choice": _("Kies aan welke kant deze partij staat (A of B)."),
        },
    )
    # Offered once the service found this household already on the case (a double click, a stale page).
    add_duplicate = forms.BooleanField(label=_("Toch toevoegen: dit is een ander huishouden"), required=False)

    field_order = ["side"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.has_details():
            self.add_error(None, _("Vul ten minste een naam, adres of telefoonnummer in."))
        return cleaned

    def party_data(self, *, side: str | None = None) -> dict:
        data = super().party_data(side=side or self.cleaned_data["side"])
        data["is_reporter"] = False
        return data


class ReporterPartyForm(PartyForm):
    """Side A, the person on the phone: a name and a way to reach them are needed."""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name"):
            self.add_error("name", _("Vul de naam van de melder in."))
        if not (cleaned.get("phone") or cleaned.get("email") or cleaned.get("street")):
            self.add_error(
                "phone", _("Vul een telefoonnummer, e-mailadres of adres in, zodat we de melder kunnen bereiken.")
            )
        return cleaned


# How a resident's own report reaches the coordinator (the web form has its own pages).
RESIDENT_CHANNELS = (Channel.PHONE, Channel.DESK, Channel.EMAIL, Channel.LETTER)


class CaseDetailsForm(SingleValueMixin, CleanTextMixin, forms.Form):
    """What the report is about: asked at registration, corrected or completed later."""

    reported_on = forms.DateField(label=_("Datum melding"), widget=DateInput())
    conflict_types = ModelMultipleChoiceField(
        label=_("Waar gaat het over?"),
        queryset=ConflictType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    description = forms.CharField(
        label=_("Omschrijving"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False
    )
    tried_already = forms.CharField(
        label=_("Wat is al geprobeerd?"), widget=forms.Textarea(attrs={"rows": 2}), max_length=3000, required=False
    )
    neighbourhood = ModelChoiceField(label=_("Wijk"), queryset=Neighbourhood.objects.none(), required=False)
    is_complex = forms.BooleanField(
        label=_("Complex"),
        required=False,
        help_text=_("Psychische problemen, meervoudige problematiek of een taalbarrière."),
    )
    is_urgent = forms.BooleanField(label=_("Urgent"), required=False)

    def __init__(self, *args, service, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reported_on"].initial = timezone.localdate()
        # Active choices, and what the case has now (a list item retired since stays selectable).
        keep_types = Q(cases=case) if case is not None else Q(pk__in=[])
        self.fields["conflict_types"].queryset = ConflictType.objects.filter(
            Q(is_active=True) | keep_types, service=service
        ).distinct()
        keep_neighbourhood = Q(pk=case.neighbourhood_id) if case is not None and case.neighbourhood_id else Q(pk__in=[])
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.filter(
            Q(is_active=True) | keep_neighbourhood, service=service
        )

    def clean_reported_on(self):
        value = self.cleaned_data["reported_on"]
        if value > timezone.localdate():
            raise ValidationError(_("De datum van de melding kan niet in de toekomst liggen."))
        return value


class CaseRegisterForm(CaseDetailsForm):
    """A resident's own report by phone, at the desk, by e-mail or letter, in the order a call goes.

    A professional's report does not come in here: it needs the referral form's consent
    gate (the intake page links to it through its panel).
    """

    channel = forms.ChoiceField(
        label=_("Binnengekomen via"),
        choices=[(c.value, c.label) for c in RESIDENT_CHANNELS],
        initial=Channel.PHONE,
        error_messages={
            "invalid_choice": _(
                "Een melding van een professional registreert u als verwijzing, met de toestemming van de bewoner."
            )
        },
    )
    confirm_repeat = forms.BooleanField(
        label=_("Ik heb de eerdere zaken gezien en wil toch een nieuwe zaak registreren."),
        required=False,
        widget=forms.HiddenInput,
    )

    field_order = ["channel", "reported_on"]


class CaseEditForm(CaseDetailsForm):
    """The case's details after intake; `version` is what the page showed (services.edit_version)."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, service=case.service, case=case, **kwargs)

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}


class PartyEditForm(SingleValueMixin, PartyForm):
    """One household's details, corrected or completed after intake."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, party, **kwargs):
        super().__init__(*args, service=party.case.service, **kwargs)
        corporation = self.fields["housing_corporation"]
        if party.housing_corporation_id:
            # The corporation the party has now stays a choice, also when it is no longer active.
            corporation.queryset = PartnerOrganisation.objects.filter(
                Q(pk=party.housing_corporation_id) | Q(pk__in=corporation.queryset.values("pk"))
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.has_details():
            self.add_error(None, _("Vul ten minste een naam, adres of telefoonnummer in."))
        return cleaned

    def changes(self) -> dict:
        data = self.party_data(side="")
        return {name: data[name] for name in self.Meta.fields}


class TransitionForm(SingleValueMixin, CleanTextMixin, forms.Form):
    """One status step; which fields matter follows from the transition table."""

    to_status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    expected_status = forms.ChoiceField(choices=CaseStatus.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Toelichting"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    unsuitability_reason = ModelChoiceField(
        label=_("Reden niet geschikt"), queryset=UnsuitabilityReason.objects.none(), required=False
    )
    advice = forms.CharField(
        label=_("Advies waar naartoe"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    review_on = forms.DateField(label=_("Opnieuw bekijken op"), widget=DateInput(), required=False)
    outcome = ModelChoiceField(label=_("Uitkomst"), queryset=Outcome.objects.none(), required=False)

    def __init__(self, *args, case, transition: workflow.Transition | None = None, id_prefix: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unsuitability_reason"].queryset = UnsuitabilityReason.objects.filter(
            service_id=case.service_id, is_active=True
        )
        self.fields["outcome"].queryset = Outcome.objects.filter(service_id=case.service_id, is_active=True)
        if transition is not None:
            self.transition = transition
            self.initial.update(to_status=transition.target, expected_status=case.status)
            # Ids per action, since several of these forms share one page.
            self.auto_id = f"id_{id_prefix}{transition.target}_%s"
            self.fields["reason"].required = transition.needs_reason
            if not transition.needs_reason:
                self.fields["reason"].label = _("Toelichting (optioneel)")
            drop = []
            if transition.needs_unsuitability_reason:
                self.fields["unsuitability_reason"].required = True
            else:
                drop += ["unsuitability_reason", "advice"]
            if transition.needs_review_date:
                self.fields["review_on"].required = True
            else:
                drop.append("review_on")
            if transition.needs_outcome:
                self.fields["outcome"].required = True
            else:
                drop.append("outcome")
            for name in drop:
                del self.fields[name]


class AssignMediatorForm(SingleValueMixin, forms.Form):
    mediator = ModelChoiceField(
        label=_("Bemiddelaar"),
        queryset=MediatorProfile.objects.none(),
        error_messages={
            "required": _("Kies een bemiddelaar."),
            "invalid_choice": _("Deze bemiddelaar kan niet (meer) worden gekozen. Kies een bemiddelaar uit de lijst."),
        },
    )
    # Offered once the service said the chosen mediator is at their maximum.
    over_maximum = forms.BooleanField(label=_("Toch toewijzen, boven het maximum"), required=False)

    def __init__(self, *args, mediators, service_id, **kwargs):
        """`mediators`: profiles annotated by the selector with load and conflict warnings.

        Any active mediator of the service is accepted (one already on the case too, so the
        service can say so), though the list offers only the ones that can be assigned.
        """
        super().__init__(*args, **kwargs)
        self.mediator_rows = mediators
        self.fields["mediator"].queryset = MediatorProfile.objects.filter(service_id=service_id, is_active=True)
        self.fields["mediator"].choices = [("", "---------")] + [(m.pk, m.choice_label) for m in mediators]
        self.over_maximum_asked = False


class EndAssignmentForm(CleanTextMixin, forms.Form):
    reason = forms.CharField(label=_("Reden"), max_length=300)


class ConversationForm(CleanTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Soort contact"), choices=ConversationKind.choices)
    held_on = forms.DateField(label=_("Datum"), widget=DateInput())
    duration_minutes = forms.IntegerField(label=_("Duur (minuten)"), min_value=1, max_value=600, required=False)
    mediators = ModelMultipleChoiceField(
        label=_("Bemiddelaars"),
        queryset=MediatorProfile.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    parties = ModelMultipleChoiceField(
        label=_("Aanwezige partijen"),
        queryset=Party.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    care_worker = forms.CharField(
        label=_("Begeleidende hulpverlener"),
        max_length=200,
        required=False,
        help_text=_("Naam en organisatie, als iemand meekwam."),
    )
    report = forms.CharField(
        label=_("Kort verslag (vertrouwelijk)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        required=False,
    )
    agreements = forms.CharField(
        label=_("Gemaakte afspraken"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text=_("Eén afspraak per regel. Bij afspraken wordt de nazorg automatisch ingepland."),
    )

    def __init__(self, *args, case, shown: dict | None = None, **kwargs):
        """`shown`: the page read the active mediators and the parties already ({"mediators": [...],
        "parties": [...]}); their choices are built from those instead of two more queries."""
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()
        self.fields["mediators"].queryset = MediatorProfile.objects.filter(
            assignments__case=case, assignments__ended_on__isnull=True
        )
        # Not a party the coordinator chose to go on without (services.party_leave_out).
        self.fields["parties"].queryset = case.parties.filter(left_out_at__isnull=True)
        self.fields["parties"].label_from_instance = lambda party: f"{party.get_side_display()}: {party.display_name}"
        if shown is not None:
            self.fields["mediators"].choices = [(m.pk, str(m)) for m in shown["mediators"]]
            self.fields["parties"].choices = [
                (p.pk, self.fields["parties"].label_from_instance(p)) for p in shown["parties"] if p.left_out_at is None
            ]

    def clean_held_on(self):
        value = self.cleaned_data["held_on"]
        if value > timezone.localdate():
            raise ValidationError(_("Een gesprek kan niet in de toekomst hebben plaatsgevonden."))
        return value

    def agreement_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("agreements", "").splitlines() if line.strip()]


class NoteForm(CleanTextMixin, forms.Form):
    text = forms.CharField(
        label=_("Notitie"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bijvoorbeeld: belde terug, spreekt vrijdag met de buurman. Alleen coördinatoren zien notities."),
        error_messages={"required": _("Schrijf de notitie.")},
    )

    def __init__(self, *args, for_mediator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if for_mediator:
            # Who reads it, said where it is written (selectors.notes_for_case_page).
            self.fields["text"].help_text = _(
                "Bijvoorbeeld: belde terug, spreekt vrijdag met de buurman. "
                "De coördinatoren zien uw notities, andere bemiddelaars niet."
            )


class HandoverForm(SingleValueMixin, forms.Form):
    """Who takes the case(s) over: an active coordinator of the same service."""

    coordinator = ModelChoiceField(
        label=_("Overdragen aan"),
        queryset=User.objects.none(),
        error_messages={
            "required": _("Kies aan wie u de zaak overdraagt."),
            "invalid_choice": _("Kies een coördinator van uw organisatie uit de lijst."),
        },
    )

    def __init__(self, *args, service_id, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["coordinator"]
        field.queryset = users_with_permission(PERM_COORDINATE, service_id=service_id).exclude(
            pk=getattr(exclude, "pk", None)
        )
        # Read once: whether there is anyone to hand over to, and the choices shown.
        colleagues = list(field.queryset)
        self.has_colleagues = bool(colleagues)
        field.choices = [("", field.empty_label), *[(u.pk, u.get_full_name() or u.username) for u in colleagues]]


class ParticipationForm(forms.Form):
    participation = forms.ChoiceField(label=_("Deelname"), choices=Participation.choices)


class CaseSearchForm(CleanTextMixin, forms.Form):
    """Search terms travel by POST and are kept in the session: never in a URL or a log line."""

    q = forms.CharField(
        label=_("Zoeken"),
        max_length=100,
        required=False,
        help_text=_("Zaaknummer, naam, straat of postcode"),
    )


class CaseFilterForm(forms.Form):
    """List filters: no personal data, so they may live in the URL (bookmarkable, they stay put)."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alle"))] + CaseStatus.choices, required=False, widget=FastSelect
    )
    conflict_type = forms.TypedChoiceField(
        label=_("Soort conflict"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    neighbourhood = forms.TypedChoiceField(
        label=_("Wijk"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    channel = forms.ChoiceField(
        label=_("Binnengekomen via"),
        choices=[("", _("Alle"))] + Channel.choices,
        required=False,
        widget=FastSelect,
    )
    referrer_organisation = forms.TypedChoiceField(
        label=_("Verwijzer"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    mediator = forms.TypedChoiceField(
        label=_("Bemiddelaar"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    coordinator = forms.TypedChoiceField(
        label=_("Coördinator"), coerce=int, empty_value=None, required=False, widget=FastSelect
    )
    reported_from = forms.DateField(label=_("Gemeld vanaf"), widget=DateInput(), required=False)
    reported_until = forms.DateField(label=_("Gemeld tot en met"), widget=DateInput(), required=False)
    # A section of the work queue, in full (its rule from selectors.queue_rules; the view applies it).
    rule = forms.ChoiceField(
        label=_("Werkvoorraad"),
        choices=[("", _("Alle")), *QUEUE_TITLES.items()],
        required=False,
        widget=FastSelect,
    )
    sort = forms.ChoiceField(
        label=_("Sorteren"),
        choices=[
            ("-reported", _("Nieuwste melding eerst")),
            ("reported", _("Oudste melding eerst")),
            ("-reference", _("Zaaknummer aflopend")),
            ("reference", _("Zaaknummer oplopend")),
            ("status", _("Status")),
        ],
        required=False,
        widget=FastSelect,
    )

    def __init__(self, *args, service_id, **kwargs):
        super().__init__(*args, **kwargs)
        # The service's own records only: an id from elsewhere is not a valid choice.
        lists = case_filter_choices(service_id)
        coordinators = lists.pop("coordinator")
        for name, choices in lists.items():
            self.fields[name].choices = [("", _("Alle")), *[(pk, localized(*names)) for pk, *names in choices]]
        self.fields["coordinator"].choices = [
            ("", _("Alle")),
            *[
                (pk, name if active else _("%(name)s (niet meer actief)") % {"name": name})
                for pk, name, active in coordinators
            ],
        ]

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("conflict_type"):
            queryset = queryset.filter(conflict_types=data["conflict_type"])
        if data.get("neighbourhood"):
            queryset = queryset.filter(neighbourhood=data["neighbourhood"])
        if data.get("channel"):
            queryset = queryset.filter(channel=data["channel"])
        if data.get("referrer_organisation"):
            queryset = queryset.filter(referrer_organisation=data["referrer_organisation"])
        if data.get("mediator"):
            queryset = queryset.filter(assignments__mediator=data["mediator"])
        if data.get("coordinator"):
            queryset = queryset.filter(coordinator=data["coordinator"])
        if data.get("reported_from"):
            queryset = queryset.filter(reported_on__gte=data["reported_from"])
        if data.get("reported_until"):
            queryset = queryset.filter(reported_on__lte=data["reported_until"])
        return queryset.distinct() if data.get("mediator") or data.get("conflict_type") else queryset


# --- Correcting a conversation (#18) ------------------------------------------------------


class ConversationCorrectionForm(SingleValueMixin, ConversationForm):
    """The conversation form, filled in with a logged conversation, to correct or add to it.

    It carries the conversation's `updated_at` as the page showed it, so a correction made
    on a page someone else has since saved over is refused (services.conversation_correct).
    Agreements are not corrected here.
    """

    agreements = None
    reason = forms.CharField(
        label=_("Wat is er gecorrigeerd?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bijvoorbeeld: datum verbeterd, verslag aangevuld na het nagesprek. Coördinatoren zien dit."),
    )
    expected_updated_at = StampField(
        error_messages={
            "required": _("Deze pagina is niet meer geldig. Open het verslag opnieuw."),
            "invalid": _("Deze pagina is niet meer geldig. Open het verslag opnieuw."),
        }
    )

    def __init__(self, *args, conversation, **kwargs):
        if not args and "data" not in kwargs:
            kwargs.setdefault(
                "initial",
                {
                    "kind": conversation.kind,
                    "held_on": conversation.held_on,
                    "duration_minutes": conversation.duration_minutes,
                    "mediators": [m.pk for m in conversation.mediators.all()],
                    "parties": [p.pk for p in conversation.parties.all()],
                    "care_worker": conversation.care_worker,
                    "report": conversation.report,
                    "expected_updated_at": self.stamp(conversation),
                },
            )
        super().__init__(*args, case=conversation.case, **kwargs)
        # Mediators replaced since stay ticked and can stay: only the assigned can be added.
        self.fields["mediators"].queryset = MediatorProfile.objects.filter(
            Q(assignments__case=conversation.case, assignments__ended_on__isnull=True)
            | Q(pk__in=conversation.mediators.values("pk"))
        ).distinct()

    @staticmethod
    def stamp(conversation) -> str:
        return StampField.stamp(conversation.updated_at)

    def show_current(self, conversation) -> None:
        """After a refused stale edit: keep what was typed, but let the next save count.

        The person has now seen the version that is stored (the page shows it above).
        """
        self.data = self.data.copy()
        self.data[self.add_prefix("expected_updated_at")] = self.stamp(conversation)


# --- Agreements followed up (#18) ---------------------------------------------------------


class AgreementForm(SingleValueMixin, forms.Form):
    """One agreement's value, and the value the page showed (`expected_<value>`): the service refuses stale pages."""

    value_field: str
    numbered_label: str  # the label when the case has several agreements, with %(number)d

    def __init__(self, *args, agreement, number: int | None = None, **kwargs):
        value = getattr(agreement, self.value_field)
        kwargs.setdefault("prefix", f"agreement-{agreement.pk}")
        kwargs.setdefault("initial", {self.value_field: value, f"expected_{self.value_field}": value})
        super().__init__(*args, **kwargs)
        self.agreement = agreement
        if number:
            self.fields[self.value_field].label = self.numbered_label % {"number": number}


class AgreementReviewForm(AgreementForm):
    """A new review date for one agreement."""

    value_field = "review_on"
    numbered_label = _("Evalueren op (afspraak %(number)d)")

    review_on = forms.DateField(
        label=_("Evalueren op"),
        widget=DateInput(),
        error_messages={
            "required": _("Kies de datum waarop de afspraak geëvalueerd wordt."),
            "invalid": _("Vul een geldige datum in, bijvoorbeeld 15-03-2026."),
        },
    )
    # What the page showed; empty when the agreement had no review date.
    expected_review_on = forms.DateField(widget=forms.HiddenInput, required=False)

    def clean_expected_review_on(self):
        # A tampered or garbled hidden field is not "the page showed no date".
        if self.data.get(self.add_prefix("expected_review_on")) and self.cleaned_data.get("expected_review_on") is None:
            raise ValidationError(_("De pagina was verouderd. Bekijk de zaak opnieuw."))
        return self.cleaned_data.get("expected_review_on")


class AgreementJudgeForm(AgreementForm):
    """Whether one agreement held, judged at follow-up."""

    value_field = "kept"
    numbered_label = _("Beoordeling (afspraak %(number)d)")

    kept = forms.ChoiceField(
        label=_("Beoordeling"),
        choices=[("", _("Kies…")), *[(v, label) for v, label in AgreementKept.choices if v]],
        error_messages={
            "required": _("Kies of de afspraak is nagekomen, deels nagekomen of niet nagekomen."),
            "invalid_choice": _("Kies of de afspraak is nagekomen, deels nagekomen of niet nagekomen."),
        },
    )
    expected_kept = forms.ChoiceField(
        choices=AgreementKept.choices,
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid_choice": _("De pagina was verouderd. Bekijk de zaak opnieuw.")},
    )
