"""Fixtures for the partner tests, on top of tests/conftest.py."""

import asyncio
import datetime as dt
import os

import pytest
from django.utils import timezone

from cases.constants import Channel, Side
from partners.constants import OrganisationKind
from partners.factories import PartnerOrganisationFactory


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


# --- The real-browser harness (Chromium, axe-core, CSP checks) for test_browser.py ------------

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, visit  # noqa: E402, F401


def _playwright_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture(scope="session")
def browser():
    """tests/browser's Chromium, started here when that directory's own is not running.

    tests/browser keeps its Playwright alive for the whole run, and a second sync Playwright
    cannot start in the same thread: in a full run the partner journey is skipped (it belongs
    in tests/browser, see the partners report); `pytest tests/partners` runs it.
    """
    if _playwright_running():
        pytest.skip("tests/browser's Playwright already runs in this thread")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
