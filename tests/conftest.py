import pytest
from django.test import Client

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import (
    MediationServiceFactory,
    NeighbourhoodFactory,
    PostcodeRangeFactory,
    UserFactory,
)
from buurtbemiddeling.twofactor import verified_session_values
from cases.factories import case_kwargs
from cases.services import case_create, mediator_assign, service_setup_reference_lists
from organisations.constants import OrganisationKind
from organisations.factories import MediatorProfileFactory, PartnerOrganisationFactory


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """In tests, `client.force_login(user)` means: logged in with password and second factor.

    The two-factor flow itself is tested through real POSTs in
    tests/buurtbemiddeling/test_twofactor.py.
    """
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session.update(verified_session_values(user))
        session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _fresh_content_types_for_tests_that_commit(request):
    """A test that commits starts without this process's cached content type ids.

    A test with `serialized_rollback` puts the content types back with their first ids after
    it ran, while the process may still hold ids from during that test (the model-move test
    migrates back and forth). Inside a test's transaction a stale id goes unnoticed (the
    foreign key is checked at the commit that never comes); in a test that commits, the
    change log's insert fails.
    """
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        from django.contrib.contenttypes.models import ContentType

        ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Argon2 is deliberately slow; tests log in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def service(db):
    service = MediationServiceFactory(name="Buurtbemiddeling Aland", reference_prefix="AL")
    service_setup_reference_lists(service=service)
    PostcodeRangeFactory(service=service, start=7500, end=7549)
    return service


@pytest.fixture
def other_service(db):
    service = MediationServiceFactory(name="Buurtbemiddeling Beland", reference_prefix="BE")
    service_setup_reference_lists(service=service)
    PostcodeRangeFactory(service=service, start=6200, end=6229)
    return service


@pytest.fixture
def neighbourhood(service):
    return NeighbourhoodFactory(service=service, name="Centrum")


@pytest.fixture
def partner(service):
    return PartnerOrganisationFactory(
        service=service, name="Woonstichting Aland", kind=OrganisationKind.HOUSING_CORPORATION
    )


@pytest.fixture
def coordinator(service):
    return UserFactory(username="coordinator", service=service, role=Role.COORDINATOR)


@pytest.fixture
def other_coordinator(other_service):
    return UserFactory(username="coordinator.beland", service=other_service, role=Role.COORDINATOR)


@pytest.fixture
def mediator_user(service):
    return UserFactory(username="bemiddelaar", service=service, role=Role.MEDIATOR)


@pytest.fixture
def mediator(service, mediator_user):
    return MediatorProfileFactory(service=service, user=mediator_user, name="Mees Bemiddelaar")


@pytest.fixture
def referrer(service, partner):
    return UserFactory(username="verwijzer", service=service, partner_organisation=partner, role=Role.REFERRER)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="beheerder", service=None, role=Role.ADMIN)


@pytest.fixture
def make_case(coordinator):
    """Register a case through the real service; keyword arguments override the defaults."""

    def make(**overrides):
        overrides.setdefault("actor", coordinator)
        return case_create(**case_kwargs(service=overrides.pop("service", coordinator.service), **overrides))

    return make


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def assigned_case(case, mediator, coordinator):
    mediator_assign(case=case, mediator=mediator, actor=coordinator)
    return case


@pytest.fixture
def login(client):
    def do(user):
        client.force_login(user)
        return client

    return do


@pytest.fixture
def run_tasks(db):
    """Run the background tasks that are due, as the worker would; returns how many ran."""
    from buurtbemiddeling.background import run_pending

    return run_pending
