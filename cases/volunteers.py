"""What cases adds to the volunteer pages (organisations/) and the acquaintances with parties.

- The load: a mediator's open assignments on open cases (OPEN_STATUSES), one expression for
  the volunteer overview, the profile and the assignment list (selectors.mediators_for_assignment).
- The volunteer page's panel: the mediator's current cases and recorded acquaintances.
- On the coordinator's case page (slot "mediators"): "Bemiddelaar kent een partij", a short
  form that records an acquaintance, which the assignment list then warns about.

Registered from CasesConfig.ready.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from buurtbemiddeling import audit
from buurtbemiddeling.forms import CleanTextMixin, ModelChoiceField, SingleValueMixin, add_service_errors
from buurtbemiddeling.models import User, require_same_service
from buurtbemiddeling.roles import PERM_COORDINATE
from organisations import panels as organisation_panels
from organisations.models import MediatorProfile

from . import panels, selectors
from .constants import OPEN_STATUSES
from .models import Assignment, Case, MediatorAcquaintance, Party
from .views import render_case_page

# --- The load: the volunteer pages count open cases by the assignment list's rule ----------

organisation_panels.mediator_load.register(selectors.mediator_load)


# --- The volunteer page's panel ------------------------------------------------------------


@organisation_panels.volunteer_page.register(name="cases", slot="cases", template="cases/_volunteer_panel.html")
def volunteer_panel(request, mediator: MediatorProfile) -> dict:
    """The mediator's open cases (the load) and whom they know, each through the case gateway."""
    visible = Case.objects.visible_to(request.user)
    assignments = list(
        Assignment.objects.filter(
            mediator=mediator, ended_on__isnull=True, case__status__in=OPEN_STATUSES, case__in=visible
        )
        .select_related("case")
        .order_by("started_on", "id")
    )
    acquaintances = []
    if request.user.has_perm("cases.view_mediatoracquaintance"):
        acquaintances = list(
            MediatorAcquaintance.objects.filter(mediator=mediator, party__case__in=visible)
            .select_related("party__case")
            .order_by("-created_at", "-id")
        )
        if acquaintances:  # residents' names on a page: logged like a list of cases
            audit.case_list_viewed(request, page="volunteer", count=len(acquaintances))
    return {
        "assignments": assignments,
        "acquaintances": acquaintances,
        "may_remove": request.user.has_perm("cases.delete_mediatoracquaintance"),
    }


# --- Acquaintances on the case page ---------------------------------------------------------


def party_label(party: Party) -> str:
    return f"{party.get_side_display()}: {party.display_name}"


class AcquaintanceForm(CleanTextMixin, SingleValueMixin, forms.Form):
    mediator = ModelChoiceField(
        label=gettext_lazy("Bemiddelaar"),
        queryset=MediatorProfile.objects.none(),
        error_messages={
            "required": gettext_lazy("Kies een bemiddelaar."),
            "invalid_choice": gettext_lazy("Kies een actieve bemiddelaar uit de lijst."),
        },
    )
    party = ModelChoiceField(
        label=gettext_lazy("Kent deze partij"),
        queryset=Party.objects.none(),
        error_messages={
            "required": gettext_lazy("Kies de partij die de bemiddelaar kent."),
            "invalid_choice": gettext_lazy("Kies een partij van deze zaak."),
        },
    )
    note = forms.CharField(
        label=gettext_lazy("Toelichting (optioneel)"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Bijvoorbeeld: buurvrouw, oud-collega, zelfde sportclub."),
    )

    def __init__(self, *args, case: Case, **kwargs):
        kwargs.setdefault("prefix", "acquaintance")
        super().__init__(*args, **kwargs)
        self.fields["mediator"].queryset = MediatorProfile.objects.filter(
            service_id=case.service_id, is_active=True
        ).order_by("name")
        self.fields["party"].queryset = Party.objects.filter(case=case).order_by("side", "id")
        self.fields["party"].label_from_instance = party_label


@panels.register(name="acquaintances", slot="mediators", template="cases/_acquaintance_panel.html")
def acquaintance_panel(request, case: Case) -> dict | None:
    """The form "Bemiddelaar kent een partij" and the acquaintances recorded for this case."""
    if not request.user.has_perm("cases.view_mediatoracquaintance"):
        return None
    bound = getattr(request, "bound_panel_forms", {})
    form = None
    if request.user.has_perm("cases.add_mediatoracquaintance") and not case.anonymised_at:
        form = bound.get("acquaintance") or AcquaintanceForm(case=case)
    return {
        "form": form,
        "acquaintances": list(
            MediatorAcquaintance.objects.filter(party__case=case)
            .select_related("mediator", "party")
            .order_by("mediator__name", "id")
        ),
        "may_remove": request.user.has_perm("cases.delete_mediatoracquaintance"),
    }


@transaction.atomic
def acquaintance_record(
    *, mediator: MediatorProfile, party: Party, actor: User | AnonymousUser | None, note: str = ""
) -> MediatorAcquaintance:
    """Record that a mediator knows a party (an audited change); the assignment list warns about it."""
    require_same_service(party.case.service_id, mediator=mediator)
    if MediatorAcquaintance.objects.filter(mediator=mediator, party=party).exists():
        raise ValidationError(
            {"party": _("Dat %(name)s deze partij kent, staat al vastgelegd.") % {"name": mediator.name}}
        )
    acquaintance = MediatorAcquaintance(mediator=mediator, party=party, note=note.strip())
    acquaintance.full_clean()
    acquaintance.save()
    return acquaintance


@transaction.atomic
def acquaintance_remove(*, acquaintance: MediatorAcquaintance, actor: User | AnonymousUser | None) -> None:
    acquaintance.delete()


@require_POST
@permission_required([PERM_COORDINATE, "cases.add_mediatoracquaintance"], raise_exception=True)
def acquaintance_add(request, reference):
    case = selectors.case_get_or_404(request, reference)
    form = AcquaintanceForm(request.POST, case=case)
    if form.is_valid():
        try:
            acquaintance_record(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Vastgelegd: %(name)s kent %(party)s. Bij toewijzen staat een waarschuwing.")
                % {"name": form.cleaned_data["mediator"].name, "party": party_label(form.cleaned_data["party"])},
            )
            return redirect(case.get_absolute_url() + "#mediators-title")
    return render_case_page(request, case, panel_forms={"acquaintance": form})


@require_POST
@permission_required([PERM_COORDINATE, "cases.delete_mediatoracquaintance"], raise_exception=True)
def acquaintance_delete(request, reference, acquaintance_id):
    case = selectors.case_get_or_404(request, reference)
    acquaintance = get_object_or_404(
        MediatorAcquaintance.objects.select_related("mediator"), pk=acquaintance_id, party__case=case
    )
    acquaintance_remove(acquaintance=acquaintance, actor=request.user)
    messages.success(
        request,
        _("%(name)s staat niet meer als bekende van een partij in %(case)s.")
        % {"name": acquaintance.mediator.name, "case": case.reference},
    )
    if request.POST.get("back") == "volunteer":
        return redirect(acquaintance.mediator)
    return redirect(case.get_absolute_url() + "#mediators-title")
