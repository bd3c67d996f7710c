"""Personal data over time: retention (anonymise expired cases), subject access, erasure.

Anonymising replaces personal values with a tombstone and keeps everything the annual
figures count: the case row, its dates, status, channel, outcome, conflict types,
neighbourhood, the number of parties and conversations.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbemiddeling.models import MediationService

from . import timeline
from .constants import ENDED_STATUSES, EventKind
from .models import Agreement, Case, CaseEvent, Conversation, Party

TOMBSTONE = "[geanonimiseerd]"

# Party fields holding personal data, with the value they get when anonymised.
PARTY_PERSONAL = {
    "name": TOMBSTONE,
    "street": "",
    "house_number": "",
    "postcode": "",
    "city": "",
    "phone": "",
    "email": "",
    "contact_time_preference": "",
    "interpreter_language": "",
}


def retention_cutoff(service: MediationService, *, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - relativedelta(months=service.retention_months)


def expired_cases(service: MediationService, *, now: dt.datetime | None = None):
    """Ended cases of this service whose retention period has passed and that still hold data."""
    return Case.objects.filter(
        service=service,
        status__in=ENDED_STATUSES,
        closed_at__lt=retention_cutoff(service, now=now),
        anonymised_at__isnull=True,
    )


def _anonymise_parties(parties) -> None:
    for party in parties:
        for field, value in PARTY_PERSONAL.items():
            setattr(party, field, value)
        party.housing_corporation = None
        party.save()  # one by one, so the change log records each (masked)


@transaction.atomic
def case_anonymise(*, case: Case, now: dt.datetime | None = None) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.anonymised_at is not None:
        return case
    _anonymise_parties(case.parties.all())
    case.description = TOMBSTONE if case.description else ""
    case.tried_already = ""
    case.unsuitability_advice = ""
    case.anonymised_at = now or timezone.now()
    case.save(update_fields=["description", "tried_already", "unsuitability_advice", "anonymised_at", "updated_at"])
    Conversation.objects.filter(case=case).update(report=TOMBSTONE, care_worker="")
    Agreement.objects.filter(case=case).update(text=TOMBSTONE)
    # Timeline reasons may quote people; the kinds, statuses and times stay.
    CaseEvent.objects.filter(case=case).exclude(reason="").update(reason=TOMBSTONE)
    from referrals.models import ReferralConsent  # referrals builds on cases

    ReferralConsent.objects.filter(referral__case=case).update(agreed_by=TOMBSTONE)
    return case


def anonymise_expired(*, apply: bool, now: dt.datetime | None = None) -> dict[MediationService, int]:
    """Per service, how many expired cases were (or, in a dry run, would be) anonymised."""
    from buurtbemiddeling import audit

    result = {}
    for service in MediationService.objects.order_by("name"):
        cases = list(expired_cases(service, now=now).values_list("pk", flat=True))
        if apply:
            for pk in cases:
                case_anonymise(case=Case(pk=pk), now=now)
        audit.retention_applied(service=service, count=len(cases), dry_run=not apply)
        result[service] = len(cases)
    return result


# --- Subject access and erasure ---------------------------------------------------------


def same_resident(party: Party):
    """The registrations in this party's service that are most likely the same person."""
    match = Q(pk=party.pk)
    if party.phone:
        match |= Q(phone=party.phone)
    if party.email:
        match |= Q(email__iexact=party.email)
    if party.name and party.postcode:
        match |= Q(name__iexact=party.name, postcode=party.postcode)
    return (
        Party.objects.filter(match, case__service_id=party.case.service_id)
        .select_related("case", "housing_corporation")
        .order_by("case__reported_on", "pk")
    )


def resident_export(party: Party) -> dict:
    """Everything stored about one resident, for a subject access request (AVG art. 15)."""
    registrations = []
    for own in same_resident(party):
        case = own.case
        conversations = (
            Conversation.objects.filter(case=case, parties=own).prefetch_related("agreements").order_by("held_on")
        )
        registrations.append(
            {
                "case": {
                    "reference": case.reference,
                    "reported_on": case.reported_on.isoformat(),
                    "status": str(case.get_status_display()),
                    "channel": str(case.get_channel_display()),
                    "conflict_types": [str(ct) for ct in case.conflict_types.all()],
                    "description": case.description,
                    "closed_at": case.closed_at.isoformat() if case.closed_at else None,
                    "outcome": str(case.outcome) if case.outcome_id else None,
                },
                "party": {
                    "side": str(own.get_side_display()),
                    "is_reporter": own.is_reporter,
                    "name": own.name,
                    "street": own.street,
                    "house_number": own.house_number,
                    "postcode": own.postcode,
                    "city": own.city,
                    "phone": own.phone,
                    "email": own.email,
                    "preferred_contact": str(own.get_preferred_contact_display()),
                    "contact_time_preference": own.contact_time_preference,
                    "interpreter_language": own.interpreter_language,
                    "tenure": str(own.get_tenure_display()),
                    "housing_corporation": str(own.housing_corporation or ""),
                    "participation": str(own.get_participation_display()),
                    "registered_at": own.created_at.isoformat(),
                },
                "conversations": [
                    {
                        "kind": str(conversation.get_kind_display()),
                        "held_on": conversation.held_on.isoformat(),
                        "report": conversation.report,
                        "agreements": [agreement.text for agreement in conversation.agreements.all()],
                    }
                    for conversation in conversations
                ],
            }
        )
    return {
        "exported_at": timezone.now().isoformat(),
        "service": party.case.service.name,
        "registrations": registrations,
    }


def erasure_refusal(party: Party) -> str | None:
    """Why this resident may not be erased now, or None when erasure is allowed."""
    if party.case.status not in ENDED_STATUSES:
        return _("De zaak loopt nog. Sluit de zaak eerst af; daarna kunnen de gegevens worden gewist.")
    return None


@transaction.atomic
def resident_erase(*, party: Party, actor) -> int:
    """Erase a resident's personal data in every ended registration; returns how many."""
    reason = erasure_refusal(party)
    if reason:
        raise ValidationError(reason)
    registrations = [own for own in same_resident(party) if own.case.status in ENDED_STATUSES]
    _anonymise_parties(registrations)
    for own in registrations:
        timeline.record(
            case=own.case, kind=EventKind.NOTE, actor=actor, reason=_("Gegevens van een bewoner gewist op verzoek.")
        )
    return len(registrations)
