"""The coordinator's partner pages and the case page's collaboration panel in a real Chromium.

Every page is checked with axe-core (with the panel's forms opened) and the Nu HTML Checker;
the harness fails on a Content-Security-Policy violation or a request to another host.
"""

import datetime as dt

import pytest
from django.utils import timezone

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, UserFactory
from cases.constants import CaseStatus
from cases.models import Case
from partners.models import Consultation, PreTrajectory

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_coordinator_works_with_a_partner_and_a_pre_trajectory(visit, service, partner, make_case):
    coordinator = UserFactory(username="carla", service=service, role=Role.COORDINATOR, first_name="Carla")
    case = make_case(actor=coordinator, referrer_organisation=partner)  # a professional phoned it in
    page = visit.page
    log_in(visit, coordinator.username, DEMO_PASSWORD)

    page.get_by_role("link", name="Partners", exact=True).click()
    page.wait_for_load_state()
    visit.check_page("partner list")
    page.get_by_role("link", name=partner.name).click()
    page.wait_for_load_state()
    visit.check_page("partner page")

    page.get_by_role("link", name="Consultatie vastleggen").click()
    page.wait_for_load_state()
    visit.check_page("consultation form")
    page.get_by_label("Naam professional").fill("Wijkconsulent Jansen")
    page.get_by_label("Onderwerp (zonder bewonersgegevens)").fill("Bemiddeling voorstellen")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("De consultatie is vastgelegd.").is_visible()
    assert Consultation.objects.get().organisation == partner

    visit.goto(case.get_absolute_url())
    panel = page.locator("#samenwerking")
    for summary in panel.locator("summary").all():
        summary.click()
    visit.check_page("case page, collaboration panel opened")

    review_on = timezone.localdate() + dt.timedelta(days=21)
    panel.locator("#id_trajectory-lead_organisation").select_option(label=partner.name)
    panel.locator("#id_trajectory-review_on").fill(review_on.isoformat())
    panel.get_by_role("button", name="Voortraject starten").click()
    page.wait_for_load_state()
    assert page.get_by_text("Het voortraject is gestart; de zaak staat op standby.").is_visible()
    assert page.locator("#case-status").inner_text() == "Standby (voortraject)"
    visit.check_page("case page, pre-trajectory running")

    page.get_by_role("button", name="Het moment is daar: terug naar intake").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "Intake"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.INTAKE
    assert PreTrajectory.objects.get().ended_on is not None
