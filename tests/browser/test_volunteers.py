"""The coordinator keeps the volunteer pool (#19) in a real Chromium.

Every page is checked with axe-core, the Nu HTML Checker and the layout checks; the harness
fails on a Content-Security-Policy violation or a request to another host.
"""

import datetime as dt

import pytest
from django.utils import timezone

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, NeighbourhoodFactory, UserFactory
from organisations.models import IntervisionAttendance, MediatorProfile

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_coordinator_adds_a_volunteer_follows_their_intervision_and_deactivates_them(visit, service, make_case):
    service.intervision_per_year = 2
    service.save(update_fields=["intervision_per_year"])
    NeighbourhoodFactory(service=service, name="Centrum")
    coordinator = UserFactory(username="carla", service=service, role=Role.COORDINATOR, first_name="Carla")
    today = timezone.localdate()
    page = visit.page
    log_in(visit, coordinator.username, DEMO_PASSWORD)

    page.get_by_role("link", name="Bemiddelaars", exact=True).click()
    page.wait_for_load_state()
    visit.check_page("volunteer overview, empty")

    page.get_by_role("link", name="Bemiddelaar toevoegen").click()
    page.wait_for_load_state()
    visit.check_page("new volunteer")
    page.get_by_label("Telefoonnummer").fill("06 1234")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Vul de naam van de bemiddelaar in.").first.is_visible()
    visit.check_page("new volunteer, with errors")

    page.locator("#id_name").fill("Vera Vrijwilliger")
    page.get_by_label("Telefoonnummer").fill("06 12345678")
    page.get_by_label("Centrum").check()
    page.get_by_label("maandagavond").check()
    page.get_by_label("zaterdagochtend").check()
    page.get_by_label("Basistraining afgerond op").fill((today - dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Vera Vrijwilliger is toegevoegd.").is_visible()
    assert page.get_by_text("maandag avond; zaterdag ochtend").is_visible()
    visit.check_page("volunteer profile")
    volunteer = MediatorProfile.objects.get(name="Vera Vrijwilliger")
    assert volunteer.day_parts == ["mon_ev", "sat_am"]

    page.get_by_label("Datum intervisie").fill((today - dt.timedelta(days=14)).isoformat())
    page.get_by_role("button", name="Datum toevoegen").click()
    page.wait_for_load_state()
    assert page.get_by_text("1 van 2 in de afgelopen twaalf maanden.").is_visible()
    visit.check_page("volunteer profile, one intervision")

    # Due: one intervision of the two the service asks.
    page.get_by_role("link", name="Bemiddelaars", exact=True).first.click()
    page.wait_for_load_state()
    page.get_by_label("Training of intervisie nodig").check()
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Vera Vrijwilliger").is_visible()
    assert page.get_by_text("Intervisie nodig: 1 van 2").is_visible()
    visit.check_page("volunteer overview, due filter")

    page.get_by_role("link", name="Vera Vrijwilliger").click()
    page.wait_for_load_state()
    page.get_by_label("Datum intervisie").fill((today - dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Datum toevoegen").click()
    page.wait_for_load_state()
    assert IntervisionAttendance.objects.filter(mediator=volunteer).count() == 2
    # Back to the overview the way it was left: the due filter still on, Vera no longer in it.
    page.get_by_role("navigation", name="Kruimelpad").get_by_role("link", name="Bemiddelaars").click()
    page.wait_for_load_state()
    assert page.get_by_label("Training of intervisie nodig").is_checked()
    assert page.get_by_text("0 bemiddelaars").is_visible()
    visit.check_page("volunteer overview, nobody due")

    # She knows the neighbour in a case: recorded on the case page, warned about at assignment.
    case = make_case(actor=coordinator)
    visit.goto(case.get_absolute_url())
    page.get_by_text("Bemiddelaar kent een partij", exact=True).click()
    visit.check_page("case page, acquaintance form opened")
    page.locator("#id_acquaintance-mediator").select_option(label="Vera Vrijwilliger")
    page.locator("#id_acquaintance-party").select_option(index=2)
    page.locator("#id_acquaintance-note").fill("oud-collega")
    page.get_by_role("button", name="Vastleggen").click()
    page.wait_for_load_state()
    assert page.locator("#id_mediator").get_by_text("Vera Vrijwilliger (0/3) · ⚠ kent een partij").count() == 1
    visit.check_page("case page, acquaintance recorded")

    visit.goto(volunteer.get_absolute_url())
    assert page.get_by_role("link", name=case.reference).is_visible()
    page.get_by_role("link", name="Gegevens wijzigen").click()
    page.wait_for_load_state()
    visit.check_page("edit volunteer")
    page.get_by_label("Actief").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Vera Vrijwilliger is niet actief: geen nieuwe zaken meer.").is_visible()
    volunteer.refresh_from_db()
    assert not volunteer.is_active

    visit.goto("/bemiddelaars/?status=active")
    assert page.get_by_text("0 bemiddelaars").is_visible()
    page.get_by_label("Actief", exact=True).select_option(label="Niet actief")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Vera Vrijwilliger").is_visible()
    visit.check_page("volunteer overview, inactive")
