"""Referrals: the consent gate, the handover, withdrawal and outcome-only feedback."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases.constants import CaseStatus, Channel, ConversationKind
from cases.models import Case, Outcome, Party
from cases.selectors import work_queue_for_user
from cases.services import case_transition, conversation_log
from organisations.constants import OrganisationKind
from organisations.factories import PartnerOrganisationFactory
from referrals import milestones
from referrals.models import Referral, ReferralConsent
from referrals.services import referral_submit, referral_withdraw

TODAY = timezone.localdate()


def form_data(*, neighbour="not_yet", **overrides):
    data = {
        "resident": "yes",
        "neighbour": neighbour,
        "ca-agreed_by": "Mevrouw Aksoy",
        "ca-agreed_on": (TODAY - dt.timedelta(days=1)).isoformat(),
        "ca-method": "spoken",
        "a-name": "Ayla Aksoy",
        "a-phone": "06 11223344",
        "a-street": "Beukenlaan",
        "a-house_number": "3",
        "a-postcode": "7512 CD",
        "a-city": "Aland",
        "b-street": "Beukenlaan",
        "b-house_number": "5",
        "b-postcode": "7512 CD",
        "own_reference": "WB-2026-77",
        "description": "Ruzie over de schutting.",
    }
    if neighbour == "yes":
        data.update(
            {
                "cb-agreed_by": "Meneer Bos",
                "cb-agreed_on": TODAY.isoformat(),
                "cb-method": "written",
                "b-name": "Bert Bos",
                "b-email": "bert@example.org",
            }
        )
    data.update(overrides)
    return data


def stored():
    return (Case.objects.count(), Party.objects.count(), Referral.objects.count(), ReferralConsent.objects.count())


# --- The consent gate ------------------------------------------------------------------


def test_the_form_starts_with_the_consent_question_and_no_personal_fields(login, referrer):
    html = login(referrer).get(reverse("referrals:create")).text
    assert "gaf hij of zij toestemming" in html
    assert 'name="a-name"' not in html and 'name="b-name"' not in html


def test_not_yet_explains_how_to_ask_and_offers_the_self_report_route_without_data_fields(login, referrer, service):
    service.phone = "053 1234567"
    service.save()
    html = login(referrer).get(reverse("referrals:create"), {"resident": "not_yet", "neighbour": "not_yet"}).text
    assert "Vraag eerst toestemming" in html
    assert "/melden/" in html and "053 1234567" in html
    assert "<input" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    note = login(referrer).get(reverse("referrals:advice"))
    assert note.status_code == 200 and "Buurtbemiddeling kan helpen" in note.text


def test_with_consent_of_the_resident_only_the_neighbour_gets_address_fields(login, referrer):
    html = login(referrer).get(reverse("referrals:create"), {"resident": "yes", "neighbour": "not_yet"}).text
    assert 'name="a-name"' in html and 'name="ca-agreed_by"' in html
    assert 'name="b-street"' in html
    assert 'name="b-name"' not in html and 'name="b-phone"' not in html and 'name="cb-agreed_by"' not in html


# --- The handover ------------------------------------------------------------------------


def test_a_referral_creates_a_case_in_the_coordinators_work_queue(login, referrer, coordinator, partner):
    response = login(referrer).post(reverse("referrals:create"), form_data(), follow=True)
    assert "Uw verwijzing is ontvangen" in response.text
    case = Case.objects.get()
    assert case.channel == Channel.REFERRAL and case.referrer_organisation == partner
    assert case.service == referrer.service and case.status == CaseStatus.REGISTERED
    a, b = case.parties.order_by("side")
    assert (a.name, a.phone, a.postcode) == ("Ayla Aksoy", "0611223344", "7512 CD")
    assert (b.name, b.phone, b.email, b.house_number) == ("", "", "", "5")
    referral = Referral.objects.get()
    assert (referral.referrer, referral.organisation, referral.own_reference) == (referrer, partner, "WB-2026-77")
    consent = ReferralConsent.objects.get()
    assert (consent.party, consent.agreed_by, consent.method) == (a, "Mevrouw Aksoy", "spoken")
    new = next(section for section in work_queue_for_user(coordinator) if section["key"] == "new")
    assert case in new["cases"]


def test_with_consent_of_both_the_neighbours_details_are_passed_too(login, referrer):
    login(referrer).post(reverse("referrals:create"), form_data(neighbour="yes"))
    b = Party.objects.get(side="B")
    assert (b.name, b.email) == ("Bert Bos", "bert@example.org")
    assert ReferralConsent.objects.get(party=b).agreed_by == "Meneer Bos"


def test_missing_consent_details_are_reported_at_the_field_and_nothing_is_stored(login, referrer):
    response = login(referrer).post(
        reverse("referrals:create"), form_data(**{"ca-agreed_by": "", "ca-agreed_on": "2999-01-01"})
    )
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.text
    assert "kan niet in de toekomst liggen" in response.text
    assert 'value="Ayla Aksoy"' in response.text  # input kept
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    "raw",
    [
        # The gate answered "not yet", but personal data is sent anyway.
        {"resident": "not_yet", "neighbour": "not_yet", "a-name": "Ayla Aksoy", "a-phone": "0611223344"},
        # No gate answer at all.
        {"a-name": "Ayla Aksoy", "a-street": "Beukenlaan", "a-postcode": "7512 CD", "a-house_number": "3"},
        # A gate answer that is not one of the choices.
        {"resident": "ja hoor", "neighbour": "yes", "a-name": "Ayla Aksoy"},
    ],
)
def test_raw_posts_that_skip_the_gate_are_refused_and_store_nothing(login, referrer, raw):
    response = login(referrer).post(reverse("referrals:create"), raw)
    assert response.status_code == 400
    assert "Zonder toestemming van de bewoner kunt u geen gegevens aan ons doorgeven" in response.text
    assert stored() == (0, 0, 0, 0)


@pytest.mark.parametrize("field", ["b-name", "b-phone", "b-email"])
def test_neighbours_identity_without_their_consent_is_refused_even_by_raw_post(login, referrer, field):
    response = login(referrer).post(reverse("referrals:create"), form_data(**{field: "Bert Bos"}))
    assert response.status_code == 200
    assert "Zonder toestemming mag u van deze partij alleen het adres doorgeven" in response.text
    assert stored() == (0, 0, 0, 0)


def test_the_service_itself_refuses_identifying_data_without_consent(referrer):
    parties = [
        {"side": "A", "details": {"name": "Ayla", "street": "x", "postcode": "7512 CD"}, "consent": None},
    ]
    with pytest.raises(ValidationError):
        referral_submit(referrer=referrer, parties=parties)
    parties = [
        {
            "side": "A",
            "details": {"name": "Ayla", "street": "x", "postcode": "7512 CD"},
            "consent": {"agreed_by": "Ayla", "agreed_on": TODAY, "method": "spoken"},
        },
        {"side": "B", "details": {"street": "y", "phone": "0611223344"}, "consent": None},
    ]
    with pytest.raises(ValidationError):
        referral_submit(referrer=referrer, parties=parties)
    assert stored() == (0, 0, 0, 0)


def test_partner_users_without_the_referrer_permission_cannot_refer(login, service, partner):
    colleague = UserFactory(service=service, partner_organisation=partner)  # no role
    client = login(colleague)
    assert client.get(reverse("referrals:create")).status_code == 403
    assert client.post(reverse("referrals:create"), form_data()).status_code == 403
    assert client.get(reverse("referrals:list")).status_code == 403
    assert stored() == (0, 0, 0, 0)


# --- Milestones and e-mails ----------------------------------------------------------------


@pytest.fixture
def referred_case(login, referrer):
    login(referrer).post(reverse("referrals:create"), form_data())
    return Case.objects.get()


def milestone_mails(outbox):
    return [mail for mail in outbox if "Stand van zaken" in mail.subject]


def test_each_milestone_change_mails_the_referrer_once_and_only_the_milestone(
    referred_case, coordinator, referrer, service, mailoutbox, run_tasks
):
    def step(to_status, **kwargs):
        nonlocal referred_case
        referred_case = case_transition(case=referred_case, to_status=to_status, actor=coordinator, **kwargs)
        run_tasks()

    step(CaseStatus.INTAKE)
    assert milestone_mails(mailoutbox) == []  # still "received": nothing new to tell
    step(CaseStatus.SUITABLE)
    assert len(milestone_mails(mailoutbox)) == 1
    assert "Opgepakt" in mailoutbox[-1].body and "WB-2026-77" in mailoutbox[-1].subject
    step(CaseStatus.IN_MEDIATION)
    conversation_log(case=referred_case, actor=coordinator, kind=ConversationKind.JOINT, held_on=TODAY)
    step(CaseStatus.FOLLOW_UP)
    assert len(milestone_mails(mailoutbox)) == 1
    resolved = Outcome.objects.filter(service=service, counts_as_resolved=True, requires_conversation=True).first()
    step(CaseStatus.CLOSED, outcome=resolved)
    mails = milestone_mails(mailoutbox)
    assert len(mails) == 2 and "Afgesloten: opgelost" in mails[-1].body
    assert all(mail.to == [referrer.email] for mail in mails)


def test_the_referrer_list_shows_only_milestones(login, referred_case, referrer, coordinator, service):
    case = case_transition(case=referred_case, to_status=CaseStatus.INTAKE, actor=coordinator)
    reason = service.unsuitabilityreason_set.first()
    case_transition(case=case, to_status=CaseStatus.UNSUITABLE, actor=coordinator, unsuitability_reason=reason)
    html = login(referrer).get(reverse("referrals:list")).text
    assert "Niet geschikt" in html and "WB-2026-77" in html
    assert reason.name not in html and case.reference not in html


@pytest.mark.parametrize(
    ("status", "suitable", "outcome_resolved", "expected"),
    [
        (CaseStatus.REGISTERED, None, None, milestones.RECEIVED),
        (CaseStatus.INTAKE, None, None, milestones.RECEIVED),
        (CaseStatus.STANDBY, None, None, milestones.RECEIVED),
        (CaseStatus.UNSUITABLE, False, None, milestones.UNSUITABLE),
        (CaseStatus.SUITABLE, True, None, milestones.PICKED_UP),
        (CaseStatus.IN_MEDIATION, True, None, milestones.PICKED_UP),
        (CaseStatus.FOLLOW_UP, True, None, milestones.PICKED_UP),
        (CaseStatus.CLOSED, True, True, milestones.RESOLVED),
        (CaseStatus.CLOSED, True, False, milestones.NOT_RESOLVED),
        (CaseStatus.CLOSED, None, False, milestones.NOT_RESOLVED),
    ],
)
def test_the_one_mapping_from_case_status_to_milestone(status, suitable, outcome_resolved, expected):
    outcome = None if outcome_resolved is None else Outcome(pk=1, counts_as_resolved=outcome_resolved)
    case = Case(status=status, is_suitable=suitable, outcome=outcome)
    referral = Referral(case=case, created_at=timezone.now())
    assert milestones.milestones_for(referral).current == expected


# --- Withdrawal ---------------------------------------------------------------------------


def test_the_coordinator_confirms_the_resident_knew(login, coordinator, referred_case):
    login(coordinator).post(reverse("referrals:confirm", args=[referred_case.reference]))
    referral = Referral.objects.get()
    assert referral.confirmed_at is not None and referral.confirmed_by == coordinator


def test_withdrawal_erases_the_passed_data_and_tells_the_referrer_only_withdrawn(
    login, coordinator, referrer, referred_case, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    client = login(coordinator)
    html = client.get(referred_case.get_absolute_url()).text
    assert "Bewoner wist van niets: intrekken" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("referrals:withdraw", args=[referred_case.reference]), {"confirm": "yes"})
    assert response.status_code == 302
    assert not Case.objects.exists() and not Party.objects.exists() and not ReferralConsent.objects.exists()
    referral = Referral.objects.get()
    assert referral.withdrawn_at is not None and referral.case is None
    run_tasks()
    mail = milestone_mails(mailoutbox)[-1]
    assert "Ingetrokken" in mail.body and "Ayla" not in mail.body
    assert "Ingetrokken" in login(referrer).get(reverse("referrals:list")).text


def test_withdrawal_needs_the_tick_and_is_not_possible_once_picked_up(login, coordinator, referred_case):
    client = login(coordinator)
    client.post(reverse("referrals:withdraw", args=[referred_case.reference]))
    assert Case.objects.exists()
    case = case_transition(case=referred_case, to_status=CaseStatus.INTAKE, actor=coordinator)
    case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    with pytest.raises(ValidationError):
        referral_withdraw(referral=Referral.objects.get(), actor=coordinator)
    assert Case.objects.exists()


def test_only_a_coordinator_of_the_service_can_withdraw(login, referrer, other_coordinator, referred_case):
    assert (
        login(referrer)
        .post(reverse("referrals:withdraw", args=[referred_case.reference]), {"confirm": "yes"})
        .status_code
        == 403
    )
    assert (
        login(other_coordinator)
        .post(reverse("referrals:withdraw", args=[referred_case.reference]), {"confirm": "yes"})
        .status_code
        == 404
    )
    assert Case.objects.exists()


# --- Who sees which referrals ------------------------------------------------------------------


def test_a_referrer_sees_own_referrals_and_with_permission_the_organisations(login, referrer, service, partner):
    colleague = UserFactory(service=service, partner_organisation=partner, role=Role.REFERRER)
    login(colleague).post(reverse("referrals:create"), form_data(own_reference="COLLEGA-1"))
    other_org = PartnerOrganisationFactory(service=service, name="Politie Aland", kind=OrganisationKind.POLICE)
    stranger = UserFactory(service=service, partner_organisation=other_org, role=Role.REFERRER)
    login(stranger).post(reverse("referrals:create"), form_data(own_reference="POLITIE-1"))

    client = login(referrer)
    html = client.get(reverse("referrals:list")).text
    assert "COLLEGA-1" not in html and "POLITIE-1" not in html
    referrer.user_permissions.add(Permission.objects.get(codename="view_organisation_referrals"))
    referrer = type(referrer).objects.get(pk=referrer.pk)
    html = login(referrer).get(reverse("referrals:list")).text
    assert "COLLEGA-1" in html and "POLITIE-1" not in html
    others = Referral.objects.exclude(organisation=partner)
    for referral in others:
        assert login(referrer).get(reverse("referrals:done", args=[referral.pk])).status_code == 404


def test_the_referrer_list_pages_through_many_referrals_in_constant_queries(login, referrer, make_case, service):
    resolved = Outcome.objects.filter(service=service, counts_as_resolved=True).first()

    def refer(count, start):
        for number in range(start, start + count):
            case = make_case(channel=Channel.REFERRAL, referrer_organisation=referrer.partner_organisation)
            if number % 2:
                Case.objects.filter(pk=case.pk).update(
                    status=CaseStatus.CLOSED, is_suitable=True, outcome=resolved, closed_at=timezone.now()
                )
            Referral.objects.create(
                service=service,
                case=case,
                referrer=referrer,
                organisation=referrer.partner_organisation,
                own_reference=f"KEN-{number:03d}",
            )

    client = login(referrer)
    refer(3, 0)
    client.get(reverse("referrals:list"))  # sessions and permissions settle
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("referrals:list"))
    refer(52, 3)
    with CaptureQueriesContext(connection) as large:
        first = client.get(reverse("referrals:list")).text
    assert len(large) == len(small)

    assert "55 verwijzingen" in first
    assert "KEN-054" in first and "KEN-005" in first and "KEN-004" not in first  # newest 50 first
    assert "Afgesloten: opgelost" in first
    next_link = first.split('rel="next"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    second = client.get(reverse("referrals:list") + next_link).text
    assert all(f"KEN-{n:03d}" in second for n in range(5)) and "KEN-005" not in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_a_withdrawn_case_number_is_never_given_again(login, coordinator, referred_case, make_case):
    """The newest case withdrawn: the next case gets a new number and a history of its own."""
    from buurtbemiddeling.models import AccessLog
    from cases.models import CaseTombstone

    client = login(coordinator)
    withdrawn = referred_case.reference
    client.get(referred_case.get_absolute_url())  # a view in the withdrawn case's history
    client.post(reverse("referrals:withdraw", args=[withdrawn]), {"confirm": "yes"})
    tombstone = CaseTombstone.objects.get()
    assert (tombstone.reference, tombstone.service_id) == (withdrawn, referred_case.service_id)
    assert not Party.objects.exists()  # the tombstone holds nothing about anyone
    following = make_case()
    assert following.reference != withdrawn
    assert following.sequence == referred_case.sequence + 1
    page = client.get(following.get_absolute_url()).text
    assert AccessLog.objects.filter(object_id=withdrawn).exists()
    assert withdrawn not in page
    assert client.get(reverse("cases:detail", args=[withdrawn])).status_code == 404
