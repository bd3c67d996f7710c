"""Partner pages and the case page's collaboration panel. Thin: forms validate, services write."""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtbemiddeling.roles import PERM_COORDINATE
from cases.models import Case
from cases.selectors import case_get_for_user
from cases.views import render_case_page
from organisations import panels as organisation_panels
from organisations.models import PartnerOrganisation

from . import selectors, services
from .forms import (
    AccompanimentForm,
    AttendanceForm,
    CaseJointVisitForm,
    ConsultationForm,
    ContactPersonForm,
    DisclosureConsentForm,
    JointVisitForm,
    PartnerForm,
    PreTrajectoryStartForm,
    ReviewDateForm,
    TimeIsRightForm,
    TrajectoryOrganisationForm,
    WorkingAgreementForm,
)
from .models import Accompaniment, DisclosureConsent, PreTrajectory

VIEW_PARTNER = "organisations.view_partnerorganisation"
PANEL_ANCHOR = "#samenwerking"


def _perms(*codenames):
    """Coordinator work on partners: the coordinator role plus the model permission(s)."""
    return permission_required([PERM_COORDINATE, *codenames], raise_exception=True)


def _add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: at the field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _error_text(form) -> str:
    """All of a form's errors as one Dutch sentence for a message on the case page."""
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return _("Niet opgeslagen. %(errors)s") % {"errors": " ".join(parts)}


# --- Partner organisations -------------------------------------------------------------


def _get_partner(request, partner_id) -> PartnerOrganisation:
    try:
        return selectors.partner_get_for_user(request.user, pk=partner_id)
    except PartnerOrganisation.DoesNotExist:
        raise Http404 from None


@require_GET
@permission_required(VIEW_PARTNER, raise_exception=True)
def partner_list(request):
    partners = selectors.partner_list_for_user(request.user)
    return render(request, "partners/list.html", {"partners": partners})


@require_GET
@permission_required(VIEW_PARTNER, raise_exception=True)
def partner_detail(request, partner_id):
    partner = _get_partner(request, partner_id)
    context = {
        "partner": partner,
        **selectors.partner_detail_for_user(request.user, partner),
        # What the apps built on organisations add: the referral figures (organisations/panels.py).
        "panels": organisation_panels.panels_for(request, partner),
    }
    return render(request, "partners/detail.html", context)


def _form_page(request, form, *, title, intro="", partner=None, status=200):
    return render(
        request, "partners/form.html", {"form": form, "title": title, "intro": intro, "partner": partner}, status=status
    )


@require_http_methods(["GET", "POST"])
@_perms("organisations.add_partnerorganisation")
def partner_create(request):
    form = PartnerForm(request.POST or None, instance=PartnerOrganisation(service=request.user.service))
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_create(service=request.user.service, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is toegevoegd.") % {"name": partner.name})
            return redirect(partner)
    return _form_page(request, form, title=_("Partnerorganisatie toevoegen"))


@require_http_methods(["GET", "POST"])
@_perms("organisations.change_partnerorganisation")
def partner_edit(request, partner_id):
    partner = _get_partner(request, partner_id)
    # A copy: validation fills the form's instance; the service writes from a fresh, locked row.
    form = PartnerForm(request.POST or None, instance=copy.copy(partner))
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_update(partner=partner, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is bijgewerkt.") % {"name": partner.name})
            return redirect(partner)
    return _form_page(request, form, title=_("%(name)s wijzigen") % {"name": partner.name}, partner=partner)


def _partner_form_view(request, partner_id, *, form_class, service, title, intro, done):
    partner = _get_partner(request, partner_id)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service(organisation=partner, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(partner)
    return _form_page(request, form, title=f"{title}: {partner.name}", intro=intro, partner=partner)


@require_http_methods(["GET", "POST"])
@_perms(VIEW_PARTNER, "organisations.add_contactperson")
def contact_person_add(request, partner_id):
    return _partner_form_view(
        request,
        partner_id,
        form_class=ContactPersonForm,
        service=services.contact_person_add,
        title=_("Contactpersoon toevoegen"),
        intro="",
        done=_("De contactpersoon is toegevoegd."),
    )


@require_http_methods(["GET", "POST"])
@_perms(VIEW_PARTNER, "organisations.add_workingagreement")
def working_agreement_add(request, partner_id):
    return _partner_form_view(
        request,
        partner_id,
        form_class=WorkingAgreementForm,
        service=services.working_agreement_add,
        title=_("Werkafspraak toevoegen"),
        intro="",
        done=_("De werkafspraak is vastgelegd."),
    )


@require_http_methods(["GET", "POST"])
@_perms(VIEW_PARTNER, "partners.add_consultation")
def consultation_add(request, partner_id):
    return _partner_form_view(
        request,
        partner_id,
        form_class=ConsultationForm,
        service=services.consultation_record,
        title=_("Consultatie vastleggen"),
        intro=_(
            "U adviseerde een professional van deze partner over het bespreken van buurtbemiddeling met "
            "cliënten. Een consultatie gaat nooit over een zaak: vul geen namen, adressen of andere gegevens "
            "van bewoners in."
        ),
        done=_("De consultatie is vastgelegd."),
    )


@require_http_methods(["GET", "POST"])
@_perms(VIEW_PARTNER, "partners.add_jointvisit")
def joint_visit_add(request, partner_id):
    return _partner_form_view(
        request,
        partner_id,
        form_class=JointVisitForm,
        service=services.joint_visit_record,
        title=_("Gezamenlijk huisbezoek vastleggen"),
        intro=_(
            "Voor een bezoek waar (nog) geen zaak bij hoort. Hoort het bezoek bij een zaak? Leg het dan vast "
            "op de zaakpagina, onder Samenwerking."
        ),
        done=_("Het huisbezoek is vastgelegd."),
    )


# --- The case page's collaboration panel -----------------------------------------------


def _get_case(request, reference) -> Case:
    try:
        return case_get_for_user(request.user, reference=reference)
    except Case.DoesNotExist:
        raise Http404 from None


def _back(case):
    return redirect(case.get_absolute_url() + PANEL_ANCHOR)


def _panel_action(request, case, form, action, done):
    """Validate, call the service, and go back to the case page with a message."""
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, done)
            return _back(case)
    # The case page again, the form open with what was typed and the error beside it.
    messages.error(request, _error_text(form))
    return render_case_page(request, case, panel_forms={form.prefix: form})


def _choices(case):
    return {"organisations": selectors.organisations_for_linking(case), "parties": list(case.parties.all())}


@require_POST
@_perms("partners.add_disclosureconsent")
def consent_record(request, reference):
    case = _get_case(request, reference)
    form = DisclosureConsentForm(request.POST, prefix="consent", **_choices(case))
    return _panel_action(
        request,
        case,
        form,
        lambda data: services.disclosure_consent_record(actor=request.user, **data),
        _("De toestemming is vastgelegd."),
    )


@require_POST
@_perms("partners.change_disclosureconsent")
def consent_withdraw(request, reference, consent_id):
    case = _get_case(request, reference)
    consent = get_object_or_404(DisclosureConsent.objects.visible_to(request.user), pk=consent_id, party__case=case)
    try:
        services.disclosure_consent_withdraw(consent=consent, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "De toestemming voor %(organisation)s is ingetrokken. "
                "Lopende koppelingen met deze organisatie zijn beëindigd."
            )
            % {"organisation": consent.organisation.name},
        )
    return _back(case)


@require_POST
@_perms("partners.add_pretrajectory")
def trajectory_start(request, reference):
    case = _get_case(request, reference)
    form = PreTrajectoryStartForm(request.POST, prefix="trajectory", **_choices(case))
    return _panel_action(
        request,
        case,
        form,
        lambda data: services.pre_trajectory_start(case=case, actor=request.user, **data),
        _("Het voortraject is gestart; de zaak staat op standby."),
    )


def _get_trajectory(request, case, trajectory_id) -> PreTrajectory:
    return get_object_or_404(PreTrajectory.objects.visible_to(request.user), pk=trajectory_id, case=case)


@require_POST
@_perms("partners.change_pretrajectory")
def trajectory_review(request, reference, trajectory_id):
    case = _get_case(request, reference)
    trajectory = _get_trajectory(request, case, trajectory_id)
    form = ReviewDateForm(request.POST, prefix="review")
    return _panel_action(
        request,
        case,
        form,
        lambda data: services.pre_trajectory_set_review_on(trajectory=trajectory, actor=request.user, **data),
        _("De datum om opnieuw te bekijken is aangepast."),
    )


@require_POST
@_perms("partners.change_pretrajectory", "partners.add_pretrajectoryparticipation")
def trajectory_add_organisation(request, reference, trajectory_id):
    case = _get_case(request, reference)
    trajectory = _get_trajectory(request, case, trajectory_id)
    form = TrajectoryOrganisationForm(request.POST, prefix="trajectory-org", **_choices(case))
    return _panel_action(
        request,
        case,
        form,
        lambda data: services.pre_trajectory_add_organisation(trajectory=trajectory, actor=request.user, **data),
        _("De organisatie doet mee aan het voortraject."),
    )


def _button_action(request, case, call, success):
    """A panel action without a form (a single button): run it, report, back to the case."""
    try:
        call()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return _back(case)


@require_POST
@_perms("partners.change_pretrajectory")
def trajectory_time_is_right(request, reference, trajectory_id):
    case = _get_case(request, reference)
    trajectory = _get_trajectory(request, case, trajectory_id)
    form = TimeIsRightForm(request.POST, prefix="moment")
    return _panel_action(
        request,
        case,
        form,
        lambda data: services.pre_trajectory_time_is_right(trajectory=trajectory, actor=request.user, **data),
        _("Het moment is daar: de zaak is terug in intake."),
    )


@require_POST
@_perms("partners.change_pretrajectory")
def trajectory_stop(request, reference, trajectory_id):
    case = _get_case(request, reference)
    trajectory = _get_trajectory(request, case, trajectory_id)
    return _button_action(
        request,
        case,
        lambda: services.pre_trajectory_stop(trajectory=trajectory, actor=request.user),
        _("Het voortraject is gestopt."),
    )


@require_POST
@_perms("partners.add_accompaniment")
def accompaniment_start(request, reference):
    case = _get_case(request, reference)
    form = AccompanimentForm(request.POST, prefix="accompaniment", **_choices(case))
    return _panel_action(
        request,
        case,
        form,
        lambda data: services.accompaniment_start(actor=request.user, **data),
        _("De begeleiding is vastgelegd. De hulpverlener krijgt geen toegang tot de zaak."),
    )


def _get_accompaniment(request, case, accompaniment_id) -> Accompaniment:
    return get_object_or_404(Accompaniment.objects.visible_to(request.user), pk=accompaniment_id, party__case=case)


@require_POST
@_perms("partners.change_accompaniment")
def accompaniment_conversations(request, reference, accompaniment_id):
    case = _get_case(request, reference)
    accompaniment = _get_accompaniment(request, case, accompaniment_id)
    form = AttendanceForm(request.POST, conversations=case.conversations.all())
    return _panel_action(
        request,
        case,
        form,
        lambda data: services.accompaniment_set_conversations(accompaniment=accompaniment, actor=request.user, **data),
        _("De gesprekken met de hulpverlener zijn bijgewerkt."),
    )


@require_POST
@_perms("partners.change_accompaniment")
def accompaniment_end(request, reference, accompaniment_id):
    case = _get_case(request, reference)
    accompaniment = _get_accompaniment(request, case, accompaniment_id)
    return _button_action(
        request,
        case,
        lambda: services.accompaniment_end(accompaniment=accompaniment, actor=request.user),
        _("De begeleiding is gestopt."),
    )


@require_POST
@_perms("partners.add_jointvisit")
def case_joint_visit(request, reference):
    case = _get_case(request, reference)
    form = CaseJointVisitForm(request.POST, prefix="visit", **_choices(case))
    return _panel_action(
        request,
        case,
        form,
        lambda data: services.joint_visit_record(case=case, actor=request.user, **data),
        _("Het gezamenlijke huisbezoek is vastgelegd."),
    )
