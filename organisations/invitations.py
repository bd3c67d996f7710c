"""Calendar invitations to the service's mediators: the iCalendar (.ics) event and its e-mail.

Knows no case: the caller (cases/appointments.py) says what the event is. The mail carries
what a mediator needs in their calendar and no more (docs/adr/0009-...).
"""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMessage
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event, vCalAddress

from buurtbemiddeling.models import MediationService

from .models import MediatorProfile

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
REQUEST, CANCEL = "REQUEST", "CANCEL"
# What a mail says the attached event is: its subject's first words (its text: the template).
KINDS = {
    "new": gettext_lazy("Uitnodiging"),
    "changed": gettext_lazy("Gewijzigd"),
    "cancelled": gettext_lazy("Gaat niet door"),
    "reminder": gettext_lazy("Herinnering: morgen"),
}


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable over every change; the host is added
    sequence: int
    method: str  # REQUEST (new or changed) or CANCEL
    start: dt.datetime
    end: dt.datetime
    summary: str  # e.g. "Intake partij A AL-2026-0001": no names (ADR 0009)
    location: str
    url: str
    service: MediationService  # the organizer: its name and address (or DEFAULT_FROM_EMAIL)
    attendees: tuple[MediatorProfile, ...]


def when(start: dt.datetime, end: dt.datetime) -> str:
    """'24 november 2026 14:00-15:00' in Amsterdam time, in the active language."""
    start, end = start.astimezone(AMSTERDAM), end.astimezone(AMSTERDAM)
    return f"{formats.date_format(start, 'j F Y H:i')}-{end:%H:%M}"


def mediator_address(mediator: MediatorProfile) -> str:
    return mediator.email or (mediator.user.email if mediator.user_id else "")


def _address(email: str, name: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name
    address.params.update(params)
    return address


def ics(event: CalendarEvent) -> bytes:
    """The event as an iCalendar file with its time zone (VTIMEZONE), for mail or download."""
    host = urlsplit(settings.SITE_URL).hostname or "buurtbemiddeling"
    item = Event.new(
        uid=f"{event.uid}@{host}",
        sequence=event.sequence,
        stamp=timezone.now(),
        start=event.start.astimezone(AMSTERDAM),
        end=event.end.astimezone(AMSTERDAM),
        summary=event.summary,
        location=event.location,
        description=event.url,
        url=event.url,
        status="CANCELLED" if event.method == CANCEL else "CONFIRMED",
        organizer=_address(event.service.email or settings.DEFAULT_FROM_EMAIL, event.service.name),
        attendees=[
            _address(mediator_address(m), m.name, ROLE="REQ-PARTICIPANT", RSVP="FALSE")
            for m in event.attendees
            if mediator_address(m)
        ],
    )
    calendar = Calendar.new(prodid="-//Buurtbemiddeling//Afspraken//NL", method=event.method, subcomponents=[item])
    calendar.add_missing_timezones()
    return calendar.to_ical()


def download(event: CalendarEvent, *, filename: str) -> HttpResponse:
    response = HttpResponse(ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def send(event: CalendarEvent, *, to: int, kind: str) -> bool:
    """Mail mediator `to` (an id) the event (a `KINDS` key) with its .ics; False when there is no address."""
    mediator = MediatorProfile.objects.select_related("user").filter(pk=to).first()
    recipient = mediator_address(mediator) if mediator else ""
    if not recipient:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = f"{KINDS[kind]}: {event.summary}"
        context = {"kind": kind, "event": event, "when": when(event.start, event.end)}
        body = render_to_string("organisations/email_invitation.txt", context)
    message = EmailMessage(subject, body, to=[recipient])
    message.attach("afspraak.ics", ics(event), f"text/calendar; method={event.method}")
    message.send()
    return True
