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


@pytest.fixture
def self_report(make_case):
    """A case from a resident's own report: hidden from institutions without consent."""
    return make_case(channel=Channel.SELF_REPORT)


@pytest.fixture
def reporter(self_report):
    return self_report.parties.get(side=Side.A)


@pytest.fixture
def neighbour(self_report):
    return self_report.parties.get(side=Side.B)
