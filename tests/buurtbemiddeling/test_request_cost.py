"""What every signed-in page costs before it does its own work (#21).

The benchmark's authenticated bare view (`bench/hello-auth`) passes the whole middleware stack
for a coordinator who gave both factors. It may read the session, the user with what every
page needs (their service, the second factor of this session) and their permissions: three
SQL statements, and no write.
"""

import time

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from buurtbemiddeling import views
from buurtbemiddeling.middleware import AbsoluteSessionLifetimeMiddleware as Lifetime

urlpatterns = [
    path("bench/hello-auth", views.bench_hello_authenticated),
    path("", include("buurtbemiddeling.urls")),
]


SECOND_STEP = ("/inloggen/code/", "/account/tweestapsverificatie/")


def statements(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, [query["sql"] for query in queries]


@pytest.mark.urls(__name__)
def test_the_authenticated_bare_view_reads_session_user_and_permissions_only(client, coordinator):
    client.force_login(coordinator)
    client.get("/bench/hello-auth")  # the first request of a process fills Django's own caches

    response, sql = statements(client, "/bench/hello-auth")

    assert response.status_code == 200
    assert response.content == f"hallo {coordinator.username}".encode()
    assert len(sql) <= 3, "\n".join(sql)
    assert "django_session" in sql[0] and "otp_totp_totpdevice" in sql[1] and "buurtbemiddeling_user" in sql[1]
    assert not [s for s in sql if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))], sql


@pytest.mark.urls(__name__)
def test_every_page_extends_the_session_but_writes_it_at_most_once_a_minute(client, coordinator, settings):
    client.force_login(coordinator)
    client.get("/bench/hello-auth")
    stored = Session.objects.get(pk=client.session.session_key)

    _, sql = statements(client, "/bench/hello-auth")  # a moment later: nothing to write
    assert Session.objects.get(pk=stored.pk).expire_date == stored.expire_date

    session = client.session
    session[Lifetime.RENEWED_KEY] = time.time() - settings.SESSION_RENEW_SECONDS  # a minute later
    session.save()
    before = Session.objects.get(pk=stored.pk).expire_date
    response, sql = statements(client, "/bench/hello-auth")
    assert response.status_code == 200
    assert Session.objects.get(pk=stored.pk).expire_date > before  # the idle timeout starts again
    assert any(s.lstrip().startswith("UPDATE") for s in sql)


def test_an_idle_session_ends_after_fifteen_minutes(login, coordinator, settings):
    from django.urls import reverse
    from django.utils import timezone

    client = login(coordinator)
    assert client.get(reverse("cases:queue")).status_code == 200
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    Session.objects.filter(pk=client.session.session_key).update(expire_date=timezone.now())  # 15 minutes on

    response = client.get(reverse("cases:queue"))
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")


def test_a_removed_or_someone_elses_device_no_longer_counts_as_the_second_factor(login, coordinator, service):
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from buurtbemiddeling.constants import Role
    from buurtbemiddeling.factories import UserFactory

    colleague = UserFactory(username="collega", service=service, role=Role.COORDINATOR)
    client = login(coordinator)
    assert client.get(reverse("cases:queue")).status_code == 200

    theirs = TOTPDevice.objects.create(user=colleague, name="Telefoon", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    assert client.get(reverse("cases:queue"))["Location"].startswith(SECOND_STEP)

    client = login(coordinator)
    assert client.get(reverse("cases:queue")).status_code == 200
    TOTPDevice.objects.filter(user=coordinator).delete()  # an admin reset their app
    assert client.get(reverse("cases:queue"))["Location"].startswith(SECOND_STEP)


def test_a_password_changed_elsewhere_ends_the_session(login, coordinator):
    from django.urls import reverse

    client = login(coordinator)
    assert client.get(reverse("cases:queue")).status_code == 200
    coordinator.set_password("een-heel-ander-wachtwoord-2026")
    coordinator.save()

    response = client.get(reverse("cases:queue"))
    assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
