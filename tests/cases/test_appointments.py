"""Appointments (#19): planned talks, their invitations with an .ics, reminders and pages."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases import appointments
from cases.constants import AppointmentStatus, CaseStatus, EventKind, Side
from cases.models import Appointment, CaseEvent
from cases.services import mediator_assign
from organisations.factories import MediatorProfileFactory
from tests.cases.test_fuzz import FUZZ, NASTY
from tests.cases.test_workflow import walk_to

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


class MailServerDown(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("smtp.example.org refused mees@example.org")


@pytest.fixture
def partner_mediator(service):
    user = UserFactory(username="bemiddelaar.twee", service=service, role=Role.MEDIATOR)
    return MediatorProfileFactory(service=service, user=user, name="Noor Tweede", email="noor@example.org")


@pytest.fixture
def paired_case(case, mediator, partner_mediator, coordinator):
    mediator.email = "mees@example.org"
    mediator.save()
    mediator_assign(case=case, mediator=mediator, actor=coordinator)
    mediator_assign(case=case, mediator=partner_mediator, actor=coordinator)
    return case


def next_week(hour=14):
    return timezone.localdate() + dt.timedelta(days=7), f"{hour:02d}:00", f"{hour + 1:02d}:00"


def form(**overrides):
    day, start, end = next_week()
    data = {"kind": "intake_a", "date": day.isoformat(), "starts_at": start, "ends_at": end, "place": "at_home"}
    data.update(overrides)
    return {f"a-{key}": value for key, value in data.items()}  # the form's prefix on the case page


def plan_url(case):
    return reverse("cases:appointment_plan", args=[case.reference])


def calendar_of(message) -> Calendar:
    (attachment,) = message.attachments
    calendar = Calendar.from_ical(attachment.content)
    assert attachment.mimetype == f"text/calendar; method={calendar['METHOD']}"
    assert "text/calendar" in message.message().as_string()
    return calendar


def the_event(calendar: Calendar):
    (event,) = calendar.events
    return event


def make_due():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now() - dt.timedelta(seconds=1))


def test_planning_invites_both_mediators_by_mail_once_the_queue_runs(
    login, coordinator, paired_case, mediator, partner_mediator, run_tasks
):
    party_a = paired_case.parties.get(side=Side.A)
    response = login(coordinator).post(plan_url(paired_case), form())
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    # The intake at home is at party A's address, with the pair and party A.
    assert appointment.location == party_a.address
    assert set(appointment.mediators.all()) == {mediator, partner_mediator}
    assert list(appointment.parties.all()) == [party_a]
    assert CaseEvent.objects.filter(case=paired_case, kind=EventKind.APPOINTMENT_PLANNED).count() == 1
    assert mail.outbox == []  # nothing sent inside the request

    assert run_tasks() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["mees@example.org", "noor@example.org"]
    message = mail.outbox[0]
    assert paired_case.reference in message.subject
    event = the_event(calendar := calendar_of(message))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]).startswith(str(appointment.uid))
    assert event["SEQUENCE"] == 0
    assert event.start.tzinfo.key == "Europe/Amsterdam"
    assert event.start == appointment.starts_at and event.end == appointment.ends_at
    assert event.start.astimezone(AMSTERDAM).hour == 14
    assert str(event["LOCATION"]).endswith(party_a.address)
    assert {str(a) for a in event["ATTENDEE"]} == {"mailto:mees@example.org", "mailto:noor@example.org"}
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert paired_case.get_absolute_url() in str(event["URL"])
    # No names of residents, no phone numbers, no description in the mail or its .ics (ADR 0009).
    everything = message.body + message.subject + calendar.to_ical().decode()
    for party in paired_case.parties.all():
        assert party.name not in everything and party.phone not in everything
    assert paired_case.description[:30] not in everything


def test_a_change_is_sent_again_with_the_same_uid_and_a_higher_sequence(
    login, coordinator, paired_case, mediator, partner_mediator, run_tasks
):
    client = login(coordinator)
    client.post(plan_url(paired_case), form())
    appointment = Appointment.objects.get()
    run_tasks()
    first_uid = the_event(calendar_of(mail.outbox[0]))["UID"]
    mail.outbox.clear()

    day, _start, _end = next_week()
    change = reverse("cases:appointment_change", args=[paired_case.reference, appointment.pk])
    page = client.get(change)
    assert 'value="14:00"' in page.content.decode()  # filled in with the planned time
    response = client.post(
        change,
        form(
            starts_at="10:00", ends_at="11:30", place="neutral", location="Buurthuis De Linde", mediators=[mediator.pk]
        ),
    )
    assert response.status_code == 302
    run_tasks()
    by_address = {m.to[0]: calendar_of(m) for m in mail.outbox}
    update, cancellation = by_address["mees@example.org"], by_address["noor@example.org"]
    event = the_event(update)
    assert update["METHOD"] == "REQUEST" and event["UID"] == first_uid and event["SEQUENCE"] == 1
    assert event.start.astimezone(AMSTERDAM).time() == dt.time(10, 0)
    assert "Buurthuis De Linde" in str(event["LOCATION"])
    # The mediator taken off the talk has it taken out of their calendar.
    assert cancellation["METHOD"] == "CANCEL" and the_event(cancellation)["UID"] == first_uid
    assert CaseEvent.objects.filter(kind=EventKind.APPOINTMENT_CHANGED).count() == 1

    mail.outbox.clear()
    cancel = reverse("cases:appointment_cancel", args=[paired_case.reference, appointment.pk])
    refused = client.post(cancel, {"reason": ""})
    assert refused.status_code == 200 and "verplicht" in refused.content.decode()
    assert client.post(cancel, {"reason": "Partij A is ziek"}).status_code == 302
    run_tasks()
    (message,) = mail.outbox
    calendar = calendar_of(message)
    event = the_event(calendar)
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == first_uid and event["SEQUENCE"] == 2
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and appointment.cancel_reason == "Partij A is ziek"


def test_with_the_mail_server_down_the_invitation_is_retried_and_not_lost(
    login, coordinator, paired_case, settings, run_tasks
):
    settings.MAILERS = {"default": {"BACKEND": "tests.cases.test_appointments.MailServerDown"}}
    assert login(coordinator).post(plan_url(paired_case), form()).status_code == 302
    run_tasks()
    assert mail.outbox == []
    failed = DBTaskResult.objects.filter(status="FAILED")
    assert failed.count() == 2 and all("RetryScheduled" in r.exception_class_path for r in failed)
    assert all("example.org" not in r.traceback for r in failed)
    assert DBTaskResult.objects.filter(status="READY").count() == 2

    settings.MAILERS = LOCMEM
    make_due()
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["mees@example.org", "noor@example.org"]


def test_the_reminder_goes_the_day_before_once(coordinator, paired_case, run_tasks):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(19, 30)))
    data = {"kind": "joint", "starts_at": start, "ends_at": start + dt.timedelta(hours=1), "place": "office"}
    appointment = appointments.appointment_plan(case=paired_case, actor=coordinator, data=data)
    later = appointments.appointment_plan(
        case=paired_case,
        actor=coordinator,
        data={**data, "starts_at": start + dt.timedelta(days=1), "ends_at": start + dt.timedelta(days=1, hours=1)},
    )
    run_tasks()
    mail.outbox.clear()

    assert appointments.remind_tomorrow.call() == 1
    run_tasks()
    assert len(mail.outbox) == 2 and all(m.subject.startswith("Herinnering") for m in mail.outbox)
    appointment.refresh_from_db()
    later.refresh_from_db()
    assert appointment.reminder_sent_at is not None and later.reminder_sent_at is None
    assert appointments.remind_tomorrow.call() == 0  # once
    run_tasks()
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (form(ends_at="13:00"), "ends_at", "eindigt na het begin"),
        (form(date=(timezone.localdate() - dt.timedelta(days=1)).isoformat()), "starts_at", "verleden"),
        (form(place="neutral"), "location", "neutrale locatie"),
        (form(date="2026-02-30"), "date", "geldige datum"),
    ],
)
def test_a_refused_plan_says_why_at_the_field_and_keeps_the_input(
    login, coordinator, paired_case, data, field, message
):
    response = login(coordinator).post(plan_url(paired_case), data)
    assert response.status_code == 200
    form_ = response.context["form"]
    assert message in " ".join(form_.errors[field])
    assert "Gesprek plannen" in response.content.decode()
    assert Appointment.objects.count() == 0 and DBTaskResult.objects.count() == 0


def test_only_the_cases_own_mediators_may_be_chosen(login, coordinator, paired_case, service):
    stranger = MediatorProfileFactory(service=service, name="Vreemde Bemiddelaar")
    response = login(coordinator).post(plan_url(paired_case), form(mediators=[stranger.pk]))
    assert response.status_code == 200 and response.context["form"].errors["mediators"]
    assert Appointment.objects.count() == 0


def test_an_overlap_is_a_warning_not_a_refusal(login, coordinator, paired_case, make_case, mediator):
    other = make_case()
    mediator_assign(case=other, mediator=mediator, actor=coordinator)
    client = login(coordinator)
    client.post(plan_url(other), form())
    response = client.post(plan_url(paired_case), form(starts_at="14:30", ends_at="15:30"), follow=True)
    assert Appointment.objects.count() == 2
    assert f"{mediator.name} heeft op dat moment al een ander gesprek" in response.content.decode()


def test_a_closed_case_takes_no_appointments(login, coordinator, paired_case):
    walk_to(paired_case, CaseStatus.CLOSED, actor=coordinator)
    client = login(coordinator)
    page = client.get(paired_case.get_absolute_url())
    assert "Plannen en uitnodigen" not in page.content.decode()
    response = client.post(plan_url(paired_case), form())
    assert response.status_code == 200 and "geen gesprekken gepland" in response.content.decode()
    assert Appointment.objects.count() == 0


def test_logging_the_talk_starts_from_the_appointment_and_marks_it_held(
    login, coordinator, paired_case, mediator, partner_mediator
):
    start = timezone.now() - dt.timedelta(hours=2)
    data = {
        "kind": "intake_b",
        "starts_at": start + dt.timedelta(days=1),
        "ends_at": start + dt.timedelta(days=1, hours=1),
    }
    appointment = appointments.appointment_plan(case=paired_case, actor=coordinator, data={**data, "place": "office"})
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=start, ends_at=start + dt.timedelta(minutes=90))
    party_b = paired_case.parties.get(side=Side.B)
    client = login(coordinator)
    queue = client.get(reverse("cases:queue")).content.decode()
    assert f'data-appointment-overdue="{appointment.pk}"' in queue

    page = client.get(reverse("cases:appointment_log", args=[paired_case.reference, appointment.pk]))
    conversation_form = page.context["conversation_form"]
    assert conversation_form["kind"].value() == "intake_b"
    assert conversation_form["held_on"].value() == timezone.localtime(start).date()
    assert conversation_form["duration_minutes"].value() == 90
    assert set(conversation_form["mediators"].value()) == {mediator.pk, partner_mediator.pk}
    assert conversation_form["parties"].value() == [party_b.pk]
    body = page.content.decode()
    assert f'value="{party_b.pk}" id="id_parties_0" checked' in body or "checked" in body

    response = client.post(
        reverse("cases:log_conversation", args=[paired_case.reference]),
        {
            "kind": "intake_b",
            "held_on": timezone.localtime(start).date().isoformat(),
            "duration_minutes": "90",
            "mediators": [mediator.pk, partner_mediator.pk],
            "parties": [party_b.pk],
            "report": "Goed gesprek",
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.HELD and appointment.conversation.report == "Goed gesprek"
    assert f'data-appointment-overdue="{appointment.pk}"' not in client.get(reverse("cases:queue")).content.decode()


def test_the_pages_show_upcoming_appointments(login, coordinator, paired_case, mediator_user, partner_mediator):
    appointments.appointment_plan(
        case=paired_case,
        actor=coordinator,
        data={
            "kind": "joint",
            "starts_at": timezone.now() + dt.timedelta(days=2),
            "ends_at": timezone.now() + dt.timedelta(days=2, hours=1),
            "place": "neutral",
            "location": "Wijkcentrum Zuid",
        },
    )
    client = login(coordinator)
    page = client.get(paired_case.get_absolute_url()).content.decode()
    assert "Wijkcentrum Zuid" in page
    # A machine-readable time the HTML checker takes: no fraction of a second (it was planned
    # with one), an offset.
    times = re.findall(r'<time datetime="([^"]*)"', page)
    assert times and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", t) for t in times), times
    assert "data-appointment-upcoming" in client.get(reverse("cases:queue")).content.decode()
    client = login(mediator_user)
    assert "Wijkcentrum Zuid" in client.get(paired_case.get_absolute_url()).content.decode()
    agenda = client.get(reverse("agenda:mine")).content.decode()
    assert "Wijkcentrum Zuid" in agenda and paired_case.reference in agenda
    assert 'href="/agenda/" aria-current="page"' in agenda


def test_the_ics_download_is_for_coordinators_and_the_assigned_mediators(
    client, coordinator, other_coordinator, paired_case, mediator_user, referrer, service
):
    appointment = appointments.appointment_plan(
        case=paired_case,
        actor=coordinator,
        data={"kind": "intake_a", "starts_at": timezone.now() + dt.timedelta(days=1), "place": "at_home",
              "ends_at": timezone.now() + dt.timedelta(days=1, hours=1)},
    )  # fmt: skip
    url = reverse("cases:appointment_ics", args=[paired_case.reference, appointment.pk])
    for user in (coordinator, mediator_user):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
        assert str(the_event(Calendar.from_ical(response.content))["UID"]).startswith(str(appointment.uid))
    unassigned = UserFactory(username="bemiddelaar.los", service=service, role=Role.MEDIATOR)
    MediatorProfileFactory(service=service, user=unassigned)
    for user, status in ((other_coordinator, 404), (unassigned, 404), (referrer, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status
    # Another case's appointment id under this case is not found.
    client.force_login(coordinator)
    assert (
        client.get(reverse("cases:appointment_ics", args=[paired_case.reference, appointment.pk + 99])).status_code
        == 404
    )
    # The unassigned mediator's agenda does not show it.
    client.force_login(unassigned)
    assert paired_case.reference not in client.get(reverse("agenda:mine")).content.decode()


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_case_page_and_the_agenda_read_a_fixed_number_of_queries(login, coordinator, paired_case, mediator_user):
    def plan(days):
        start = timezone.now() + dt.timedelta(days=days)
        appointments.appointment_plan(
            case=paired_case,
            actor=coordinator,
            data={"kind": "joint", "starts_at": start, "ends_at": start + dt.timedelta(hours=1), "place": "office"},
        )

    plan(1)
    pages = [(coordinator, paired_case.get_absolute_url()), (coordinator, reverse("cases:queue"))]
    pages += [(mediator_user, paired_case.get_absolute_url()), (mediator_user, reverse("agenda:mine"))]
    small = [_queries(login(user), url) for user, url in pages]
    for days in range(2, 8):
        plan(days)
    appointment = Appointment.objects.last()
    appointments.appointment_cancel(appointment=appointment, actor=coordinator, reason="Verhuisd")
    assert [_queries(login(user), url) for user, url in pages] == small


@pytest.mark.django_db
@FUZZ
@given(
    data=st.fixed_dictionaries(
        {}, optional=dict.fromkeys(["kind", "date", "starts_at", "ends_at", "place", "location", "mediators"], NASTY)
    )
)
def test_the_plan_form_never_errors_and_never_stores_half(data, login, coordinator, case, mediator):
    if not case.assignments.exists():
        mediator_assign(case=case, mediator=mediator, actor=coordinator)
    before = (Appointment.objects.count(), CaseEvent.objects.count(), DBTaskResult.objects.count())
    response = login(coordinator).post(plan_url(case), {f"a-{key}": value for key, value in data.items()})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert (Appointment.objects.count(), CaseEvent.objects.count(), DBTaskResult.objects.count()) == before
