"""The shell in a real browser (#20): a menu on one line from 1024 px up that folds away on a
phone, the statements and error pages with every check, and the layout checks themselves."""

import pytest

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, UserFactory

from .conftest import BORDER_CONTRAST_JS, FOCUS_RING_JS, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

NAV_LINKS = "#main-nav .nav-link"


@pytest.mark.parametrize("width", [1024, 1280])
def test_the_menu_stays_on_one_line_from_1024_px(visit, service, width):
    service.name = "Stichting Buurtbemiddeling Rivierstad en Omstreken"
    service.save()
    coordinator = UserFactory(
        username="annemarie",
        service=service,
        role=Role.COORDINATOR,
        first_name="Annemarie",
        last_name="van der Westhuizen-Bakker",
        is_staff=True,
    )
    page = visit.page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(visit, coordinator.username, DEMO_PASSWORD)
    visit.check_page(f"work queue at {width}")
    assert page.locator(".navbar-toggler").is_hidden()
    tops = page.eval_on_selector_all(NAV_LINKS, "links => links.map(l => Math.round(l.getBoundingClientRect().top))")
    assert len(tops) == 8  # six pages, Beheer, the account menu
    assert max(tops) - min(tops) <= 2, f"the menu wraps at {width} px: link tops {tops}"
    assert page.get_by_text(service.name).is_visible()

    # The account's pages are one click away, in the account menu.
    page.locator("#account-menu").click()
    assert page.get_by_role("link", name="Wachtwoord wijzigen").is_visible()
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    visit.check_accessibility(f"account menu open at {width}")  # its colours included


def test_on_a_phone_the_menu_folds_away_and_opens(phone_visit, service):
    coordinator = UserFactory(username="carla", service=service, role=Role.COORDINATOR, first_name="Carla")
    page = phone_visit.page
    log_in(phone_visit, coordinator.username, DEMO_PASSWORD)
    phone_visit.check_page("work queue on a phone")
    assert page.get_by_role("link", name="Zaken", exact=True).is_hidden()
    page.get_by_role("button", name="Menu tonen of verbergen").click()
    page.get_by_role("link", name="Zaken", exact=True).wait_for(state="visible")


def test_statements_and_error_pages_pass_every_check(visit, service):
    page = visit.page
    visit.goto("/privacy/")
    visit.check_page("privacy, general")
    page.get_by_role("link", name=service.name).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"Privacyverklaring {service.name}").is_visible()
    visit.check_page("privacy of a service")
    page.get_by_role("link", name="Toegankelijkheid").click()
    page.wait_for_load_state()
    visit.check_page("accessibility statement")

    response = page.goto(visit.base_url + "/bestaat-niet/")
    assert response.status == 404
    visit.check_page("404")


def test_the_layout_checks_find_a_pale_border_and_a_missing_focus_ring(visit):
    """The checks every journey runs can fail: made pale in the page, they report it."""
    page = visit.page
    visit.goto("/inloggen/")
    assert page.evaluate(BORDER_CONTRAST_JS) == []
    page.evaluate("document.querySelector('#id_password').style.borderColor = '#dddddd'")
    page.wait_for_timeout(400)  # Bootstrap eases border colours in over 0.15 s
    weak = page.evaluate(BORDER_CONTRAST_JS)
    assert len(weak) == 1 and "id_password" in weak[0]

    page.locator("#id_password").focus()
    page.keyboard.press("Shift+Tab")  # keyboard focus on the user name field
    ring = page.evaluate(FOCUS_RING_JS)
    assert ring["element"].startswith("input#id_username") and not ring["problem"], ring
    page.evaluate("document.querySelector('#id_username').style.outlineColor = '#eeeeee'")
    assert page.evaluate(FOCUS_RING_JS)["problem"]
