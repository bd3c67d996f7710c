"""The admin as a safe second door: a service-bound admin cannot reach, choose or create
another service's rows, and cannot raise anyone's privileges (their own included)."""

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from buurtbemiddeling.admin import scoped_choices, service_of, service_path
from buurtbemiddeling.constants import ROLE_GROUP_NAMES, Role
from buurtbemiddeling.factories import NeighbourhoodFactory, UserFactory
from buurtbemiddeling.models import MediationService, User
from organisations.factories import ContactPersonFactory, MediatorProfileFactory, PartnerOrganisationFactory
from organisations.models import PartnerOrganisation

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)


@pytest.fixture
def staff(service):
    return UserFactory(username="beheer.aland", service=service, role=Role.ADMIN)


@pytest.fixture
def elsewhere(other_service, other_coordinator, make_case):
    """Rows of another service for every kind of choice an admin form offers."""
    organisation = PartnerOrganisationFactory(service=other_service, name="Woonstichting Beland")
    return {
        "service": other_service,
        "organisation": organisation,
        "contact": ContactPersonFactory(organisation=organisation),
        "neighbourhood": NeighbourhoodFactory(service=other_service, name="Beland-Noord"),
        "mediator": MediatorProfileFactory(service=other_service, name="Bea Beland"),
        "case": make_case(service=other_service, actor=other_coordinator),
        "user": other_coordinator,
    }


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_no_admin_form_offers_another_service_s_rows(model, staff, elsewhere, service, case):
    """Every registered admin, its add form and the change form of an own row: every
    foreign-key and many-to-many choice lies in the admin's own service."""
    model_admin = admin.site._registry[model]
    request = _request(staff)
    own = model_admin.get_queryset(request).first()
    forms_to_check = [
        obj
        for obj, allowed in (
            (None, model_admin.has_add_permission(request)),
            (own, own is not None and model_admin.has_change_permission(request, own)),
        )
        if allowed
    ]
    if not forms_to_check:
        pytest.skip("this admin may not add or change anything here")
    for obj in forms_to_check:
        try:
            form_class = model_admin.get_form(request, obj)
        except Exception as error:  # noqa: BLE001  (a read-only admin without a form is fine)
            pytest.skip(f"no form: {error}")
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.ModelChoiceField):
                continue
            related = field.queryset.model
            if related is not MediationService and service_path(related) is None:
                continue  # installation-wide (groups, content types, national codes)
            foreign = [row for row in field.queryset if service_of(row) not in (None, service.pk)]
            assert foreign == [], f"{model._meta.label}.{name} offers {foreign}"


def test_a_post_naming_another_service_is_refused_and_nothing_is_stored(client, staff, elsewhere, service):
    client.force_login(staff)
    url = reverse("admin:organisations_partnerorganisation_add")
    response = client.post(url, {"service": elsewhere["service"].pk, "name": "Sluiproute", "kind": "police"})
    assert response.status_code == 200 and "errornote" in response.text
    assert not PartnerOrganisation.objects.filter(name="Sluiproute").exists()
    # The same with the own service is stored.
    client.post(
        url,
        {
            "service": service.pk,
            "name": "Eigen Politie",
            "kind": "police",
            "contact_persons-TOTAL_FORMS": "0",
            "contact_persons-INITIAL_FORMS": "0",
            "working_agreements-TOTAL_FORMS": "0",
            "working_agreements-INITIAL_FORMS": "0",
        },
    )
    assert PartnerOrganisation.objects.get(name="Eigen Politie").service == service


def _user_post(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "phone": "",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_service_bound_admin_cannot_make_themselves_superuser_or_move_service(client, staff, other_service):
    client.force_login(staff)
    url = reverse("admin:buurtbemiddeling_user_change", args=[staff.pk])
    html = client.get(url).text
    assert 'name="is_superuser"' not in html and 'name="service"' not in html
    client.post(url, _user_post(staff, is_superuser="on", is_staff="on", service=other_service.pk))
    staff.refresh_from_db()
    assert (staff.is_superuser, staff.service_id) == (False, staff.service_id)
    assert staff.service_id != other_service.pk


def test_a_service_bound_admin_cannot_grant_a_role_whose_permissions_they_lack(client, staff, service):
    from django.contrib.auth.models import Group

    colleague = UserFactory(username="nieuw", service=service)
    coordinators = Group.objects.get(name=ROLE_GROUP_NAMES[Role.COORDINATOR])
    client.force_login(staff)
    url = reverse("admin:buurtbemiddeling_user_change", args=[colleague.pk])
    response = client.post(url, _user_post(colleague, groups=[coordinators.pk]))
    assert response.status_code == 200 and "errornote" in response.text
    assert not colleague.groups.exists()
    assert not User.objects.get(pk=colleague.pk).has_perm("cases.coordinate_case")


def test_a_service_bound_admin_keeps_their_people_in_their_service(client, staff, service, other_service):
    client.force_login(staff)
    client.post(
        reverse("admin:buurtbemiddeling_user_add"),
        {
            "username": "nieuwe.collega",
            "password1": "een-lang-genoeg-wachtwoord-2026",
            "password2": "een-lang-genoeg-wachtwoord-2026",
            "usable_password": "true",
            "service": other_service.pk,
            "email": "nieuw@example.org",
            "first_name": "Nieuwe",
            "last_name": "Collega",
        },
    )
    assert User.objects.get(username="nieuwe.collega").service == service


def test_service_bound_admins_do_not_set_up_new_services(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:buurtbemiddeling_mediationservice_add")).status_code == 403


def test_case_inlines_are_read_only_in_the_admin(client, staff, case):
    client.force_login(staff)
    html = client.get(reverse("admin:cases_case_change", args=[case.pk])).text
    assert 'name="parties-0-name"' not in html and 'name="assignments-TOTAL_FORMS"' not in html.replace(
        'type="hidden" name="assignments-TOTAL_FORMS"', ""
    )


def test_the_service_path_is_read_from_the_foreign_keys(db):
    from cases.models import Agreement, MediatorAcquaintance, Party
    from organisations.models import ContactPerson

    assert service_path(PartnerOrganisation) == "service"
    assert service_path(ContactPerson) == "organisation__service"
    assert service_path(Party) == "case__service"
    assert service_path(Agreement) == "service"  # copied from its case, for the figures
    assert service_path(MediatorAcquaintance) == "mediator__service"
    assert scoped_choices(MediationService.objects.all(), 0).count() == 0
