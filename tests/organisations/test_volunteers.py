"""The coordinator's volunteer pages (#19): overview and filters, profile, create/edit,
intervision attendance, the load and the acquaintances that cases adds."""

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import NeighbourhoodFactory, UserFactory
from buurtbemiddeling.models import AccessLog
from cases.models import MediatorAcquaintance
from cases.services import mediator_assign
from organisations.factories import MediatorProfileFactory
from organisations.models import IntervisionAttendance, MediatorProfile
from organisations.selectors import availability_summary, year_ago

TODAY = timezone.localdate()
LIST = reverse("organisations:volunteers")
CREATE = reverse("organisations:volunteer_create")


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def attended(mediator, *days_ago):
    for days in days_ago:
        IntervisionAttendance.objects.create(mediator=mediator, attended_on=TODAY - dt.timedelta(days=days))


@pytest.fixture
def pool(service, neighbourhood):
    """Hand-made volunteers: one in order, one untrained, one short of intervision, one inactive."""
    north = NeighbourhoodFactory(service=service, name="Noord")
    ready = MediatorProfileFactory(
        service=service, name="Anna Klaar", trained_on=TODAY - dt.timedelta(days=400), availability="mon_am tue_ev"
    )
    ready.neighbourhoods.set([neighbourhood])
    attended(ready, 10, 100, 200, 300)
    untrained = MediatorProfileFactory(service=service, name="Bram Nieuw", trained_on=None, availability="wed_pm")
    untrained.neighbourhoods.set([north])
    attended(untrained, 5, 50, 150, 250)
    short = MediatorProfileFactory(service=service, name="Cor Kort", trained_on=TODAY - dt.timedelta(days=900))
    attended(short, 20, 400)  # the second is older than twelve months
    gone = MediatorProfileFactory(service=service, name="Dirk Weg", is_active=False, trained_on=TODAY)
    return {"ready": ready, "untrained": untrained, "short": short, "gone": gone, "north": north}


def names(html, pool):
    return {key for key, volunteer in pool.items() if isinstance(volunteer, MediatorProfile) and volunteer.name in html}


# --- The overview --------------------------------------------------------------------------


def test_the_overview_shows_active_volunteers_with_load_due_flags_and_a_count(login, coordinator, pool, case):
    mediator_assign(case=case, mediator=pool["ready"], actor=coordinator)
    html = page(login(coordinator), LIST)
    assert names(html, pool) == {"ready", "untrained", "short"}
    assert "3 bemiddelaars" in html
    assert "1 van 3" in html  # Anna: one open case of at most three
    assert "Basistraining nog niet afgerond" in html  # Bram
    assert "Intervisie nodig: 1 van 4" in html  # Cor: one in the last twelve months
    assert "maandag ochtend; dinsdag avond" in html
    assert "Bemiddelaars</a>" in html and 'aria-current="page">Bemiddelaars' in html


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"status": "inactive"}, {"gone"}),
        ({"status": "all"}, {"ready", "untrained", "short", "gone"}),
        ({"needs": "on"}, {"untrained", "short"}),
        ({"status": "all", "needs": "on"}, {"untrained", "short", "gone"}),  # Dirk: no intervision
        ({"day_part": "wed_pm"}, {"untrained"}),
        ({"q": "klaar anna"}, {"ready"}),
    ],
)
def test_the_overview_filters(login, coordinator, pool, params, shown):
    assert names(page(login(coordinator), LIST, **params), pool) == shown


def test_the_neighbourhood_filter_and_filters_that_stay_put(login, coordinator, pool):
    client = login(coordinator)
    html = page(client, LIST, neighbourhood=pool["north"].pk, needs="on")
    assert names(html, pool) == {"untrained"}
    # The profile's way back keeps the filters.
    profile = page(client, pool["untrained"].get_absolute_url())
    assert f"{LIST}?neighbourhood={pool['north'].pk}&amp;needs=on" in profile


def test_enough_intervision_takes_a_volunteer_off_the_due_list(login, coordinator, pool):
    client = login(coordinator)
    url = reverse("organisations:intervision_add", args=[pool["short"].pk])
    for days in (30, 60, 90):
        response = client.post(url, {"attended_on": (TODAY - dt.timedelta(days=days)).isoformat()})
        assert response.status_code == 302
    assert names(page(client, LIST, needs="on"), pool) == {"untrained"}


def test_a_bad_filter_value_is_said_and_not_a_server_error(login, coordinator, pool):
    html = page(login(coordinator), LIST, neighbourhood="99999999999999999999", day_part="nooit")
    assert "Kies een wijk uit de lijst." in html
    assert names(html, pool) == {"ready", "untrained", "short"}


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries.captured_queries)


def test_the_overview_and_the_profile_cost_the_same_queries_for_few_or_many(login, coordinator, service, make_case):
    client = login(coordinator)
    neighbourhoods = [NeighbourhoodFactory(service=service, name=f"Wijk {n}") for n in range(3)]

    def add(count):
        for _n in range(count):
            volunteer = MediatorProfileFactory(service=service, availability="mon_am fri_ev")
            volunteer.neighbourhoods.set(neighbourhoods)
            attended(volunteer, 3, 33)
        return volunteer

    volunteer = add(2)
    case = make_case()
    mediator_assign(case=case, mediator=volunteer, actor=coordinator)
    MediatorAcquaintance.objects.create(mediator=volunteer, party=case.parties.last())
    small = _get(client, LIST), _get(client, volunteer.get_absolute_url())
    add(25)
    for _n in range(2):
        case = make_case()
        mediator_assign(case=case, mediator=volunteer, actor=coordinator, over_maximum=True)
        MediatorAcquaintance.objects.create(mediator=volunteer, party=case.parties.first())
    attended(volunteer, 60, 90)
    assert (_get(client, LIST), _get(client, volunteer.get_absolute_url())) == small


# --- Create and edit -------------------------------------------------------------------------


def test_a_coordinator_adds_a_volunteer_with_availability(login, coordinator, service, neighbourhood):
    client = login(coordinator)
    response = client.post(
        CREATE,
        {
            "name": "Eva Nieuw",
            "phone": "06-1234 5678",
            "email": "eva@example.org",
            "street": "Lindelaan 4",
            "postcode": "7511ab",
            "languages": "Nederlands, Turks",
            "neighbourhoods": [neighbourhood.pk],
            "max_cases": "2",
            "trained_on": "2026-03-01",
            "is_active": "on",
            "day_parts": ["sun_ev", "mon_am", "thu_pm"],
        },
    )
    volunteer = MediatorProfile.objects.get(name="Eva Nieuw")
    assert response.status_code == 302 and response["Location"] == volunteer.get_absolute_url()
    assert volunteer.service == service and volunteer.user is None
    assert volunteer.day_parts == ["mon_am", "thu_pm", "sun_ev"]
    assert (volunteer.postcode, volunteer.phone) == ("7511 AB", "0612345678")
    assert list(volunteer.neighbourhoods.all()) == [neighbourhood]
    assert LogEntry.objects.get_for_object(volunteer).get().actor == coordinator
    # Round trip: the edit form ticks the same boxes, each named by day and part.
    html = page(client, reverse("organisations:volunteer_edit", args=[volunteer.pk]))
    for code in ("mon_am", "thu_pm", "sun_ev"):
        assert f'value="{code}" id="id_day_parts_' in html
    assert html.count(" checked>") == 3 + 2  # three day parts, the neighbourhood and "actief"
    assert ">maandagochtend</label>" in html and '<th scope="row" class="fw-normal">Maandag</th>' in html
    html = page(client, volunteer.get_absolute_url())
    assert "maandag ochtend; donderdag middag; zondag avond" in html
    assert "1 maart 2026" in html


def test_bad_input_is_refused_at_the_field_in_dutch_and_nothing_stored(login, coordinator, other_service):
    foreign = NeighbourhoodFactory(service=other_service, name="Elders")
    response = login(coordinator).post(
        CREATE,
        {
            "name": "",
            "phone": "12",
            "email": "geen-adres",
            "postcode": "1234",
            "max_cases": "0",
            "trained_on": (TODAY + dt.timedelta(days=3)).isoformat(),
            "neighbourhoods": [foreign.pk],
            "day_parts": ["mon_am", "someday"],
            "languages": "Fries",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    for message in (
        "Vul de naam van de bemiddelaar in.",
        "Vul een geldig telefoonnummer in",
        "Vul een geldig e-mailadres in",
        "Vul een geldige postcode in",
        "Vul ten minste 1 in.",
        "Deze datum kan niet in de toekomst liggen.",
        "Kies wijken uit de lijst.",
    ):
        assert message in html, message
    assert 'value="Fries"' in html  # what was typed stays
    assert 'value="mon_am" id="id_day_parts_0" checked' in html
    assert not MediatorProfile.objects.exists()


def test_deactivating_keeps_current_cases_and_takes_the_volunteer_off_the_assignment_list(
    login, coordinator, mediator, case, make_case
):
    mediator_assign(case=case, mediator=mediator, actor=coordinator)
    client = login(coordinator)
    edit = reverse("organisations:volunteer_edit", args=[mediator.pk])
    html = page(client, edit)
    assert "geen nieuwe zaken meer; lopende zaken blijven staan" in html
    response = client.post(edit, {"name": mediator.name, "max_cases": "3", "languages": "Nederlands"}, follow=True)
    assert "niet actief: geen nieuwe zaken meer" in response.content.decode()
    mediator.refresh_from_db()
    assert not mediator.is_active and mediator.user is not None  # the login link is the admins'
    assert case.assignments.get().ended_on is None
    other_case = page(client, make_case().get_absolute_url())
    assert mediator.name not in other_case.split('id="mediators-title"')[1].split("</select>")[0]
    assert names(page(client, LIST), {"m": mediator}) == set()
    assert names(page(client, LIST, status="inactive"), {"m": mediator}) == {"m"}


# --- Intervision ---------------------------------------------------------------------------------


def test_intervision_is_added_refused_twice_and_removed(login, coordinator, mediator):
    client = login(coordinator)
    add = reverse("organisations:intervision_add", args=[mediator.pk])
    day = TODAY - dt.timedelta(days=7)
    response = client.post(add, {"attended_on": day.isoformat()}, follow=True)
    html = response.content.decode()
    assert "is vastgelegd" in html and "1 van 4 in de afgelopen twaalf maanden" in html
    response = client.post(add, {"attended_on": day.isoformat()})
    assert response.status_code == 200
    assert "Op deze datum staat al een intervisie voor Mees Bemiddelaar." in response.content.decode()
    response = client.post(add, {"attended_on": (TODAY + dt.timedelta(days=30)).isoformat()})
    assert "legt u vast als ze geweest is" in response.content.decode()
    response = client.post(add, {"attended_on": "gisteren"})
    assert "Vul een geldige datum in." in response.content.decode()
    attendance = IntervisionAttendance.objects.get()
    remove = reverse("organisations:intervision_remove", args=[mediator.pk, attendance.pk])
    response = client.post(remove, follow=True)
    assert "is verwijderd" in response.content.decode()
    assert not IntervisionAttendance.objects.exists()


def test_twelve_months_back():
    assert year_ago(dt.date(2028, 2, 29)) == dt.date(2027, 2, 28)
    with translation.override("nl"):
        assert availability_summary(["tue_am", "tue_pm", "tue_ev", "sat_ev"]) == "dinsdag hele dag; zaterdag avond"
    with translation.override("en"):
        assert availability_summary(["tue_am", "tue_pm", "tue_ev"]) == "Tuesday whole day"
    assert availability_summary([]) == ""


# --- Access ----------------------------------------------------------------------------------------


def test_another_services_volunteer_is_not_found(login, other_coordinator, mediator):
    client = login(other_coordinator)
    attendance = IntervisionAttendance.objects.create(mediator=mediator, attended_on=TODAY)
    urls = [
        ("get", reverse("organisations:volunteer", args=[mediator.pk])),
        ("get", reverse("organisations:volunteer_edit", args=[mediator.pk])),
        ("post", reverse("organisations:volunteer_edit", args=[mediator.pk])),
        ("post", reverse("organisations:intervision_add", args=[mediator.pk])),
        ("post", reverse("organisations:intervision_remove", args=[mediator.pk, attendance.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url, {"name": "X", "max_cases": "1"}).status_code == 404, url
    assert mediator.name not in page(client, LIST)
    assert IntervisionAttendance.objects.exists()
    MediatorProfile.objects.get(pk=mediator.pk, name="Mees Bemiddelaar")


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.REFERRER])
def test_mediators_and_referrers_are_refused(client, service, partner, mediator, role):
    user = UserFactory(
        username="iemand", service=service, role=role, partner_organisation=partner if role == Role.REFERRER else None
    )
    client.force_login(user)
    for url in (LIST, CREATE, mediator.get_absolute_url()):
        assert client.get(url).status_code == 403
    assert (
        client.post(reverse("organisations:intervision_add", args=[mediator.pk]), {"attended_on": TODAY}).status_code
        == 403
    )
    assert not IntervisionAttendance.objects.exists()


# --- The case page: acquaintances -------------------------------------------------------------------


def test_an_acquaintance_recorded_on_the_case_page_warns_at_assignment(login, coordinator, mediator, case):
    client = login(coordinator)
    party = case.parties.get(side="B")
    response = client.post(
        reverse("cases:acquaintance_add", args=[case.reference]),
        {"acquaintance-mediator": mediator.pk, "acquaintance-party": party.pk, "acquaintance-note": "oud-collega"},
        follow=True,
    )
    html = response.content.decode()
    assert "Vastgelegd: Mees Bemiddelaar kent" in html
    assert "Mees Bemiddelaar (0/3) · ⚠ kent een partij" in html
    assert "oud-collega" in html
    # Twice is refused at the field, on the case page, with what was typed kept.
    response = client.post(
        reverse("cases:acquaintance_add", args=[case.reference]),
        {"acquaintance-mediator": mediator.pk, "acquaintance-party": party.pk, "acquaintance-note": "buurman"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Dat Mees Bemiddelaar deze partij kent, staat al vastgelegd." in html and 'value="buurman"' in html
    assert MediatorAcquaintance.objects.get().note == "oud-collega"
    # The volunteer page lists it and removes it.
    html = page(client, mediator.get_absolute_url())
    assert case.reference in html and "oud-collega" in html
    assert AccessLog.objects.filter(object_id="volunteer", user=coordinator).exists()  # names of residents shown
    acquaintance = MediatorAcquaintance.objects.get()
    response = client.post(
        reverse("cases:acquaintance_remove", args=[case.reference, acquaintance.pk]), {"back": "volunteer"}
    )
    assert response["Location"] == mediator.get_absolute_url()
    assert not MediatorAcquaintance.objects.exists()


def test_an_acquaintance_needs_an_active_mediator_of_the_service_and_a_party_of_the_case(
    login, coordinator, service, other_service, case, make_case
):
    inactive = MediatorProfileFactory(service=service, name="Ina Actief", is_active=False)
    foreign = MediatorProfileFactory(service=other_service, name="Ver Weg")
    other_party = make_case().parties.first()
    client = login(coordinator)
    html = page(client, case.get_absolute_url())
    assert "Ina Actief" not in html.split("Bemiddelaar kent een partij")[1]
    url = reverse("cases:acquaintance_add", args=[case.reference])
    for mediator, party in ((inactive, case.parties.first()), (foreign, case.parties.first())):
        response = client.post(url, {"acquaintance-mediator": mediator.pk, "acquaintance-party": party.pk})
        assert "Kies een actieve bemiddelaar uit de lijst." in response.content.decode()
    response = client.post(url, {"acquaintance-mediator": "", "acquaintance-party": other_party.pk})
    html = response.content.decode()
    assert "Kies een bemiddelaar." in html and "Kies een partij van deze zaak." in html
    assert not MediatorAcquaintance.objects.exists()


def test_the_current_cases_are_listed_on_the_profile(login, coordinator, mediator, case):
    mediator_assign(case=case, mediator=mediator, actor=coordinator)
    html = page(login(coordinator), mediator.get_absolute_url())
    assert case.reference in html and "1 van 3" in html


# --- Arbitrary input (hypothesis) -----------------------------------------------------------

NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=8),
    st.sampled_from(["\x00", "x" * 3000, "2026-02-30", "-1", "99999999999999999999", "٣٤٥", "\u202e", "mon_am"]),
)
VOLUNTEER_FIELDS = [
    "name",
    "phone",
    "email",
    "street",
    "postcode",
    "is_active",
    "neighbourhoods",
    "languages",
    "max_cases",
    "day_parts",
    "trained_on",
]
FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(VOLUNTEER_FIELDS, NASTY)))
def test_adding_or_changing_a_volunteer_never_errors_and_never_stores_half(data, login, coordinator, mediator):
    before = list(MediatorProfile.objects.order_by("pk").values())
    client = login(coordinator)
    for url in (reverse("organisations:volunteer_create"), reverse("organisations:volunteer_edit", args=[mediator.pk])):
        response = client.post(url, data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert list(MediatorProfile.objects.order_by("pk").values()) == before
        before = list(MediatorProfile.objects.order_by("pk").values())


@pytest.mark.django_db
@FUZZ
@given(day=NASTY)
def test_recording_an_intervision_never_errors(day, login, coordinator, mediator):
    before = IntervisionAttendance.objects.count()
    response = login(coordinator).post(
        reverse("organisations:intervision_add", args=[mediator.pk]), {"attended_on": day}
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert IntervisionAttendance.objects.count() == before
