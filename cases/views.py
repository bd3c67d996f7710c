"""Coordinator and mediator pages. Thin: forms validate, services write, selectors read."""

import functools
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtbemiddeling import audit, edits, exports, paging
from buurtbemiddeling.forms import add_service_errors
from buurtbemiddeling.roles import PERM_COORDINATE, PERM_MEDIATE

from . import appointments, panels, privacy, selectors, services, workflow
from .constants import Side
from .forms import (
    AddPartyForm,
    AgreementJudgeForm,
    AgreementReviewForm,
    AssignMediatorForm,
    CaseEditForm,
    CaseFilterForm,
    CaseRegisterForm,
    CaseSearchForm,
    ConversationCorrectionForm,
    ConversationForm,
    EndAssignmentForm,
    HandoverForm,
    NoteForm,
    ParticipationForm,
    PartyEditForm,
    PartyForm,
    ReporterPartyForm,
    TransitionForm,
)
from .models import Agreement, Assignment, Case, Conversation, Outcome, Party, UnsuitabilityReason

PAGE_SIZE = 50
SEARCH_SESSION_KEY = "case_search"
NEIGHBOURHOOD_SESSION_KEY = "last_neighbourhood"


# --- Work queue and lists --------------------------------------------------------------


@require_GET
@permission_required(PERM_COORDINATE, raise_exception=True)
def queue(request):
    sections = selectors.work_queue_for_user(request.user)
    audit.case_list_viewed(request, page="werkvoorraad", count=sum(len(section["cases"]) for section in sections))
    context = {"sections": sections, "appointments": appointments.queue_for(request.user)}
    return render(request, "cases/queue.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(PERM_COORDINATE, raise_exception=True)
def case_list(request):
    if request.method == "POST":
        # The search term goes into the session, so it never shows up in a URL or access log.
        search_form = CaseSearchForm(request.POST)
        if "clear" in request.POST:
            request.session.pop(SEARCH_SESSION_KEY, None)
        elif search_form.is_valid():
            request.session[SEARCH_SESSION_KEY] = search_form.cleaned_data["q"]
        else:
            messages.error(request, _("Deze zoekterm kunnen we niet gebruiken."))
        # Keep the filters the list had; only known, non-personal filter fields survive.
        kept = QueryDict(request.POST.get("filters", ""))
        filters = {k: v for k, v in kept.items() if k in CaseFilterForm.base_fields and v}
        return redirect(f"{request.path}?{urlencode(filters)}")
    term = request.session.get(SEARCH_SESSION_KEY, "")
    filter_form = CaseFilterForm(request.GET or None, service_id=request.user.service_id)
    cases = filter_form.filter(selectors.case_list_for_user(request.user))
    cases = selectors.case_search(cases, term)
    valid = filter_form.is_bound and filter_form.is_valid()
    sort = filter_form.cleaned_data.get("sort") if valid else ""
    ordering = selectors.SORTS.get(sort or "-reported", selectors.SORTS["-reported"])
    if valid and (rule := filter_form.cleaned_data.get("rule")):
        # One work-queue section in full, in the queue's order (unless another sort was chosen);
        # keyset paging needs columns without NULLs, else the list's own order serves.
        condition, rule_ordering = selectors.queue_rules(request.user)[rule]
        cases = cases.filter(condition)
        if not sort and not any(Case._meta.get_field(name.lstrip("-")).null for name in rule_ordering):
            ordering = rule_ordering
    page = paging.keyset_page(
        cases,
        ordering=ordering,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PAGE_SIZE,
    )
    filters = {k: v for k, v in request.GET.items() if k in CaseFilterForm.base_fields and v}
    audit.case_list_viewed(
        request,
        page="zaken",
        count=len(page.object_list),
        searched=bool(term),
        filters=[name for name in filters if name != "sort"],
    )
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "search_form": CaseSearchForm(initial={"q": term}),
            # Bulk action: hand the ticked cases over (offered when there is a colleague to take them).
            "handover_form": _bulk_handover_form(request),
            "search_term": term,
            "filter_query": urlencode(filters),
        },
    )


@require_GET
@permission_required(PERM_MEDIATE, raise_exception=True)
def my_cases(request):
    cases = list(selectors.mediator_cases_for_user(request.user))
    audit.case_list_viewed(request, page="mijn-zaken", count=len(cases))
    return render(request, "cases/my_cases.html", {"cases": cases})


# --- Registration ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(PERM_COORDINATE, raise_exception=True)
def case_create(request):
    service = request.user.service
    data = request.POST if request.method == "POST" else None
    initial = {"neighbourhood": request.session.get(NEIGHBOURHOOD_SESSION_KEY)}
    form = CaseRegisterForm(data, service=service, initial=initial)
    party_a = ReporterPartyForm(data, service=service, prefix="a")
    party_b = PartyForm(data, service=service, prefix="b")
    repeats = []
    if request.method == "POST" and all([form.is_valid(), party_a.is_valid(), party_b.is_valid()]):
        parties = [party_a.party_data(side=Side.A)]
        if party_b.has_details():
            parties.append(party_b.party_data(side=Side.B))
        repeats = selectors.possible_repeats(service=service, parties=parties)
        if repeats and not form.cleaned_data.get("confirm_repeat"):
            # Warn once; the coordinator confirms and sends again.
            form.data = form.data.copy()
            form.data["confirm_repeat"] = "on"
        else:
            fields = {k: v for k, v in form.cleaned_data.items() if k != "confirm_repeat"}
            try:
                case = services.case_create(
                    service=service,
                    actor=request.user,
                    parties=parties,
                    coordinator=request.user,
                    **fields,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if fields.get("neighbourhood"):
                    request.session[NEIGHBOURHOOD_SESSION_KEY] = fields["neighbourhood"].pk
                messages.success(request, _("Zaak %(reference)s is geregistreerd.") % {"reference": case.reference})
                return redirect(case)
    return render(
        request,
        "cases/create.html",
        {
            "form": form,
            "party_a": party_a,
            "party_b": party_b,
            "repeats": repeats,
            "panels": panels.intake_page.panels_for(request, None),
        },
    )


# --- The case page ---------------------------------------------------------------------


def _render_detail(request, case, *, status=200, **bound):
    """The case page; `bound` replaces one of the page's forms with a submitted one (with errors)."""
    if not request.user.has_perm(PERM_COORDINATE):
        return _render_mediator_detail(request, case, status=status, **bound)
    transitions = workflow.allowed_transitions(case.status)
    transition_forms = [
        bound["transition_form"]
        if "transition_form" in bound and bound["transition_form"].transition == t
        else TransitionForm(case=case, transition=t)
        for t in transitions
    ]
    assignments = list(case.assignments.select_related("mediator").order_by("ended_on", "started_on"))
    active = [a for a in assignments if a.ended_on is None]
    # Read once for the page: the parties, the repeat check and the panels share them.
    prefetch_related_objects([case], Prefetch("parties", queryset=Party.objects.select_related("housing_corporation")))
    parties = list(case.parties.all())
    context = {
        "case": case,
        "parties": parties,
        "refusals": _refusal_steps(case, parties),
        "events": case.events.select_related("actor"),
        # Each with `may_correct`, and for coordinators the earlier versions (`history`).
        "conversations": selectors.conversations_for_case_page(request.user, case),
        "agreements": case.agreements.all(),
        "agreement_rows": _agreement_rows(case, bound),
        "assignments": assignments,
        "active_assignments": active,
        "transition_forms": transition_forms,
        "conflict_types": case.conflict_types.all(),
        "conversation_form": bound.get("conversation_form")
        or ConversationForm(case=case, shown={"mediators": [a.mediator for a in active], "parties": parties}),
        "party_form": bound.get("party_form") or AddPartyForm(service=case.service, prefix="new"),
        # The same address, phone or name in another case of the service, however this one came in.
        "repeats": selectors.repeats_for_case(case),
        "participation_form": ParticipationForm(),
        "note_form": bound.get("note_form") or NoteForm(),
        "handover_form": bound.get("handover_form")
        or HandoverForm(service_id=case.service_id, exclude=case.coordinator),
        "access_history": audit.access_history(object_type="case", object_id=case.reference, limit=20),
        # What the apps built on cases add: the referral, the work with partners (cases/panels.py).
        "panels": panels.panels_for(request, case),
        "appointments": appointments.case_section(case, coordinator=True),
    }
    if bound.get("assign_form") is not None:
        # A refused assignment is shown with its reason, also when the case no longer takes one.
        context["assign_form"] = bound["assign_form"]
    elif workflow.accepts_mediators(case.status) and len(active) < 2:
        context["assign_form"] = AssignMediatorForm(
            mediators=selectors.mediators_for_assignment(case), service_id=case.service_id
        )
    return render(request, "cases/detail.html", context, status=status)


def _refusal_steps(case, parties) -> dict | None:
    """What fits when parties refused or stopped (and are not yet left out), or None.

    End the case with the outcome or reason that fits the (first) refusal, preselected; or go
    on with the willing parties only, per refusing party (workflow.steps_after_refusal,
    services.party_leave_out). One set of forms, whatever the number of refusing parties.
    """
    declined = [p for p in parties if workflow.declined(p.participation) and p.left_out_at is None]
    if not declined or not case.is_open:
        return None
    fitting = {
        (type(item), item.fits_participation): item
        for model in (Outcome, UnsuitabilityReason)
        for item in reversed(
            model.objects.filter(service_id=case.service_id, is_active=True).exclude(fits_participation="")
        )
    }
    participation = declined[0].participation
    initial = {
        "outcome": fitting.get((Outcome, participation)),
        "unsuitability_reason": fitting.get((UnsuitabilityReason, participation)),
    }
    forms = [
        TransitionForm(case=case, transition=transition, id_prefix="refusal_", initial=initial)
        for transition in workflow.steps_after_refusal(case.status)
    ]
    willing = {p.pk for p in parties if not workflow.declined(p.participation)}
    may_leave_out = [p for p in declined if willing - {p.pk}]
    return {"parties": declined, "forms": forms, "may_leave_out": may_leave_out}


def _render_mediator_detail(request, case, *, status=200, **bound):
    assigned = selectors.mediator_is_assigned(request.user, case)  # asked once for the page
    context = {
        "case": case,
        "parties": case.parties.all(),
        # Only the conversations they took part in (selectors.conversations_for_case_page).
        "conversations": selectors.conversations_for_case_page(request.user, case, assigned=assigned),
        # What they are to mediate and what was agreed (in any conversation of the case).
        "agreements": case.agreements.all(),
        "conversation_form": bound.get("conversation_form") or ConversationForm(case=case),
        # Their own notes: notes are seen like conversation reports (selectors.notes_for_case_page).
        "notes": selectors.notes_for_case_page(request.user, case),
        "note_form": bound.get("note_form") or NoteForm(for_mediator=True),
        "can_log": selectors.may_add_to_case(request.user, case, assigned=assigned),
        "appointments": appointments.case_section(case, coordinator=False),
    }
    return render(request, "cases/detail_mediator.html", context, status=status)


def render_case_page(request, case, *, status: int = 200, panel_forms: dict | None = None):
    """The coordinator's case page again, for an app whose panel form had an error.

    `panel_forms` (prefix -> bound form) reach the panels through the request, so the
    typed values and the errors show in place (cases/panels.py).
    """
    request.bound_panel_forms = panel_forms or {}
    return _render_detail(request, case, status=status)


@require_GET
def case_detail(request, reference):
    case = selectors.case_get_or_404(request, reference)
    audit.case_viewed(request, case)
    return _render_detail(request, case)


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def case_transition(request, reference):
    case = selectors.case_get_or_404(request, reference)
    if request.POST.get("expected_status") != case.status:
        # The page was built for an earlier status: someone else acted in the meantime.
        messages.error(
            request,
            _("Iemand anders heeft deze zaak intussen gewijzigd (status is nu %(status)s). Bekijk de zaak opnieuw.")
            % {"status": case.get_status_display()},
        )
        return redirect(case)
    targets = request.POST.getlist("to_status")
    # One step at a time: a tampered form with two targets is refused like an unknown one.
    transition = workflow.get_transition(case.status, targets[0]) if len(targets) == 1 else None
    if transition is None:
        messages.error(
            request, _("Deze stap kan niet (meer) vanuit de huidige status. Bekijk de zaak en kies opnieuw.")
        )
        return redirect(case)
    form = TransitionForm(request.POST, case=case, transition=transition)
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_transition(
                case=case,
                to_status=transition.target,
                actor=request.user,
                expected_status=data["expected_status"],
                reason=data.get("reason", ""),
                unsuitability_reason=data.get("unsuitability_reason"),
                advice=data.get("advice", ""),
                review_on=data.get("review_on"),
                outcome=data.get("outcome"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Status is nu: %(status)s.") % {"status": case.get_status_display()})
            return redirect(case)
    return _render_detail(request, case, transition_form=form)


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def assign_mediator(request, reference):
    case = selectors.case_get_or_404(request, reference)
    form = AssignMediatorForm(
        request.POST, mediators=selectors.mediators_for_assignment(case), service_id=case.service_id
    )
    if form.is_valid():
        try:
            services.mediator_assign(
                case=case,
                mediator=form.cleaned_data["mediator"],
                actor=request.user,
                over_maximum=form.cleaned_data["over_maximum"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            errors = getattr(error, "error_dict", {}).get("mediator", [])
            form.over_maximum_asked = any(e.code == "over_maximum" for e in errors)
        else:
            messages.success(
                request, _("%(name)s is toegewezen aan deze zaak.") % {"name": form.cleaned_data["mediator"].name}
            )
            return redirect(case)
    return _render_detail(request, case, assign_form=form)


@require_POST
def add_note(request, reference):
    """A free note on the case's timeline, by a coordinator or an assigned mediator."""
    case = selectors.case_get_or_404(request, reference)
    if not selectors.may_add_to_case(request.user, case):
        raise Http404
    form = NoteForm(request.POST, for_mediator=not request.user.has_perm(PERM_COORDINATE))
    if form.is_valid():
        try:
            services.case_note_add(case=case, actor=request.user, text=form.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("De notitie staat in de tijdlijn."))
            return redirect(case)
    return _render_detail(request, case, note_form=form)


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def handover(request, reference):
    """Give this case to another coordinator of the service."""
    case = selectors.case_get_or_404(request, reference)
    form = HandoverForm(request.POST, service_id=case.service_id, exclude=case.coordinator)
    if form.is_valid():
        try:
            services.case_handover(cases=[case], to=form.cleaned_data["coordinator"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            name = form.cleaned_data["coordinator"].get_full_name() or form.cleaned_data["coordinator"].username
            messages.success(request, _("De zaak is overgedragen aan %(name)s.") % {"name": name})
            return redirect(case)
    return _render_detail(request, case, handover_form=form)


def _bulk_handover_form(request):
    # Its own ids: the list's filters have a "coordinator" field too.
    form = HandoverForm(service_id=request.user.service_id, auto_id="id_handover_%s")
    return form if form.has_colleagues else None


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def bulk_handover(request):
    """Give the cases ticked in the case list to another coordinator (someone leaves, a holiday)."""
    references = request.POST.getlist("cases")
    back = f"{reverse('cases:list')}?{QueryDict(request.POST.get('filters', '')).urlencode()}"
    cases = list(selectors.case_list_for_user(request.user).filter(reference__in=references[: PAGE_SIZE * 4]))
    if not references or len(cases) != len(set(references)):
        messages.error(request, _("Vink de zaken aan die u wilt overdragen (alleen zaken uit de lijst)."))
        return redirect(back)
    form = HandoverForm(request.POST, service_id=request.user.service_id)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(back)
    try:
        count = services.case_handover(cases=cases, to=form.cleaned_data["coordinator"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    to = form.cleaned_data["coordinator"]
    messages.success(
        request,
        ngettext(
            "%(count)d zaak is overgedragen aan %(name)s.",
            "%(count)d zaken zijn overgedragen aan %(name)s.",
            count,
        )
        % {"count": count, "name": to.get_full_name() or to.username},
    )
    return redirect(back)


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def bulk_export(request):
    """The cases ticked in the case list as a CSV file, without personal data (selectors.case_export_rows)."""
    references = request.POST.getlist("cases")
    cases = selectors.case_list_for_user(request.user).filter(reference__in=references[: PAGE_SIZE * 4])
    header, rows = selectors.case_export_rows(cases)
    if not rows:
        back = f"{reverse('cases:list')}?{QueryDict(request.POST.get('filters', '')).urlencode()}"
        messages.error(request, _("Vink de zaken aan die u wilt exporteren (alleen zaken uit de lijst)."))
        return redirect(back)
    audit.export_made(request, kind="zaken_csv", count=len(rows))
    return exports.csv_response("zaken", [header, *rows])


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def end_assignment(request, reference, assignment_id):
    case = selectors.case_get_or_404(request, reference)
    assignment = get_object_or_404(Assignment, pk=assignment_id, case=case)
    form = EndAssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s werkt niet meer aan deze zaak. Wijs een vervanger toe.")
                % {"name": assignment.mediator.name},
            )
    else:
        messages.error(request, _("Geef een reden waarom deze bemiddelaar stopt."))
    return redirect(case)


@require_POST
def log_conversation(request, reference):
    case = selectors.case_get_or_404(request, reference)
    is_coordinator = request.user.has_perm(PERM_COORDINATE)
    profile = getattr(request.user, "mediator_profile", None)
    if not selectors.may_add_to_case(request.user, case):
        raise Http404
    form = ConversationForm(request.POST, case=case)
    if form.is_valid():
        data = form.cleaned_data
        mediators = list(data["mediators"])
        if not is_coordinator and profile not in mediators:
            mediators.append(profile)
        try:
            with transaction.atomic():
                services.conversation_log(
                    case=case,
                    actor=request.user,
                    kind=data["kind"],
                    held_on=data["held_on"],
                    duration_minutes=data.get("duration_minutes"),
                    mediators=mediators,
                    parties=data["parties"],
                    care_worker=data.get("care_worker", ""),
                    report=data.get("report", ""),
                    agreements=form.agreement_lines(),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            text = _("Het contact is vastgelegd.")
            if form.agreement_lines():
                case.refresh_from_db(fields=["follow_up_due_on"])
                text += " " + _("Nazorg is gepland op %(date)s.") % {"date": case.follow_up_due_on.strftime("%d-%m-%Y")}
            messages.success(request, text)
            return redirect(case)
    return _render_detail(request, case, conversation_form=form)


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def add_party(request, reference):
    case = selectors.case_get_or_404(request, reference)
    form = AddPartyForm(request.POST, service=case.service, prefix="new")
    if form.is_valid():
        try:
            services.party_add(
                case=case,
                actor=request.user,
                data=form.party_data(),
                allow_duplicate=form.cleaned_data["add_duplicate"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            form.duplicate_found = any(e.code == "duplicate_party" for e in error.error_list)
        else:
            messages.success(request, _("De partij is toegevoegd."))
            return redirect(case)
    return _render_detail(request, case, party_form=form)


@require_GET
@permission_required(PERM_COORDINATE, raise_exception=True)
def subject_access(request, reference, party_id):
    """Everything stored about one resident: JSON to hand over, or a printable page."""
    case = selectors.case_get_or_404(request, reference)
    party = get_object_or_404(case.parties.select_related("case__service"), pk=party_id)
    export = privacy.resident_export(party)
    audit.subject_access_exported(request, party=party)
    if request.GET.get("format") == "json":
        response = JsonResponse(export, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = f'attachment; filename="inzage-{case.reference}-{party.pk}.json"'
        return response
    return render(
        request,
        "cases/subject_access.html",
        {"case": case, "party": party, "export": export, "erasure_refusal": privacy.erasure_refusal(party)},
    )


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def erase_resident(request, reference, party_id):
    case = selectors.case_get_or_404(request, reference)
    party = get_object_or_404(case.parties.select_related("case"), pk=party_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Vink aan dat u de gegevens van deze bewoner wilt wissen."))
        return redirect("cases:subject_access", reference=reference, party_id=party.pk)
    try:
        count = privacy.resident_erase(party=party, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:subject_access", reference=reference, party_id=party.pk)
    audit.resident_erased(request, party_id=party.pk)
    messages.success(
        request, _("De gegevens van deze bewoner zijn gewist in %(count)d registratie(s).") % {"count": count}
    )
    return redirect(case)


# --- Voluntariness: participation per party ----------------------------------------------


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def set_participation(request, reference, party_id):
    case = selectors.case_get_or_404(request, reference)
    party = get_object_or_404(case.parties, pk=party_id)
    form = ParticipationForm(request.POST)
    if form.is_valid():
        services.party_set_participation(
            party=party, actor=request.user, participation=form.cleaned_data["participation"]
        )
        messages.success(request, _("Deelname is bijgewerkt."))
    else:
        messages.error(request, _("Kies of de partij meedoet, weigert of gestopt is."))
    return redirect(case)


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def leave_out(request, reference, party_id):
    """Go on with the willing parties only, after this one refused or stopped."""
    case = selectors.case_get_or_404(request, reference)
    party = get_object_or_404(case.parties, pk=party_id)
    try:
        services.party_leave_out(party=party, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("De zaak gaat verder zonder %(side)s. Gesprekken bieden deze partij niet meer aan.")
            % {"side": party.get_side_display()},
        )
    return redirect(case)


# --- Editing after intake ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@permission_required(PERM_COORDINATE, raise_exception=True)
def case_edit(request, reference):
    """Correct or complete the case's details."""
    case = selectors.case_get_or_404(request, reference)
    initial = {name: getattr(case, name) for name in services.CASE_EDITABLE if name != "conflict_types"}
    initial.update(conflict_types=list(case.conflict_types.all()), version=services.edit_version(case))
    form = CaseEditForm(request.POST or None, case=case, initial=initial)
    return edits.edit_page(
        request,
        form,
        update=functools.partial(services.case_update, case=case),
        current_version=functools.partial(services.edit_version, case),
        done=_("De gegevens van de zaak zijn opgeslagen."),
        success_url=case,
        template="cases/edit.html",
        context={"case": case, "title": _("Gegevens van de zaak")},
    )


@require_http_methods(["GET", "POST"])
@permission_required(PERM_COORDINATE, raise_exception=True)
def party_edit(request, reference, party_id):
    """Correct or complete one household's details (a new phone number, a corrected address)."""
    case = selectors.case_get_or_404(request, reference)
    party = get_object_or_404(case.parties.select_related("case__service"), pk=party_id)
    initial = {"version": services.edit_version(party)}
    form = PartyEditForm(request.POST or None, party=party, instance=Party.objects.get(pk=party.pk), initial=initial)
    return edits.edit_page(
        request,
        form,
        update=functools.partial(services.party_update, party=party),
        current_version=functools.partial(services.edit_version, party),
        done=_("De gegevens van de partij zijn opgeslagen."),
        success_url=case,
        template="cases/edit.html",
        context={"case": case, "party": party, "title": party.get_side_display()},
    )


# --- Agreements followed up --------------------------------------------------------------


def _agreement_rows(case, bound: dict) -> list[dict]:
    """Each agreement of the case with its number and forms (a submitted one in its place).

    One query for the agreements; the forms have fixed choices, so none per agreement.
    """
    agreements = list(case.agreements.all())
    review_forms = bound.get("agreement_review_forms") or {}
    judge_forms = bound.get("agreement_judge_forms") or {}
    may_review = workflow.moves_agreement_reviews(case.status)
    may_judge = workflow.judges_agreements(case.status)
    rows = []
    for number, agreement in enumerate(agreements, start=1):
        review_form = review_forms.get(agreement.pk)
        judge_form = judge_forms.get(agreement.pk)
        if review_form is None and may_review:
            review_form = AgreementReviewForm(agreement=agreement, number=number)
        if judge_form is None and may_judge:
            judge_form = AgreementJudgeForm(agreement=agreement, number=number)
        rows.append(
            {
                "agreement": agreement,
                "number": number,
                "total": len(agreements),
                "review_form": review_form,
                "judge_form": judge_form,
            }
        )
    return rows


def _agreement_action(request, reference, agreement_id, *, form_class, forms_key, act, done):
    """One agreement's form: `act` saves through a service, `done` says so; else the case page with the form."""
    case = selectors.case_get_or_404(request, reference)
    agreement = get_object_or_404(Agreement, pk=agreement_id, case=case)
    form = form_class(request.POST, agreement=agreement)
    if form.is_valid():
        try:
            agreement = act(agreement, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done(agreement))
            return redirect(case)
    return _render_detail(request, case, **{forms_key: {agreement.pk: form}})


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def agreement_review(request, reference, agreement_id):
    """A new review date for one agreement."""
    return _agreement_action(
        request,
        reference,
        agreement_id,
        form_class=AgreementReviewForm,
        forms_key="agreement_review_forms",
        act=lambda agreement, data: services.agreement_set_review_date(
            agreement=agreement,
            review_on=data["review_on"],
            actor=request.user,
            expected_review_on=data["expected_review_on"],
        ),
        done=lambda agreement: (
            _("De afspraak wordt geëvalueerd op %(date)s.") % {"date": agreement.review_on.strftime("%d-%m-%Y")}
        ),
    )


@require_POST
@permission_required(PERM_COORDINATE, raise_exception=True)
def agreement_judge(request, reference, agreement_id):
    """Whether one agreement held, at follow-up."""
    return _agreement_action(
        request,
        reference,
        agreement_id,
        form_class=AgreementJudgeForm,
        forms_key="agreement_judge_forms",
        act=lambda agreement, data: services.agreement_judge(
            agreement=agreement, kept=data["kept"], actor=request.user, expected_kept=data["expected_kept"]
        ),
        done=lambda agreement: (
            _("De afspraak is beoordeeld: %(kept)s.") % {"kept": agreement.get_kept_display().lower()}
        ),
    )


# --- Correcting a conversation -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def edit_conversation(request, reference, conversation_id):
    """Correct or add to a logged conversation; coordinators see its earlier versions below."""
    case = selectors.case_get_or_404(request, reference)
    conversation = get_object_or_404(Conversation, pk=conversation_id, case=case)
    conversation.case = case
    # Not found for whoever may not correct it: a mediator learns nothing of conversations
    # they did not take part in (selectors.may_correct_conversation is the rule).
    if not selectors.may_correct_conversation(request.user, conversation):
        raise Http404
    stale = False
    if request.method == "POST":
        form = ConversationCorrectionForm(request.POST, conversation=conversation)
        if form.is_valid():
            data = form.cleaned_data
            mediators = list(data["mediators"])
            profile = getattr(request.user, "mediator_profile", None)
            if not request.user.has_perm(PERM_COORDINATE) and profile is not None and profile not in mediators:
                mediators.append(profile)  # a mediator who corrects stays in the conversation
            try:
                with transaction.atomic():
                    revision = services.conversation_correct(
                        conversation=conversation,
                        actor=request.user,
                        expected_updated_at=data["expected_updated_at"],
                        reason=data.get("reason", ""),
                        kind=data["kind"],
                        held_on=data["held_on"],
                        duration_minutes=data.get("duration_minutes"),
                        mediators=mediators,
                        parties=list(data["parties"]),
                        care_worker=data.get("care_worker", ""),
                        report=data.get("report", ""),
                    )
            except ValidationError as error:
                add_service_errors(form, error)
                if getattr(error, "code", None) == "stale":
                    stale = True
                    conversation.refresh_from_db()
                    conversation.case = case
                    form.show_current(conversation)
            else:
                if revision is None:
                    messages.info(request, _("Er was niets gewijzigd, dus er is niets opgeslagen."))
                else:
                    messages.success(request, _("Het verslag is gecorrigeerd. De eerdere versie is bewaard."))
                return redirect(case)
    else:
        audit.case_viewed(request, case)
        form = ConversationCorrectionForm(conversation=conversation)
    is_coordinator = request.user.has_perm(PERM_COORDINATE)
    return render(
        request,
        "cases/conversation_edit.html",
        {
            "case": case,
            "conversation": conversation,
            "form": form,
            "stale": stale,
            # The earlier versions: for coordinators only.
            "revisions": list(conversation.revisions.select_related("revised_by")) if is_coordinator else [],
        },
    )
