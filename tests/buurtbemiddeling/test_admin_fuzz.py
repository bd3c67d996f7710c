"""Nothing a service-bound admin sends in a Django admin form causes a server error (hypothesis).

Every registered ModelAdmin (`admin.site._registry`, so a new admin is covered without
editing this file): its add form, and the change form of a row of the admin's own service,
as the page shows them. The fields are read from the page's HTML (inlines and their
management forms included) and typed from the admin's own form (`ModelAdmin.get_form`).
Hypothesis sends, per field: what the page had, a value of its type (any date from the year
1 to 9999, integers far beyond 64 bits, rows of the service), or junk (control characters,
odd Unicode, 10,000 characters, rows of another service, ids that do not exist); a field
may be sent twice or left out. The answer is never a 500, and a refused form stores nothing.
Each example is undone (a savepoint), so every one meets the same rows.
"""

import copy
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib import admin
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases.models import MediatorAcquaintance
from cases.services import conversation_log
from partners.factories import ConsultationFactory, JointVisitFactory
from tests.test_junk_posts import FORM_ENCODED, Field, Form, parse
from tests.test_junk_posts import junk_world as junk_world  # a fixture (admin_world builds on it)
from tests.test_junk_posts import matrix_world as matrix_world  # the fixture junk_world builds on
from tests.test_junk_posts import plausible as page_value

MODELS = sorted(admin.site._registry, key=lambda m: m._meta.label)
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=8),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "x" * 10_000,
            "2026-02-30",
            "0000-00-00",
            "9999-12-31",
            "0001-01-01",
            "-1",
            "0",
            "99999999999999999999",
            str(2**63),
            "1e309",
            "٣٤٥",
            "\u202e",
            "😀" * 50,
            "' OR 1=1 --",
        ]
    ),
)
HUGE = st.integers(min_value=-(2**70), max_value=2**70).map(str)


def _form_field(form_class, name: str):
    """The admin form's field behind an HTML field (None for inline and management fields)."""
    bare = name.removesuffix("_0").removesuffix("_1") if name.endswith(("_0", "_1")) else name
    return form_class.base_fields.get(bare)


DATES = st.one_of(
    st.dates().map(lambda day: day.isoformat()),
    st.tuples(st.dates(), st.sampled_from(["%d-%m-%Y", "%d/%m/%y", "%Y%m%d"])).map(lambda t: t[0].strftime(t[1])),
)


def typed(field: Field, form_field, foreign: list) -> st.SearchStrategy:
    """A value of the field's own type: what a careless or curious person might send."""
    if isinstance(form_field, forms.ModelChoiceField | forms.ModelMultipleChoiceField):
        own = [str(pk) for pk in form_field.queryset.values_list("pk", flat=True)[:5]]
        return st.sampled_from(own + [str(pk) for pk in foreign] + ["999999999", "-1", str(2**63)])
    if "vTimeField" in field.css or isinstance(form_field, forms.SplitDateTimeField) and field.name.endswith("_1"):
        return st.one_of(st.times().map(str), st.sampled_from(["24:00", "12:61", "-1:00"]))
    if "vDateField" in field.css or isinstance(
        form_field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField
    ):
        return DATES
    if isinstance(form_field, forms.IntegerField | forms.DecimalField | forms.FloatField) or field.kind == "number":
        return HUGE
    if isinstance(form_field, forms.EmailField) or field.kind == "email":
        return st.emails()
    if field.is_choice and field.offered:
        return st.sampled_from(field.offered)
    return st.text(max_size=300)


def values_for(form: Form, form_class, foreign: list) -> st.SearchStrategy:
    """Per field: the page's value, a typed one or junk; once or twice; or left out."""
    today = timezone.localdate()
    optional = {}
    for field in form.inputs:
        if field.kind == "button":
            continue
        page = page_value(field, today) or [""]
        one = st.one_of(st.just(page[0]), typed(field, _form_field(form_class, field.name), foreign), NASTY)
        if field.name.endswith(("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")):
            # Mostly what the page had. No big counts: Django builds up to 2,000 forms for one
            # (its own cap), slow to show and nothing new to learn.
            one = st.one_of(st.just(page[0]), st.sampled_from(["", "-1", "0", "5", "abc", "1e3", "\x00"]))
        optional[field.name] = st.one_of(one.map(lambda value: [value]), st.lists(one, min_size=2, max_size=2))
    return st.fixed_dictionaries({"csrfmiddlewaretoken": st.just([form.csrf])}, optional=optional)


@pytest.fixture
def staff(service):
    """A service-bound admin, as in test_admin_tenancy.py."""
    return UserFactory(username="beheer.aland", service=service, role=Role.ADMIN)


@pytest.fixture
def admin_world(request, staff, coordinator, mediator, partner):
    """Rows of every kind in the admin's service (the junk walk's world, and what it lacks)."""
    world = request.getfixturevalue("junk_world")
    case, party = world["case"], world["party"]
    today = timezone.localdate()
    # A conversation with an agreement, a consultation and a joint visit: rows the junk walk's
    # world has none of; and an acquaintance (the walk's world may have it already).
    conversation_log(case=case, actor=coordinator, kind="joint", held_on=today, agreements=["Muziek zachter na 22 uur"])
    ConsultationFactory(organisation=partner)
    JointVisitFactory(organisation=partner)
    MediatorAcquaintance.objects.get_or_create(mediator=mediator, party=party, defaults={"note": "Oud-collega"})
    return {**world, "staff": staff}


def admin_forms(client, model, user) -> dict[str, tuple[Form, type]]:
    """The add form and the change form of an own row, as far as this admin may use them."""
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = user
    info = (model._meta.app_label, model._meta.model_name)
    own = model_admin.get_queryset(request).order_by("pk").first()
    pages = []
    if model_admin.has_add_permission(request):
        pages.append((reverse("admin:{}_{}_add".format(*info)), None))
    if own is not None and model_admin.has_change_permission(request, own):
        pages.append((reverse("admin:{}_{}_change".format(*info), args=[own.pk]), own))
    found = {}
    for url, obj in pages:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        posts = [form for form in parse(url, response.text).forms if form.method == "post" and form.action == url]
        if posts:
            found[url] = (max(posts, key=lambda form: len(form.fields)), model_admin.get_form(request, obj))
    return found


@pytest.mark.parametrize("model", MODELS, ids=[m._meta.label for m in MODELS])
def test_no_admin_form_answers_generated_values_with_a_server_error(model, client, request, staff):
    model_admin, asking = admin.site._registry[model], RequestFactory().get("/admin/")
    asking.user = staff
    if not (model_admin.has_add_permission(asking) or model_admin.has_change_permission(asking)):
        pytest.skip(f"a service-bound admin may not add or change {model._meta.label}")
    admin_world = request.getfixturevalue("admin_world")
    client.force_login(staff)
    client.raise_request_exception = False
    targets = admin_forms(client, model, staff)
    assert targets, f"{model._meta.label}: no add form, and no row of the service to change"
    foreign = admin_world["foreign"]

    @FUZZ
    @given(data=st.data())
    def post(data):
        url = data.draw(st.sampled_from(list(targets)), label="form")
        form, form_class = targets[url]
        values = data.draw(values_for(form, form_class, foreign), label="values")
        cookies = copy.deepcopy(client.cookies)
        savepoint = transaction.savepoint_create()
        try:
            before = model._default_manager.count()
            response = client.post(url, urlencode(values, doseq=True), content_type=FORM_ENCODED)
            error = getattr(response, "exc_info", None)
            assert response.status_code < 500, f"{url}: {response.status_code} {error and error[1]!r}"
            if response.status_code == 200 and "errornote" in response.text:
                assert model._default_manager.count() == before, f"{url}: refused, but stored"
        finally:
            transaction.savepoint_rollback(savepoint)
            client.cookies = cookies

    post()


@pytest.mark.parametrize("value", ["abc", "99999999999999999999"])
def test_junk_in_an_autocomplete_or_many_to_many_field_comes_back_as_an_error(client, staff, service, value):
    """What the fuzzing found: Django's widgets handed these to the database (a 500)."""
    client.force_login(staff)
    for url, field in (
        (reverse("admin:organisations_contactperson_add"), "organisation"),  # autocomplete
        (reverse("admin:partners_accompaniment_add"), "conversations"),  # many-to-many, raw ids
    ):
        page = client.post(url, {field: value, "name": "Iemand"})
        assert page.status_code == 200 and "errornote" in page.text
