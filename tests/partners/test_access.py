"""Who reaches the partner pages and collaboration records: every role x every URL, same setup.

Partner users (referrers) see none of these records and no case through them; another
service's coordinator gets a 404 or an empty list.
"""

import pytest
from django.db import transaction
from django.urls import URLResolver, get_resolver, reverse

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases.constants import Channel, ConversationKind, Side
from cases.models import Case
from cases.services import conversation_log
from organisations.constants import OrganisationKind
from organisations.factories import ContactPersonFactory, PartnerOrganisationFactory, WorkingAgreementFactory
from organisations.models import ContactPerson, PartnerOrganisation, WorkingAgreement
from partners import services
from partners.models import (
    Accompaniment,
    Consultation,
    DisclosureConsent,
    JointVisit,
    PreTrajectory,
    PreTrajectoryParticipation,
)

RECORD_MODELS = [
    ContactPerson,
    WorkingAgreement,
    Consultation,
    DisclosureConsent,
    PreTrajectory,
    PreTrajectoryParticipation,
    Accompaniment,
    JointVisit,
]

SECRET_NOTES = "Schuldhulp loopt eerst via het wijkteam"
SECRET_WORKER = "Karin Zorgvuldig"
SECRET_TOPIC = "Gesprekstechniek bij overlastklachten"


@pytest.fixture
def world(service, coordinator, partner, make_case, review_on, today):
    """One of every collaboration record around `partner` (the referrer's own organisation)."""
    care = PartnerOrganisationFactory(service=service, name="Zorggroep Aland", kind=OrganisationKind.CARE_PROVIDER)
    case = make_case(channel=Channel.REFERRAL, referrer_organisation=partner)
    party = case.parties.get(side=Side.A)
    consent = services.disclosure_consent_record(
        party=party, organisation=partner, actor=coordinator, given_on=today, method="spoken"
    )
    trajectory = services.pre_trajectory_start(
        case=case, actor=coordinator, lead_organisation=partner, review_on=review_on, notes=SECRET_NOTES
    )
    accompaniment = services.accompaniment_start(
        party=party, organisation=partner, actor=coordinator, care_worker_name=SECRET_WORKER
    )
    talk = conversation_log(case=case, actor=coordinator, kind=ConversationKind.PHONE_CALL, held_on=today)
    services.accompaniment_set_conversations(accompaniment=accompaniment, actor=coordinator, conversations=[talk])
    services.joint_visit_record(
        case=case, organisation=partner, actor=coordinator, professional_name="X", visited_on=today, outcome="later"
    )
    services.consultation_record(
        organisation=partner, actor=coordinator, held_on=today, professional_name="Y", topic=SECRET_TOPIC
    )
    ContactPersonFactory(organisation=partner)
    WorkingAgreementFactory(organisation=partner)
    return {
        "case": case,
        "care": care,
        "consent": consent,
        "trajectory": trajectory,
        "accompaniment": accompaniment,
        "partner": partner,
    }


# (url name, method, arguments from the world)
PAGES = [
    ("partners:list", "get", lambda w: []),
    ("partners:create", "get", lambda w: []),
    ("partners:create", "post", lambda w: []),
    ("partners:detail", "get", lambda w: [w["partner"].pk]),
    ("partners:edit", "get", lambda w: [w["partner"].pk]),
    ("partners:edit", "post", lambda w: [w["partner"].pk]),
    ("partners:contact_add", "get", lambda w: [w["partner"].pk]),
    ("partners:contact_add", "post", lambda w: [w["partner"].pk]),
    ("partners:agreement_add", "get", lambda w: [w["partner"].pk]),
    ("partners:agreement_add", "post", lambda w: [w["partner"].pk]),
    ("partners:consultation_add", "get", lambda w: [w["partner"].pk]),
    ("partners:consultation_add", "post", lambda w: [w["partner"].pk]),
    ("partners:joint_visit_add", "get", lambda w: [w["partner"].pk]),
    ("partners:joint_visit_add", "post", lambda w: [w["partner"].pk]),
    ("partners:consent_record", "post", lambda w: [w["case"].reference]),
    ("partners:consent_withdraw", "post", lambda w: [w["case"].reference, w["consent"].pk]),
    ("partners:trajectory_start", "post", lambda w: [w["case"].reference]),
    ("partners:trajectory_review", "post", lambda w: [w["case"].reference, w["trajectory"].pk]),
    ("partners:trajectory_add_organisation", "post", lambda w: [w["case"].reference, w["trajectory"].pk]),
    ("partners:trajectory_time_is_right", "post", lambda w: [w["case"].reference, w["trajectory"].pk]),
    ("partners:trajectory_stop", "post", lambda w: [w["case"].reference, w["trajectory"].pk]),
    ("partners:accompaniment_start", "post", lambda w: [w["case"].reference]),
    ("partners:accompaniment_conversations", "post", lambda w: [w["case"].reference, w["accompaniment"].pk]),
    ("partners:accompaniment_end", "post", lambda w: [w["case"].reference, w["accompaniment"].pk]),
    ("partners:case_joint_visit", "post", lambda w: [w["case"].reference]),
]
KEYS = [(name, method) for name, method, _ in PAGES]
ARGS = {(name, method): args for name, method, args in PAGES}

EXPECTED = {
    "coordinator": dict.fromkeys(KEYS, "ok"),
    # Another service: their own (empty) list and their own new partner; all of ours is a 404.
    "coordinator_other_service": {
        **dict.fromkeys(KEYS, 404),
        ("partners:list", "get"): "ok",
        ("partners:create", "get"): "ok",
        ("partners:create", "post"): "ok",
    },
    "referrer": dict.fromkeys(KEYS, 403),
    "care_worker_user": dict.fromkeys(KEYS, 403),
    "mediator": dict.fromkeys(KEYS, 403),
    # Installation admins work in Django admin; the in-app list shows them nothing.
    "admin": {**dict.fromkeys(KEYS, 403), ("partners:list", "get"): "ok", ("partners:detail", "get"): 404},
}


def _users(service, other_service, referrer, mediator_user, admin_user, care):
    return {
        "coordinator": UserFactory(username="coord2", service=service, role=Role.COORDINATOR),
        "coordinator_other_service": UserFactory(username="coord.be", service=other_service, role=Role.COORDINATOR),
        "referrer": referrer,
        "care_worker_user": UserFactory(
            username="zorg", service=service, partner_organisation=care, role=Role.REFERRER
        ),
        "mediator": mediator_user,
        "admin": admin_user,
    }


def snapshot():
    counts = tuple(model.objects.count() for model in [PartnerOrganisation, *RECORD_MODELS])
    ended = (
        PreTrajectory.objects.filter(ended_on__isnull=True).count(),
        Accompaniment.objects.filter(ended_on__isnull=True).count(),
        DisclosureConsent.objects.filter(withdrawn_on__isnull=True).count(),
    )
    return counts, ended, list(Case.objects.values_list("status", "standby_review_on"))


def test_every_partners_url_is_in_the_matrix():
    resolver = get_resolver()
    names = set()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace == "partners":
            names = {f"partners:{p.name}" for p in entry.url_patterns}
    assert names == {name for name, _ in KEYS}


@pytest.mark.parametrize(("name", "method"), KEYS)
def test_partner_pages_answer_each_visitor_as_expected(
    name, method, client, world, service, other_service, referrer, mediator_user, admin_user, subtests
):
    """The world is built once per page; each visitor meets it as built (a savepoint, rolled back)."""
    users = _users(service, other_service, referrer, mediator_user, admin_user, world["care"])
    for kind in EXPECTED:
        with subtests.test(visitor=kind), transaction.atomic():
            client.logout()
            client.force_login(users[kind])
            before = snapshot()
            response = getattr(client, method)(reverse(name, args=ARGS[(name, method)](world)))
            expected = EXPECTED[kind][(name, method)]
            if expected == "ok":
                assert response.status_code in (200, 302), f"{kind} {name}: {response.status_code}"
            else:
                assert response.status_code == expected, f"{kind} {name}: {response.status_code}"
                assert snapshot() == before  # a refused visitor changed nothing
            if kind != "coordinator":
                # (The case reference may appear: it is in the URL the visitor asked for.)
                for secret in (SECRET_NOTES, SECRET_WORKER, SECRET_TOPIC, world["partner"].name):
                    assert secret not in response.content.decode(), f"{kind} {name} shows {secret}"
            transaction.set_rollback(True)


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
def test_the_gateways_show_records_only_to_coordinators_of_the_service(
    model, world, coordinator, other_coordinator, referrer, mediator_user, admin_user, service
):
    assert model.objects.visible_to(coordinator).count() == model.objects.count() > 0
    care_worker = UserFactory(service=service, partner_organisation=world["care"], role=Role.REFERRER)
    for outsider in (other_coordinator, referrer, care_worker, mediator_user, admin_user):
        assert not model.objects.visible_to(outsider).exists(), outsider


def test_an_accompanying_care_worker_gets_no_access_to_the_case(client, world, service, coordinator, today):
    case = world["case"]
    care_user = UserFactory(service=service, partner_organisation=world["care"], role=Role.REFERRER)
    services.disclosure_consent_record(
        party=case.parties.get(side=Side.B),
        organisation=world["care"],
        actor=coordinator,
        given_on=today,
        method="spoken",
    )
    services.accompaniment_start(
        party=case.parties.get(side=Side.B), organisation=world["care"], actor=coordinator, care_worker_name="Z"
    )
    assert not Case.objects.visible_to(care_user).exists()
    client.force_login(care_user)
    assert client.get(case.get_absolute_url()).status_code == 404


def test_a_referrer_sees_nothing_of_the_collaboration_on_their_own_pages(client, world, referrer):
    client.force_login(referrer)
    for url in (reverse("home"), reverse("referrals:list")):
        response = client.get(url, follow=True)
        assert response.status_code == 200
        html = response.text
        for secret in (SECRET_NOTES, SECRET_WORKER, SECRET_TOPIC, "voortraject", "Voortraject", "Begeleiding"):
            assert secret not in html, f"{url} shows {secret}"
    assert client.get(world["case"].get_absolute_url()).status_code == 404


def test_the_coordinator_of_another_service_sees_an_empty_partner_list(client, world, other_coordinator):
    client.force_login(other_coordinator)
    html = client.get(reverse("partners:list")).text
    assert world["partner"].name not in html and "Nog geen partnerorganisaties." in html
