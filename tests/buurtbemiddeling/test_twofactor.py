"""Two-factor login, driven through real POSTs (not force_login)."""

import base64
import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP

from buurtbemiddeling.factories import DEMO_PASSWORD
from buurtbemiddeling.models import BackupCode


def code_for(key_text: str, *, offset: int = 0) -> str:
    """What the resident's authenticator app would show now (or `offset` seconds from now)."""
    compact = key_text.replace(" ", "")
    key = base64.b32decode(compact + "=" * (-len(compact) % 8))
    generator = TOTP(key)
    generator.time = time.time() + offset
    return f"{generator.token():06d}"


def password_login(client, username):
    return client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD}, follow=True)


def test_a_coordinator_must_set_up_an_app_before_seeing_anything(client, coordinator, case):
    response = password_login(client, "coordinator")
    assert response.request["PATH_INFO"] == reverse("two_factor_setup")
    assert "Scan in de app deze QR-code" in response.text
    assert 'src="data:image/svg+xml;base64,' in response.text
    # Nothing else opens in the meantime.
    blocked = client.get(case.get_absolute_url())
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("two_factor_setup"))

    key = re.search(r'<code class="user-select-all">([A-Z2-7 ]+)</code>', response.text).group(1)
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000", "next": "/"})
    assert "Deze code klopt niet" in wrong.text
    time.sleep(1.1)  # after a wrong code the device refuses tries for a second (throttling)
    done = client.post(reverse("two_factor_setup"), {"code": code_for(key), "next": "/"})
    codes = re.findall(r"<li>([0-9a-f]{10})</li>", done.text)
    assert len(codes) == 10
    # Stored hashed: no plain code in the database.
    stored = list(BackupCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert client.get(reverse("cases:queue")).status_code == 200


@pytest.fixture
def enrolled(client, coordinator):
    response = password_login(client, "coordinator")
    key = re.search(r'<code class="user-select-all">([A-Z2-7 ]+)</code>', response.text).group(1)
    done = client.post(reverse("two_factor_setup"), {"code": code_for(key), "next": "/"})
    codes = re.findall(r"<li>([0-9a-f]{10})</li>", done.text)
    client.post(reverse("logout"))
    return key, codes


def test_the_next_login_asks_for_the_code_and_a_backup_code_works_once(client, enrolled):
    _key, codes = enrolled
    response = password_login(client, "coordinator")
    assert response.request["PATH_INFO"] == reverse("two_factor_verify")
    assert client.get(reverse("cases:queue")).status_code == 302
    assert "Deze code klopt niet" in client.post(reverse("two_factor_verify"), {"code": "123456"}).text
    time.sleep(1.1)  # throttling after a wrong code
    ok = client.post(reverse("two_factor_verify"), {"code": codes[0], "next": reverse("cases:queue")})
    assert ok.status_code == 302 and ok["Location"] == reverse("cases:queue")
    assert client.get(reverse("cases:queue")).status_code == 200
    client.post(reverse("logout"))
    password_login(client, "coordinator")
    reused = client.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert "Deze code klopt niet of is al gebruikt" in reused.text


def test_a_code_from_the_app_works_at_the_next_login(client, enrolled):
    key, _codes = enrolled
    password_login(client, "coordinator")
    # The setup used the current 30-second step; the next step's code is accepted as well.
    response = client.post(reverse("two_factor_verify"), {"code": code_for(key, offset=30)})
    assert response.status_code == 302
    assert client.get(reverse("cases:queue")).status_code == 200


def test_the_verify_page_does_not_redirect_to_another_host(client, enrolled):
    _key, codes = enrolled
    password_login(client, "coordinator")
    response = client.post(reverse("two_factor_verify"), {"code": codes[1], "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_referrers_may_skip_it(client, referrer):
    response = password_login(client, "verwijzer")
    assert response.request["PATH_INFO"] == reverse("referrals:list")


def test_a_password_reset_never_skips_the_second_factor(client, enrolled, coordinator, mailoutbox):
    client.post(reverse("password_reset"), {"email": coordinator.email})
    link = re.search(r"http://testserver(/wachtwoord/nieuw/\S+/)", mailoutbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "een-nieuw-lang-wachtwoord"
    client.post(form.request["PATH_INFO"], {"new_password1": new, "new_password2": new})
    assert client.get(reverse("cases:queue")).status_code == 302  # not logged in by the reset
    response = client.post(reverse("login"), {"username": "coordinator", "password": new}, follow=True)
    assert response.request["PATH_INFO"] == reverse("two_factor_verify")


def test_guessing_backup_codes_is_slowed_down(client, enrolled):
    _key, codes = enrolled
    password_login(client, "coordinator")
    client.post(reverse("two_factor_verify"), {"code": "ffffffffff"})
    # Right after a wrong guess even a valid code is refused: the device waits first.
    refused = client.post(reverse("two_factor_verify"), {"code": codes[2]})
    assert refused.status_code == 200 and "Deze code klopt niet" in refused.text
    time.sleep(1.1)
    assert client.post(reverse("two_factor_verify"), {"code": codes[2]}).status_code == 302
