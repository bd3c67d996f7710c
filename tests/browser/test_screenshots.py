"""`make screenshots`: pictures of the main pages for the README (docs/screenshots/), at 1280 and 360 px.

Skipped unless SCREENSHOTS_DIR is set; the pages pass the same checks as the journeys' pages.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import log_in

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not os.environ.get("SCREENSHOTS_DIR"), reason="only for make screenshots"),
]

PAGES = [
    ("coordinator.rivierstad", "werkvoorraad", "/zaken/werkvoorraad/"),
    ("coordinator.rivierstad", "zaken", "/zaken/"),
    ("coordinator.rivierstad", "nieuwe-melding", "/zaken/nieuw/"),
    ("coordinator.rivierstad", "zaak", None),
    ("coordinator.rivierstad", "brief", "letter"),
    ("coordinator.rivierstad", "partners", "/partners/"),
    ("coordinator.rivierstad", "bemiddelaars", "/bemiddelaars/"),
    ("coordinator.rivierstad", "cijfers", "/cijfers/"),
    ("bemiddelaar.rivierstad", "agenda", "/agenda/"),
    ("verwijzer.rivierstad", "mijn-verwijzingen", "/verwijzingen/"),
    ("verwijzer.rivierstad", "verwijzing-toestemming", "/verwijzingen/nieuw/"),
]


def letter_url(case) -> str:
    """The introduction letter to the case's party B."""
    from django.urls import reverse

    template = case.service.letter_templates.get(kind="intro_party_b")
    party = case.parties.filter(side="B").first()
    return reverse("letters:letter", args=[case.reference, party.pk, template.pk])


def test_screenshots(html_checker, browser, live_server, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from buurtbemiddeling.factories import DEMO_PASSWORD
    from cases.models import Case

    from .conftest import Visit

    settings.DEBUG = True
    call_command("seed_demo", cases=60, quiet_logins=True)
    settings.DEBUG = False
    out = Path(os.environ["SCREENSHOTS_DIR"])
    out.mkdir(parents=True, exist_ok=True)
    case = Case.objects.filter(service__name__endswith="Rivierstad", status="in_mediation").first()
    for username in {page[0] for page in PAGES}:
        TOTPDevice.objects.filter(user__username=username).exclude(name="Demo").delete()
    current_user = None
    context = None
    for username, name, path in PAGES:
        if username != current_user:
            if context:
                context.close()
            context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
            visit = Visit(context.new_page(), live_server.url, html_checker)
            log_in(visit, username, DEMO_PASSWORD)
            current_user = username
        visit.goto(letter_url(case) if path == "letter" else path or case.get_absolute_url())
        visit.check_page(name)
        visit.page.screenshot(path=str(out / f"{name}.png"), full_page=False)
        # The same page on a phone (360 px wide): the menu folded away, nothing cut off.
        visit.page.set_viewport_size({"width": 360, "height": 780})
        visit.page.screenshot(path=str(out / f"{name}-360.png"), full_page=False)
        visit.page.set_viewport_size({"width": 1280, "height": 900})
    context.close()
    phone = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844}, is_mobile=True)
    visit = Visit(phone.new_page(), live_server.url)
    visit.goto("/melden/")
    visit.page.screenshot(path=str(out / "zelf-melden-telefoon.png"), full_page=True)
    phone.close()
