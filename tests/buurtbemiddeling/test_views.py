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
# `db` although unused: the user comes from getfixturevalue, which pytest-django cannot see when it
# orders the tests, so without it this runs after the transactional tests, on their flushed database.
def test_home_sends_each_role_to_its_own_start_page(db, user_fixture, target, request, login):
    client = login(request.getfixturevalue(user_fixture))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(target)
    assert client.get(response["Location"]).status_code == 200


def test_logout_only_by_post_and_it_ends_the_session(login, coordinator):
    client = login(coordinator)
    # A GET (a link, a prefetch) does not log out: it shows the button for it (#22).
    assert client.get(reverse("logout")).status_code == 200
    assert client.get(reverse("cases:queue")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("cases:queue")).status_code == 302


def test_authenticated_pages_are_never_cached(login, coordinator):
    response = login(coordinator).get(reverse("cases:queue"))
    assert "no-store" in response["Cache-Control"]


def test_healthz_checks_the_database_without_login(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "tasks": {"waiting": 0, "oldest_waiting_seconds": 0}}


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
# `db` although unused: the user comes from getfixturevalue, which pytest-django cannot see when it
# orders the tests, so without it this runs after the transactional tests, on their flushed database.
def test_pages_of_other_roles_are_refused(db, user_fixture, url, status, request, login):
    response = login(request.getfixturevalue(user_fixture)).get(reverse(url))
    assert response.status_code == status
    assert "geen toegang" in response.text.lower()


def test_unknown_pages_get_a_dutch_404(login, coordinator):
    response = login(coordinator).get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.text


def test_password_reset_mails_a_link_that_works_and_expires_after_an_hour(client, coordinator, mailoutbox, run_tasks):
    import datetime as dt
    import re
    from unittest import mock

    from django.contrib.auth.tokens import default_token_generator

    client.post(reverse("password_reset"), {"email": coordinator.email})
    assert mailoutbox == []  # the page does not wait for the mail server: the worker sends it
    run_tasks()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [coordinator.email]
    assert "één uur geldig" in mail.body
    link = re.search(r"http://testserver(/wachtwoord/nieuw/\S+/)", mail.body).group(1)
    # An unknown address gets the same answer and no mail (no account probing).
    response = client.post(reverse("password_reset"), {"email": "onbekend@example.org"}, follow=True)
    assert "Als dit e-mailadres bij ons bekend is" in response.text
    assert run_tasks() == 0 and len(mailoutbox) == 1
    # After more than an hour the link is refused.
    later = default_token_generator._now() + dt.timedelta(hours=1, minutes=1)
    with mock.patch.object(default_token_generator, "_now", return_value=later):
        response = client.get(link, follow=True)
    assert "Deze link is niet meer geldig" in response.text
    # Within the hour it lets the user choose a new password.
    response = client.get(link, follow=True)
    new = "een-nieuw-lang-wachtwoord"
    response = client.post(response.request["PATH_INFO"], {"new_password1": new, "new_password2": new}, follow=True)
    assert "Uw nieuwe wachtwoord is opgeslagen." in response.text
    client.post(reverse("logout"))
    assert client.post(reverse("login"), {"username": "coordinator", "password": new}).status_code == 302


def test_short_and_common_passwords_are_refused(login, coordinator):
    client = login(coordinator)
    for weak, message in (
        ("kort-1", "Dit wachtwoord is te kort: gebruik minstens 12 tekens."),
        ("password1234", "Dit wachtwoord is te algemeen."),
    ):
        response = client.post(
            reverse("password_change"),
            {"old_password": DEMO_PASSWORD, "new_password1": weak, "new_password2": weak},
        )
        assert response.status_code == 200
        assert message in response.text
    long_passphrase = "de buren en ik drinken samen koffie op zondag"
    response = client.post(
        reverse("password_change"),
        {"old_password": DEMO_PASSWORD, "new_password1": long_passphrase, "new_password2": long_passphrase},
    )
    assert response.status_code == 302


def test_the_interface_is_dutch_even_for_an_english_browser(client, db):
    response = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="nl">' in response.text


def test_repeated_wrong_passwords_lock_the_login_with_a_429_and_a_logged_event(client, coordinator, settings):
    from buurtbemiddeling.models import AccessAction, AccessLog

    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("login"), {"username": "coordinator", "password": "fout-wachtwoord-123"})
    assert response.status_code == 429
    assert "Te vaak een verkeerd wachtwoord" in response.text
    # Even the right password is refused during the cool-off.
    response = client.post(reverse("login"), {"username": "coordinator", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    entry = AccessLog.objects.filter(action=AccessAction.LOGIN_LOCKED).first()
    assert entry is not None and entry.object_id == "coordinator" and entry.allowed is False


def test_a_session_ends_ten_hours_after_login_however_active(login, coordinator, settings):
    import time

    from buurtbemiddeling.middleware import AbsoluteSessionLifetimeMiddleware

    client = login(coordinator)
    assert client.get(reverse("cases:queue")).status_code == 200
    session = client.session
    session[AbsoluteSessionLifetimeMiddleware.SESSION_KEY] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("cases:queue"))
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
    assert client.get(reverse("cases:queue")).status_code == 302  # the session is gone


def test_login_gives_a_new_session_id(client, coordinator):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    client.post(reverse("login"), {"username": "coordinator", "password": DEMO_PASSWORD})
    assert client.session.session_key != before


def test_deactivating_a_user_ends_their_sessions(login, coordinator):
    client = login(coordinator)
    assert client.get(reverse("cases:queue")).status_code == 200
    coordinator.is_active = False
    coordinator.save()
    response = client.get(reverse("cases:queue"))
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
