"""The figures page (Cijfers) in a real Chromium, with the demo data (#20).

Each breakdown shows once: its chart, and its exact numbers in a table behind a disclosure.
The page passes axe-core and the Nu HTML Checker (with a disclosure open too), is at most half
as tall as it was, and a 320 px wide screen does not scroll sideways.
"""

import pytest
from django.core.management import call_command

from buurtbemiddeling.factories import DEMO_PASSWORD

from .conftest import Visit, log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# document.documentElement.scrollHeight of /cijfers/ at 1280x900 before #20, measured with this
# test's setup (seed_demo, 60 cases, coordinator.rivierstad, the current year, on 7 December
# 2026): 9,544 px at bc95f85 (9,604 px with the new shell of 4d90455), when every breakdown
# showed as a chart and again as a table beside it.
HEIGHT_BEFORE = 9544


def test_each_breakdown_once_in_half_the_height_and_no_sideways_scrolling_on_a_phone(visit, browser, settings):
    settings.DEBUG = True  # seed_demo refuses to run on a production setting
    call_command("seed_demo", cases=60, quiet_logins=True)
    settings.DEBUG = False
    log_in(visit, "coordinator.rivierstad", DEMO_PASSWORD)
    page = visit.page
    visit.goto("/cijfers/")
    visit.check_page("figures")

    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= HEIGHT_BEFORE // 2, f"the page is {height} px tall, more than half of {HEIGHT_BEFORE} px"

    # One breakdown: its chart shows, its table waits behind the disclosure under it.
    card = page.locator("section").filter(has=page.get_by_role("heading", name="Meldingen per kanaal", exact=True))
    chart = card.get_by_role("img", name="Meldingen per kanaal")
    assert chart.is_visible()
    table = card.get_by_role("table")
    assert table.is_hidden()
    card.get_by_text("Tabel met de getallen").click()
    assert table.is_visible()
    assert table.get_by_role("columnheader").all_inner_texts() == ["Categorie", "Aantal"]
    # The table holds the chart's numbers, row by row.
    in_chart = {cell.get_attribute("data-figure"): cell.text_content() for cell in chart.locator("[data-figure]").all()}
    in_table = {cell.get_attribute("data-figure"): cell.inner_text() for cell in table.locator("[data-figure]").all()}
    assert len(in_table) == 6 and in_table == in_chart
    visit.check_accessibility("figures, a table opened")

    # A phone 320 px wide (WCAG's reflow width), every table opened: nothing scrolls sideways.
    context = browser.new_context(locale="nl-NL", viewport={"width": 320, "height": 740})
    context.add_cookies(page.context.cookies())
    phone = Visit(context.new_page(), visit.base_url)
    try:
        phone.goto("/cijfers/")
        assert phone.page.get_by_role("heading", name="Meldingen per kanaal", exact=True).is_visible()
        for summary in phone.page.locator("summary").all():
            summary.click()
        width = phone.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"the page is {width} px wide on a screen 320 px wide"
    finally:
        context.close()
    phone.assert_clean()
