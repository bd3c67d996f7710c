"""Appointments in a real Chromium: the coordinator plans a talk, the mediator finds it in their agenda."""

import datetime as dt

import pytest
from django.utils import timezone
from icalendar import Calendar

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, UserFactory
from cases.factories import case_kwargs
from cases.models import Appointment
from cases.services import case_create, mediator_assign
from organisations.factories import MediatorProfileFactory

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_coordinator_plans_a_talk_and_the_mediator_sees_it_in_their_agenda(visit, service):
    coordinator = UserFactory(username="carla", service=service, role=Role.COORDINATOR)
    mediator_user = UserFactory(username="mila", service=service, role=Role.MEDIATOR)
    mila = MediatorProfileFactory(service=service, user=mediator_user, name="Mila Mediator", email="mila@example.org")
    mo = MediatorProfileFactory(service=service, name="Mo Mediator", email="mo@example.org")
    case = case_create(**case_kwargs(service=service, actor=coordinator))
    for mediator in (mila, mo):
        mediator_assign(case=case, mediator=mediator, actor=coordinator)
    page = visit.page

    log_in(visit, coordinator.username, DEMO_PASSWORD)
    visit.goto(case.get_absolute_url())
    page.locator("summary", has_text="Gesprek plannen").click()
    visit.check_page("case page, plan form open")
    day = timezone.localdate() + dt.timedelta(days=3)
    page.select_option("#id_a-kind", label="Intake partij B")
    page.fill("#id_a-date", day.isoformat())
    page.fill("#id_a-starts_at", "19:00")
    page.fill("#id_a-ends_at", "18:00")  # a slip: the end before the start
    page.get_by_role("button", name="Plannen en uitnodigen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Gesprek plannen").is_visible()
    assert page.get_by_text("Het gesprek eindigt na het begin.").first.is_visible()
    visit.check_page("plan page with an error")
    page.fill("#id_a-ends_at", "20:00")
    page.get_by_role("button", name="Opslaan en versturen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Het gesprek is gepland; de bemiddelaars krijgen een uitnodiging.").is_visible()
    upcoming = page.locator("#appointments-upcoming")
    assert "Intake partij B" in upcoming.inner_text() and "Mila Mediator, Mo Mediator" in upcoming.inner_text()
    visit.check_page("case page with a planned talk")

    # The .ics as the link gives it, read back by the same library.
    appointment = Appointment.objects.get()
    href = page.get_by_role("link", name="In mijn agenda (.ics)").first.get_attribute("href")
    response = page.request.get(visit.base_url + href)
    assert response.ok and response.headers["content-type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.body()).events
    assert str(event["UID"]).startswith(str(appointment.uid))
    assert event.start.tzinfo.key == "Europe/Amsterdam" and event.start.hour == 19

    page.get_by_role("link", name="Wijzigen").first.click()
    page.wait_for_load_state()
    visit.check_page("change page")

    page.context.clear_cookies()
    log_in(visit, mediator_user.username, DEMO_PASSWORD)
    page.get_by_role("link", name="Agenda", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Mijn agenda").is_visible()
    assert case.reference in page.locator("main").inner_text()
    visit.check_page("mediator's agenda")
    page.get_by_role("link", name=case.reference).first.click()
    page.wait_for_load_state()
    assert "Intake partij B" in page.locator("#appointments-upcoming").inner_text()
    visit.check_page("mediator's case page with the talk")
