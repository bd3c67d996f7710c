"""A form sent wrong, in a real Chromium: the error summary takes the focus and leads to each field (#20)."""

import pytest

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, UserFactory

from .conftest import log_in

# serialized_rollback: the flush after each test would otherwise drop the role groups
# that a data migration created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ACTIVE_ID = "document.activeElement && document.activeElement.id"


def test_a_new_report_sent_empty_focuses_the_summary_and_its_links_reach_the_fields(visit, service):
    coordinator = UserFactory(username="carla", service=service, role=Role.COORDINATOR)
    page = visit.page
    log_in(visit, coordinator.username, DEMO_PASSWORD)

    visit.goto("/zaken/nieuw/")
    page.get_by_role("button", name="Registreren").click()
    page.wait_for_load_state()

    summary = page.locator(".error-summary")
    assert summary.get_by_role("heading", name="Er is iets niet goed ingevuld").is_visible()
    page.wait_for_function(f"({ACTIVE_ID}) === 'error-summary'")
    visit.check_page("new report, sent empty")

    links = summary.get_by_role("link")
    assert links.count() >= 2
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href").removeprefix("#")
        link.click()
        page.wait_for_function(f"({ACTIVE_ID}) === {target!r}")
        assert page.locator(f"[id='{target}']").is_visible()
        summary.focus()  # back to the summary, as a keyboard user would go back to it
