"""Referrer pages: refer (behind the consent gate) and see what became of my referrals."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtbemiddeling.paging import keyset_page
from buurtbemiddeling.roles import PERM_COORDINATE, PERM_REFER, PERM_VIEW_ORGANISATION_REFERRALS
from cases.constants import Side
from cases.models import Case
from cases.selectors import case_get_for_user

from . import services
from .constants import ConsentGate
from .forms import ConsentFields, ConsentGateForm, PhoneReferralForm, ReferralForm, ReferralPartyForm
from .milestones import milestones_for
from .models import Referral

PAGE_SIZE = 50
LIST_FIELDS = (
    "id",
    "created_at",
    "own_reference",
    "withdrawn_at",
    "case__status",
    "case__is_suitable",
    "case__outcome__counts_as_resolved",
    "referrer__username",
    "referrer__first_name",
    "referrer__last_name",
    "contact_person__name",
)


@require_GET
@permission_required(PERM_REFER, raise_exception=True)
def referral_list(request):
    referrals = (
        Referral.objects.visible_to(request.user)
        .select_related("case__outcome", "referrer", "contact_person")
        # What the milestones and a row read; nothing else of the case leaves the database.
        .only(*LIST_FIELDS)
    )
    page = keyset_page(
        referrals,
        ordering=("-created_at", "-id"),
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "referrals/list.html",
        {
            "page": page,
            "rows": [(referral, milestones_for(referral)) for referral in page.object_list],
            "organisation_wide": request.user.has_perm(PERM_VIEW_ORGANISATION_REFERRALS),
        },
    )


def _referral_forms(data, *, service, neighbour_consented: bool):
    forms = {
        "referral": ReferralForm(data, service=service),
        "consent_a": ConsentFields(data, prefix="ca"),
        "party_a": ReferralPartyForm(data, prefix="a", consented=True),
        "party_b": ReferralPartyForm(data, prefix="b", consented=neighbour_consented),
    }
    if neighbour_consented:
        forms["consent_b"] = ConsentFields(data, prefix="cb")
    return forms


def _consent_gated(request, *, service, action: str, professional_form=None, submit):
    """The consent gate, then the referral form: the online form and the coordinator's phone form.

    `submit(parties, data, professional)` stores the referral and returns it, or raises a
    ValidationError; `professional_form` is the coordinator's extra choice of who phoned.
    """
    data = request.POST if request.method == "POST" else None
    gate = ConsentGateForm(data if data is not None else (request.GET or None))
    context = {"gate": gate, "form_action": action}
    if not gate.is_bound:
        return render(request, "referrals/gate.html", context)
    if not gate.is_valid():
        if request.method == "POST":
            return render(request, "referrals/refused.html", status=400)
        return render(request, "referrals/gate.html", context)
    if gate.cleaned_data["resident"] != ConsentGate.YES:
        if request.method == "POST":
            # A raw POST that skipped the gate: no personal data is accepted on this path.
            return render(request, "referrals/refused.html", status=400)
        return render(request, "referrals/not_yet.html", {**context, **_advice_context(request, service)})

    neighbour_consented = gate.cleaned_data["neighbour"] == ConsentGate.YES
    forms = _referral_forms(data, service=service, neighbour_consented=neighbour_consented)
    if professional_form is not None:
        forms["professional"] = professional_form
    if request.method == "POST" and all(form.is_valid() for form in forms.values()):
        parties = [
            {"side": Side.A, "details": forms["party_a"].details(), "consent": forms["consent_a"].cleaned_data},
            {
                "side": Side.B,
                "details": forms["party_b"].details(),
                "consent": forms["consent_b"].cleaned_data if neighbour_consented else None,
            },
        ]
        try:
            return submit(parties, forms["referral"].cleaned_data, forms.get("professional"))
        except ValidationError as error:
            for message in error.messages:
                forms["referral"].add_error(None, message)
    return render(request, "referrals/form.html", {**context, "neighbour_consented": neighbour_consented, **forms})


@require_http_methods(["GET", "POST"])
@permission_required(PERM_REFER, raise_exception=True)
def referral_create(request):
    organisation = request.user.partner_organisation
    if organisation is None:
        raise Http404

    def submit(parties, data, _professional):
        referral = services.referral_submit(
            referrer=request.user,
            parties=parties,
            own_reference=data["own_reference"],
            description=data["description"],
            conflict_types=data["conflict_types"],
        )
        messages.success(request, _("Uw verwijzing is ontvangen. U hoort van ons als de stand van zaken verandert."))
        return redirect("referrals:done", referral_id=referral.pk)

    return _consent_gated(request, service=organisation.service, action=reverse("referrals:create"), submit=submit)


@require_http_methods(["GET", "POST"])
@permission_required(PERM_COORDINATE, raise_exception=True)
@permission_required("cases.add_case", raise_exception=True)
def referral_register(request):
    """A professional phones (or comes by) to refer: the coordinator fills in the same gated form."""
    service = request.user.service
    professional = PhoneReferralForm(request.POST if request.method == "POST" else None, service=service)

    def submit(parties, data, professional):
        referral = services.referral_register(
            coordinator=request.user,
            contact_person=professional.cleaned_data["contact_person"],
            channel=professional.cleaned_data["channel"],
            parties=parties,
            own_reference=data["own_reference"],
            description=data["description"],
            conflict_types=data["conflict_types"],
        )
        messages.success(
            request,
            _("Verwijzing geregistreerd als zaak %(reference)s. %(who)s hoort de stand van zaken per e-mail.")
            % {"reference": referral.case.reference, "who": referral.contact_person.name},
        )
        return redirect(referral.case)

    return _consent_gated(
        request,
        service=service,
        action=reverse("referrals:register"),
        professional_form=professional,
        submit=submit,
    )


def _advice_context(request, service):
    return {
        "service": service,
        "selfreport_url": request.build_absolute_uri(reverse("selfreport:start")),
    }


@require_GET
@permission_required(PERM_REFER, raise_exception=True)
def referral_advice(request):
    """A printable note for the resident: how to contact the service themselves."""
    organisation = request.user.partner_organisation
    if organisation is None:
        raise Http404
    return render(request, "referrals/advice_note.html", _advice_context(request, organisation.service))


@require_GET
@permission_required(PERM_REFER, raise_exception=True)
def referral_done(request, referral_id):
    referral = get_object_or_404(Referral.objects.visible_to(request.user), pk=referral_id)
    return render(
        request,
        "referrals/done.html",
        {"referral": referral, "milestones": milestones_for(referral), "service": referral.service},
    )


# --- The coordinator's side, on the case page ------------------------------------------


def _coordinator_referral(request, reference) -> Referral:
    try:
        case = case_get_for_user(request.user, reference=reference)
    except Case.DoesNotExist:
        raise Http404 from None
    if not hasattr(case, "referral"):
        raise Http404
    return case.referral


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def referral_confirm(request, reference):
    referral = _coordinator_referral(request, reference)
    try:
        services.referral_confirm(referral=referral, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Vastgelegd: de bewoner weet van de verwijzing."))
    return redirect("cases:detail", reference=reference)


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def referral_withdraw(request, reference):
    referral = _coordinator_referral(request, reference)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Vink aan dat de bewoner niet van de verwijzing wist."))
        return redirect("cases:detail", reference=reference)
    try:
        services.referral_withdraw(referral=referral, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:detail", reference=reference)
    messages.success(
        request,
        _(
            "De verwijzing is ingetrokken en de doorgegeven gegevens zijn gewist. "
            "De verwijzer hoort alleen: ingetrokken."
        ),
    )
    return redirect("cases:queue")
