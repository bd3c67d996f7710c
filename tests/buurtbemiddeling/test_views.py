import pytest
from django.urls import reverse

from buurtbemiddeling.factories import DEMO_PASSWORD


def test_login_page_is_dutch_and_uses_only_local_assets(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.text
    assert '<html lang="nl">' in html
    assert "Inloggen" in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html


def test_a_coordinator_logs_in_with_a_password_and_lands_on_the_work_queue(client, coordinator):
    response = client.post(reverse("login"), {"username": "coordinator", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:queue")
    assert "Werkvoorraad" in response.text


def test_a_wrong_password_gives_a_dutch_message_and_keeps_the_username(client, coordinator):
    response = client.post(reverse("login"), {"username": "coordinator", "password": "fout-wachtwoord-123"})
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.text
    assert 'value="coordinator"' in response.text


@pytest.mark.parametrize(
    ("user_fixture", "target"),
    [
        ("coordinator", "cases:queue"),
        ("mediator_user", "cases:my_cases"),
        ("referrer", "referrals:list"),
        ("admin_user", "admin:index"),
    ],
)
def test_home_sends_each_role_to_its_own_start_page(user_fixture, target, request, login):
    client = login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)
    assert client.get(response["Location"]).status_code == 200


def test_logout_only_by_post_and_it_ends_the_session(login, coordinator):
    client = login(coordinator)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("cases:queue")).status_code == 302


def test_authenticated_pages_are_never_cached(login, coordinator):
    response = login(coordinator).get(reverse("cases:queue"))
    assert "no-store" in response["Cache-Control"]


def test_healthz_checks_the_database_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_language_switch_to_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/inloggen/"}, follow=True)
    assert '<html lang="en">' in response.text
    assert "Log in" in response.text


@pytest.mark.parametrize(
    ("user_fixture", "url", "status"),
    [
        ("referrer", "cases:queue", 403),
        ("referrer", "cases:list", 403),
        ("referrer", "partners:list", 403),
        ("mediator_user", "cases:queue", 403),
        ("mediator_user", "referrals:list", 403),
        ("coordinator", "referrals:list", 403),
        ("coordinator", "cases:my_cases", 403),
    ],
)
def test_pages_of_other_roles_are_refused(user_fixture, url, status, request, login):
    response = login(request.getfixturevalue(user_fixture)).get(reverse(url))
    assert response.status_code == status
    assert "geen toegang" in response.text.lower()


def test_unknown_pages_get_a_dutch_404(login, coordinator):
    response = login(coordinator).get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.text
