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


def test_a_password_reset_never_skips_the_second_factor(client, enrolled, coordinator, mailoutbox, run_tasks):
    client.post(reverse("password_reset"), {"email": coordinator.email})
    run_tasks()
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
    # Right after a wrong guess even a valid code is refused: the device waits first, and says so.
    refused = client.post(reverse("two_factor_verify"), {"code": codes[2]})
    assert refused.status_code == 200 and "Wacht 1 seconde en probeer het dan opnieuw" in refused.text
    time.sleep(1.1)
    assert client.post(reverse("two_factor_verify"), {"code": codes[2]}).status_code == 302


def test_after_many_wrong_codes_the_right_one_is_told_how_long_to_wait(client, enrolled):
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    key, _codes = enrolled
    password_login(client, "coordinator")
    # The state twelve wrong codes leave behind: 2^11 seconds before the next try.
    TOTPDevice.objects.filter(user__username="coordinator").update(
        throttling_failure_count=12, throttling_failure_timestamp=timezone.now()
    )
    refused = client.post(reverse("two_factor_verify"), {"code": code_for(key, offset=30)})
    assert refused.status_code == 200
    assert "Er zijn te veel onjuiste codes ingevuld. Wacht 35 minuten" in refused.text
    assert "klopt niet" not in refused.text
    # A wrong code does not lengthen the wait while it lasts (it is not checked).
    assert TOTPDevice.objects.get(user__username="coordinator").throttling_failure_count == 12


def test_opening_the_setup_page_stores_no_device_until_a_code_confirms_it(client, coordinator):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    first = password_login(client, "coordinator")
    again = client.get(reverse("two_factor_setup"))
    pattern = r'<code class="user-select-all">([A-Z2-7 ]+)</code>'
    key = re.search(pattern, first.text).group(1)
    assert re.search(pattern, again.text).group(1) == key  # the same QR code on a reload
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    client.post(reverse("two_factor_setup"), {"code": code_for(key)})
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).count() == 1
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=False).exists()
