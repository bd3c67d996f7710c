"""The personal-data registry is complete, and anonymisation, erasure and export follow it.

Every registered personal field of every record that hangs off a case gets a marker of its
own; the tests then check, field by field and from the registry alone, that anonymising
the case, erasing a resident and exporting a resident's data do what the registry says.
"""

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.core import checks
from django.utils import timezone

from buurtbemiddeling import personal_data
from buurtbemiddeling.checks import project_models
from buurtbemiddeling.personal_data import NULL, TOMBSTONE
from cases import privacy
from cases.constants import AppointmentKind, AppointmentPlace, AppointmentStatus, CaseStatus, ConversationKind
from cases.models import (
    Agreement,
    Appointment,
    Assignment,
    Case,
    CaseEvent,
    Conversation,
    MediatorAcquaintance,
    Outcome,
    Party,
)
from cases.services import assignment_end, case_transition, conversation_correct, conversation_log, mediator_assign
from organisations.factories import PartnerOrganisationFactory
from partners.constants import DisclosureMethod, JointVisitOutcome
from partners.models import Accompaniment, DisclosureConsent, JointVisit, PreTrajectory
from referrals.constants import ConsentMethod
from referrals.models import Referral, ReferralConsent


def test_every_model_of_the_project_is_registered():
    missing = [model._meta.label for model in project_models() if personal_data.registration_for(model) is None]
    assert missing == []


def test_every_text_field_is_declared_personal_or_not():
    assert personal_data.unregistered_text_fields(project_models()) == []
    assert personal_data.problems() == []


def test_the_system_check_reports_an_undeclared_field(db, monkeypatch):
    registration = personal_data.registration_for(Party)
    trimmed = {k: v for k, v in registration.personal.items() if k != "phone"}
    monkeypatch.setitem(
        personal_data._REGISTRY,
        "cases.Party",
        personal_data.Registration(**{**vars(registration), "personal": trimmed}),
    )
    errors = checks.run_checks()
    assert any("cases.Party.phone" in error.msg for error in errors)


def test_the_change_log_masks_exactly_the_registered_fields(case, coordinator):
    party = case.parties.get(side="A")
    party.phone = "0611111111"
    party.save()
    entry = LogEntry.objects.get_for_object(party).order_by("-pk").first()
    assert "0611111111" not in json.dumps(entry.changes)
    from auditlog.registry import auditlog

    for registration in personal_data.registrations():
        if registration.audited:
            assert auditlog.contains(registration.model)
            mask = auditlog.get_model_fields(registration.model)["mask_fields"]
            assert sorted(mask) == registration.masked


_MARKERS: dict[tuple[str, str, int], str] = {}


def _marker(registration, field, pk):
    """A marker of its own for one field of one row, short enough for a postcode (7)."""
    key = (registration.label, field, pk)
    return _MARKERS.setdefault(key, f"Q{len(_MARKERS):04d}")


@pytest.fixture
def full_case(make_case, coordinator, mediator, service, today):
    """A closed case with a record of every registered kind that hangs off a case."""
    _MARKERS.clear()
    case = make_case(parties=[{"side": "A", "name": "Anna A"}, {"side": "B", "name": "Bert B"}])
    party_a, party_b = case.parties.order_by("side")
    partner = PartnerOrganisationFactory(service=service, name="Zorg Aland")
    case = case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    case = case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    assignment = mediator_assign(case=case, mediator=mediator, actor=coordinator)
    assignment_end(assignment=assignment, actor=coordinator, reason="Verhuisd")
    conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.JOINT,
        held_on=today,
        report="verslag",
        parties=[party_a, party_b],
        agreements=["afspraak"],
    )
    conversation_correct(
        conversation=case.conversations.get(),
        actor=coordinator,
        expected_updated_at=None,
        reason="aangevuld",
        report="verslag, aangevuld",
        care_worker="Hanna Hulp",
    )
    MediatorAcquaintance.objects.create(mediator=mediator, party=party_a, note="kent")
    appointment = Appointment.objects.create(
        case=case,
        kind=AppointmentKind.INTAKE_A,
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(hours=1),
        place=AppointmentPlace.AT_HOME,
        location="Dorpsstraat 1",
        status=AppointmentStatus.CANCELLED,
        cancel_reason="ziek",
    )
    appointment.parties.set([party_a])
    referral = Referral.objects.create(
        service=service, case=case, referrer=coordinator, organisation=partner, last_notified_milestone="received"
    )
    ReferralConsent.objects.create(
        referral=referral, party=party_a, agreed_by="x", agreed_on=today, method=ConsentMethod.SPOKEN
    )
    DisclosureConsent.objects.create(
        service=service, party=party_a, organisation=partner, given_on=today, method=DisclosureMethod.SPOKEN
    )
    PreTrajectory.objects.create(
        service=service, case=case, party=party_a, lead_organisation=partner, started_on=today, review_on=today
    )
    Accompaniment.objects.create(
        service=service, party=party_a, organisation=partner, care_worker_name="x", started_on=today
    )
    JointVisit.objects.create(
        service=service,
        case=case,
        party=party_a,
        organisation=partner,
        professional_name="Prof",
        visited_on=today,
        outcome=JointVisitOutcome.AGREES,
    )
    outcome = Outcome.objects.filter(service=service, counts_as_resolved=True).first()
    case = case_transition(
        case=case, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome, reason="afgerond"
    )
    # Every personal field of every record of this case gets a marker of its own.
    for registration in personal_data.with_case():
        queryset = personal_data.rows(registration, registration.case, case)
        assert queryset.exists(), f"the fixture lacks a {registration.label}"
        for pk in queryset.values_list("pk", flat=True):
            registration.model._base_manager.filter(pk=pk).update(
                **{
                    field: partner if redact is NULL else _marker(registration, field, pk)
                    for field, redact in registration.personal.items()
                }
            )
    return case, Party.objects.get(pk=party_a.pk), Party.objects.get(pk=party_b.pk), partner


def _values(registration, queryset, field):
    attname = registration.model._meta.get_field(field).attname
    return set(queryset.values_list(attname, flat=True))


def _expected(registration, field, partner):
    return {None} if registration.personal[field] is NULL else {registration.anonymised_value(field, "x")}


def test_anonymising_a_case_follows_the_registry_for_every_field(full_case):
    case, _a, _b, partner = full_case
    privacy.case_anonymise(case=case)
    for registration in personal_data.with_case():
        queryset = personal_data.rows(registration, registration.case, case)
        for field in registration.personal:
            assert _values(registration, queryset, field) == _expected(registration, field, partner), (
                registration.label,
                field,
            )
    # The figures keep what they count.
    case.refresh_from_db()
    assert (case.status, case.parties.count(), case.conversations.count()) == (CaseStatus.CLOSED, 2, 1)
    assert case.anonymised_at is not None


def test_erasing_a_resident_follows_the_registry_for_every_field(full_case, coordinator):
    case, party_a, party_b, partner = full_case
    privacy.resident_erase(party=party_a, actor=coordinator)
    for registration in personal_data.about_residents():
        queryset = personal_data.rows(registration, registration.resident, party_a)
        assert queryset.exists(), registration.label
        for field in registration.personal:
            assert _values(registration, queryset, field) == _expected(registration, field, partner), (
                registration.label,
                field,
            )
    # The other resident's own details stay.
    party_b.refresh_from_db()
    assert party_b.name == _marker(personal_data.registration_for(Party), "name", party_b.pk)
    # Nothing named this resident's consent any more (the referral panel showed it).
    assert ReferralConsent.objects.get(party=party_a).agreed_by == TOMBSTONE


def test_the_subject_access_export_holds_every_registered_field(full_case):
    case, party_a, _b, _partner = full_case
    export = privacy.resident_export(party_a)
    text = json.dumps(export)
    (registration_data,) = export["registrations"]
    for registration in personal_data.about_residents():
        queryset = personal_data.rows(registration, registration.resident, party_a)
        if not queryset.exists():
            continue
        for field, redact in registration.personal.items():
            if redact is not NULL:
                for pk in queryset.values_list("pk", flat=True):
                    assert _marker(registration, field, pk) in text, (registration.label, field)
        if registration.model not in (Case, Party):
            kinds = {group["kind"] for group in registration_data["records"]}
            assert registration.label in kinds
            group = next(g for g in registration_data["records"] if g["kind"] == registration.label)
            assert set(group["rows"][0]) == {*registration.export, *registration.personal}
    # Not the other resident's party record.
    assert registration_data["party"]["name"] == _marker(personal_data.registration_for(Party), "name", party_a.pk)
    assert _marker(personal_data.registration_for(Party), "name", _b.pk) not in text
    assert registration_data["party"]["side"]


def test_the_export_page_shows_the_partner_records_and_consents(login, coordinator, full_case):
    case, party_a, _b, _partner = full_case
    from django.urls import reverse

    page = login(coordinator).get(reverse("cases:subject_access", args=[case.reference, party_a.pk])).text
    for model, field in (
        (ReferralConsent, "agreed_by"),
        (PreTrajectory, "notes"),
        (JointVisit, "notes"),
        (Accompaniment, "care_worker_name"),
        (Conversation, "report"),
        (Agreement, "text"),
    ):
        registration = personal_data.registration_for(model)
        for pk in personal_data.rows(registration, registration.resident, party_a).values_list("pk", flat=True):
            assert _marker(registration, field, pk) in page
    assert str(DisclosureConsent._meta.verbose_name_plural).capitalize() in page


def test_anonymisation_leaves_no_marker_anywhere(full_case):
    case, *_ = full_case
    privacy.case_anonymise(case=case)
    for registration in personal_data.registrations():
        for field, redact in registration.personal.items():
            if redact is NULL:
                continue
            markers = [m for (label, name, _pk), m in _MARKERS.items() if (label, name) == (registration.label, field)]
            leftover = registration.model._base_manager.filter(**{f"{field}__in": markers})
            assert not leftover.exists(), (registration.label, field)


def test_the_registry_ties_case_events_and_assignments_to_the_case_only():
    assert personal_data.registration_for(CaseEvent).resident is None
    assert personal_data.registration_for(Assignment).resident is None
    assert personal_data.registration_for(CaseEvent).append_only


@pytest.fixture
def today():
    return timezone.localdate() - dt.timedelta(days=1)


# What the change log masked before the registry (buurtbemiddeling/audit.py PERSONAL_FIELDS,
# 2026-11): the registry may mask more, never less.
MASKED_BEFORE_THE_REGISTRY = {
    "cases.Case": ["description", "tried_already", "unsuitability_advice"],
    "cases.Party": [
        "name",
        "street",
        "house_number",
        "postcode",
        "city",
        "phone",
        "email",
        "contact_time_preference",
        "interpreter_language",
    ],
    "cases.Conversation": ["report", "care_worker"],
    "cases.Agreement": ["text"],
    "cases.CaseEvent": ["reason"],
    "referrals.ReferralConsent": ["agreed_by"],
    "buurtbemiddeling.User": ["email", "phone", "first_name", "last_name"],
    "organisations.MediatorProfile": ["phone", "email", "street", "postcode"],
    "organisations.ContactPerson": ["name", "phone", "email"],
    "partners.Consultation": ["professional_name", "topic", "follow_up"],
    "partners.DisclosureConsent": [],
    "partners.PreTrajectory": ["notes", "end_reason"],
    "partners.PreTrajectoryParticipation": [],
    "partners.Accompaniment": ["care_worker_name"],
    "partners.JointVisit": ["professional_name", "notes"],
}


@pytest.mark.parametrize("label", sorted(MASKED_BEFORE_THE_REGISTRY))
def test_the_change_log_masks_at_least_what_it_masked_before(label):
    from django.apps import apps

    registration = personal_data.registration_for(apps.get_model(label))
    assert registration.audited
    assert set(MASKED_BEFORE_THE_REGISTRY[label]) <= set(registration.masked)
