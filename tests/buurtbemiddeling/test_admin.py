"""Django admin: every registered model has a working list, search and add page."""

import pytest
from django.contrib import admin
from django.urls import reverse

from cases.models import Case

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.fixture
def superuser(db):
    from buurtbemiddeling.models import User

    return User.objects.create_superuser("root", "root@example.org", "een-lang-wachtwoord-voor-root")


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_every_admin_list_page_opens_and_searches(model, superuser, client, case):
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200
    assert client.get(url, {"q": "zoek"}).status_code == 200
    add = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
    # Cases are registered in the app; the logs and background tasks are written by the system only.
    read_only = (
        model is Case
        or model._meta.app_label in {"auditlog", "axes", "django_tasks_database"}
        or model._meta.label in {"buurtbemiddeling.AccessLog"}
    )
    assert add.status_code == (403 if read_only else 200)


def test_case_status_is_read_only_in_the_admin(superuser, client, case):
    client.force_login(superuser)
    url = reverse("admin:cases_case_change", args=[case.pk])
    html = client.get(url).text
    assert 'name="status"' not in html
    assert "Aangemeld" in html


def test_a_service_bound_admin_sees_only_their_own_service(client, case, other_service, other_coordinator, make_case):
    from buurtbemiddeling.constants import Role
    from buurtbemiddeling.factories import UserFactory

    foreign = make_case(service=other_service, actor=other_coordinator)
    staff = UserFactory(username="beheer.aland", service=case.service, role=Role.ADMIN)
    client.force_login(staff)
    html = client.get(reverse("admin:cases_case_changelist")).text
    assert case.reference in html and foreign.reference not in html
    assert client.get(reverse("admin:cases_case_change", args=[foreign.pk])).status_code == 302


def test_the_admin_login_is_our_login_page(client, db):
    response = client.get("/admin/", follow=True)
    assert response.request["PATH_INFO"] == "/inloggen/"
