"""Reads of the reports app for pages: the letters a coordinator can make for a case."""

from django.db.models import QuerySet
from django.utils import timezone

from buurtbemiddeling.models import User
from cases.constants import AppointmentStatus
from cases.models import Appointment, Case, Party

from .letters import Letter, compose, merge_values
from .models import LetterTemplate


def letter_templates_for(user: User) -> QuerySet[LetterTemplate]:
    """The active letters of the user's own service (through the service gateway)."""
    return LetterTemplate.objects.visible_to(user).filter(is_active=True).order_by("kind", "name")


def letter_parties(case: Case) -> QuerySet[Party]:
    """The parties of a case (one the user may see) a letter can be made for.

    None once the case is anonymised: there is no name or address left to write to.
    """
    if case.anonymised_at is not None:
        return Party.objects.none()
    return case.parties.order_by("side", "id")


def next_appointment(case: Case, party: Party) -> Appointment | None:
    """The party's next planned appointment in this case, if any."""
    return (
        Appointment.objects.filter(case=case, parties=party, status=AppointmentStatus.PLANNED)
        .filter(starts_at__gte=timezone.now())
        .order_by("starts_at", "id")
        .first()
    )


def letter_for(*, case: Case, party: Party, template: LetterTemplate, user: User) -> Letter:
    """One letter, its merge fields filled from the case: two queries (appointment, agreements)."""
    appointment = next_appointment(case, party)
    coordinator = case.coordinator or user
    values = merge_values(
        case=case,
        party=party,
        service=case.service,
        coordinator_name=coordinator.get_full_name() or coordinator.get_username(),
        appointment=appointment,
        today=timezone.localdate(),
    )
    items = list(case.agreements.order_by("created_at", "id").values_list("text", flat=True))
    return compose(template=template, values=values, items=items, has_appointment=appointment is not None)
