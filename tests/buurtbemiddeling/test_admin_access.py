"""Who opens /admin/ gets a clear answer: the admin, our login page, or a word why not."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory

NOT_FOR_YOU = "Beheer is alleen voor beheerders van uw organisatie."


@pytest.mark.parametrize(
    ("role", "start_page"),
    [
        (Role.COORDINATOR, "cases:queue"),
        (Role.MEDIATOR, "cases:my_cases"),
        (Role.REFERRER, "referrals:list"),
    ],
)
@pytest.mark.parametrize("path", ["/admin/", "/admin/cases/case/", "/admin/login/"])
def test_someone_without_admin_rights_is_told_why_on_their_own_start_page(
    client, service, partner, role, start_page, path
):
    organisation = partner if role == Role.REFERRER else None
    user = UserFactory(username="zonder.beheer", service=service, partner_organisation=organisation, role=role)
    client.force_login(user)

    response = client.get(path, follow=True)

    assert response.status_code == 200
    assert response.request["PATH_INFO"] == reverse(start_page)
    assert NOT_FOR_YOU in response.text
    assert 'name="password"' not in response.text  # no login form asking for the password again
    # Said once: the next page no longer carries it.
    assert NOT_FOR_YOU not in client.get(reverse(start_page)).text


def test_a_superuser_without_the_staff_flag_gets_a_refusal_not_a_redirect_loop(client, db):
    # Their start page is the admin, so sending them "home" would bring them straight back.
    user = UserFactory(username="root", service=None, is_superuser=True, is_staff=False)
    client.force_login(user)

    response = client.get("/admin/", follow=True)

    assert response.status_code == 403
    assert NOT_FOR_YOU in response.text


def test_a_service_admin_opens_the_admin(client, service):
    staff = UserFactory(username="beheer.aland", service=service, role=Role.ADMIN)
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Buurtbemiddeling beheer" in response.text
    assert NOT_FOR_YOU not in response.text
    # The admin's login address, opened while logged in, leads into the admin too.
    assert client.get("/admin/login/")["Location"] == reverse("admin:index")


def test_an_anonymous_visitor_gets_our_login_page_and_comes_back_to_the_admin(client, db):
    response = client.get("/admin/cases/case/", follow=True)

    assert response.request["PATH_INFO"] == "/inloggen/"
    assert QueryDict(response.request["QUERY_STRING"])["next"] == "/admin/cases/case/"
    assert 'name="password"' in response.text
    assert NOT_FOR_YOU not in response.text


def test_the_admins_password_link_leads_to_the_apps_own_page(client, service):
    """One password page for everyone, with the app's checks (not Django admin's own)."""
    client.force_login(UserFactory(username="beheer.wachtwoord", service=service, role=Role.ADMIN))
    page = client.get(reverse("admin:index")).text
    assert f'href="{reverse("password_change")}"' in page
    assert reverse("admin:password_change") not in page
    assert "css/admin." in page  # its contrast rules, from a static file (no inline styles)
