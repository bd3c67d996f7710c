"""A service admin's journeys through Django admin, in a real Chromium.

Every page passes the same checks as the app's own pages (`visit.check_page`: axe, the Nu HTML
Checker, reflow and non-text contrast) in the states a service admin meets: lists, editable
lists, forms with inlines, autocomplete (open and closed) and filter widgets, a form sent
back with errors, and the page after a successful save.
"""

import re

import pytest
from playwright.sync_api import expect

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, MunicipalityFactory, NeighbourhoodFactory, UserFactory
from buurtbemiddeling.models import PostcodeRange, User
from cases.models import ConflictType, Outcome
from organisations.factories import (
    ContactPersonFactory,
    MediatorProfileFactory,
    PartnerOrganisationFactory,
    WorkingAgreementFactory,
)
from organisations.models import ContactPerson, MediatorProfile

from .conftest import log_in

# serialized_rollback: the flush after each test would otherwise drop the role groups
# that a data migration created.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def service_admin(service):
    MunicipalityFactory(service=service, name="Aland")
    NeighbourhoodFactory(service=service, name="Centrum")
    NeighbourhoodFactory(service=service, name="Oost")
    return UserFactory(username="beheer.aland", service=service, role=Role.ADMIN, first_name="Bea")


def open_page(visit, name, label):
    """Follow a link in the admin's menu (or, on the index, its list of models), then check the page."""
    page = visit.page
    menu = page.locator("#nav-sidebar") if page.locator("#nav-sidebar").count() else page.locator("#content-main")
    menu.get_by_role("link", name=name, exact=True).click()
    page.wait_for_load_state()
    visit.check_page(label)


def field(page, label):
    """A form field by its label, as Django writes it ("Naam:")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}:?$"))


def add(text):
    """An add link's name, as Django writes it ("Soort conflict toevoegen": lower case)."""
    return re.compile(rf"^{re.escape(text)}$", re.IGNORECASE)


def click_and_check(visit, role, name, label):
    exact = None if isinstance(name, re.Pattern) else True
    visit.page.get_by_role(role, name=name, exact=exact).first.click()
    visit.page.wait_for_load_state()
    visit.check_page(label)


def save(visit, label):
    page = visit.page
    page.get_by_role("button", name="Opslaan", exact=True).first.click()
    page.wait_for_load_state()
    visit.check_page(label)


def expect_saved(page):
    expect(page.locator(".messagelist .success")).to_be_visible()
    expect(page.locator(".errornote")).to_have_count(0)


def expect_sent_back(page, error):
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".errorlist", has_text=error).first).to_be_visible()


def test_a_service_admin_keeps_the_service_settings_reference_lists_and_places(
    visit, service, other_service, service_admin
):
    page = visit.page
    log_in(visit, service_admin.username, DEMO_PASSWORD)
    # A service admin starts in the admin.
    expect(page.get_by_role("heading", name="Websitebeheer", level=1)).to_be_visible()
    assert page.url.endswith("/admin/")
    visit.check_page("admin index")

    # The service's own settings, with its municipalities and postcode ranges (tabular inlines).
    open_page(visit, "Bemiddelingsorganisaties", "mediation services")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)  # only their own service
    click_and_check(visit, "link", service.name, "mediation service settings")
    # Each cell of a table row is named after its column and row.
    expect(page.get_by_label("Van postcode (7500-7549)")).to_have_value("7500")
    expect(page.get_by_label("Naam (Aland)")).to_have_value("Aland")
    page.get_by_role("button", name=re.compile("postcodegebied toevoegen", re.IGNORECASE)).click()
    page.fill("#id_postcode_ranges-1-start", "7600")
    page.fill("#id_postcode_ranges-1-end", "7590")
    save(visit, "mediation service settings, a postcode range sent back")
    expect_sent_back(page, "De eindpostcode moet gelijk aan of na de beginpostcode liggen.")
    page.fill("#id_postcode_ranges-1-end", "7649")
    page.fill("#id_first_contact_target_days", "3")
    save(visit, "mediation services, settings saved")
    expect_saved(page)
    assert PostcodeRange.objects.filter(service=service, start=7600, end=7649).exists()
    service.refresh_from_db()
    assert service.first_contact_target_days == 3

    # Reference lists: reordered in the list itself, added to, changed.
    open_page(visit, "Soorten conflict", "conflict types")
    first = ConflictType.objects.filter(service=service).order_by("position", "name").first()
    page.get_by_label(f"Volgorde ({first.name})").fill("40")
    save(visit, "conflict types, order saved")
    expect_saved(page)
    first.refresh_from_db()
    assert first.position == 40

    click_and_check(visit, "link", add("Soort conflict toevoegen"), "conflict type, add")
    save(visit, "conflict type, sent back without a name")
    expect_sent_back(page, "Dit veld is verplicht.")
    field(page, "Naam").fill("Overlast door huisdieren")
    field(page, "Naam in het Engels").fill("Nuisance from pets")
    save(visit, "conflict types, one added")
    expect_saved(page)
    assert ConflictType.objects.filter(service=service, name="Overlast door huisdieren").exists()
    click_and_check(visit, "link", "Overlast door huisdieren", "conflict type, change")

    open_page(visit, "Redenen niet geschikt", "unsuitability reasons")
    page.locator("#result_list tbody a").first.click()
    page.wait_for_load_state()
    visit.check_page("unsuitability reason, change")

    open_page(visit, "Uitkomsten", "outcomes")
    outcome = Outcome.objects.filter(service=service).order_by("position", "name").first()
    click_and_check(visit, "link", outcome.name, "outcome, change")
    save(visit, "outcomes, saved unchanged")
    expect_saved(page)

    # Where the service works: municipalities, neighbourhoods, postcode ranges.
    open_page(visit, "Gemeenten", "municipalities")
    click_and_check(visit, "link", add("Gemeente toevoegen"), "municipality, add")
    open_page(visit, "Wijken", "neighbourhoods")
    click_and_check(visit, "link", "Centrum", "neighbourhood, change")
    field(page, "Naam").fill("Centrum-Noord")
    save(visit, "neighbourhoods, one renamed")
    expect_saved(page)
    open_page(visit, "Postcodegebieden", "postcode ranges")
    click_and_check(visit, "link", add("Postcodegebied toevoegen"), "postcode range, add")
    field(page, "Van postcode").fill("7520")
    field(page, "Tot en met postcode").fill("7530")
    save(visit, "postcode range, sent back: it overlaps")
    expect_sent_back(page, "Overlapt met postcodegebied 7500-7549")


def test_a_service_admin_sets_up_people_partners_and_mediators(visit, service, service_admin):
    page = visit.page
    housing = PartnerOrganisationFactory(service=service, name="Woonstichting Aland")
    ContactPersonFactory(organisation=housing, name="Wim Woning")
    WorkingAgreementFactory(organisation=housing)
    mediator_user = UserFactory(username="mila", service=service, role=Role.MEDIATOR, first_name="Mila")
    MediatorProfileFactory(service=service, name="Mo Mediator")
    log_in(visit, service_admin.username, DEMO_PASSWORD)
    visit.check_page("admin index")

    # People: a new account, first with passwords that differ, then right.
    open_page(visit, "Gebruikers", "users")
    click_and_check(visit, "link", add("Gebruiker toevoegen"), "user, add")
    field(page, "Gebruikersnaam").fill("cor.coordinator")
    field(page, "Wachtwoord").fill("een-lang-wachtwoord-voor-cor")
    field(page, "Bevestiging wachtwoord").fill("een-ander-wachtwoord")
    field(page, "E-mailadres").fill("cor@example.org")
    save(visit, "user, add, sent back: passwords differ")
    expect_sent_back(page, "De twee wachtwoordvelden komen niet overeen.")
    field(page, "Wachtwoord").fill("een-lang-wachtwoord-voor-cor")
    field(page, "Bevestiging wachtwoord").fill("een-lang-wachtwoord-voor-cor")
    save(visit, "user, added, its change page")
    expect_saved(page)
    cor = User.objects.get(username="cor.coordinator")
    assert cor.service_id == service.pk  # bound to the admin's own service, whatever the form said
    field(page, "Voornaam").fill("Cor")
    save(visit, "users, one changed")
    expect_saved(page)
    click_and_check(visit, "link", "cor.coordinator", "user, change")
    click_and_check(visit, "button", "Wachtwoord opnieuw instellen", "user, password")

    # Partners: an organisation with its contact persons and working agreements (inlines).
    open_page(visit, "Partnerorganisaties", "partner organisations")
    click_and_check(visit, "link", "Woonstichting Aland", "partner organisation, change")
    expect(page.get_by_label("Naam (Wim Woning)")).to_have_value("Wim Woning")
    page.get_by_role("button", name=re.compile("contactpersoon toevoegen", re.IGNORECASE)).click()
    page.locator("#id_contact_persons-1-name").fill("Anna Aannemer")
    page.locator("#id_contact_persons-1-email").fill("geen-adres")
    save(visit, "partner organisation, a contact person sent back")
    expect_sent_back(page, "Voer een geldig e-mailadres in.")
    page.locator("#id_contact_persons-1-email").fill("anna@woonstichting.example")
    save(visit, "partner organisations, a contact person added")
    expect_saved(page)
    assert ContactPerson.objects.filter(organisation=housing, name="Anna Aannemer").exists()

    # A contact person on its own form: the organisation is chosen in an autocomplete field.
    open_page(visit, "Contactpersonen", "contact persons")
    click_and_check(visit, "link", add("Contactpersoon toevoegen"), "contact person, add")
    save(visit, "contact person, sent back empty")
    expect_sent_back(page, "Dit veld is verplicht.")
    organisation = page.get_by_role("combobox", name="Partnerorganisatie:", exact=True)
    organisation.click()
    page.get_by_role("searchbox", name="Partnerorganisatie:", exact=True).fill("Woon")
    expect(page.get_by_role("option", name="Woonstichting Aland")).to_be_visible()
    # The open list as it is: axe and the HTML checker. (Its reflow is the page's, checked
    # before it opened: a list opened at 1280 px keeps its width when the window narrows.)
    visit.check_accessibility("contact person, choosing the organisation")
    visit.check_html("contact person, choosing the organisation")
    page.get_by_role("option", name="Woonstichting Aland").click()
    expect(organisation).to_contain_text("Woonstichting Aland")
    field(page, "Naam").fill("Bert Beheer")
    save(visit, "contact persons, one added")
    expect_saved(page)
    assert ContactPerson.objects.filter(organisation=housing, name="Bert Beheer").exists()

    open_page(visit, "Werkafspraken", "working agreements")
    page.locator("#result_list tbody a").first.click()
    page.wait_for_load_state()
    visit.check_page("working agreement, change")

    # Mediators: a profile linked to an account (autocomplete), with neighbourhoods (filter).
    open_page(visit, "Bemiddelaars", "mediator profiles")
    click_and_check(visit, "link", add("Bemiddelaar toevoegen"), "mediator profile, add")
    field(page, "Naam").fill("Mila Mediator")
    page.select_option("#id_neighbourhoods_from", label="Oost")
    page.get_by_role("button", name="Geselecteerde wijken kiezen").click()
    page.get_by_role("combobox", name="Gebruiker:", exact=True).click()
    page.get_by_role("searchbox", name="Gebruiker:", exact=True).fill("mila")
    page.get_by_role("option", name=re.compile("Mila")).click()
    save(visit, "mediator profiles, one added")
    expect_saved(page)
    profile = MediatorProfile.objects.get(name="Mila Mediator")
    assert profile.user == mediator_user
    assert [n.name for n in profile.neighbourhoods.all()] == ["Oost"]

    # The collaboration records a service admin may correct.
    open_page(visit, "Consultaties", "consultations")
    click_and_check(visit, "link", add("Consultatie toevoegen"), "consultation, add")
