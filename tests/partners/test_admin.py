"""Admin and role permissions for the collaboration records."""

import pytest
from django.urls import reverse

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from organisations.constants import OrganisationKind
from organisations.factories import PartnerOrganisationFactory
from partners import services
from partners.factories import ConsultationFactory
from partners.models import Accompaniment, JointVisit

NEW_MODELS = [
    "organisations.contactperson",
    "organisations.workingagreement",
    "partners.consultation",
    "partners.disclosureconsent",
    "partners.pretrajectory",
    "partners.pretrajectoryparticipation",
    "partners.accompaniment",
    "partners.jointvisit",
]


def _perm(model: str, action: str) -> str:
    app, name = model.split(".")
    return f"{app}.{action}_{name}"


@pytest.mark.parametrize("model", NEW_MODELS)
def test_roles_get_their_permissions_on_the_collaboration_records(model, service, partner):
    coordinator = UserFactory(service=service, role=Role.COORDINATOR)
    admin = UserFactory(service=None, role=Role.ADMIN)
    referrer = UserFactory(service=service, partner_organisation=partner, role=Role.REFERRER)
    mediator = UserFactory(service=service, role=Role.MEDIATOR)
    for action in ("view", "add", "change"):
        assert coordinator.has_perm(_perm(model, action))
    assert not coordinator.has_perm(_perm(model, "delete"))  # history stays
    for action in ("view", "add", "change", "delete"):
        assert admin.has_perm(_perm(model, action))
        assert not referrer.has_perm(_perm(model, action))
        assert not mediator.has_perm(_perm(model, action))


def test_coordinators_may_add_and_change_partner_organisations(coordinator, referrer):
    assert coordinator.has_perm("organisations.add_partnerorganisation")
    assert coordinator.has_perm("organisations.change_partnerorganisation")
    assert not coordinator.has_perm("organisations.delete_partnerorganisation")
    assert not referrer.has_perm("organisations.view_partnerorganisation")


@pytest.fixture
def superuser(db):
    from buurtbemiddeling.models import User

    return User.objects.create_superuser("root", "root@example.org", "een-lang-wachtwoord-voor-root")


def test_the_admin_applies_the_disclosure_rule_too(client, superuser, make_case, service, today):
    self_report = make_case(channel="self_report")
    care = PartnerOrganisationFactory(service=service, name="Zorggroep Aland", kind=OrganisationKind.CARE_PROVIDER)
    party = self_report.parties.get(side="A")
    client.force_login(superuser)
    data = {
        "service": service.pk,
        "party": party.pk,
        "organisation": care.pk,
        "care_worker_name": "Petra de Wit",
        "started_on": today.isoformat(),
    }
    response = client.post(reverse("admin:partners_accompaniment_add"), data)
    assert response.status_code == 200 and "zelfmelder" in response.text
    assert not Accompaniment.objects.exists()
    visit = {
        "service": service.pk,
        "case": self_report.pk,
        "organisation": care.pk,
        "professional_name": "X",
        "visited_on": today.isoformat(),
        "outcome": "agrees",
    }
    response = client.post(reverse("admin:partners_jointvisit_add"), visit)
    assert "zelfmelder" in response.text and not JointVisit.objects.exists()
    services.disclosure_consent_record(party=party, organisation=care, actor=superuser, given_on=today, method="spoken")
    assert client.post(reverse("admin:partners_accompaniment_add"), data).status_code == 302
    assert Accompaniment.objects.get().party == party


def test_a_service_bound_admin_sees_only_their_own_services_records(client, service, other_service, partner):
    ours = ConsultationFactory(organisation=partner, topic="Onze consultatie")
    theirs = ConsultationFactory(
        organisation=PartnerOrganisationFactory(service=other_service, name="Politie Beland"), topic="Hun consultatie"
    )
    staff = UserFactory(username="beheer.aland", service=service, role=Role.ADMIN)
    client.force_login(staff)
    html = client.get(reverse("admin:partners_consultation_changelist")).text
    assert ours.topic in html and theirs.topic not in html
    assert client.get(reverse("admin:organisations_contactperson_changelist")).status_code == 200
    assert client.get(reverse("admin:partners_consultation_change", args=[theirs.pk])).status_code == 302
