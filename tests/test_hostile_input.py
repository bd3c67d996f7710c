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
    for side in (["C"], [], ["A", "B"]):
        response = login(coordinator).post(
            reverse("cases:add_party", args=[case.reference]), {"side": side, "new-name": "Derde Partij"}
        )
        assert response.status_code in (200, 400) and "Kies aan welke kant" in response.text
    assert Party.objects.filter(case=case).count() == before
    login(coordinator).post(reverse("cases:add_party", args=[case.reference]), {"side": "B", "new-name": "Derde"})
    assert Party.objects.filter(case=case).count() == before + 1
