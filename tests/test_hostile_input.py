"""Hostile input a URL or a form can carry gets a clear answer, never a 500 (part of #22)."""

import pytest
from django.urls import reverse

from cases.constants import CaseStatus
from cases.models import Case


@pytest.mark.parametrize("to_status", ["", "gesloten", "closed'--", "x" * 300, "registered"])
def test_an_unknown_or_impossible_status_is_refused_without_a_500(to_status, login, coordinator, case):
    response = login(coordinator).post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": to_status, "expected_status": case.status},
        follow=True,
    )
    assert response.status_code == 200
    assert "Deze stap kan niet (meer)" in response.text
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED


def test_two_targets_in_one_post_are_refused(login, coordinator, case):
    response = login(coordinator).post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": ["intake", "unsuitable"], "expected_status": case.status},
        follow=True,
    )
    assert "Deze stap kan niet (meer)" in response.text
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REGISTERED


def test_the_service_refuses_a_value_that_is_no_status(case, coordinator):
    from django.core.exceptions import ValidationError

    from cases.services import case_transition

    with pytest.raises(ValidationError, match="onbekende status"):
        case_transition(case=case, to_status="no-such-status", actor=coordinator)


def test_a_repeated_answer_on_the_consent_gate_is_refused(login, referrer):
    client = login(referrer)
    url = reverse("referrals:create")
    assert "meer dan eens verstuurd" in client.get(url + "?resident=not_yet&resident=yes&neighbour=not_yet").text
    response = client.post(url, {"resident": ["not_yet", "yes"], "neighbour": "not_yet", "a-name": "X"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "target", ["werkvoorraad", "cases:queue", "//evil.example/", "https://evil.example/x", "/\\evil"]
)
def test_next_after_a_login_step_is_only_a_same_site_path(target, rf, coordinator):
    from buurtbemiddeling.views import _safe_next

    request = rf.get("/inloggen/code/", {"next": target})
    assert _safe_next(request) == reverse("home")
    assert _safe_next(rf.get("/inloggen/code/", {"next": "/zaken/werkvoorraad/"})) == "/zaken/werkvoorraad/"


def test_the_second_step_with_a_bare_word_next_lands_home(client, coordinator):
    client.force_login(coordinator)  # verified (tests/conftest.py)
    response = client.get(reverse("two_factor_verify"), {"next": "werkvoorraad"})
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_production_cookies_and_headers(client, db, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post(reverse("set_language"), {"language": "en", "next": "/melden/"})
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    page = client.get(reverse("selfreport:start"))
    assert "camera=()" in page["Permissions-Policy"] and "geolocation=()" in page["Permissions-Policy"]


def test_logout_by_get_shows_a_page_with_a_logout_button(client, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("logout"))
    assert page.status_code == 200 and 'action="/uitloggen/"' in page.text and 'method="post"' in page.text
    assert "_auth_user_id" in client.session  # a GET does not log out
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_party_without_a_known_side_is_refused_not_stored_as_b(login, coordinator, case):
    from cases.models import Party

    before = Party.objects.filter(case=case).count()
    for side, message in ((["C"], "Kies aan welke kant"), ([], "Kies aan welke kant"), (["A", "B"], "meer dan eens")):
        response = login(coordinator).post(
            reverse("cases:add_party", args=[case.reference]), {"new-side": side, "new-name": "Derde Partij"}
        )
        assert response.status_code in (200, 400) and message in response.text
        assert 'value="Derde Partij"' in response.text  # what was typed stays
    assert Party.objects.filter(case=case).count() == before
    login(coordinator).post(reverse("cases:add_party", args=[case.reference]), {"new-side": "B", "new-name": "Derde"})
    assert Party.objects.filter(case=case).count() == before + 1


def test_the_same_household_twice_warns_and_is_added_only_when_confirmed(login, coordinator, case):
    from cases.models import Party

    url = reverse("cases:add_party", args=[case.reference])
    first = {"new-side": "B", "new-name": "Familie Jansen", "new-postcode": "7512 AB", "new-house_number": "14"}
    assert login(coordinator).post(url, first).status_code == 302
    count = Party.objects.filter(case=case).count()
    # A double click, or the same address under another name: warned, nothing stored, input kept.
    for again in (first, {**first, "new-name": "J. Jansen", "new-house_number": "14 "}):
        page = login(coordinator).post(url, again)
        assert page.status_code == 200 and "staat al bij deze zaak" in page.text
        assert "Toch toevoegen" in page.text and 'value="7512 AB"' in page.text
        assert Party.objects.filter(case=case).count() == count
    # Another household at the same address (an upstairs flat): confirmed, stored.
    assert (
        login(coordinator).post(url, {**first, "new-name": "Bovenburen", "new-add_duplicate": "on"}).status_code == 302
    )
    assert Party.objects.filter(case=case).count() == count + 1


@pytest.mark.parametrize("value", ["😀", "' OR 1=1 --", "-1", "0", "0000-00-00", "12<script>", "1" * 21, "12 a b c d"])
def test_a_house_number_that_is_no_house_number_is_refused_at_its_field(login, coordinator, case, value):
    from cases.models import Party

    count = Party.objects.filter(case=case).count()
    page = login(coordinator).post(
        reverse("cases:add_party", args=[case.reference]),
        {"new-side": "B", "new-name": "Nieuwe buur", "new-house_number": value},
    )
    assert page.status_code == 200 and Party.objects.filter(case=case).count() == count
    assert "Vul een huisnummer in" in page.text or "niet meer dan 20 tekens" in page.text


@pytest.mark.parametrize("value", ["12", "12a", "12 A", "12-3", "12-II", "12 bis", "12A-3", "1", "99999"])
def test_real_house_numbers_pass(value):
    from buurtbemiddeling.validators import normalise_house_number

    assert normalise_house_number(f" {value} ") == value


@pytest.mark.parametrize(
    ("model_path", "field", "bad", "good"),
    [
        ("cases.Party", "house_number", "' OR 1=1 --", "12a"),
        ("cases.Party", "postcode", "12345", "1234 AB"),
        ("cases.Party", "phone", "bel me", "06 12345678"),
        ("organisations.MediatorProfile", "phone", "x", "+32 471 23 45 67"),
        ("organisations.PartnerOrganisation", "phone", "any text", "14 053"),
        ("organisations.ContactPerson", "phone", "06-abc", "088 123 4567"),
        ("buurtbemiddeling.MediationService", "phone", "0000", "0800 1234"),
        ("buurtbemiddeling.User", "phone", "😀", "053 123 4567"),
    ],
)
def test_the_model_refuses_what_no_form_would_take(model_path, field, bad, good):
    """One validator per kind of value on the model: the admin and every form run it."""
    from django.apps import apps
    from django.core.exceptions import ValidationError

    model_field = apps.get_model(model_path)._meta.get_field(field)
    with pytest.raises(ValidationError):
        model_field.clean(bad, None)
    assert model_field.clean(good, None) == good
