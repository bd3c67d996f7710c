"""Partner pages and the case page's collaboration panel, driven as a coordinator would."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.constants import CaseStatus, Channel, ConversationKind, Side
from cases.models import Case
from cases.services import case_transition, conversation_log
from organisations.constants import OrganisationKind
from organisations.factories import ContactPersonFactory, PartnerOrganisationFactory, WorkingAgreementFactory
from organisations.models import ContactPerson, PartnerOrganisation, WorkingAgreement
from partners import services
from partners.constants import DisclosureMethod, JointVisitOutcome, TrajectoryEnd
from partners.factories import ConsultationFactory, JointVisitFactory
from partners.models import Accompaniment, Consultation, DisclosureConsent, JointVisit, PreTrajectory


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Partner pages ---------------------------------------------------------------------


def test_a_coordinator_adds_a_partner_and_lands_on_its_page(login, coordinator, service):
    client = login(coordinator)
    assert client.get(reverse("partners:create")).status_code == 200
    response = client.post(
        reverse("partners:create"),
        {"name": "GGD Aland", "kind": OrganisationKind.CARE_PROVIDER, "email": "info@ggd.example", "is_active": "on"},
        follow=True,
    )
    partner = PartnerOrganisation.objects.get(name="GGD Aland")
    assert partner.service == service
    assert response.redirect_chain[-1][0] == partner.get_absolute_url()
    assert "GGD Aland is toegevoegd." in response.text


def test_a_duplicate_partner_name_is_reported_at_the_field(login, coordinator, partner):
    response = login(coordinator).post(
        reverse("partners:create"), {"name": partner.name, "kind": OrganisationKind.POLICE}
    )
    assert response.status_code == 200
    assert "Er is al een partnerorganisatie met deze naam." in response.text
    assert PartnerOrganisation.objects.count() == 1


def test_a_coordinator_marks_a_partner_inactive(login, coordinator, partner):
    client = login(coordinator)
    url = reverse("partners:edit", args=[partner.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"name": partner.name, "kind": partner.kind})
    partner.refresh_from_db()
    assert partner.is_active is False
    assert "niet actief" in client.get(partner.get_absolute_url()).text


def test_contact_persons_and_working_agreements_are_added_from_the_partner_page(login, coordinator, partner, today):
    client = login(coordinator)
    page = client.get(partner.get_absolute_url()).text
    assert reverse("partners:contact_add", args=[partner.pk]) in page
    response = client.post(
        reverse("partners:contact_add", args=[partner.pk]),
        {"name": "Henk Visser", "role": "Wijkbeheerder", "phone": "088 1234567", "email": "h.visser@ws.example"},
        follow=True,
    )
    assert "De contactpersoon is toegevoegd." in response.text
    assert "Henk Visser" in response.text and "Wijkbeheerder" in response.text
    response = client.post(
        reverse("partners:agreement_add", args=[partner.pk]),
        {
            "description": "Overlastmeldingen gaan na twee klachten naar buurtbemiddeling.",
            "starts_on": today.isoformat(),
            "review_on": (today + dt.timedelta(days=365)).isoformat(),
        },
        follow=True,
    )
    assert "De werkafspraak is vastgelegd." in response.text
    assert ContactPerson.objects.get().organisation == partner
    assert WorkingAgreement.objects.get().organisation == partner


def test_a_working_agreement_reviewed_before_it_starts_is_refused(login, coordinator, partner, today):
    response = login(coordinator).post(
        reverse("partners:agreement_add", args=[partner.pk]),
        {"description": "X", "starts_on": today.isoformat(), "review_on": (today - dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    assert "De evaluatiedatum ligt op of na de ingangsdatum." in response.text
    assert not WorkingAgreement.objects.exists()


def test_a_consultation_is_recorded_from_the_partner_page_with_a_warning(login, coordinator, partner, today):
    client = login(coordinator)
    url = reverse("partners:consultation_add", args=[partner.pk])
    page = client.get(url).text
    assert "vul geen namen, adressen of andere gegevens" in page
    assert "Geen namen, adressen of andere gegevens van bewoners invullen." in page
    assert 'name="case"' not in page and 'name="party"' not in page
    response = client.post(
        url,
        {
            "held_on": today.isoformat(),
            "professional_name": "Wijkconsulent Jansen",
            "topic": "Bemiddeling voorstellen bij burenruzie",
            "follow_up": "",
        },
        follow=True,
    )
    assert "De consultatie is vastgelegd." in response.text
    consultation = Consultation.objects.get()
    assert (consultation.organisation, consultation.coordinator) == (partner, coordinator)
    assert "Bemiddeling voorstellen bij burenruzie" in response.text


def test_a_joint_visit_without_a_case_is_recorded_from_the_partner_page(login, coordinator, partner, today):
    client = login(coordinator)
    url = reverse("partners:joint_visit_add", args=[partner.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"visited_on": today.isoformat(), "professional_name": "Huismeester Bakker", "outcome": "declines"},
        follow=True,
    )
    assert "Het huisbezoek is vastgelegd." in response.text
    visit = JointVisit.objects.get()
    assert (visit.case, visit.outcome, visit.coordinator) == (None, JointVisitOutcome.DECLINES, coordinator)


def test_invalid_input_is_reported_at_the_field_and_nothing_is_stored(login, coordinator, partner, today):
    client = login(coordinator)
    url = reverse("partners:consultation_add", args=[partner.pk])
    response = client.post(url, {"held_on": today.isoformat(), "topic": "x\x07y"})
    assert response.status_code == 200
    assert "Deze tekst bevat ongeldige tekens." in response.text
    assert "Dit veld is verplicht." in response.text  # the professional's name
    # The service's own refusal lands at its field too.
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"held_on": tomorrow, "professional_name": "Jansen", "topic": "Werkwijze"})
    assert "Deze datum kan niet in de toekomst liggen." in response.text
    assert 'value="Werkwijze"' in response.text
    assert not Consultation.objects.exists()


# --- Referral figures ------------------------------------------------------------------


@pytest.fixture
def referred(service, referrer, coordinator, partner, make_case):
    """Six cases referred by `partner` in known states, one by another partner, two referrals."""
    from referrals.models import Referral

    other_partner = PartnerOrganisationFactory(service=service, name="Politie Aland", kind=OrganisationKind.POLICE)
    resolved = service.outcome_set.get(name="Opgelost met alleen advies")
    not_resolved = service.outcome_set.get(name="Niet opgelost: geen contact mogelijk")

    def referred_case(*steps, org=partner):
        case = make_case(channel=Channel.REFERRAL, referrer_organisation=org)
        for status, kwargs in steps:
            case_transition(case=case, to_status=status, actor=coordinator, **kwargs)
        return case

    intake = (CaseStatus.INTAKE, {})
    suitable = (CaseStatus.SUITABLE, {})
    reason = service.unsuitabilityreason_set.first()
    cases = [
        referred_case(),  # open, nothing decided
        referred_case(intake, (CaseStatus.UNSUITABLE, {"unsuitability_reason": reason})),
        referred_case(intake, suitable),  # picked up
        referred_case(intake, suitable, (CaseStatus.IN_MEDIATION, {}), (CaseStatus.CLOSED, {"outcome": resolved})),
        referred_case(intake, suitable, (CaseStatus.CLOSED, {"outcome": not_resolved})),
        referred_case(
            (CaseStatus.STANDBY, {"reason": "voortraject", "review_on": timezone.localdate() + dt.timedelta(days=9)}),
            (CaseStatus.CLOSED, {"outcome": resolved}),
        ),
    ]
    referred_case(intake, suitable, org=other_partner)  # another partner's: not counted
    Referral.objects.create(service=service, case=cases[0], referrer=referrer, organisation=partner)
    Referral.objects.create(
        service=service, case=None, referrer=referrer, organisation=partner, withdrawn_at=timezone.now()
    )
    return cases


# Counted by hand from the fixture above.
EXPECTED_FIGURES = {
    "referrals": 2,
    "withdrawn": 1,
    "cases": 6,
    "open": 2,
    "suitable": 3,
    "unsuitable": 1,
    "picked_up": 3,
    # Closed from standby with an advice-only outcome: never judged suitable, so not
    # "resolved" (referrals/milestones.py).
    "resolved": 1,
    "not_resolved": 2,
}


def test_the_partner_page_shows_hand_counted_referral_figures_and_no_case_list(login, coordinator, partner, referred):
    from referrals.selectors import referral_figures

    assert referral_figures(partner) == EXPECTED_FIGURES
    html = login(coordinator).get(partner.get_absolute_url()).text
    for key, value in EXPECTED_FIGURES.items():
        assert f'data-figure="{key}">{value}<' in html
    # Figures only: no case of the referrals is named on the partner page.
    for case in referred:
        assert case.reference not in html
        assert case.description not in html
    assert '<td class="text-end">6</td>' in login(coordinator).get(reverse("partners:list")).text


# --- The case page panel ---------------------------------------------------------------


def test_the_case_page_has_the_collaboration_panel(login, coordinator, case):
    html = login(coordinator).get(case.get_absolute_url()).text
    assert 'id="samenwerking"' in html and "Samenwerking" in html
    for name in ("consent_record", "trajectory_start", "accompaniment_start", "case_joint_visit"):
        assert reverse(f"partners:{name}", args=[case.reference]) in html
    assert "selfreport-disclosure-note" not in html


def test_a_self_report_page_explains_the_disclosure_rule(login, coordinator, self_report):
    assert "selfreport-disclosure-note" in login(coordinator).get(self_report.get_absolute_url()).text


def test_the_pre_trajectory_cycle_from_the_case_page(login, coordinator, case, partner, wijkteam, review_on, today):
    client = login(coordinator)
    response = client.post(
        reverse("partners:trajectory_start", args=[case.reference]),
        {
            "trajectory-lead_organisation": wijkteam.pk,
            "trajectory-organisations": [partner.pk],
            "trajectory-review_on": review_on.isoformat(),
            "trajectory-notes": "Eerst schuldhulp.",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == case.get_absolute_url() + "#samenwerking"
    assert "Het voortraject is gestart; de zaak staat op standby." in messages_of(response)
    case.refresh_from_db()
    trajectory = PreTrajectory.objects.get()
    assert (case.status, case.standby_review_on) == (CaseStatus.STANDBY, review_on)
    assert "running-trajectory" in response.text and "Eerst schuldhulp." in response.text

    later = review_on + dt.timedelta(days=7)
    client.post(
        reverse("partners:trajectory_review", args=[case.reference, trajectory.pk]),
        {"review-review_on": later.isoformat()},
    )
    case.refresh_from_db()
    assert case.standby_review_on == later

    care = PartnerOrganisationFactory(service=case.service, name="Thuiszorg Aland", kind=OrganisationKind.HOME_CARE)
    client.post(
        reverse("partners:trajectory_add_organisation", args=[case.reference, trajectory.pk]),
        {"trajectory-org-organisation": care.pk},
    )
    assert set(trajectory.organisations.all()) == {wijkteam, partner, care}

    response = client.post(
        reverse("partners:trajectory_time_is_right", args=[case.reference, trajectory.pk]), {}, follow=True
    )
    assert "Het moment is daar: de zaak is terug in intake." in messages_of(response)
    case.refresh_from_db()
    trajectory.refresh_from_db()
    assert case.status == CaseStatus.INTAKE
    assert (trajectory.ended_on, trajectory.end_reason) == (today, TrajectoryEnd.TIME_IS_RIGHT)


def test_the_coordinator_stops_a_trajectory_when_the_case_moved_on(login, coordinator, case, partner, review_on):
    trajectory = services.pre_trajectory_start(
        case=case, actor=coordinator, lead_organisation=partner, review_on=review_on
    )
    case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    client = login(coordinator)
    html = client.get(case.get_absolute_url()).text
    assert reverse("partners:trajectory_stop", args=[case.reference, trajectory.pk]) in html
    assert reverse("partners:trajectory_time_is_right", args=[case.reference, trajectory.pk]) not in html
    client.post(reverse("partners:trajectory_stop", args=[case.reference, trajectory.pk]))
    trajectory.refresh_from_db()
    assert trajectory.end_reason == TrajectoryEnd.STOPPED


def test_a_refused_link_comes_back_as_a_clear_message_and_stores_nothing(
    login, coordinator, self_report, care, review_on
):
    response = login(coordinator).post(
        reverse("partners:trajectory_start", args=[self_report.reference]),
        {"trajectory-lead_organisation": care.pk, "trajectory-review_on": review_on.isoformat()},
        follow=True,
    )
    text = " ".join(messages_of(response))
    assert "Niet opgeslagen." in text and "zelfmelder" in text and care.name in text
    self_report.refresh_from_db()
    assert self_report.status == CaseStatus.REGISTERED
    assert not PreTrajectory.objects.exists()


def test_consent_accompaniment_and_withdrawal_from_the_case_page(
    login, coordinator, self_report, reporter, care, today
):
    client = login(coordinator)
    accompany = {
        "accompaniment-party": reporter.pk,
        "accompaniment-organisation": care.pk,
        "accompaniment-care_worker_name": "Petra de Wit",
        "accompaniment-started_on": today.isoformat(),
    }
    client.post(reverse("partners:accompaniment_start", args=[self_report.reference]), accompany)
    assert not Accompaniment.objects.exists()

    response = client.post(
        reverse("partners:consent_record", args=[self_report.reference]),
        {
            "consent-party": reporter.pk,
            "consent-organisation": care.pk,
            "consent-given_on": today.isoformat(),
            "consent-method": DisclosureMethod.WRITTEN,
        },
        follow=True,
    )
    assert "De toestemming is vastgelegd." in messages_of(response)
    given = DisclosureConsent.objects.get()

    response = client.post(
        reverse("partners:accompaniment_start", args=[self_report.reference]), accompany, follow=True
    )
    assert "De begeleiding is vastgelegd. De hulpverlener krijgt geen toegang tot de zaak." in messages_of(response)
    accompaniment = Accompaniment.objects.get()
    assert "Petra de Wit" in response.text

    talk = conversation_log(case=self_report, actor=coordinator, kind=ConversationKind.INTAKE_A, held_on=today)
    client.post(
        reverse("partners:accompaniment_conversations", args=[self_report.reference, accompaniment.pk]),
        {"conversations": [talk.pk]},
    )
    assert list(accompaniment.conversations.all()) == [talk]

    response = client.post(reverse("partners:consent_withdraw", args=[self_report.reference, given.pk]), follow=True)
    assert any("is ingetrokken" in m for m in messages_of(response))
    accompaniment.refresh_from_db()
    given.refresh_from_db()
    assert given.withdrawn_on == today and accompaniment.ended_on == today


def test_a_coordinator_ends_an_accompaniment(login, coordinator, case, care):
    accompaniment = services.accompaniment_start(
        party=case.parties.first(), organisation=care, actor=coordinator, care_worker_name="Petra de Wit"
    )
    login(coordinator).post(reverse("partners:accompaniment_end", args=[case.reference, accompaniment.pk]))
    accompaniment.refresh_from_db()
    assert accompaniment.ended_on is not None


def test_a_joint_visit_is_recorded_from_the_case_page(login, coordinator, case, partner, today):
    party_b = case.parties.get(side=Side.B)
    response = login(coordinator).post(
        reverse("partners:case_joint_visit", args=[case.reference]),
        {
            "visit-party": party_b.pk,
            "visit-organisation": partner.pk,
            "visit-professional_name": "Huismeester Bakker",
            "visit-visited_on": today.isoformat(),
            "visit-outcome": JointVisitOutcome.AGREES,
        },
        follow=True,
    )
    assert "Het gezamenlijke huisbezoek is vastgelegd." in messages_of(response)
    visit = JointVisit.objects.get()
    assert (visit.case, visit.party, visit.outcome) == (case, party_b, JointVisitOutcome.AGREES)
    assert "Wil meedoen aan bemiddeling" in response.text


def test_an_incomplete_panel_form_says_what_is_missing(login, coordinator, case):
    response = login(coordinator).post(
        reverse("partners:case_joint_visit", args=[case.reference]), {"visit-outcome": "maybe"}, follow=True
    )
    text = " ".join(messages_of(response))
    assert "Niet opgeslagen." in text and "Partnerorganisatie" in text and "Uitkomst" in text
    assert not JointVisit.objects.exists()


def test_a_party_of_another_case_cannot_be_posted_into_the_panel(login, coordinator, case, make_case, partner, today):
    stranger = make_case().parties.first()
    login(coordinator).post(
        reverse("partners:consent_record", args=[case.reference]),
        {
            "consent-party": stranger.pk,
            "consent-organisation": partner.pk,
            "consent-given_on": today.isoformat(),
            "consent-method": "spoken",
        },
    )
    assert not DisclosureConsent.objects.exists()


# --- Constant queries ------------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def fill_partner(partner, coordinator, make_case, n):
    """n of everything on the partner page, linked the way the services link them."""
    ContactPersonFactory.create_batch(n, organisation=partner)
    WorkingAgreementFactory.create_batch(n, organisation=partner)
    ConsultationFactory.create_batch(n, organisation=partner, coordinator=coordinator)
    JointVisitFactory.create_batch(n, organisation=partner, coordinator=coordinator)
    review_on = timezone.localdate() + dt.timedelta(days=30)
    for _ in range(n):
        case = make_case(channel=Channel.REFERRAL, referrer_organisation=partner)
        services.pre_trajectory_start(case=case, actor=coordinator, lead_organisation=partner, review_on=review_on)
        services.accompaniment_start(
            party=case.parties.first(), organisation=partner, actor=coordinator, care_worker_name="Hulpverlener"
        )


def test_the_partner_list_costs_the_same_queries_for_3_or_15_partners(login, coordinator, service, make_case):
    client = login(coordinator)
    partners = [PartnerOrganisationFactory(service=service, name=f"Partner {i:02d}") for i in range(15)]
    for partner in partners[:3]:
        fill_partner(partner, coordinator, make_case, 1)
    url = reverse("partners:list")
    few = count_queries(client, url)
    for partner in partners[3:]:
        fill_partner(partner, coordinator, make_case, 2)
    assert count_queries(client, url) == few


def test_the_partner_page_costs_the_same_queries_for_1_or_12_of_everything(
    login, coordinator, partner, make_case, django_assert_max_num_queries
):
    client = login(coordinator)
    fill_partner(partner, coordinator, make_case, 1)
    few = count_queries(client, partner.get_absolute_url())
    fill_partner(partner, coordinator, make_case, 11)
    with django_assert_max_num_queries(few):
        client.get(partner.get_absolute_url())


def test_the_panel_adds_constant_queries_to_the_case_page(login, coordinator, case, care, partner, today):
    client = login(coordinator)

    def add_round(i):
        party = case.parties.first()
        org = PartnerOrganisationFactory(service=case.service, name=f"Organisatie {i}")
        services.disclosure_consent_record(
            party=party, organisation=org, actor=coordinator, given_on=today, method="spoken"
        )
        accompaniment = services.accompaniment_start(
            party=party, organisation=org, actor=coordinator, care_worker_name=f"Hulpverlener {i}"
        )
        talk = conversation_log(case=case, actor=coordinator, kind=ConversationKind.PHONE_CALL, held_on=today)
        services.accompaniment_set_conversations(accompaniment=accompaniment, actor=coordinator, conversations=[talk])
        services.joint_visit_record(
            case=case, organisation=org, actor=coordinator, professional_name="X", visited_on=today, outcome="later"
        )

    add_round(0)
    few = count_queries(client, case.get_absolute_url())
    for i in range(1, 8):
        add_round(i)
    assert count_queries(client, case.get_absolute_url()) == few


def test_the_panel_is_not_in_the_mediators_view(login, assigned_case, mediator_user):
    html = login(mediator_user).get(assigned_case.get_absolute_url()).text
    assert "samenwerking-title" not in html


def test_case_status_unchanged_by_a_failed_time_is_right(login, coordinator, case, partner, review_on):
    trajectory = services.pre_trajectory_start(
        case=case, actor=coordinator, lead_organisation=partner, review_on=review_on
    )
    case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    response = login(coordinator).post(
        reverse("partners:trajectory_time_is_right", args=[case.reference, trajectory.pk]), follow=True
    )
    assert any("Niet opgeslagen." in m for m in messages_of(response))
    assert Case.objects.get(pk=case.pk).status == CaseStatus.INTAKE
    assert PreTrajectory.objects.get().ended_on is None


def test_a_panel_form_with_an_error_comes_back_open_with_what_was_typed(login, coordinator, case):
    """A collaboration form sent with an error: the case page again, that form open, the
    typed values kept and the error beside the field (not a redirect that loses them)."""
    response = login(coordinator).post(
        reverse("partners:accompaniment_start", args=[case.reference]),
        {"accompaniment-care_worker_name": "Petra de Wit", "accompaniment-organisation": ""},
    )
    assert response.status_code == 200
    html = response.text
    assert 'value="Petra de Wit"' in html
    assert "<details open" in html
    assert not case.parties.filter(accompaniments__isnull=False).exists()
