"""Personal data over time: retention (anonymise expired cases), subject access, erasure.

What is personal data, and how each field is anonymised and exported, is the registry's
(buurtbemiddeling/personal_data.py; each app declares its own models). Anonymising
replaces personal values with a tombstone and keeps everything the annual figures count:
the case row, its dates, status, channel, outcome, conflict types, neighbourhood, the
number of parties and conversations.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbemiddeling import generations, personal_data
from buurtbemiddeling.exports import readable_value
from buurtbemiddeling.models import MediationService, User
from buurtbemiddeling.personal_data import TOMBSTONE  # noqa: F401  (the tombstone, for callers)

from . import events, timeline
from .constants import ENDED_STATUSES, EventKind
from .models import Case, Party


def retention_cutoff(service: MediationService, *, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - relativedelta(months=service.retention_months)


def expired_cases(service: MediationService, *, now: dt.datetime | None = None) -> QuerySet[Case]:
    """Ended cases of this service whose retention period has passed and that still hold data."""
    return Case.objects.filter(
        service=service,
        status__in=ENDED_STATUSES,
        closed_at__lt=retention_cutoff(service, now=now),
        anonymised_at__isnull=True,
    )


@transaction.atomic
def case_anonymise(*, case: Case, now: dt.datetime | None = None) -> Case:
    """Replace the personal data of one case, in every record the registry ties to the case."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.anonymised_at is not None:
        return case
    for registration in personal_data.with_case():
        registration.anonymise_rows(personal_data.rows(registration, registration.case, case))
    # Some rows are anonymised with an UPDATE, which sends no post_save (the figures).
    generations.changed(case.service_id)
    case.refresh_from_db()
    case.anonymised_at = now or timezone.now()
    case.save(update_fields=["anonymised_at", "updated_at"])
    events.send_on_commit(events.case_anonymised, case_id=case.pk)
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


def same_resident(party: Party) -> QuerySet[Party]:
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


def _record(registration: personal_data.Registration, row: models.Model) -> dict:
    return {name: readable_value(row, name) for name in (*registration.export, *registration.personal)}


def _labels(registration: personal_data.Registration) -> dict:
    opts = registration.model._meta
    return {name: str(opts.get_field(name).verbose_name) for name in (*registration.export, *registration.personal)}


def resident_export(party: Party) -> dict:
    """Everything stored about one resident, for a subject access request (AVG art. 15).

    Per registration of the same resident: the case, the party, and every record the
    personal-data registry ties to that resident (conversations, agreements, consents,
    partner records), with the fields the registry names.
    """
    case_registration = personal_data.registration_for(Case)
    party_registration = personal_data.registration_for(Party)
    others = [r for r in personal_data.about_residents() if r.model not in (Case, Party)]
    registrations = []
    for own in same_resident(party):
        records = []
        for registration in others:
            rows = personal_data.rows(registration, registration.resident, own).order_by("pk")
            found = [_record(registration, row) for row in rows]
            if found:
                records.append(
                    {
                        "kind": registration.label,
                        "title": str(registration.model._meta.verbose_name_plural),
                        "labels": _labels(registration),
                        "rows": found,
                    }
                )
        registrations.append(
            {
                "case": _record(case_registration, own.case),
                "party": _record(party_registration, own),
                "party_labels": _labels(party_registration),
                "records": records,
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
def resident_erase(*, party: Party, actor: User | AnonymousUser | None) -> int:
    """Erase a resident's personal data in every ended registration; returns how many."""
    reason = erasure_refusal(party)
    if reason:
        raise ValidationError(reason)
    registrations = [own for own in same_resident(party) if own.case.status in ENDED_STATUSES]
    for own in registrations:
        # Every record the registry ties to this resident: the party, the case it is a
        # party to, conversations, agreements, consents and partner records.
        for registration in personal_data.about_residents():
            if registration.personal:
                registration.anonymise_rows(personal_data.rows(registration, registration.resident, own))
        generations.changed(own.case.service_id)
        events.send_on_commit(events.resident_erased, case_id=own.case_id, party_id=own.pk)
        timeline.record(
            case=own.case, kind=EventKind.NOTE, actor=actor, reason=_("Gegevens van een bewoner gewist op verzoek.")
        )
    return len(registrations)
