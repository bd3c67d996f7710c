"""A coordinator makes a letter in a real Chromium: the case page's letters panel, the print
page (axe-core and the Nu HTML Checker), the PDF downloaded and read back."""

import io

import pytest
from pypdf import PdfReader

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import DEMO_PASSWORD, UserFactory
from cases.constants import EventKind
from cases.factories import party_data
from cases.models import CaseEvent
from reports.services import letter_templates_set_up

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_coordinator_prints_the_intro_letter_for_party_b_and_downloads_it(visit, service, make_case):
    letter_templates_set_up(service=service)
    coordinator = UserFactory(username="carla", service=service, role=Role.COORDINATOR, first_name="Carla")
    case = make_case(
        actor=coordinator,
        coordinator=coordinator,
        parties=[party_data(side="A", name="Anna de Melder"), party_data(side="B", name="Şükrü Yılmaz")],
    )
    page = visit.page
    log_in(visit, coordinator.username, DEMO_PASSWORD)

    visit.goto(case.get_absolute_url())
    panel = page.locator("#brieven")
    visit.check_page("case page with the letters panel")
    panel.get_by_label("Brief").select_option(label="Kennismakingsbrief aan partij B")
    panel.get_by_label("Aan").select_option(label="Şükrü Yılmaz (Partij B (buren))")
    panel.get_by_role("button", name="Brief maken").click()
    page.wait_for_load_state()

    letter = page.locator("article.letter")
    assert "Şükrü Yılmaz" in letter.inner_text() and case.reference in letter.inner_text()
    assert page.get_by_role("button", name="Afdrukken").is_visible()  # shown by print.js
    visit.check_page("letter, print page")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF downloaden").click()
    download = download_info.value
    assert download.suggested_filename.startswith(case.reference) and download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read())).pages)
    assert "Şükrü Yılmaz" in text and case.reference in text and "Anna de Melder" not in text

    made = CaseEvent.objects.filter(case=case, kind=EventKind.LETTER_MADE).values_list("reason", flat=True)
    assert [reason.rsplit(" · ", 1)[1] for reason in made] == ["afdrukpagina", "PDF"]

    # A choice sent without a letter: the form page with its error summary.
    visit.goto(f"/brieven/zaak/{case.reference}/?sjabloon=&partij=")
    assert page.get_by_text("Kies een brief.").first.is_visible()
    visit.check_page("letter choice with errors")
