"""One service never sees another's data: every gateway, allowed and denied."""

import pytest

from buurtbemiddeling.factories import NeighbourhoodFactory, UserFactory
from buurtbemiddeling.models import MediationService, Neighbourhood, User
from cases.factories import case_kwargs
from cases.models import Case, ConflictType
from cases.services import case_create
from organisations.factories import MediatorProfileFactory, PartnerOrganisationFactory
from organisations.models import MediatorProfile, PartnerOrganisation


@pytest.fixture
def two_services(service, other_service, coordinator, other_coordinator):
    for svc, user in ((service, coordinator), (other_service, other_coordinator)):
        case_create(**case_kwargs(service=svc, actor=user))
        PartnerOrganisationFactory(service=svc, name=f"Partner van {svc}")
        MediatorProfileFactory(service=svc)
        NeighbourhoodFactory(service=svc)


@pytest.mark.parametrize(
    "model", [Case, PartnerOrganisation, MediatorProfile, Neighbourhood, ConflictType, User, MediationService]
)
def test_a_coordinator_sees_only_their_own_service(
    model, two_services, coordinator, other_coordinator, service, other_service
):
    for user, own, foreign in ((coordinator, service, other_service), (other_coordinator, other_service, service)):
        visible = model.objects.visible_to(user)
        assert visible.exists(), f"{model.__name__}: own rows must be visible"
        if model is MediationService:
            assert list(visible) == [own]
            continue
        assert not visible.filter(service=foreign).exists(), f"{model.__name__} leaks across services"
        assert visible.count() == model.objects.filter(service=own).count()


def test_case_pages_of_another_service_answer_404(two_services, login, coordinator, other_service):
    foreign = Case.objects.get(service=other_service)
    response = login(coordinator).get(foreign.get_absolute_url())
    assert response.status_code == 404


def test_a_coordinator_opens_a_case_of_their_own_service(two_services, login, coordinator, service):
    own = Case.objects.get(service=service)
    response = login(coordinator).get(own.get_absolute_url())
    assert response.status_code == 200
    assert own.reference in response.text


def test_the_same_reference_in_two_services_stays_apart(two_services, login, coordinator, service, other_service):
    # Both services number from 1; the reference prefix differs, but the gateway decides.
    own = Case.objects.get(service=service)
    foreign = Case.objects.get(service=other_service)
    assert own.sequence == foreign.sequence == 1
    response = login(coordinator).get("/zaken/")
    assert own.reference in response.text
    assert foreign.reference not in response.text


def test_a_mediator_sees_only_cases_assigned_to_them(assigned_case, make_case, mediator_user):
    unassigned = make_case()
    visible = Case.objects.visible_to(mediator_user)
    assert list(visible) == [assigned_case]
    assert unassigned not in visible


@pytest.mark.parametrize("role_fixture", ["referrer", "admin_user"])
def test_referrers_and_installation_admins_see_no_cases_in_the_app(role_fixture, request, two_services):
    user = request.getfixturevalue(role_fixture)
    assert not Case.objects.visible_to(user).exists()


def test_anonymous_sees_nothing(two_services):
    from django.contrib.auth.models import AnonymousUser

    for model in (Case, PartnerOrganisation, MediatorProfile, Neighbourhood, User, MediationService):
        assert not model.objects.visible_to(AnonymousUser()).exists()


def test_a_user_without_a_service_sees_nothing(two_services):
    user = UserFactory(service=None)
    assert not Case.objects.visible_to(user).exists()
    assert not PartnerOrganisation.objects.visible_to(user).exists()
