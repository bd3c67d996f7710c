"""Fixtures for the partner tests, on top of tests/conftest.py."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.constants import Channel, Side
from organisations.constants import OrganisationKind
from organisations.factories import PartnerOrganisationFactory


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def review_on(today):
    return today + dt.timedelta(days=28)


@pytest.fixture
def care(service):
    """A care provider whose worker may accompany a resident."""
    return PartnerOrganisationFactory(service=service, name="Zorggroep Aland", kind=OrganisationKind.CARE_PROVIDER)


@pytest.fixture
def wijkteam(service):
    return PartnerOrganisationFactory(service=service, name="Sociaal wijkteam Aland", kind=OrganisationKind.SOCIAL_WORK)


@pytest.fixture(
    params=[Channel.SELF_REPORT, Channel.PHONE, Channel.DESK, Channel.EMAIL, Channel.LETTER],
    ids=["web", "phone", "desk", "email", "letter"],
)
def self_report(request, make_case):
    """A case from a resident's own report, on every channel a resident uses: hidden from
    institutions without consent. Who reported decides, not the channel."""
    return make_case(channel=request.param)


@pytest.fixture
def professional(service):
    """An organisation whose professional reports a conflict (by phone or on the referral form)."""
    return PartnerOrganisationFactory(service=service, name="Politie Aland", kind=OrganisationKind.POLICE)


@pytest.fixture
def case(make_case, professional):
    """A case a professional reported by phone: partners may be linked without a disclosure consent."""
    return make_case(channel=Channel.PHONE, referrer_organisation=professional)


@pytest.fixture
def reporter(self_report):
    return self_report.parties.get(side=Side.A)


@pytest.fixture
def neighbour(self_report):
    return self_report.parties.get(side=Side.B)
