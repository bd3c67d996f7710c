"""What each write in cases/services.py does to a case, as a coordinator would notice it."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buurtbemiddeling.factories import NeighbourhoodFactory
from cases.constants import CaseStatus, Channel, ConversationKind, EventKind, Side
from cases.factories import party_data
from cases.models import Agreement, Assignment, Case, CaseEvent, ConflictType, Conversation, Party
from cases.services import assignment_end, case_transition, conversation_log, mediator_assign
from organisations.factories import MediatorProfileFactory, PartnerOrganisationFactory
from tests.cases.test_workflow import (
    event_count,
    snapshot,
    some_outcome,
    some_unsuitability_reason,
    walk_to,
)

S = CaseStatus
MONDAY = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def in_future(days: int = 14) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def stored_rows() -> tuple[int, int, int]:
    return Case.objects.count(), Party.objects.count(), CaseEvent.objects.count()


# --- INTAKE: first contact ---------------------------------------------------------------


def test_starting_intake_records_the_moment_of_first_contact(case, coordinator):
    assert case.first_contact_at is None

    case = case_transition(case=case, to_status=S.INTAKE, actor=coordinator, at=MONDAY)

    case.refresh_from_db()
    assert case.first_contact_at == MONDAY


@pytest.mark.parametrize(
    "detour",
    [
        [(S.UNSUITABLE, {}), (S.INTAKE, {"reason": "Melder belde opnieuw, nu wel bereid."})],
        [(S.STANDBY, {"reason": "Wijkteam gaat eerst langs."}), (S.INTAKE, {})],
        [
            (S.STANDBY, {"reason": "Wijkteam gaat eerst langs."}),
            (S.CLOSED, {}),
            (S.INTAKE, {"reason": "Overlast is teruggekomen."}),
        ],
    ],
    ids=["reopened-after-unsuitable", "back-from-standby", "reopened-after-closing"],
)
def test_first_contact_is_recorded_once_and_kept_when_the_case_returns_to_intake(detour, case, coordinator):
    case = case_transition(case=case, to_status=S.INTAKE, actor=coordinator, at=MONDAY)
    later = MONDAY
    for target, extra in detour:
        later += dt.timedelta(days=3)
        extra = {
            "unsuitability_reason": some_unsuitability_reason(case.service),
            "review_on": in_future(),
            "outcome": some_outcome(case.service),
            **extra,
        }
        case = case_transition(case=case, to_status=target, actor=coordinator, at=later, **extra)

    case.refresh_from_db()
    assert case.status == S.INTAKE
    assert case.first_contact_at == MONDAY


# --- SUITABLE / UNSUITABLE -----------------------------------------------------------------


def test_judging_a_case_suitable_records_the_dated_decision(case, coordinator):
    case = walk_to(case, S.INTAKE, actor=coordinator)
    assert case.is_suitable is None and case.suitability_decided_at is None

    case_transition(case=case, to_status=S.SUITABLE, actor=coordinator, at=MONDAY)

    case.refresh_from_db()
    assert case.is_suitable is True
    assert case.suitability_decided_at == MONDAY
    assert case.unsuitability_reason is None


@pytest.mark.parametrize("source", [S.REGISTERED, S.INTAKE], ids=lambda s: s.value)
def test_an_unsuitable_case_keeps_its_reason_and_the_advice_where_to_go(source, case, coordinator):
    case = walk_to(case, source, actor=coordinator)
    reason = some_unsuitability_reason(case.service)

    case_transition(
        case=case,
        to_status=S.UNSUITABLE,
        actor=coordinator,
        unsuitability_reason=reason,
        advice="Neem contact op met het Juridisch Loket.",
        at=MONDAY,
    )

    case.refresh_from_db()
    assert case.status == S.UNSUITABLE
    assert case.is_suitable is False
    assert case.suitability_decided_at == MONDAY
    assert case.unsuitability_reason == reason
    assert case.unsuitability_advice == "Neem contact op met het Juridisch Loket."


def test_an_unsuitability_reason_of_another_service_is_refused(case, coordinator, other_service):
    case = walk_to(case, S.INTAKE, actor=coordinator)
    before, events = snapshot(case), event_count(case)

    with pytest.raises(ValidationError) as excinfo:
        case_transition(
            case=case,
            to_status=S.UNSUITABLE,
            actor=coordinator,
            unsuitability_reason=some_unsuitability_reason(other_service),
        )

    assert "eigen organisatie" in excinfo.value.message_dict["unsuitability_reason"][0]
    assert snapshot(case) == before
    assert event_count(case) == events


# --- STANDBY ---------------------------------------------------------------------------------


def test_standby_stores_the_review_date_and_the_reason(case, coordinator):
    review_on = in_future(30)

    case_transition(
        case=case, to_status=S.STANDBY, actor=coordinator, reason="Voortraject wijkteam.", review_on=review_on
    )

    case.refresh_from_db()
    assert case.status == S.STANDBY
    assert case.standby_review_on == review_on
    assert case.events.order_by("-id").first().reason == "Voortraject wijkteam."


@pytest.mark.parametrize("days", [-30, -1, 0], ids=["a-month-ago", "yesterday", "today"])
def test_standby_refuses_a_review_date_that_is_not_in_the_future(days, case, coordinator):
    before, events = snapshot(case), event_count(case)

    with pytest.raises(ValidationError) as excinfo:
        case_transition(
            case=case,
            to_status=S.STANDBY,
            actor=coordinator,
            reason="Voortraject wijkteam.",
            review_on=timezone.localdate() + dt.timedelta(days=days),
        )

    assert excinfo.value.message_dict["review_on"] == ["De datum moet in de toekomst liggen."]
    assert snapshot(case) == before
    assert event_count(case) == events


def test_standby_accepts_tomorrow_as_review_date(case, coordinator):
    case = case_transition(
        case=case, to_status=S.STANDBY, actor=coordinator, reason="Voortraject wijkteam.", review_on=in_future(1)
    )
    assert case.status == S.STANDBY


def test_standby_without_a_reason_is_refused_even_with_a_review_date(case, coordinator):
    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to_status=S.STANDBY, actor=coordinator, reason="   ", review_on=in_future())
    assert list(excinfo.value.message_dict) == ["reason"]


@pytest.mark.parametrize("target", [S.INTAKE, S.CLOSED], ids=lambda s: s.value)
def test_leaving_standby_clears_the_review_date(target, case, coordinator):
    case = walk_to(case, S.STANDBY, actor=coordinator)
    assert case.standby_review_on is not None

    case_transition(case=case, to_status=target, actor=coordinator, outcome=some_outcome(case.service))

    case.refresh_from_db()
    assert case.status == target
    assert case.standby_review_on is None


# --- CLOSED ----------------------------------------------------------------------------------


def test_closing_stores_the_outcome_and_when(case, coordinator):
    case = walk_to(case, S.SUITABLE, actor=coordinator)
    outcome = some_outcome(case.service)

    case_transition(case=case, to_status=S.CLOSED, actor=coordinator, outcome=outcome, at=MONDAY)

    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert case.outcome == outcome
    assert case.closed_at == MONDAY


def test_closing_with_an_outcome_of_another_service_is_refused(case, coordinator, other_service):
    case = walk_to(case, S.SUITABLE, actor=coordinator)
    before, events = snapshot(case), event_count(case)

    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to_status=S.CLOSED, actor=coordinator, outcome=some_outcome(other_service))

    assert "eigen organisatie" in excinfo.value.message_dict["outcome"][0]
    assert snapshot(case) == before
    assert event_count(case) == events


def test_a_mediation_outcome_needs_a_logged_conversation_first(case, coordinator):
    case = walk_to(case, S.IN_MEDIATION, actor=coordinator)
    outcome = some_outcome(case.service, requires_conversation=True)
    before, events = snapshot(case), event_count(case)

    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to_status=S.CLOSED, actor=coordinator, outcome=outcome)
    assert "gesprek" in excinfo.value.message_dict["outcome"][0]
    assert snapshot(case) == before
    assert event_count(case) == events

    conversation_log(case=case, actor=coordinator, kind=ConversationKind.INTAKE_A, held_on=timezone.localdate())
    case = case_transition(case=case, to_status=S.CLOSED, actor=coordinator, outcome=outcome)

    case.refresh_from_db()
    assert case.status == S.CLOSED
    assert case.outcome == outcome


def test_closing_cancels_the_planned_follow_up_call(case, coordinator):
    case = walk_to(case, S.FOLLOW_UP, actor=coordinator)  # agreements made on the way
    case.refresh_from_db()
    assert case.follow_up_due_on is not None

    case_transition(case=case, to_status=S.CLOSED, actor=coordinator, outcome=some_outcome(case.service))

    case.refresh_from_db()
    assert case.follow_up_due_on is None


# --- reopening -------------------------------------------------------------------------------


@pytest.mark.parametrize("source", [S.CLOSED, S.UNSUITABLE], ids=lambda s: s.value)
@pytest.mark.parametrize("reason", ["", "   \n"], ids=["empty", "only-whitespace"])
def test_reopening_without_a_reason_is_refused(source, reason, case, coordinator):
    case = walk_to(case, source, actor=coordinator)
    before, events = snapshot(case), event_count(case)

    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to_status=S.INTAKE, actor=coordinator, reason=reason)

    assert list(excinfo.value.message_dict) == ["reason"]
    assert snapshot(case) == before
    assert event_count(case) == events


def test_reopening_a_closed_case_clears_the_outcome_and_the_suitability(case, coordinator):
    case = walk_to(case, S.SUITABLE, actor=coordinator)
    case = case_transition(case=case, to_status=S.CLOSED, actor=coordinator, outcome=some_outcome(case.service))
    assert case.is_suitable is True and case.outcome is not None

    case_transition(case=case, to_status=S.INTAKE, actor=coordinator, reason="De overlast is teruggekomen.")

    case.refresh_from_db()
    assert case.status == S.INTAKE
    assert case.outcome is None
    assert case.closed_at is None
    assert case.is_suitable is None
    assert case.suitability_decided_at is None
    last = case.events.order_by("-id").first()
    assert (last.from_status, last.to_status, last.reason) == (S.CLOSED, S.INTAKE, "De overlast is teruggekomen.")


def test_reopening_an_unsuitable_case_clears_the_reason_and_advice(case, coordinator):
    case = case_transition(
        case=case,
        to_status=S.UNSUITABLE,
        actor=coordinator,
        unsuitability_reason=some_unsuitability_reason(case.service),
        advice="Probeer het wijkteam.",
    )

    case_transition(case=case, to_status=S.INTAKE, actor=coordinator, reason="Buren willen nu wel praten.")

    case.refresh_from_db()
    assert case.status == S.INTAKE
    assert case.is_suitable is None
    assert case.suitability_decided_at is None
    assert case.unsuitability_reason is None
    assert case.unsuitability_advice == ""


def test_after_reopening_the_earlier_outcome_can_still_be_read_in_the_timeline(case, coordinator):
    case = walk_to(case, S.SUITABLE, actor=coordinator)
    outcome = some_outcome(case.service)
    case = case_transition(case=case, to_status=S.CLOSED, actor=coordinator, outcome=outcome)
    case_transition(case=case, to_status=S.INTAKE, actor=coordinator, reason="De overlast is teruggekomen.")

    closing = CaseEvent.objects.get(case_id=case.pk, to_status=S.CLOSED)
    assert outcome.name in closing.reason
    assert Case.objects.get(pk=case.pk).outcome is None


def test_after_reopening_the_earlier_unsuitability_reason_can_still_be_read_in_the_timeline(case, coordinator):
    reason = some_unsuitability_reason(case.service)
    case = case_transition(case=case, to_status=S.UNSUITABLE, actor=coordinator, unsuitability_reason=reason)
    case_transition(case=case, to_status=S.INTAKE, actor=coordinator, reason="Buren willen nu wel praten.")

    decision = CaseEvent.objects.get(case_id=case.pk, to_status=S.UNSUITABLE)
    assert reason.name in decision.reason
    assert Case.objects.get(pk=case.pk).unsuitability_reason is None


# --- someone else acted first ----------------------------------------------------------------


def test_a_step_chosen_on_a_stale_page_is_refused_with_a_dutch_explanation(case, coordinator):
    case = walk_to(case, S.INTAKE, actor=coordinator)  # a colleague already started the intake
    before, events = snapshot(case), event_count(case)

    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to_status=S.SUITABLE, actor=coordinator, expected_status=S.REGISTERED)

    message = excinfo.value.messages[0]
    assert message.startswith("Iemand anders heeft deze zaak intussen gewijzigd")
    assert "Intake" in message  # the status it has now
    assert snapshot(case) == before
    assert event_count(case) == events


def test_a_step_with_the_expected_status_still_current_goes_through(case, coordinator):
    case = case_transition(case=case, to_status=S.INTAKE, actor=coordinator, expected_status=S.REGISTERED)
    assert case.status == S.INTAKE


# --- case_create -----------------------------------------------------------------------------


def test_a_new_case_gets_a_reference_with_prefix_year_and_a_five_digit_number(make_case):
    case = make_case(reported_on=dt.date(2026, 3, 2))

    assert re.fullmatch(r"AL-2026-\d{5}", case.reference)
    assert case.reference == "AL-2026-00001"
    assert (case.year, case.sequence) == (2026, 1)


def test_case_numbers_count_up_per_service_and_start_again_each_year(make_case, other_service, other_coordinator):
    references = [
        make_case(reported_on=dt.date(2026, 3, 2)).reference,
        make_case(reported_on=dt.date(2026, 3, 3)).reference,
        make_case(service=other_service, actor=other_coordinator, reported_on=dt.date(2026, 3, 3)).reference,
        make_case(reported_on=dt.date(2025, 12, 31)).reference,
        make_case(reported_on=dt.date(2026, 1, 1)).reference,
    ]

    assert references == ["AL-2026-00001", "AL-2026-00002", "BE-2026-00001", "AL-2025-00001", "AL-2026-00003"]


def test_a_new_case_starts_registered_with_its_parties_and_a_created_entry(make_case, coordinator):
    case = make_case(parties=[party_data(side=Side.A), party_data(side=Side.A), party_data(side=Side.B)])

    assert case.status == S.REGISTERED
    assert case.created_by == coordinator
    assert sorted(case.parties.values_list("side", flat=True)) == ["A", "A", "B"]
    (event,) = CaseEvent.objects.filter(case_id=case.pk)
    assert (event.kind, event.to_status, event.actor) == (EventKind.CREATED, S.REGISTERED, coordinator)


def test_a_case_stores_its_own_conflict_types(make_case, service):
    kinds = list(ConflictType.objects.filter(service=service)[:2])

    case = make_case(conflict_types=kinds)

    assert set(case.conflict_types.all()) == set(kinds)


def _foreign(kind, other_service, other_coordinator):
    """Keyword arguments for case_create that point at something of another service."""
    if kind == "neighbourhood":
        return {"neighbourhood": NeighbourhoodFactory(service=other_service, name="Wijk van Beland")}
    if kind == "conflict_types":
        return {"conflict_types": [ConflictType.objects.filter(service=other_service).first()]}
    if kind == "referrer_organisation":
        return {
            "channel": Channel.REFERRAL,
            "referrer_organisation": PartnerOrganisationFactory(service=other_service, name="Woonstichting Beland"),
        }
    if kind == "coordinator":
        return {"coordinator": other_coordinator}
    if kind == "housing_corporation":
        corporation = PartnerOrganisationFactory(service=other_service, name="Woonstichting Beland")
        return {"parties": [party_data(side=Side.A, housing_corporation=corporation), party_data(side=Side.B)]}
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind", ["neighbourhood", "conflict_types", "referrer_organisation", "coordinator", "housing_corporation"]
)
def test_a_case_refuses_anything_of_another_service_and_stores_nothing(
    kind, make_case, other_service, other_coordinator
):
    foreign = _foreign(kind, other_service, other_coordinator)
    rows_before = stored_rows()

    with pytest.raises(ValidationError) as excinfo:
        make_case(reported_on=dt.date(2026, 3, 2), **foreign)

    assert kind in excinfo.value.message_dict
    assert stored_rows() == rows_before
    # The refused attempt used up no case number.
    assert make_case(reported_on=dt.date(2026, 3, 2)).reference == "AL-2026-00001"


def test_a_case_stores_its_own_neighbourhood_coordinator_and_housing_corporation(
    make_case, coordinator, neighbourhood, partner
):
    case = make_case(
        neighbourhood=neighbourhood,
        coordinator=coordinator,
        parties=[party_data(side=Side.A, housing_corporation=partner)],
    )

    case = Case.objects.get(pk=case.pk)
    assert (case.neighbourhood, case.coordinator) == (neighbourhood, coordinator)
    assert case.parties.get().housing_corporation == partner


@pytest.mark.parametrize(
    "field",
    [
        {"status": S.SUITABLE},
        {"first_contact_at": MONDAY},
        {"is_suitable": True},
        {"reference": "AL-1999-99999"},
    ],
    ids=["status", "first_contact_at", "is_suitable", "reference"],
)
def test_registering_cannot_skip_the_workflow(field, make_case):
    rows_before = stored_rows()

    with pytest.raises((TypeError, ValidationError)):
        make_case(**field)

    assert stored_rows() == rows_before


@pytest.mark.parametrize(
    "parties",
    [[], [party_data(side=Side.B)], [party_data(side=Side.B), party_data(side=Side.B)]],
    ids=["no-parties", "only-side-b", "two-households-side-b"],
)
def test_a_case_without_a_party_on_side_a_is_refused_and_nothing_stored(parties, make_case):
    rows_before = stored_rows()

    with pytest.raises(ValidationError) as excinfo:
        make_case(parties=parties)

    assert "kant A" in excinfo.value.messages[0]
    assert stored_rows() == rows_before


def test_an_invalid_party_is_refused_and_nothing_stored(make_case):
    rows_before = stored_rows()

    with pytest.raises(ValidationError):
        make_case(parties=[party_data(side=Side.A, name="Jan\x00de Vries")])

    assert stored_rows() == rows_before


def test_a_referral_needs_the_referring_organisation(make_case):
    rows_before = stored_rows()

    with pytest.raises(ValidationError) as excinfo:
        make_case(channel=Channel.REFERRAL)

    assert list(excinfo.value.message_dict) == ["referrer_organisation"]
    assert stored_rows() == rows_before


def test_a_referral_stores_the_referring_organisation(make_case, partner):
    case = make_case(channel=Channel.REFERRAL, referrer_organisation=partner)
    assert Case.objects.get(pk=case.pk).referrer_organisation == partner


def test_a_self_report_needs_no_referring_organisation(make_case):
    case = make_case(channel=Channel.SELF_REPORT)
    assert case.referrer_organisation is None and case.is_self_report


# --- mediator_assign -------------------------------------------------------------------------


def test_a_case_gets_a_pair_of_mediators_and_the_timeline_names_them(case, coordinator, service):
    first, second = MediatorProfileFactory.create_batch(2, service=service)

    mediator_assign(case=case, mediator=first, actor=coordinator)
    mediator_assign(case=case, mediator=second, actor=coordinator)

    assert set(case.assignments.values_list("mediator", flat=True)) == {first.pk, second.pk}
    names = list(case.events.filter(kind=EventKind.MEDIATOR_ASSIGNED).values_list("reason", flat=True))
    assert names == [first.name, second.name]


def test_a_third_active_mediator_is_refused(case, coordinator, service):
    first, second, third = MediatorProfileFactory.create_batch(3, service=service)
    mediator_assign(case=case, mediator=first, actor=coordinator)
    mediator_assign(case=case, mediator=second, actor=coordinator)
    events = event_count(case)

    with pytest.raises(ValidationError) as excinfo:
        mediator_assign(case=case, mediator=third, actor=coordinator)

    assert "twee bemiddelaars" in excinfo.value.message_dict["mediator"][0]
    assert case.assignments.count() == 2
    assert event_count(case) == events


def test_when_a_mediator_stopped_another_may_take_the_place(case, coordinator, service):
    first, second, third = MediatorProfileFactory.create_batch(3, service=service)
    mediator_assign(case=case, mediator=first, actor=coordinator)
    mediator_assign(case=case, mediator=second, actor=coordinator)
    assignment_end(assignment=case.assignments.get(mediator=first), actor=coordinator, reason="Verhuisd")

    mediator_assign(case=case, mediator=third, actor=coordinator)

    assert set(case.assignments.filter(ended_on__isnull=True).values_list("mediator", flat=True)) == {
        second.pk,
        third.pk,
    }
    # The one who stopped stays in the history.
    ended = case.assignments.get(mediator=first)
    assert (ended.ended_on, ended.end_reason) == (timezone.localdate(), "Verhuisd")
    replaced = case.events.get(kind=EventKind.MEDIATOR_REPLACED)
    assert first.name in replaced.reason and "Verhuisd" in replaced.reason


@pytest.mark.parametrize("reason", ["", "  "], ids=["empty", "only-whitespace"])
def test_taking_a_mediator_off_a_case_needs_a_reason(reason, assigned_case, coordinator):
    assignment = assigned_case.assignments.get()

    with pytest.raises(ValidationError) as excinfo:
        assignment_end(assignment=assignment, actor=coordinator, reason=reason)

    assert list(excinfo.value.message_dict) == ["reason"]
    assert Assignment.objects.get(pk=assignment.pk).ended_on is None


def test_a_mediator_cannot_be_taken_off_twice(assigned_case, coordinator):
    assignment = assigned_case.assignments.get()
    assignment_end(assignment=assignment, actor=coordinator, reason="Te druk")

    with pytest.raises(ValidationError):
        assignment_end(assignment=assignment, actor=coordinator, reason="Nogmaals")

    assert assigned_case.events.filter(kind=EventKind.MEDIATOR_REPLACED).count() == 1


def test_the_same_mediator_cannot_be_assigned_twice(case, coordinator, mediator):
    mediator_assign(case=case, mediator=mediator, actor=coordinator)

    with pytest.raises(ValidationError) as excinfo:
        mediator_assign(case=case, mediator=mediator, actor=coordinator)

    assert "werkt al aan deze zaak" in excinfo.value.message_dict["mediator"][0]
    assert case.assignments.count() == 1


def test_an_inactive_mediator_cannot_be_assigned(case, coordinator, service):
    retired = MediatorProfileFactory(service=service, is_active=False)

    with pytest.raises(ValidationError) as excinfo:
        mediator_assign(case=case, mediator=retired, actor=coordinator)

    assert "niet actief" in excinfo.value.message_dict["mediator"][0]
    assert not case.assignments.exists()


def test_a_mediator_of_another_service_cannot_be_assigned(case, coordinator, other_service):
    stranger = MediatorProfileFactory(service=other_service)
    events = event_count(case)

    with pytest.raises(ValidationError) as excinfo:
        mediator_assign(case=case, mediator=stranger, actor=coordinator)

    assert "andere organisatie" in excinfo.value.message_dict["mediator"][0]
    assert not case.assignments.exists()
    assert event_count(case) == events


# --- conversation_log ------------------------------------------------------------------------


def test_agreements_schedule_the_follow_up_call_after_the_services_number_of_weeks(case, coordinator, service):
    service.follow_up_weeks = 3
    service.save()
    case = walk_to(case, S.IN_MEDIATION, actor=coordinator)
    held_on = dt.date(2026, 3, 2)

    conversation = conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.JOINT,
        held_on=held_on,
        agreements=["Geen muziek na 22.00 uur ", "   ", "", "De heg wordt samen gesnoeid."],
    )

    expected = dt.date(2026, 3, 23)
    assert Case.objects.get(pk=case.pk).follow_up_due_on == expected
    agreements = list(Agreement.objects.filter(case=case).order_by("id"))
    assert [a.text for a in agreements] == ["Geen muziek na 22.00 uur", "De heg wordt samen gesnoeid."]
    assert {a.review_on for a in agreements} == {expected}
    assert {a.conversation_id for a in agreements} == {conversation.pk}
    assert case.events.filter(kind=EventKind.AGREEMENT_MADE).count() == 1


@pytest.mark.parametrize("agreements", [(), ["", "  "]], ids=["none", "only-blank"])
def test_a_conversation_without_agreements_plans_no_follow_up(agreements, case, coordinator):
    case = walk_to(case, S.IN_MEDIATION, actor=coordinator)

    conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.INTAKE_A,
        held_on=dt.date(2026, 3, 2),
        report="Huisbezoek bij partij A.",
        agreements=agreements,
    )

    assert Case.objects.get(pk=case.pk).follow_up_due_on is None
    assert not Agreement.objects.filter(case=case).exists()
    assert Conversation.objects.filter(case=case).count() == 1
    kinds = list(case.events.values_list("kind", flat=True))
    assert EventKind.CONVERSATION_LOGGED in kinds
    assert EventKind.AGREEMENT_MADE not in kinds


def test_the_follow_up_call_takes_the_case_off_the_follow_up_list(case, coordinator):
    case = walk_to(case, S.FOLLOW_UP, actor=coordinator)
    assert Case.objects.get(pk=case.pk).follow_up_due_on is not None

    conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.FOLLOW_UP_CALL,
        held_on=timezone.localdate(),
        report="Afspraken worden nagekomen.",
    )

    assert Case.objects.get(pk=case.pk).follow_up_due_on is None


def test_new_agreements_at_the_follow_up_call_plan_another_call(case, coordinator, service):
    case = walk_to(case, S.FOLLOW_UP, actor=coordinator)
    held_on = dt.date(2026, 3, 2)

    conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.FOLLOW_UP_CALL,
        held_on=held_on,
        agreements=["Over vier weken nog eens bellen."],
    )

    assert Case.objects.get(pk=case.pk).follow_up_due_on == held_on + dt.timedelta(weeks=service.follow_up_weeks)


def test_a_conversation_links_only_mediators_and_parties_of_this_case(
    case, make_case, coordinator, mediator, other_service
):
    stranger = MediatorProfileFactory(service=other_service)
    other_case_party = make_case().parties.first()
    own_party = case.parties.first()

    conversation = conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.INTAKE_A,
        held_on=dt.date(2026, 3, 2),
        mediators=[mediator, stranger],
        parties=[own_party, other_case_party],
    )

    assert list(conversation.mediators.all()) == [mediator]
    assert list(conversation.parties.all()) == [own_party]


def test_a_conversation_always_carries_its_cases_service(case, coordinator, other_service):
    logged = conversation_log(
        case=case, actor=coordinator, kind=ConversationKind.PHONE_CALL, held_on=dt.date(2026, 3, 2)
    )
    direct = Conversation(
        case=case, service=other_service, kind=ConversationKind.LETTER, held_on=dt.date(2026, 3, 3), author=coordinator
    )
    direct.save()

    assert logged.service_id == case.service_id
    assert Conversation.objects.get(pk=direct.pk).service_id == case.service_id


# --- the timeline is append-only -------------------------------------------------------------


def test_a_timeline_entry_cannot_be_changed_afterwards(case):
    event = case.events.get()
    original = CaseEvent.objects.values().get(pk=event.pk)

    event.reason = "Achteraf aangepast"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.save(update_fields=["reason"])

    assert CaseEvent.objects.values().get(pk=event.pk) == original
