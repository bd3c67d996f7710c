"""Journeys as a new user would click through them, in a real Chromium."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, NeighbourhoodFactory, UserFactory
from cases.constants import CaseStatus, ConversationKind
from cases.models import Case
from cases.services import case_transition, conversation_log, mediator_assign
from organisations.factories import MediatorProfileFactory

from .conftest import log_in

# serialized_rollback: the flush after each test would otherwise drop the role groups
# that a data migration created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def open_action(page, label):
    """Open a collapsed action (<details>) by its summary text."""
    page.locator("summary", has_text=label).first.click()


def test_coordinator_takes_a_phone_report_from_intake_to_closed_as_resolved(visit, service):
    coordinator = UserFactory(username="carla", service=service, role=Role.COORDINATOR, first_name="Carla")
    NeighbourhoodFactory(service=service, name="Centrum")
    MediatorProfileFactory(service=service, name="Mila Mediator")
    MediatorProfileFactory(service=service, name="Mo Mediator")
    page = visit.page

    log_in(visit, coordinator.username, DEMO_PASSWORD)
    assert page.get_by_role("heading", name="Werkvoorraad").is_visible()
    visit.check_page("work queue")

    # Register the phone report, in the order the call goes.
    page.get_by_role("link", name="Nieuwe melding", exact=True).click()
    visit.check_page("register")
    page.fill("#id_a-name", "Els Ebbers")
    page.fill("#id_a-phone", "06 12345678")
    page.fill("#id_a-street", "Lindelaan")
    page.fill("#id_a-house_number", "12")
    page.fill("#id_a-postcode", "7511 AB")
    page.fill("#id_a-city", "Aland")
    page.fill("#id_b-street", "Lindelaan")
    page.fill("#id_b-house_number", "14")
    page.get_by_label("Geluidsoverlast door personen").check()
    page.fill("#id_description", "Harde muziek na middernacht.")
    page.select_option("#id_neighbourhood", label="Centrum")
    page.get_by_role("button", name="Registreren").click()
    page.wait_for_load_state()
    assert page.get_by_text(re.compile(r"Zaak AL-\d{4}-00001 is geregistreerd")).is_visible()
    visit.check_page("case page, registered")

    def step(label):
        open_action(page, label)
        page.get_by_role("button", name=f"Bevestigen: {label}").click()
        page.wait_for_load_state()

    step("Eerste contact gemaakt, start intake")
    step("Geschikt, oppakken")
    assert page.locator("#case-status").inner_text() == "Geschikt, opgepakt"

    # The pair: each mediator shows their current load.
    for name in ("Mila Mediator", "Mo Mediator"):
        option = page.locator("#id_mediator option", has_text=name).first.get_attribute("value")
        page.select_option("#id_mediator", option)
        page.get_by_role("button", name="Toewijzen").click()
        page.wait_for_load_state()
        assert page.get_by_text(f"{name} is toegewezen aan deze zaak.").is_visible()
    step("Bemiddeling gestart")

    def log_contact(kind_label, report, agreements=""):
        open_action(page, "Contact of gesprek vastleggen")
        page.select_option("#id_kind", label=kind_label)
        page.fill("#id_report", report)
        for box in page.locator("input[name=mediators]").all():
            box.check()
        if agreements:
            page.fill("#id_agreements", agreements)
        page.get_by_role("button", name="Vastleggen").click()
        page.wait_for_load_state()
        assert page.get_by_text("Het contact is vastgelegd.").is_visible()

    log_contact("Huisbezoek intake partij A", "Verhaal van A gehoord.")
    log_contact("Huisbezoek intake partij B", "Verhaal van B gehoord.")
    log_contact("Gezamenlijk bemiddelingsgesprek", "Samen afspraken gemaakt.", "Geen muziek na 23 uur\nEerst aanbellen")
    assert page.get_by_text("Nazorg is gepland op").is_visible()
    visit.check_page("case page, in mediation")
    step("Naar nazorg")
    log_contact("Nazorggesprek", "Afspraken worden nagekomen.")

    open_action(page, "Afsluiten")
    page.select_option("#id_closed_outcome", label="Opgelost na gezamenlijk gesprek met afspraken")
    page.get_by_role("button", name="Bevestigen: Afsluiten").click()
    page.wait_for_load_state()
    assert page.locator("#case-status").inner_text() == "Afgesloten"
    case = Case.objects.get()
    assert case.status == CaseStatus.CLOSED and case.outcome.counts_as_resolved
    assert case.conversations.count() == 4 and case.agreements.count() == 2
    visit.check_page("case page, closed")

    # The figures now count the closed case; charts and tables pass the same checks.
    page.get_by_role("link", name="Cijfers").click()
    page.wait_for_load_state()
    assert page.locator("svg[role=img]").count() >= 1
    visit.check_page("figures")


def test_coordinator_keeps_the_case_file_right_after_intake(visit, service, make_case):
    """An edit, a party's new phone number, a note, a corrected report, a refusal, going on without them, a handover."""
    carla = UserFactory(username="carla", service=service, role=Role.COORDINATOR, first_name="Carla")
    UserFactory(username="dirk", service=service, role=Role.COORDINATOR, first_name="Dirk", last_name="Dekker")
    NeighbourhoodFactory(service=service, name="Centrum")
    case = make_case(actor=carla, coordinator=carla)
    page = visit.page
    log_in(visit, carla.username, DEMO_PASSWORD)
    visit.goto(case.get_absolute_url())

    page.get_by_role("link", name="Gegevens wijzigen").click()
    page.wait_for_load_state()
    visit.check_page("case edit")
    page.select_option("#id_neighbourhood", label="Centrum")
    page.get_by_label("Urgent").check()
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("De gegevens van de zaak zijn opgeslagen.").is_visible()
    assert page.get_by_text("wijk: - → Centrum").is_visible()

    page.get_by_role("link", name="Wijzigen Partij B (buren)").click()
    page.wait_for_load_state()
    visit.check_page("party edit")
    page.fill("#id_phone", "06 9876 5432")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("0698765432").first.is_visible()

    party_a = case.parties.get(side="A")
    conversation_log(
        case=case,
        actor=carla,
        kind=ConversationKind.PHONE_CALL,
        held_on=timezone.localdate(),
        parties=[party_a],
        report="Mevrouw belde, wil graag praten.",
    )
    visit.goto(case.get_absolute_url())
    page.get_by_role("link", name="Corrigeren").click()
    page.wait_for_load_state()
    visit.check_page("conversation correction")
    page.fill("#id_report", "Mevrouw belde, wil graag praten. Buurman is vaak na zessen thuis.")
    page.fill("#id_reason", "Aangevuld na het terugbellen.")
    page.get_by_role("button", name="Correctie opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("Het verslag is gecorrigeerd. De eerdere versie is bewaard.").is_visible()
    assert page.get_by_text("Buurman is vaak na zessen thuis.").is_visible()
    page.locator("summary", has_text="Eerdere versie (1)").click()
    assert page.get_by_text("Mevrouw belde, wil graag praten.", exact=True).is_visible()

    open_action(page, "Notitie toevoegen")
    page.fill("#id_text", "Belde terug, spreekt vrijdag met de buurman.")
    page.get_by_role("button", name="Notitie opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("De notitie staat in de tijdlijn.").is_visible()

    party_b = case.parties.get(side="B")
    page.select_option(f"#participation-{party_b.pk}", label="Weigert")
    page.locator("form", has=page.locator(f"#participation-{party_b.pk}")).get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert page.locator("#refusal").is_visible()
    visit.check_page("case page, a party refuses")
    page.get_by_role("button", name="Doorgaan zonder Partij B (buren)").click()
    page.wait_for_load_state()
    assert page.locator("#refusal").count() == 0
    assert page.get_by_text("verder zonder deze partij", exact=True).is_visible()

    open_action(page, "Overdragen aan een andere coördinator")
    page.select_option("#id_coordinator", label="Dirk Dekker")
    page.get_by_role("button", name="Overdragen", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("De zaak is overgedragen aan Dirk Dekker.").is_visible()
    visit.check_page("case page, handed over")
    case.refresh_from_db()
    assert case.coordinator.username == "dirk" and case.is_urgent and case.neighbourhood.name == "Centrum"

    # Dirk's cases back to Carla at once: the list filtered on him, all ticked with one box.
    visit.goto(reverse("cases:list") + f"?coordinator={case.coordinator_id}")
    visit.check_page("case list filtered on a coordinator")
    page.get_by_label("Alle zaken op deze pagina selecteren").check()
    assert page.get_by_label(f"Selecteer {case.reference}").is_checked()
    page.select_option("#id_handover_coordinator", value=str(carla.pk))
    page.get_by_role("button", name="Overdragen", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text(f"1 zaak is overgedragen aan {carla.get_full_name()}.").is_visible()
    case.refresh_from_db()
    assert case.coordinator == carla


def test_mediator_sees_only_their_own_cases(visit, service, coordinator, make_case):
    user = UserFactory(username="mees", service=service, role=Role.MEDIATOR)
    TOTPDevice.objects.create(user=user, name="Telefoon", confirmed=True)  # set up earlier
    profile = MediatorProfileFactory(service=service, user=user, name="Mees")
    mine = make_case()
    other = make_case()
    mediator_assign(case=mine, mediator=profile, actor=coordinator)

    log_in(visit, "mees", DEMO_PASSWORD)
    page = visit.page
    assert page.get_by_role("heading", name="Mijn zaken").is_visible()
    visit.check_page("my cases")
    assert page.get_by_role("link", name=mine.reference).is_visible()
    assert page.get_by_role("link", name=other.reference).count() == 0
    page.get_by_role("link", name=mine.reference).click()
    page.wait_for_load_state()
    party = mine.parties.get(side="A")
    assert page.get_by_text(party.phone).first.is_visible()
    visit.check_page("mediator case page")
    # A note of their own, which the coordinator reads in the timeline and they under "Mijn notities".
    page.get_by_text("Notitie toevoegen").click()
    page.get_by_role("textbox", name="Notitie").fill("Belde aan, buurman was niet thuis. Vrijdag opnieuw.")
    page.get_by_role("button", name="Notitie opslaan").click()
    page.wait_for_load_state()
    assert page.get_by_text("De notitie staat in de tijdlijn.").is_visible()
    notes = page.get_by_role("region", name="Mijn notities")
    assert notes.get_by_text("Belde aan, buurman was niet thuis. Vrijdag opnieuw.").is_visible()
    visit.check_page("mediator case page with a note")
    response = page.goto(visit.base_url + other.get_absolute_url())
    assert response.status == 404


def test_referrer_meets_the_consent_gate_both_ways_and_then_sees_only_milestones(visit, referrer, coordinator):
    page = visit.page
    log_in(visit, referrer.username, DEMO_PASSWORD)
    assert page.get_by_role("heading", name="Mijn verwijzingen").is_visible()
    visit.check_page("my referrals (empty)")

    # Not yet: help, no data fields.
    page.get_by_role("link", name="Nieuwe verwijzing").first.click()
    visit.check_page("consent gate")
    page.get_by_label("Nee, of nog niet", exact=True).check()
    page.get_by_role("button", name="Verder").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("Vraag eerst toestemming")).is_visible()
    assert page.locator("main input").count() == 0
    visit.check_page("not yet: advice")

    # Yes: the form, with the neighbour by address only.
    page.get_by_role("link", name="Terug naar de vraag over toestemming").click()
    page.get_by_label(re.compile("Ja, de bewoner")).check()
    page.get_by_label(re.compile("ik geef alleen hun adres door")).check()
    page.get_by_role("button", name="Verder").click()
    page.wait_for_load_state()
    assert page.locator("#id_b-name").count() == 0
    visit.check_page("referral form")
    page.fill("#id_ca-agreed_by", "Mevrouw Aksoy")
    page.fill("#id_ca-agreed_on", timezone.localdate().isoformat())
    page.get_by_label("Mondeling").check()
    page.fill("#id_a-name", "Ayla Aksoy")
    page.fill("#id_a-phone", "0611223344")
    page.fill("#id_a-street", "Beukenlaan")
    page.fill("#id_a-house_number", "3")
    page.fill("#id_a-postcode", "7512 CD")
    page.fill("#id_b-street", "Beukenlaan")
    page.fill("#id_b-house_number", "5")
    page.fill("#id_b-postcode", "7512 CD")
    page.fill("#id_own_reference", "WB-1")
    page.get_by_role("button", name="Verwijzing versturen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Uw verwijzing is ontvangen").is_visible()
    visit.check_page("referral received")

    # The coordinator works on the case; the referrer sees only the milestone.
    case = Case.objects.get()
    case = case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    page.get_by_role("link", name="Naar mijn verwijzingen").click()
    page.wait_for_load_state()
    row = page.locator("tr", has_text="WB-1")
    assert "Opgepakt" in row.inner_text()
    assert "Ayla" not in page.content() and case.reference not in page.content()


def test_resident_reports_a_conflict_on_a_phone(phone_visit, service, coordinator):
    from cases.selectors import work_queue_for_user

    visit, page = phone_visit, phone_visit.page
    visit.goto("/melden/")
    assert "Stap 1 van 4" in page.content()
    visit.check_page("self-report: self-check")
    page.check("input[name=talked][value=yes]")
    page.check("input[name=violence][value=no]")
    page.check("input[name=legal][value=no]")
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_load_state()
    visit.check_page("self-report: postcode")
    page.fill("#id_postcode", "7511 AB")
    page.get_by_role("button", name="Volgende").click()
    page.wait_for_load_state()
    visit.check_page("self-report: the report")
    # Send it empty first: the error summary links to the fields, nothing is stored.
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_load_state()
    assert page.locator(".alert-danger a[href^='#id_']").count() >= 3
    visit.check_page("self-report: errors")
    page.fill("#id_name", "Rosa Rietveld")
    page.fill("#id_phone", "06 55554444")
    page.fill("#id_street", "Lindelaan")
    page.fill("#id_house_number", "20")
    page.fill("#id_neighbour_street", "Lindelaan")
    page.fill("#id_neighbour_house_number", "22")
    page.locator("input[name=conflict_types]").first.check()
    page.fill("#id_description", "De hond blaft de hele dag.")
    page.check("#id_consent")
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert case.reference in page.content()
    visit.check_page("self-report: confirmation")
    # 360 px wide: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert case.is_self_report
    new = next(s for s in work_queue_for_user(coordinator) if s["key"] == "new")
    assert case in new["cases"]
