"""Partner services: the four records, the standby/review cycle and the disclosure rule."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from cases.constants import CaseStatus, ConversationKind, EventKind, Side
from cases.models import Case, CaseEvent
from cases.selectors import work_queue_for_user
from cases.services import case_transition, conversation_log
from organisations.constants import OrganisationKind
from organisations.factories import PartnerOrganisationFactory
from organisations.models import PartnerOrganisation
from partners import services
from partners.constants import DisclosureMethod, JointVisitOutcome, TrajectoryEnd
from partners.models import (
    Accompaniment,
    Consultation,
    DisclosureConsent,
    JointVisit,
    PreTrajectory,
    PreTrajectoryParticipation,
)


def consent(party, organisation, actor, **kwargs):
    kwargs.setdefault("given_on", party.case.reported_on)
    kwargs.setdefault("method", DisclosureMethod.SPOKEN)
    return services.disclosure_consent_record(party=party, organisation=organisation, actor=actor, **kwargs)


def standby_review_cases(coordinator, day):
    sections = {s["key"]: s for s in work_queue_for_user(coordinator, today=day)}
    return sections["standby_review"]["cases"]


# --- The four records ------------------------------------------------------------------


def test_a_consultation_is_recorded_without_any_case_or_resident(coordinator, partner, today):
    consultation = services.consultation_record(
        organisation=partner,
        actor=coordinator,
        held_on=today,
        professional_name="Wijkconsulent Jansen",
        topic="Hoe begin ik over bemiddeling bij overlastklachten?",
        follow_up="Folder nasturen.",
    )
    assert (consultation.service, consultation.coordinator, consultation.organisation) == (
        partner.service,
        coordinator,
        partner,
    )
    # The model cannot carry a case or a resident at all.
    related = {f.related_model._meta.app_label for f in Consultation._meta.get_fields() if f.is_relation}
    assert "cases" not in related
    assert "Geen namen, adressen" in str(Consultation._meta.get_field("topic").help_text)
    assert "zonder bewonersgegevens" in str(Consultation._meta.get_field("follow_up").verbose_name)


def test_a_consultation_in_the_future_or_with_an_inactive_partner_is_refused(coordinator, partner, today):
    with pytest.raises(ValidationError) as error:
        services.consultation_record(
            organisation=partner,
            actor=coordinator,
            held_on=today + dt.timedelta(days=1),
            professional_name="X",
            topic="Y",
        )
    assert "held_on" in error.value.error_dict
    partner.is_active = False
    partner.save()
    with pytest.raises(ValidationError, match="niet actief"):
        services.consultation_record(
            organisation=partner, actor=coordinator, held_on=today, professional_name="X", topic="Y"
        )
    assert not Consultation.objects.exists()


def test_a_pre_trajectory_puts_the_case_on_standby_until_its_review_date(
    case, coordinator, partner, wijkteam, review_on
):
    trajectory = services.pre_trajectory_start(
        case=case,
        actor=coordinator,
        lead_organisation=wijkteam,
        organisations=[partner],
        review_on=review_on,
        notes="Eerst schuldhulp, daarna bemiddeling.",
    )
    case.refresh_from_db()
    assert (case.status, case.standby_review_on) == (CaseStatus.STANDBY, review_on)
    assert trajectory.is_active and trajectory.coordinator == coordinator
    assert set(trajectory.organisations.all()) == {wijkteam, partner}
    event = case.events.filter(kind=EventKind.STATUS_CHANGED).last()
    assert event.to_status == CaseStatus.STANDBY and wijkteam.name in event.reason


def test_only_one_running_pre_trajectory_per_case_and_the_review_date_lies_ahead(
    case, coordinator, partner, review_on, today
):
    with pytest.raises(ValidationError) as error:
        services.pre_trajectory_start(case=case, actor=coordinator, lead_organisation=partner, review_on=today)
    assert "review_on" in error.value.error_dict
    services.pre_trajectory_start(case=case, actor=coordinator, lead_organisation=partner, review_on=review_on)
    with pytest.raises(ValidationError, match="al een lopend voortraject"):
        services.pre_trajectory_start(case=case, actor=coordinator, lead_organisation=partner, review_on=review_on)
    assert PreTrajectory.objects.count() == 1


def test_a_case_that_cannot_go_on_standby_gets_no_trajectory(case, coordinator, partner, review_on):
    outcome = case.service.outcome_set.get(name="Opgelost met alleen advies")
    case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    case_transition(case=case, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome)
    with pytest.raises(ValidationError, match="niet toegestaan"):
        services.pre_trajectory_start(case=case, actor=coordinator, lead_organisation=partner, review_on=review_on)
    assert not PreTrajectory.objects.exists()


def test_an_accompaniment_is_recorded_on_the_party_and_its_conversations(case, coordinator, care, today):
    party_a = case.parties.get(side=Side.A)
    accompaniment = services.accompaniment_start(
        party=party_a, organisation=care, actor=coordinator, care_worker_name="Petra de Wit"
    )
    assert (accompaniment.party, accompaniment.organisation, accompaniment.started_on) == (party_a, care, today)
    talk = conversation_log(case=case, actor=coordinator, kind=ConversationKind.INTAKE_A, held_on=today)
    services.accompaniment_set_conversations(accompaniment=accompaniment, actor=coordinator, conversations=[talk])
    assert list(accompaniment.conversations.all()) == [talk]
    services.accompaniment_end(accompaniment=accompaniment, actor=coordinator)
    accompaniment.refresh_from_db()
    assert accompaniment.ended_on == today
    with pytest.raises(ValidationError):
        services.accompaniment_set_conversations(accompaniment=accompaniment, actor=coordinator, conversations=[])


def test_an_accompaniment_only_attends_conversations_of_its_own_case(case, make_case, coordinator, care, today):
    other = make_case()
    foreign_talk = conversation_log(case=other, actor=coordinator, kind=ConversationKind.PHONE_CALL, held_on=today)
    accompaniment = services.accompaniment_start(
        party=case.parties.first(), organisation=care, actor=coordinator, care_worker_name="Petra de Wit"
    )
    with pytest.raises(ValidationError):
        services.accompaniment_set_conversations(
            accompaniment=accompaniment, actor=coordinator, conversations=[foreign_talk]
        )
    assert not accompaniment.conversations.exists()


def test_a_joint_visit_is_recorded_with_or_without_a_case(case, coordinator, partner, today):
    party_b = case.parties.get(side=Side.B)
    visit = services.joint_visit_record(
        case=case,
        party=party_b,
        organisation=partner,
        actor=coordinator,
        professional_name="Huismeester Bakker",
        visited_on=today,
        outcome=JointVisitOutcome.LATER,
    )
    assert (visit.case, visit.party, visit.coordinator, visit.outcome) == (case, party_b, coordinator, "later")
    assert case.events.filter(kind=EventKind.NOTE, reason__contains="Gezamenlijk huisbezoek").exists()
    loose = services.joint_visit_record(
        organisation=partner,
        actor=coordinator,
        professional_name="Huismeester Bakker",
        visited_on=today,
        outcome=JointVisitOutcome.AGREES,
    )
    assert loose.case is None and loose.service == partner.service


def test_a_joint_visit_party_must_belong_to_its_case(case, make_case, coordinator, partner, today):
    stranger = make_case().parties.first()
    with pytest.raises(ValidationError):
        services.joint_visit_record(
            case=case,
            party=stranger,
            organisation=partner,
            actor=coordinator,
            professional_name="X",
            visited_on=today,
            outcome=JointVisitOutcome.AGREES,
        )


def test_the_outcome_and_consent_method_are_constrained_in_the_database(coordinator, partner, case, today):
    visit = services.joint_visit_record(
        organisation=partner, actor=coordinator, professional_name="X", visited_on=today, outcome="agrees"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        JointVisit.objects.filter(pk=visit.pk).update(outcome="maybe")
    given = consent(case.parties.first(), partner, coordinator)
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureConsent.objects.filter(pk=given.pk).update(method="telepathy")


def test_links_to_another_services_partner_are_refused(case, coordinator, other_service, review_on, today):
    foreign = PartnerOrganisationFactory(service=other_service, name="Woonstichting Beland")
    party = case.parties.first()
    attempts = [
        lambda: services.pre_trajectory_start(
            case=case, actor=coordinator, lead_organisation=foreign, review_on=review_on
        ),
        lambda: services.accompaniment_start(
            party=party, organisation=foreign, actor=coordinator, care_worker_name="X"
        ),
        lambda: services.joint_visit_record(
            case=case,
            organisation=foreign,
            actor=coordinator,
            professional_name="X",
            visited_on=today,
            outcome="agrees",
        ),
        lambda: consent(party, foreign, coordinator),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="andere bemiddelingsorganisatie"):
            attempt()
    assert case.status == CaseStatus.REGISTERED
    assert not (PreTrajectory.objects.exists() or Accompaniment.objects.exists() or JointVisit.objects.exists())


# --- The standby / review cycle through the work queue ----------------------------------


def test_the_pre_trajectory_cycle_through_the_work_queue(case, coordinator, partner, review_on, today):
    trajectory = services.pre_trajectory_start(
        case=case, actor=coordinator, lead_organisation=partner, review_on=review_on
    )
    assert case not in standby_review_cases(coordinator, today)
    assert case not in standby_review_cases(coordinator, review_on - dt.timedelta(days=1))
    assert case in standby_review_cases(coordinator, review_on)

    # Moving the trajectory's review date moves the case's standby with it.
    later = review_on + dt.timedelta(days=14)
    services.pre_trajectory_set_review_on(trajectory=trajectory, actor=coordinator, review_on=later)
    case.refresh_from_db()
    trajectory.refresh_from_db()
    assert case.standby_review_on == later == trajectory.review_on
    assert case not in standby_review_cases(coordinator, review_on)
    assert case in standby_review_cases(coordinator, later)

    # "The time is right": back into intake in one action, and out of the review section.
    services.pre_trajectory_time_is_right(trajectory=trajectory, actor=coordinator)
    case.refresh_from_db()
    trajectory.refresh_from_db()
    assert case.status == CaseStatus.INTAKE and case.standby_review_on is None
    assert (trajectory.ended_on, trajectory.end_reason) == (today, TrajectoryEnd.TIME_IS_RIGHT)
    assert not trajectory.participations.filter(left_on__isnull=True).exists()
    assert case not in standby_review_cases(coordinator, later)
    last = case.events.filter(kind=EventKind.STATUS_CHANGED).last()
    assert (last.from_status, last.to_status) == (CaseStatus.STANDBY, CaseStatus.INTAKE)


def test_an_ended_trajectory_cannot_be_moved_or_ended_again(case, coordinator, partner, review_on):
    trajectory = services.pre_trajectory_start(
        case=case, actor=coordinator, lead_organisation=partner, review_on=review_on
    )
    services.pre_trajectory_time_is_right(trajectory=trajectory, actor=coordinator)
    for attempt in (
        lambda: services.pre_trajectory_set_review_on(trajectory=trajectory, actor=coordinator, review_on=review_on),
        lambda: services.pre_trajectory_time_is_right(trajectory=trajectory, actor=coordinator),
        lambda: services.pre_trajectory_stop(trajectory=trajectory, actor=coordinator),
    ):
        with pytest.raises(ValidationError, match="al beëindigd"):
            attempt()


def test_a_review_date_in_the_past_is_refused_and_changes_nothing(case, coordinator, partner, review_on, today):
    trajectory = services.pre_trajectory_start(
        case=case, actor=coordinator, lead_organisation=partner, review_on=review_on
    )
    with pytest.raises(ValidationError):
        services.pre_trajectory_set_review_on(trajectory=trajectory, actor=coordinator, review_on=today)
    case.refresh_from_db()
    trajectory.refresh_from_db()
    assert case.standby_review_on == review_on == trajectory.review_on


def test_the_time_is_right_when_the_case_left_standby_already_is_refused_and_stop_remains(
    case, coordinator, partner, review_on
):
    trajectory = services.pre_trajectory_start(
        case=case, actor=coordinator, lead_organisation=partner, review_on=review_on
    )
    case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    with pytest.raises(ValidationError):
        services.pre_trajectory_time_is_right(trajectory=trajectory, actor=coordinator)
    services.pre_trajectory_stop(trajectory=trajectory, actor=coordinator)
    trajectory.refresh_from_db()
    assert trajectory.end_reason == TrajectoryEnd.STOPPED
    assert Case.objects.get(pk=case.pk).status == CaseStatus.INTAKE


def test_a_case_already_on_standby_keeps_it_with_the_trajectorys_date(case, coordinator, partner, review_on, today):
    case_transition(
        case=case,
        to_status=CaseStatus.STANDBY,
        actor=coordinator,
        reason="Wacht op politie",
        review_on=today + dt.timedelta(days=3),
    )
    services.pre_trajectory_start(case=case, actor=coordinator, lead_organisation=partner, review_on=review_on)
    case.refresh_from_db()
    assert (case.status, case.standby_review_on) == (CaseStatus.STANDBY, review_on)


# --- The disclosure rule (domain rule 4), for every kind of link -----------------------


@pytest.fixture
def ctx(self_report, reporter, neighbour, coordinator, care, wijkteam, review_on, today):
    """A self-reported case; `wijkteam` has the reporter's consent, `care` is the organisation under test."""
    consent(reporter, wijkteam, coordinator)
    talk = conversation_log(case=self_report, actor=coordinator, kind=ConversationKind.INTAKE_A, held_on=today)
    return {
        "case": self_report,
        "party": reporter,
        "org": care,
        "other": wijkteam,
        "actor": coordinator,
        "review_on": review_on,
        "today": today,
        "talk": talk,
    }


def _trajectory_lead(c):
    return services.pre_trajectory_start(
        case=c["case"], actor=c["actor"], lead_organisation=c["org"], review_on=c["review_on"]
    )


def _trajectory_member(c):
    trajectory = services.pre_trajectory_start(
        case=c["case"],
        actor=c["actor"],
        lead_organisation=c["other"],
        organisations=[c["org"]],
        review_on=c["review_on"],
    )
    return trajectory.participations.get(organisation=c["org"])


def _trajectory_joiner(c):
    trajectory = PreTrajectory.objects.filter(case=c["case"], ended_on__isnull=True).first()
    if trajectory is None:
        trajectory = services.pre_trajectory_start(
            case=c["case"], actor=c["actor"], lead_organisation=c["other"], review_on=c["review_on"]
        )
    return services.pre_trajectory_add_organisation(trajectory=trajectory, actor=c["actor"], organisation=c["org"])


def _accompaniment(c):
    return services.accompaniment_start(
        party=c["party"], organisation=c["org"], actor=c["actor"], care_worker_name="Petra de Wit"
    )


def _attendance(c):
    accompaniment = Accompaniment.objects.filter(party=c["party"], organisation=c["org"], ended_on__isnull=True).first()
    if accompaniment is None:
        # A row made outside the services (e.g. imported): linking conversations checks the rule itself.
        accompaniment = Accompaniment.objects.create(
            service=c["case"].service,
            party=c["party"],
            organisation=c["org"],
            care_worker_name="Petra de Wit",
            started_on=c["today"],
        )
    return services.accompaniment_set_conversations(
        accompaniment=accompaniment, actor=c["actor"], conversations=[c["talk"]]
    )


def _joint_visit(c):
    return services.joint_visit_record(
        case=c["case"],
        party=c["party"],
        organisation=c["org"],
        actor=c["actor"],
        professional_name="Wijkverpleegkundige Smit",
        visited_on=c["today"],
        outcome=JointVisitOutcome.AGREES,
    )


def _live(link) -> bool:
    """Is the link still in force after a refresh (one-off visits always are history)?"""
    link.refresh_from_db()
    if isinstance(link, PreTrajectory):
        return link.ended_on is None
    if isinstance(link, PreTrajectoryParticipation):
        return link.left_on is None
    if isinstance(link, Accompaniment):
        return link.ended_on is None
    return True


LINKS = {
    "pre-trajectory lead": _trajectory_lead,
    "pre-trajectory participant": _trajectory_member,
    "organisation joins a running pre-trajectory": _trajectory_joiner,
    "accompaniment": _accompaniment,
    "accompaniment attends a conversation": _attendance,
    "joint visit": _joint_visit,
}


def _no_link_stored(c):
    return not (
        PreTrajectoryParticipation.objects.filter(organisation=c["org"]).exists()
        or Accompaniment.objects.filter(organisation=c["org"], conversations__isnull=False).exists()
        or Accompaniment.objects.filter(organisation=c["org"]).exclude(care_worker_name="Petra de Wit").exists()
        or JointVisit.objects.filter(organisation=c["org"]).exists()
    )


@pytest.mark.parametrize("kind", LINKS)
def test_a_self_report_is_not_linked_to_a_partner_without_consent(kind, ctx):
    with pytest.raises(ValidationError) as error:
        LINKS[kind](ctx)
    assert "zelfmelder" in " ".join(error.value.messages)
    assert ctx["org"].name in " ".join(error.value.messages)
    assert _no_link_stored(ctx)
    assert not PreTrajectory.objects.filter(lead_organisation=ctx["org"]).exists()


@pytest.mark.parametrize("kind", LINKS)
def test_with_the_residents_consent_the_link_is_made(kind, ctx):
    consent(ctx["party"], ctx["org"], ctx["actor"])
    link = LINKS[kind](ctx)
    assert _live(link)


@pytest.mark.parametrize("kind", LINKS)
def test_withdrawing_the_consent_stops_the_link_and_refuses_new_ones(kind, ctx):
    given = consent(ctx["party"], ctx["org"], ctx["actor"])
    link = LINKS[kind](ctx)
    services.disclosure_consent_withdraw(consent=given, actor=ctx["actor"])
    given.refresh_from_db()
    assert given.withdrawn_on == ctx["today"]
    if isinstance(link, JointVisit):
        assert JointVisit.objects.filter(pk=link.pk).exists()  # a past visit stays history
    else:
        assert not _live(link)
    # A later link of the same kind (into the trajectory that still runs, where there is one).
    relink = _trajectory_joiner if kind == "pre-trajectory participant" else LINKS[kind]
    with pytest.raises(ValidationError, match="zelfmelder"):
        relink(ctx)


def test_withdrawal_of_the_lead_ends_the_trajectory_but_the_case_comes_back_in_the_queue(ctx, coordinator):
    given = consent(ctx["party"], ctx["org"], ctx["actor"])
    trajectory = _trajectory_lead(ctx)
    services.disclosure_consent_withdraw(consent=given, actor=ctx["actor"])
    trajectory.refresh_from_db()
    assert (trajectory.end_reason, trajectory.ended_on) == (TrajectoryEnd.CONSENT_WITHDRAWN, ctx["today"])
    case = Case.objects.get(pk=ctx["case"].pk)
    assert case.status == CaseStatus.STANDBY
    assert case in standby_review_cases(coordinator, ctx["review_on"])


def test_withdrawal_ends_only_the_links_of_that_organisation(ctx):
    given = consent(ctx["party"], ctx["org"], ctx["actor"])
    participation = _trajectory_member(ctx)
    lead_participation = participation.trajectory.participations.get(organisation=ctx["other"])
    services.disclosure_consent_withdraw(consent=given, actor=ctx["actor"])
    assert not _live(participation)
    assert _live(lead_participation) and _live(participation.trajectory)


def test_a_neighbour_named_in_a_link_must_consent_too(ctx, neighbour):
    consent(ctx["party"], ctx["org"], ctx["actor"])  # the reporter agreed
    with pytest.raises(ValidationError, match="zelfmelder"):
        services.accompaniment_start(party=neighbour, organisation=ctx["org"], actor=ctx["actor"], care_worker_name="X")
    consent(neighbour, ctx["org"], ctx["actor"])
    assert services.accompaniment_start(
        party=neighbour, organisation=ctx["org"], actor=ctx["actor"], care_worker_name="X"
    ).is_active


def test_the_neighbours_consent_alone_does_not_reveal_the_self_reporter(ctx, neighbour):
    consent(neighbour, ctx["org"], ctx["actor"])
    with pytest.raises(ValidationError, match="zelfmelder"):
        services.accompaniment_start(party=neighbour, organisation=ctx["org"], actor=ctx["actor"], care_worker_name="X")


@pytest.mark.parametrize("kind", LINKS)
def test_cases_that_are_not_self_reports_need_no_disclosure_consent(
    kind, ctx, make_case, coordinator, today, professional
):
    phone_case = make_case(referrer_organisation=professional)  # a professional phoned it in
    ctx.update(
        case=phone_case,
        party=phone_case.parties.get(side=Side.A),
        talk=conversation_log(case=phone_case, actor=coordinator, kind=ConversationKind.INTAKE_A, held_on=today),
    )
    assert _live(LINKS[kind](ctx))


def test_a_consent_is_recorded_once_per_resident_and_organisation_and_withdrawn_once(ctx):
    given = consent(ctx["party"], ctx["org"], ctx["actor"])
    with pytest.raises(ValidationError, match="al een toestemming"):
        consent(ctx["party"], ctx["org"], ctx["actor"])
    with pytest.raises(ValidationError):
        consent(ctx["party"], ctx["org"], ctx["actor"], given_on=ctx["today"] + dt.timedelta(days=1))
    services.disclosure_consent_withdraw(consent=given, actor=ctx["actor"])
    with pytest.raises(ValidationError, match="al ingetrokken"):
        services.disclosure_consent_withdraw(consent=given, actor=ctx["actor"])
    # After a withdrawal the resident may agree again; the old row stays as history.
    consent(ctx["party"], ctx["org"], ctx["actor"], method=DisclosureMethod.WRITTEN)
    assert DisclosureConsent.objects.filter(party=ctx["party"], organisation=ctx["org"]).count() == 2
    notes = CaseEvent.objects.filter(case=ctx["case"], kind=EventKind.NOTE).values_list("reason", flat=True)
    assert any("ingetrokken" in note for note in notes)


def test_partner_create_refuses_a_duplicate_name_in_dutch(service, coordinator, partner):
    with pytest.raises(ValidationError) as error:
        services.partner_create(service=service, actor=coordinator, name="woonstichting aland", kind="police")
    assert error.value.message_dict["name"] == ["Er is al een partnerorganisatie met deze naam."]
    services.partner_update(partner=partner, actor=coordinator, is_active=False)
    assert PartnerOrganisation.objects.get(pk=partner.pk).is_active is False
    created = services.partner_create(
        service=service, actor=coordinator, name="Politie Aland", kind=OrganisationKind.POLICE
    )
    assert created.service == service
