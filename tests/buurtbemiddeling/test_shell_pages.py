"""The shell around every page (#20): the service in the header, the statements in the footer,
the app's own error pages, the step before the second factor, and reference lists in English."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import MediationServiceFactory, UserFactory
from buurtbemiddeling.forms import ServiceLogoFormMixin, logo_content_type
from buurtbemiddeling.models import MediationService, ServiceLogo
from cases.models import ConflictType, Outcome
from cases.services import service_setup_reference_lists

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


# --- Header and footer -------------------------------------------------------------------


def test_a_signed_in_page_shows_the_users_service_and_its_statements(login, coordinator, service):
    service.phone = "030 123 45 67"
    service.save()
    page = login(coordinator).get(reverse("cases:queue")).text
    assert f"<span>{service.name}</span>" in page
    assert reverse("privacy_statement_of", args=[service.pk]) in page
    assert reverse("accessibility_statement_of", args=[service.pk]) in page
    assert 'href="tel:030 123 45 67"' in page
    # The account's pages are in a menu of their own, the current page is marked.
    assert 'id="account-menu"' in page
    assert f'href="{reverse("cases:queue")}" aria-current="page"' in page


def test_a_public_page_without_a_service_links_the_general_statements(client):
    page = client.get(reverse("login")).text
    assert f'href="{reverse("privacy_statement")}"' in page
    assert f'href="{reverse("accessibility_statement")}"' in page


def test_the_header_shows_the_services_logo_when_it_has_one(login, coordinator, service):
    assert "service-logo" not in login(coordinator).get(reverse("cases:queue")).text
    form = _logo_form(service, {"logo_file": SimpleUploadedFile("logo.png", PNG, "image/png")})
    form.save_logo(service)
    coordinator.refresh_from_db()
    page = login(coordinator).get(reverse("cases:queue")).text
    assert f'src="{reverse("service_logo", args=[service.pk])}?v=' in page

    response = Client().get(reverse("service_logo", args=[service.pk]), {"v": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == PNG
    assert "sandbox" in response["Content-Security-Policy"]


def _logo_form(service, files, data=None):
    class Form(ServiceLogoFormMixin):
        class Meta:
            model = MediationService
            fields = ["name", "reference_prefix"]

    form = Form(
        data={"name": service.name, "reference_prefix": service.reference_prefix, **(data or {})},
        files=files,
        instance=service,
    )
    assert form.is_valid(), form.errors
    return form


def test_a_logo_can_be_removed_and_its_address_then_finds_nothing(service):
    _logo_form(service, {"logo_file": SimpleUploadedFile("logo.png", PNG)}).save_logo(service)
    assert service.logo_updated_at is not None
    _logo_form(service, {}, {"remove_logo": "on"}).save_logo(service)
    service.refresh_from_db()
    assert service.logo_updated_at is None
    assert not ServiceLogo.objects.filter(service=service).exists()
    assert Client().get(reverse("service_logo", args=[service.pk])).status_code == 404


@pytest.mark.parametrize(
    ("content", "accepted"),
    [
        (PNG, "image/png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "image/jpeg"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>', "image/svg+xml"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', None),
        (b"<html><body>hallo</body></html>", None),
        (b"%PDF-1.7", None),
    ],
)
def test_only_images_are_taken_as_a_logo(content, accepted):
    assert logo_content_type(content) == accepted


def test_a_document_posing_as_a_logo_is_refused_at_the_field(service):
    class Form(ServiceLogoFormMixin):
        class Meta:
            model = MediationService
            fields = ["name", "reference_prefix"]

    upload = SimpleUploadedFile("logo.png", b"<html>niet een plaatje</html>", "image/png")
    form = Form(data={"name": service.name, "reference_prefix": "BB"}, files={"logo_file": upload}, instance=service)
    assert not form.is_valid()
    assert "geen afbeelding" in form.errors["logo_file"][0]


# --- Statements ----------------------------------------------------------------------------


def test_the_general_privacy_statement_lets_a_resident_choose_their_service(client, service, other_service):
    inactive = MediationServiceFactory(name="Opgeheven Buurtbemiddeling", is_active=False)
    page = client.get(reverse("privacy_statement")).text
    assert "Privacyverklaring" in page
    assert reverse("privacy_statement_of", args=[service.pk]) in page
    assert reverse("privacy_statement_of", args=[other_service.pk]) in page
    assert inactive.name not in page
    assert client.get(reverse("privacy_statement_of", args=[inactive.pk])).status_code == 404


def test_a_services_statements_show_its_own_text_or_a_default_with_its_details(client, service):
    service.retention_months = 18
    service.email = "info@bb.example"
    service.save()
    page = client.get(reverse("privacy_statement_of", args=[service.pk])).text
    assert "18 maanden" in page and "Autoriteit Persoonsgegevens" in page
    assert 'href="mailto:info@bb.example"' in page

    service.privacy_statement = "Wij bewaren alles in een kluis."
    service.accessibility_statement = "Deze site voldoet aan onze eigen norm."
    service.save()
    assert "Wij bewaren alles in een kluis." in client.get(reverse("privacy_statement_of", args=[service.pk])).text
    page = client.get(reverse("accessibility_statement_of", args=[service.pk])).text
    assert "Deze site voldoet aan onze eigen norm." in page
    assert "Een probleem melden" in page  # the way to report a problem stays


def test_a_signed_in_user_reads_their_own_services_statement(login, coordinator, service):
    service.accessibility_statement = "Toegankelijk voor iedereen in Rivierstad."
    service.save()
    page = login(coordinator).get(reverse("accessibility_statement")).text
    assert "Toegankelijk voor iedereen in Rivierstad." in page


def test_statement_text_is_escaped(client, service):
    service.privacy_statement = "<script>alert(1)</script>"
    service.save()
    page = client.get(reverse("privacy_statement_of", args=[service.pk])).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


# --- Error pages -------------------------------------------------------------------------


def test_a_form_sent_from_a_stale_page_gets_the_apps_own_page_in_the_users_language(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = response.text
    assert '<html lang="nl">' in page and "Dit formulier is verlopen" in page
    assert "site-header" in page and reverse("privacy_statement") in page

    page = english(client).post(reverse("login"), {"username": "x", "password": "y"}).text
    assert '<html lang="en">' in page and "This form has expired" in page


def test_the_server_error_pages_carry_the_shell_in_the_active_language():
    for template in ("errors/500.html", "errors/503.html"):
        with translation.override("nl"):
            page = render_to_string(template)
        assert '<html lang="nl">' in page and "site-header" in page and "css/tokens" in page
        with translation.override("en"):
            page = render_to_string(template)
        assert '<html lang="en">' in page
    with translation.override("en"):
        assert "Something went wrong" in render_to_string("errors/500.html")


def test_a_missing_page_is_the_apps_own_in_english_too(client):
    response = english(client).get("/bestaat-niet/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.text and "site-header" in response.text


# --- Before the second factor ------------------------------------------------------------


def test_the_second_factor_step_shows_no_menu_and_takes_letters(client, coordinator):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=coordinator, name="app", confirmed=True)
    coordinator.set_password("geheim-wachtwoord-123")
    coordinator.save()
    client.post(reverse("login"), {"username": coordinator.username, "password": "geheim-wachtwoord-123"})
    page = client.get(reverse("two_factor_verify")).text
    assert "Tweede stap" in page
    assert reverse("cases:queue") not in page  # no menu of pages that would only send back here
    assert 'action="/uitloggen/"' in page  # the way out stays
    assert 'inputmode="numeric"' not in page  # backup codes have letters


# --- Reference lists in English ----------------------------------------------------------


def test_reference_lists_carry_an_english_label_shown_in_the_english_interface(login, coordinator, service):
    service_setup_reference_lists(service=service)
    noise = ConflictType.objects.get(service=service, name="Geluidsoverlast door personen")
    assert noise.name_en == "Noise from people"
    with translation.override("en"):
        assert str(noise) == "Noise from people"
    with translation.override("nl"):
        assert str(noise) == "Geluidsoverlast door personen"

    own = ConflictType.objects.create(service=service, name="Eigen soort")  # no English label
    with translation.override("en"):
        assert str(own) == "Eigen soort"

    client = login(coordinator)
    assert "Geluidsoverlast door personen" in client.get(reverse("cases:list")).text
    page = english(client).get(reverse("cases:list")).text
    assert "Noise from people" in page and "Geluidsoverlast door personen" not in page
    page = client.get(reverse("cases:create")).text
    assert "Noise from people" in page
    resolved = Outcome.objects.get(service=service, name="Opgelost met alleen advies")
    with translation.override("en"):
        assert str(resolved) == "Resolved with advice only"


# --- The logo through the admin ------------------------------------------------------------


def _admin_service_form(client, service):
    from tests.test_junk_posts import parse

    url = reverse("admin:buurtbemiddeling_mediationservice_change", args=[service.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = max((f for f in parse(url, page.text).forms if f.method == "post"), key=lambda f: len(f.fields))
    data = {}
    for name, field in form.fields.items():
        if field.kind in ("checkbox", "radio", "button", "submit", "file"):
            if field.kind in ("checkbox", "radio") and field.values:
                data[name] = field.values
            continue
        data[name] = field.values[0] if field.values else ""
    data["_save"] = "Opslaan"
    return url, data


def test_a_service_admin_uploads_and_removes_the_logo_in_the_admin(client, service, coordinator):
    staff = UserFactory(username="beheer.logo", service=service, role=Role.ADMIN)
    client.force_login(staff)
    url, data = _admin_service_form(client, service)

    refused = client.post(url, {**data, "logo_file": SimpleUploadedFile("logo.png", b"<html>nee</html>")})
    assert refused.status_code == 200
    assert "geen afbeelding" in refused.text
    assert not ServiceLogo.objects.filter(service=service).exists()

    saved = client.post(url, {**data, "logo_file": SimpleUploadedFile("logo.png", PNG, "image/png")})
    assert saved.status_code == 302, saved.text[:2000]
    service.refresh_from_db()
    assert service.logo_updated_at is not None
    assert ServiceLogo.objects.get(service=service).content_type == "image/png"

    client.force_login(coordinator)
    assert f'src="{reverse("service_logo", args=[service.pk])}?v=' in client.get(reverse("cases:queue")).text

    client.force_login(staff)
    url, data = _admin_service_form(client, service)
    assert client.post(url, {**data, "remove_logo": "on"}).status_code == 302
    service.refresh_from_db()
    assert service.logo_updated_at is None
