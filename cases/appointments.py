"""Appointments (#19): an intake or joint talk planned with the mediator pair; its mails and pages.

Each write a timeline entry, its mails enqueued in its transaction (the .ics and the mail text:
organisations/invitations.py, no names: ADR 0009). services.conversation_log marks it held.
"""

import datetime as dt
import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from buurtbemiddeling.background import background_task, daily
from buurtbemiddeling.forms import submit
from buurtbemiddeling.roles import PERM_COORDINATE, PERM_MEDIATE
from organisations import invitations
from organisations.forms import TalkForm
from organisations.models import MediatorProfile

from . import selectors, timeline, workflow
from .constants import AppointmentKind, AppointmentPlace, AppointmentStatus, EventKind, Side
from .forms import ConversationForm, EndAssignmentForm
from .models import Appointment, Case

PLANNED = AppointmentStatus.PLANNED
SIDE_OF = {AppointmentKind.INTAKE_A: Side.A, AppointmentKind.INTAKE_B: Side.B}
NOT_M2M = ["case", "mediators", "parties"]


def _apply(appointment: Appointment, data: dict, *, planning: bool) -> set[int]:
    """Check and store `data` (kind, starts_at, ends_at, place, location, mediators); the mediators' ids."""
    case = appointment.case
    active = list(MediatorProfile.objects.filter(assignments__case=case, assignments__ended_on__isnull=True))
    chosen = list(data.get("mediators") or active)
    errors = {}
    if not active:
        errors["mediators"] = _("Wijs eerst bemiddelaars toe aan deze zaak.")
    elif len(chosen) > 2 or any(m not in active for m in chosen):
        errors["mediators"] = _("Kies een of beide bemiddelaars van deze zaak.")
    start = data.get("starts_at")
    if start and start < timezone.now() and (planning or start != appointment.starts_at):
        errors["starts_at"] = _("Een gesprek kan niet in het verleden worden gepland.")
    for field in ("kind", "starts_at", "ends_at", "place"):
        setattr(appointment, field, data.get(field))
    parties = case.parties.filter(left_out_at__isnull=True)
    parties = list(parties.filter(side=SIDE_OF[appointment.kind]) if appointment.kind in SIDE_OF else parties)
    appointment.location = (data.get("location") or "").strip()
    if appointment.place == AppointmentPlace.AT_HOME and not appointment.location:
        # The address of the party the intake is with (joint: the first side's).
        appointment.location = next((p.address for p in parties if p.address), "")
    try:
        appointment.full_clean(exclude=NOT_M2M)
    except ValidationError as error:
        errors = error.message_dict | errors
    if errors:
        raise ValidationError(errors)
    appointment.save()
    appointment.mediators.set(chosen)
    appointment.parties.set(parties)
    # A warning, not a refusal: the coordinator may know it fits.
    others = Appointment.objects.filter(
        status=PLANNED, starts_at__lt=appointment.ends_at, ends_at__gt=appointment.starts_at
    )
    appointment.overlaps = [m.name for m in chosen if others.filter(mediators=m).exclude(pk=appointment.pk).exists()]
    return {m.pk for m in chosen}


def describe(appointment: Appointment) -> str:
    """'Intake partij A, 24 november 2026 14:00-15:00, neutrale locatie': no names."""
    when = invitations.when(appointment.starts_at, appointment.ends_at)
    return f"{appointment.get_kind_display()}, {when}, {appointment.get_place_display().lower()}"


def _record(appointment: Appointment, kind: str, actor, sends: dict[str, set[int]], reason: str = "") -> None:
    """The timeline entry, and per method (REQUEST, CANCEL) the mediators to mail."""
    timeline.record(case=appointment.case, kind=kind, actor=actor, reason=describe(appointment) + reason)
    for method, mediator_ids in sends.items():
        for mediator_id in sorted(mediator_ids):
            send_appointment.enqueue(appointment_id=appointment.pk, mediator_id=mediator_id, method=method)


def _lock(appointment: Appointment) -> Appointment:
    appointment = Appointment.objects.select_for_update().select_related("case").get(pk=appointment.pk)
    if appointment.status != PLANNED or not workflow.accepts_mediators(appointment.case.status):
        raise ValidationError(_("Dit gesprek is niet meer gepland of de zaak is gesloten."))
    return appointment


@transaction.atomic
def appointment_plan(*, case: Case, actor, data: dict) -> Appointment:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not workflow.accepts_mediators(case.status):
        raise ValidationError(_("In deze fase van de zaak worden geen gesprekken gepland."))
    appointment = Appointment(case=case, created_by=actor if getattr(actor, "pk", None) else None)
    mediator_ids = _apply(appointment, data, planning=True)
    _record(appointment, EventKind.APPOINTMENT_PLANNED, actor, {invitations.REQUEST: mediator_ids})
    return appointment


@transaction.atomic
def appointment_change(*, appointment: Appointment, actor, data: dict) -> Appointment:
    """Store the change and send it again (SEQUENCE + 1); a mediator taken off gets a cancellation."""
    appointment = _lock(appointment)
    before = set(appointment.mediators.values_list("pk", flat=True))
    appointment.sequence += 1
    after = _apply(appointment, data, planning=False)
    sends = {invitations.REQUEST: after, invitations.CANCEL: before - after}
    _record(appointment, EventKind.APPOINTMENT_CHANGED, actor, sends)
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, actor, reason: str) -> Appointment:
    appointment = _lock(appointment)
    appointment.status, appointment.cancel_reason = AppointmentStatus.CANCELLED, (reason or "").strip()
    if not appointment.cancel_reason:
        raise ValidationError({"reason": _("Schrijf waarom het gesprek niet doorgaat.")})
    appointment.sequence += 1
    appointment.full_clean(exclude=NOT_M2M)
    appointment.save()
    sends = {invitations.CANCEL: set(appointment.mediators.values_list("pk", flat=True))}
    _record(appointment, EventKind.APPOINTMENT_CANCELLED, actor, sends, f": {appointment.cancel_reason}")
    return appointment


def _event(appointment: Appointment, method: str) -> invitations.CalendarEvent:
    return invitations.CalendarEvent(
        uid=str(appointment.uid),
        sequence=appointment.sequence,
        method=method,
        start=appointment.starts_at,
        end=appointment.ends_at,
        summary=f"{appointment.get_kind_display()} {appointment.case.reference}",
        location=", ".join(x for x in (appointment.get_place_display(), appointment.location) if x),
        url=settings.SITE_URL + appointment.case.get_absolute_url(),
        service=appointment.case.service,
        attendees=tuple(appointment.mediators.select_related("user")),
    )


@background_task()
def send_appointment(*, appointment_id: int, mediator_id: int, method: str, reminder: bool = False) -> bool:
    """One mediator's invitation, update, cancellation or reminder, with the appointment as it is now."""
    appointment = Appointment.objects.select_related("case__service").filter(pk=appointment_id).first()
    if appointment is None or (reminder and appointment.status != PLANNED):
        return False
    kind = "cancelled" if method == invitations.CANCEL else ("changed" if appointment.sequence else "new")
    return invitations.send(_event(appointment, method), to=mediator_id, kind="reminder" if reminder else kind)


@daily("appointment_reminders", at=dt.time(7, 0))
@background_task()
def remind_tomorrow() -> int:
    """Tomorrow's planned appointments (local time): their reminders enqueued and marked, once."""
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=1), dt.time.min))
    with transaction.atomic():
        # Locked without a join (PostgreSQL locks no outer join's nullable side), then their mediators.
        due = list(
            Appointment.objects.select_for_update()
            .filter(
                status=PLANNED, reminder_sent_at=None, starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1)
            )
            .values_list("pk", flat=True)
        )
        pairs = Appointment.mediators.through.objects.filter(appointment_id__in=due).order_by("pk")
        for appointment_id, mediator_id in pairs.values_list("appointment_id", "mediatorprofile_id"):
            send_appointment.enqueue(
                appointment_id=appointment_id, mediator_id=mediator_id, method=invitations.REQUEST, reminder=True
            )
        return Appointment.objects.filter(pk__in=due).update(reminder_sent_at=timezone.now())


def _listed(queryset, limit: int | None = None) -> list[Appointment]:
    rows = list(queryset.select_related("case").prefetch_related("mediators").order_by("starts_at", "pk")[:limit])
    now = timezone.now()
    for row in rows:  # planned, its time passed, its conversation not logged
        row.overdue = row.status == PLANNED and row.starts_at < now
    return rows


def case_section(case: Case, *, coordinator: bool) -> dict:
    """The case page's appointments: planned (upcoming or overdue) and the others, latest first."""
    rows = _listed(case.appointments.all())
    context = {
        "upcoming": [r for r in rows if r.status == PLANNED],
        "past": [r for r in rows[::-1] if r.status != PLANNED],
    }
    if coordinator and workflow.accepts_mediators(case.status):
        context["form"] = _form(case)
    return context


def queue_for(user) -> dict:
    """The work queue's lines: planned appointments of the next 7 days and overdue ones."""
    rows = _listed(
        Appointment.objects.filter(
            Q(case__coordinator=user) | Q(case__coordinator=None),
            service_id=Case.objects.whole_service_of(user),
            status=PLANNED,
            starts_at__lt=timezone.now() + dt.timedelta(days=7),
        ),
        limit=50,
    )
    return {"overdue": [r for r in rows if r.overdue], "upcoming": [r for r in rows if not r.overdue]}


def _form(case: Case, data=None, appointment: Appointment | None = None) -> TalkForm:
    """Filled in with the `appointment` to change, or else the case's active pair."""
    pair = MediatorProfile.objects.filter(assignments__case=case, assignments__ended_on__isnull=True)
    form = TalkForm(data, kinds=AppointmentKind.choices, places=AppointmentPlace.choices, mediators=pair, prefix="a")
    if appointment:
        form.initial = {f: getattr(appointment, f) for f in ("kind", "place", "location")}
        form.initial |= form.initial_span(appointment.starts_at, appointment.ends_at)
        form.initial["mediators"] = [m.pk for m in appointment.mediators.all()]
    return form


def _get(request, reference, appointment_id=None, *, planned=False) -> tuple[Case, Appointment | None]:
    case = selectors.case_get_or_404(request, reference)
    if appointment_id is None:
        return case, None
    appointment = get_object_or_404(case.appointments.all(), pk=appointment_id)
    if planned and appointment.status != PLANNED:
        raise Http404
    return case, appointment


@require_http_methods(["GET", "POST"])
@permission_required(PERM_COORDINATE, raise_exception=True)
def plan(request, reference, appointment_id=None):
    """Plan a talk or, with `appointment_id`, change a planned one; the mediators hear of it."""
    case, appointment = _get(request, reference, appointment_id, planned=True)
    form = _form(case, request.POST or None, appointment)
    if appointment is None:
        title, done = _("Gesprek plannen"), _("Het gesprek is gepland; de bemiddelaars krijgen een uitnodiging.")
        act = functools.partial(appointment_plan, case=case, actor=request.user)
    else:
        title, done = _("Gesprek wijzigen"), _("Het gesprek is gewijzigd; de bemiddelaars krijgen bericht.")
        act = functools.partial(appointment_change, appointment=appointment, actor=request.user)
    saved = submit(request, form, lambda data: act(data=data), done=done)
    if saved and saved.overlaps:
        text = _("Let op: %(names)s heeft op dat moment al een ander gesprek.")
        messages.warning(request, text % {"names": ", ".join(saved.overlaps)})
    return _page(request, case, form, saved, title=title, appointment=appointment)


def _page(request, case, form, saved, **context):
    if saved:
        return redirect(case.get_absolute_url() + "#appointments-title")
    return render(request, "cases/appointment_form.html", {"case": case, "form": form, **context})


@require_http_methods(["GET", "POST"])
@permission_required(PERM_COORDINATE, raise_exception=True)
def cancel(request, reference, appointment_id):
    case, appointment = _get(request, reference, appointment_id, planned=True)
    form = EndAssignmentForm(request.POST or None)  # a reason
    act = lambda data: appointment_cancel(appointment=appointment, actor=request.user, reason=data["reason"])  # noqa: E731
    saved = submit(request, form, act, done=_("Het gesprek is geannuleerd; de bemiddelaars krijgen bericht."))
    return _page(request, case, form, saved, title=_("Gesprek annuleren"), appointment=appointment)


@require_GET
def log(request, reference, appointment_id):
    """The conversation form (sent to cases:log_conversation) filled in from the appointment."""
    case, appointment = _get(request, reference, appointment_id, planned=True)
    if not selectors.may_add_to_case(request.user, case):
        raise Http404
    initial = {
        "kind": appointment.kind,
        "held_on": timezone.localtime(appointment.starts_at).date(),
        "duration_minutes": int((appointment.ends_at - appointment.starts_at).total_seconds() // 60),
        "mediators": [m.pk for m in appointment.mediators.all()],
        "parties": [p.pk for p in appointment.parties.all()],
    }
    form = ConversationForm(case=case, initial=initial)
    context = {"case": case, "appointment": appointment, "conversation_form": form, "when": describe(appointment)}
    return render(request, "cases/appointment_log.html", context)


@require_GET
@permission_required("cases.view_appointment", raise_exception=True)
def download(request, reference, appointment_id):
    appointment = _get(request, reference, appointment_id)[1]
    method = invitations.CANCEL if appointment.status == AppointmentStatus.CANCELLED else invitations.REQUEST
    return invitations.download(_event(appointment, method), filename=f"afspraak-{appointment.pk}.ics")


@require_GET
@permission_required(PERM_MEDIATE, raise_exception=True)
def agenda(request):
    """The mediator's own agenda: upcoming and the last 14 days, of cases they may still open."""
    rows = _listed(
        Appointment.objects.filter(
            mediators__user=request.user,
            case__in=Case.objects.visible_to(request.user),
            starts_at__gte=timezone.now() - dt.timedelta(days=14),
        )
    )
    now = timezone.now()
    context = {"upcoming": [r for r in rows if r.ends_at >= now], "past": [r for r in rows if r.ends_at < now][::-1]}
    return render(request, "cases/agenda.html", context)


case_urls = [
    path("<str:reference>/afspraken/plannen/", plan, name="appointment_plan"),
    path("<str:reference>/afspraken/<int:appointment_id>/wijzigen/", plan, name="appointment_change"),
    path("<str:reference>/afspraken/<int:appointment_id>/annuleren/", cancel, name="appointment_cancel"),
    path("<str:reference>/afspraken/<int:appointment_id>/gesprek/", log, name="appointment_log"),
    path("<str:reference>/afspraken/<int:appointment_id>/agenda.ics", download, name="appointment_ics"),
]
urlpatterns = [path("", agenda, name="mine")]  # /agenda/ (buurtbemiddeling/urls.py), "agenda:mine"
