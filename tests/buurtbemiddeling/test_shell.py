"""What every page shares and Django itself brings along, in the user's language (#20)."""

import gettext
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse


def test_every_page_has_the_apps_icon_and_the_browsers_default_address_leads_to_it(client):
    page = client.get(reverse("login")).text
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in page

    response = client.get("/favicon.ico")  # asked for by pages without the link (Django admin's)
    assert response.status_code == 302
    assert response["Location"] == "/static/img/favicon.svg"
    assert finders.find("img/favicon.svg")


def test_an_empty_choice_reads_in_the_active_language(login, coordinator):
    client = login(coordinator)
    assert "- Kies een optie -" in client.get(reverse("cases:create")).text
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch
    page = client.get(reverse("cases:create")).text
    assert "- Select an option -" in page and "- Kies een optie -" not in page


def test_the_dutch_catalogue_never_turns_a_dutch_text_into_nothing():
    """Dutch is the source language: locale/nl holds only Django's missing strings and our plurals.

    An untranslated plural compiles to empty texts ('' for "1 zaak"), so each must be filled in.
    """
    compiled = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.mo"
    with compiled.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    empty = [key for key, text in catalogue._catalog.items() if key and not text]
    assert not empty
    assert catalogue.ngettext("%(count)d seconde", "%(count)d seconden", 1) == "%(count)d seconde"
    assert catalogue.ngettext("%(count)d seconde", "%(count)d seconden", 5) == "%(count)d seconden"
