"""Correcting a logged conversation (#18): who may, stale pages, the history, privacy."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from buurtbemiddeling.personal_data import TOMBSTONE
from cases import privacy
from cases.constants import CaseStatus, ConversationKind, EventKind
from cases.forms import ConversationCorrectionForm
from cases.models import Conversation, ConversationRevision, Outcome
from cases.selectors import may_correct_conversation
from cases.services import case_transition, conversation_correct, conversation_log, mediator_assign
from organisations.factories import MediatorProfileFactory

SECRET = "Buurman schreeuwde over de schutting"


@pytest.fixture
def logged(assigned_case, mediator_user, mediator):
    party = assigned_case.parties.first()
    return conversation_log(
        case=assigned_case,
        actor=mediator_user,
        kind=ConversationKind.INTAKE_A,
        held_on=timezone.localdate() - dt.timedelta(days=2),
        mediators=[mediator],
        parties=[party],
        report=SECRET,
    )


def _url(conversation):
    return reverse("cases:edit_conversation", args=[conversation.case.reference, conversation.pk])


def _post(client, conversation, **overrides):
    conversation.refresh_from_db()
    data = {
        "kind": conversation.kind,
        "held_on": conversation.held_on.isoformat(),
        "duration_minutes": conversation.duration_minutes or "",
        "mediators": [m.pk for m in conversation.mediators.all()],
        "parties": [p.pk for p in conversation.parties.all()],
        "care_worker": conversation.care_worker,
        "report": conversation.report,
        "reason": "",
        "expected_updated_at": ConversationCorrectionForm.stamp(conversation),
        **overrides,
    }
    return client.post(_url(conversation), data)


def test_the_author_mediator_corrects_and_the_old_text_is_kept(login, mediator_user, logged):
    response = _post(login(mediator_user), logged, report=SECRET + " Aangevuld.", reason="aangevuld")
    assert response.status_code == 302
    logged.refresh_from_db()
    assert logged.report == SECRET + " Aangevuld."
    revision = ConversationRevision.objects.get(conversation=logged)
    assert (revision.report, revision.revised_by, revision.reason) == (SECRET, mediator_user, "aangevuld")
    assert revision.changed_fields == "report"


def test_another_mediator_may_not_even_see_it(login, service, assigned_case, logged, coordinator):
    other_user = UserFactory(username="bemiddelaar.twee", service=service, role=Role.MEDIATOR)
    other = MediatorProfileFactory(service=service, user=other_user)
    mediator_assign(case=assigned_case, mediator=other, actor=coordinator)
    client = login(other_user)
    assert client.get(_url(logged)).status_code == 404
    assert _post(client, logged, report="overschreven").status_code == 404
    logged.refresh_from_db()
    assert logged.report == SECRET and not logged.revisions.exists()


def test_the_author_loses_the_right_when_the_case_is_closed(mediator_user, logged, coordinator):
    assert may_correct_conversation(mediator_user, logged)
    outcome = Outcome.objects.filter(service=logged.case.service).first()
    case = logged.case
    for status in (CaseStatus.INTAKE, CaseStatus.SUITABLE):
        case = case_transition(case=case, to_status=status, actor=coordinator)
    case = case_transition(case=case, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome)
    logged.case = case
    assert not may_correct_conversation(mediator_user, logged)
    assert may_correct_conversation(coordinator, logged)


def test_a_coordinator_corrects_and_sees_the_history_a_mediator_does_not(login, coordinator, mediator_user, logged):
    client = login(coordinator)
    assert _post(client, logged, report="Gecorrigeerd verslag").status_code == 302
    page = client.get(_url(logged)).text
    assert SECRET in page and "Eerdere versies" in page
    case_page = client.get(logged.case.get_absolute_url()).text
    assert SECRET in case_page and "Corrigeren" in case_page
    mediator_client = login(mediator_user)
    assert SECRET not in mediator_client.get(logged.case.get_absolute_url()).text
    assert SECRET not in mediator_client.get(_url(logged)).text


def test_another_service_s_coordinator_gets_404(login, other_coordinator, logged):
    assert login(other_coordinator).get(_url(logged)).status_code == 404


def test_a_stale_edit_is_refused_keeping_the_typed_text(login, coordinator, mediator_user, logged):
    client = login(coordinator)
    stamp = ConversationCorrectionForm.stamp(logged)
    conversation_correct(conversation=logged, actor=mediator_user, expected_updated_at=None, report="Eerst opgeslagen")
    response = _post(client, logged, report="Mijn getypte tekst", expected_updated_at=stamp)
    assert response.status_code == 200
    assert "Iemand anders heeft dit verslag intussen gewijzigd" in response.text
    assert "Mijn getypte tekst" in response.text and "Eerst opgeslagen" in response.text
    logged.refresh_from_db()
    assert logged.report == "Eerst opgeslagen" and logged.revisions.count() == 1


def test_an_unchanged_save_stores_nothing_and_says_so(login, coordinator, logged):
    events = logged.case.events.count()
    response = _post(login(coordinator), logged)
    assert response.status_code == 302
    assert not logged.revisions.exists() and logged.case.events.count() == events
    assert "niets opgeslagen" in login(coordinator).get(response["Location"]).text


def test_the_timeline_entry_holds_no_report_text(coordinator, logged):
    conversation_correct(conversation=logged, actor=coordinator, expected_updated_at=None, report="Nieuw geheim")
    event = logged.case.events.get(kind=EventKind.CONVERSATION_CORRECTED)
    assert SECRET not in event.reason and "Nieuw geheim" not in event.reason
    assert logged.get_kind_display() in event.reason


def test_a_date_in_the_future_is_refused(coordinator, logged):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        conversation_correct(
            conversation=logged,
            actor=coordinator,
            expected_updated_at=None,
            held_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert not logged.revisions.exists()


def test_revisions_are_append_only(coordinator, logged):
    revision = conversation_correct(conversation=logged, actor=coordinator, expected_updated_at=None, report="x")
    with pytest.raises(ValueError, match="append-only"):
        revision.save()


def _close(case, coordinator):
    outcome = Outcome.objects.filter(service=case.service).first()
    for status in (CaseStatus.INTAKE, CaseStatus.SUITABLE):
        case = case_transition(case=case, to_status=status, actor=coordinator)
    return case_transition(case=case, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome)


def test_anonymising_the_case_blanks_the_earlier_texts(coordinator, logged):
    conversation_correct(
        conversation=logged, actor=coordinator, expected_updated_at=None, report="Nieuw", reason=SECRET, care_worker="Z"
    )
    privacy.case_anonymise(case=_close(logged.case, coordinator))
    revision = ConversationRevision.objects.get(conversation=logged)
    assert (revision.report, revision.reason, revision.care_worker) == (TOMBSTONE, TOMBSTONE, "")


def test_erasing_the_resident_blanks_the_earlier_texts(coordinator, logged):
    conversation_correct(conversation=logged, actor=coordinator, expected_updated_at=None, report="Nieuw")
    _close(logged.case, coordinator)
    privacy.resident_erase(party=logged.parties.get(), actor=coordinator)
    assert not ConversationRevision.objects.filter(report__contains="Buurman").exists()
    assert ConversationRevision.objects.get(conversation=logged).report == TOMBSTONE


def _page_queries(client, case):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(case.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_case_page_makes_as_many_queries_for_one_as_for_six_corrected_conversations(login, coordinator, make_case):
    def case_with(n):
        case = make_case()
        for i in range(n):
            c = conversation_log(
                case=case, actor=coordinator, kind=ConversationKind.PHONE_CALL, held_on=timezone.localdate()
            )
            for j in range(2):
                conversation_correct(conversation=c, actor=coordinator, expected_updated_at=None, report=f"{i}-{j}")
        return case

    one, six = case_with(1), case_with(6)
    client = login(coordinator)
    client.get(one.get_absolute_url())
    assert _page_queries(client, one) == _page_queries(client, six)


junk = st.one_of(st.text(max_size=50), st.sampled_from(["", "9999-12-31", "0001-01-01T00:00:00+05:00", "-1", "\x00"]))


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(kind=junk, held_on=junk, duration=junk, stamp=junk, report=st.text(max_size=200))
@pytest.mark.django_db(transaction=False)
def test_arbitrary_values_never_make_a_server_error(login, coordinator, logged, kind, held_on, duration, stamp, report):
    client = login(coordinator)
    client.raise_request_exception = False
    before = logged.revisions.count()
    response = client.post(
        _url(logged),
        {
            "kind": kind,
            "held_on": held_on,
            "duration_minutes": duration,
            "expected_updated_at": stamp,
            "report": report,
        },
    )
    assert response.status_code < 500
    if response.status_code == 200:
        assert logged.revisions.count() == before
        assert Conversation.objects.get(pk=logged.pk).report == SECRET or before
