"""The web tier is stateless: two gunicorn instances, one PostgreSQL, one logged-in flow.

A referrer logs in on instance A, opens the referral form on instance B, submits it on A and
sees the result on B. Sessions, CSRF and the cache all live in the database.
"""

import http.cookiejar
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection
from django.utils import timezone

from buurtbemiddeling.factories import DEMO_PASSWORD
from referrals.models import Referral

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def two_instances(tmp_path, settings):
    if connection.vendor != "postgresql":
        pytest.skip("two app instances share one database server: PostgreSQL only")
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        "DATABASE_URL": url,
        "SECRET_KEY": "stateless-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "CONN_MAX_AGE": "0",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], cwd=ROOT, env=env, check=True
    )
    processes, bases = [], []
    for port in (18701, 18702):
        bind = f"127.0.0.1:{port}"
        processes.append(
            subprocess.Popen(  # noqa: S603
                [str(GUNICORN), "--config", "gunicorn.conf.py", "--workers", "2", "buurtbemiddeling.wsgi"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": bind},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bases.append(f"http://{bind}")
    try:
        for base in bases:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                pytest.fail(f"{base} did not start")
        yield bases
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)


def test_a_logged_in_form_flow_works_across_two_instances(two_instances, referrer):
    a, b = two_instances
    # The servers use the production hashers (the tests' fast one is not among them).
    hasher = Argon2PasswordHasher()
    referrer.password = hasher.encode(DEMO_PASSWORD, hasher.salt())
    referrer.save(update_fields=["password"])
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def get(url):
        with opener.open(url, timeout=10) as response:
            return response.geturl(), response.read().decode()

    def post(url, data):
        token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(url, data=body, headers={"Referer": url})  # noqa: S310
        with opener.open(request, timeout=10) as response:
            return response.geturl(), response.read().decode()

    get(a + "/inloggen/")
    final, _ = post(a + "/inloggen/", {"username": referrer.username, "password": DEMO_PASSWORD})
    assert final.endswith("/verwijzingen/")
    # The session made on A is valid on B.
    final, html = get(b + "/verwijzingen/nieuw/?resident=yes&neighbour=not_yet")
    assert final.endswith("resident=yes&neighbour=not_yet") and 'name="a-name"' in html
    today = timezone.localdate().isoformat()
    final, html = post(
        a + "/verwijzingen/nieuw/",
        {
            "resident": "yes",
            "neighbour": "not_yet",
            "ca-agreed_by": "Mevrouw Aksoy",
            "ca-agreed_on": today,
            "ca-method": "spoken",
            "a-name": "Ayla Aksoy",
            "a-phone": "0611223344",
            "a-street": "Beukenlaan",
            "a-house_number": "3",
            "a-postcode": "7512 CD",
            "b-street": "Beukenlaan",
            "b-house_number": "5",
            "b-postcode": "7512 CD",
            "own_reference": "OVER-TWEE",
        },
    )
    assert "/ontvangen/" in final
    _, html = get(b + "/verwijzingen/")
    assert "OVER-TWEE" in html
    assert Referral.objects.filter(own_reference="OVER-TWEE").count() == 1
