"""A professional phones to refer: the coordinator goes from the intake page through the
consent gate to the registered case, in a real Chromium (axe-core and the Nu HTML Checker
on every page)."""

import pytest
from django.utils import timezone

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, UserFactory
from cases.models import Case
from organisations.factories import ContactPersonFactory
from referrals.models import Referral

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_coordinator_registers_a_phoned_in_referral_behind_the_consent_gate(visit, service, partner):
    coordinator = UserFactory(username="carla", service=service, role=Role.COORDINATOR, first_name="Carla")
    contact = ContactPersonFactory(organisation=partner, name="Wijkagent Wim", email="wim@politie.example")
    page = visit.page
    log_in(visit, coordinator.username, DEMO_PASSWORD)

    visit.goto("/zaken/nieuw/")
    page.get_by_role("link", name="Verwijzing registreren").click()
    page.wait_for_load_state()
    visit.check_page("phone referral, consent gate")
    page.locator("#id_resident_0").check()
    page.get_by_role("button", name="Verder").click()
    page.wait_for_load_state()
    visit.check_page("phone referral, form")

    page.get_by_label("Wie verwijst?").select_option(label=f"{partner.name}: {contact.name}")
    page.locator("#id_ca-agreed_by").fill("Ayla Bos")
    page.locator("#id_ca-agreed_on").fill(timezone.localdate().isoformat())
    page.locator("#id_ca-method_0").check()
    page.locator("#id_a-name").fill("Ayla Bos")
    page.locator("#id_a-phone").fill("0612345678")
    page.locator("#id_a-street").fill("Lindelaan")
    page.locator("#id_a-house_number").fill("3")
    page.locator("#id_a-postcode").fill("7511 AB")
    page.locator("#id_b-street").fill("Lindelaan")
    page.locator("#id_b-house_number").fill("5")
    page.locator("#id_b-postcode").fill("7511 AB")
    page.get_by_role("button", name="Verwijzing versturen").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert page.url.endswith(case.get_absolute_url())
    assert Referral.objects.get().contact_person == contact
    visit.check_page("case page of a phoned-in referral")
