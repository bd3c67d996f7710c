"""Retention, subject access and erasure (AVG): personal data goes, the figures stay."""

import datetime as dt
import json

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.models import AccessAction, AccessLog
from cases.constants import CaseStatus, ConversationKind
from cases.models import Case, Outcome, Party
from cases.privacy import TOMBSTONE, anonymise_expired, resident_erase
from cases.services import case_transition, conversation_log


def close(case, actor, *, at):
    case = case_transition(case=case, to_status=CaseStatus.INTAKE, actor=actor, at=at)
    case = case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=actor, at=at)
    conversation_log(
        case=case,
        actor=actor,
        kind=ConversationKind.JOINT,
        held_on=at.date(),
        report="Geheim verslag",
        agreements=["Geen muziek na tienen"],
    )
    outcome = Outcome.objects.filter(service=case.service, counts_as_resolved=True).first()
    return case_transition(case=case, to_status=CaseStatus.CLOSED, actor=actor, outcome=outcome, at=at)


@pytest.fixture
def old_and_recent(make_case, coordinator, service):
    now = timezone.now()
    expired = close(make_case(description="Ruzie met Jansen"), coordinator, at=now - relativedelta(months=25))
    recent = close(make_case(), coordinator, at=now - relativedelta(months=23))
    still_open = make_case(reported_on=(now - relativedelta(months=30)).date())
    return expired, recent, still_open


def figures(service):
    return list(
        Case.objects.filter(service=service)
        .values("status", "outcome__category", "channel")
        .annotate(n=Count("id"), parties=Count("parties"))
        .order_by("status", "channel")
    )


def test_a_dry_run_changes_nothing_but_reports_and_is_audited(old_and_recent, service, capsys):
    expired, *_ = old_and_recent
    call_command("anonymise_expired")
    assert "would anonymise 1 case(s)" in capsys.readouterr().out
    expired.refresh_from_db()
    assert expired.anonymised_at is None
    assert expired.parties.exclude(name="").exists()
    entry = AccessLog.objects.get(action=AccessAction.RETENTION_RUN, service=service)
    assert entry.detail == "dry-run: 1"


def test_apply_replaces_personal_data_of_expired_cases_only_and_figures_stay(old_and_recent, service, capsys):
    expired, recent, still_open = old_and_recent
    before = figures(service)
    call_command("anonymise_expired", "--apply")
    assert "anonymised 1 case(s)" in capsys.readouterr().out
    expired.refresh_from_db()
    assert expired.anonymised_at is not None
    assert expired.description == TOMBSTONE
    for party in expired.parties.all():
        assert (party.name in ("", TOMBSTONE), party.street, party.phone, party.postcode) == (True, "", "", "")
    assert set(expired.conversations.values_list("report", flat=True)) == {TOMBSTONE}
    assert set(expired.agreements.values_list("text", flat=True)) == {TOMBSTONE}
    assert "Jansen" not in json.dumps(list(expired.events.values_list("reason", flat=True)))
    # The counts for the annual report are the same as before.
    assert figures(service) == before
    # Recent and open cases keep their data.
    for case in (recent, still_open):
        assert case.parties.exclude(phone="").exists()
    # A second run finds nothing new.
    assert anonymise_expired(apply=True)[service] == 0


def test_each_service_uses_its_own_retention_period(old_and_recent, service):
    service.retention_months = 36
    service.save()
    assert anonymise_expired(apply=False)[service] == 0


def test_a_coordinator_exports_everything_about_a_resident(login, coordinator, make_case):
    first = make_case(parties=[{"side": "A", "name": "Ria Rozen", "phone": "0612121212", "street": "Rozenlaan"}])
    second = make_case(parties=[{"side": "B", "name": "R. Rozen", "phone": "0612121212"}, {"side": "A", "name": "X"}])
    party = first.parties.get(name="Ria Rozen")
    client = login(coordinator)
    url = reverse("cases:subject_access", args=[first.reference, party.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Ria Rozen" in page.text and second.reference in page.text
    response = client.get(url, {"format": "json"})
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment;")
    assert {r["case"]["reference"] for r in data["registrations"]} == {first.reference, second.reference}
    assert "X" not in [r["party"]["name"] for r in data["registrations"]]  # not the other party
    assert AccessLog.objects.filter(action=AccessAction.SUBJECT_ACCESS, object_id=str(party.pk)).count() == 2


def test_erasure_is_refused_while_the_case_runs_and_done_when_ended(login, coordinator, make_case):
    case = make_case(parties=[{"side": "A", "name": "Wim Wis", "phone": "0613131313"}])
    party = case.parties.get()
    with pytest.raises(ValidationError):
        resident_erase(party=party, actor=coordinator)
    close(case, coordinator, at=timezone.now() - dt.timedelta(days=1))
    client = login(coordinator)
    url = reverse("cases:erase_resident", args=[case.reference, party.pk])
    client.post(url)  # without the tick: nothing happens
    assert Party.objects.get(pk=party.pk).name == "Wim Wis"
    client.post(url, {"confirm": "yes"})
    party.refresh_from_db()
    assert (party.name, party.phone) == (TOMBSTONE, "")
    assert AccessLog.objects.filter(action=AccessAction.ERASURE, object_id=str(party.pk)).exists()
    assert Case.objects.filter(pk=case.pk).exists()  # still counted


def test_subject_access_is_for_coordinators_of_the_service_only(login, mediator_user, other_coordinator, assigned_case):
    party = assigned_case.parties.first()
    url = reverse("cases:subject_access", args=[assigned_case.reference, party.pk])
    assert login(mediator_user).get(url).status_code == 403
    assert login(other_coordinator).get(url).status_code == 404
