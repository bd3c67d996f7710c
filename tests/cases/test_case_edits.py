"""Keeping the case file right after intake (#18): edits, voluntariness, the list's export.

A coordinator corrects an address, adds a conflict type, moves the case to the right
neighbourhood; a colleague may be editing the same case. A party refuses: the page offers
what fits. A selection of the case list goes out as a file without personal data.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from buurtbemiddeling import personal_data
from buurtbemiddeling.factories import NeighbourhoodFactory
from buurtbemiddeling.models import AccessLog
from cases import selectors, services
from cases.constants import CaseStatus, ConversationKind, EventKind, Participation
from cases.models import Case, CaseEvent, ConflictType, Party
from cases.services import case_transition, conversation_log, party_set_participation
from tests.cases.test_fuzz import FUZZ, NASTY


def edit_url(case):
    return reverse("cases:edit", args=[case.reference])


def party_url(party):
    return reverse("cases:party_edit", args=[party.case.reference, party.pk])


def form_values(client, url) -> dict:
    """What the edit page's form would send back unchanged (its inputs, as a browser reads them)."""
    from tests.test_junk_posts import parse

    page = client.get(url)
    assert page.status_code == 200
    form = next(f for f in parse(url, page.text).forms if f.method == "post" and f.action.endswith(url))
    return {name: list(f.values) for name, f in form.fields.items() if f.values and f.kind != "button"}


def last_event(case):
    return CaseEvent.objects.filter(case=case).order_by("-id").first()


# --- The case's details ---------------------------------------------------------------------


def test_a_coordinator_corrects_the_case_and_the_timeline_says_what_changed(login, coordinator, case, service):
    north, south = (NeighbourhoodFactory(service=service, name=name) for name in ("Noord", "Zuid"))
    Case.objects.filter(pk=case.pk).update(neighbourhood=north)
    parking = ConflictType.objects.get(service=service, name="Parkeren")
    client = login(coordinator)
    data = form_values(client, edit_url(case))
    data.update(neighbourhood=[south.pk], conflict_types=[parking.pk], description=["Geheim: de buurman slaat"])
    response = client.post(edit_url(case), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.neighbourhood == south and list(case.conflict_types.all()) == [parking]
    event = last_event(case)
    assert event.kind == EventKind.CASE_EDITED and event.actor == coordinator
    assert "wijk: Noord → Zuid" in event.reason and "soort conflict: - → Parkeren" in event.reason
    assert "omschrijving" in event.reason and "slaat" not in event.reason  # personal: named, not quoted
    page = client.get(case.get_absolute_url())
    assert "Zaakgegevens gewijzigd" in page.text and "Gegevens wijzigen" in page.text


def test_saving_the_form_unchanged_stores_nothing(login, coordinator, case):
    client = login(coordinator)
    events = CaseEvent.objects.filter(case=case).count()
    assert client.post(edit_url(case), form_values(client, edit_url(case))).status_code == 302
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_stale_edit_is_refused_and_overwrites_nothing(login, coordinator, case):
    client = login(coordinator)
    mine = form_values(client, edit_url(case))  # the page opened before a colleague's change
    colleague = services.edit_version(case)
    services.case_update(case=case, actor=coordinator, version=colleague, changes={"description": "Van de collega"})
    mine["description"] = ["Mijn tekst"]
    page = client.post(edit_url(case), mine)
    assert page.status_code == 200
    assert "Iemand anders heeft de gegevens van deze zaak intussen gewijzigd" in page.text
    assert "Verschilt nu van uw invoer: omschrijving" in page.text
    assert "Mijn tekst" in page.text  # the typed text is kept
    case.refresh_from_db()
    assert case.description == "Van de collega"
    # Sent again after seeing the difference, the coordinator's own text is stored.
    from tests.test_junk_posts import parse

    again = next(f for f in parse(edit_url(case), page.text).forms if f.action.endswith(edit_url(case)))
    mine["version"] = again.fields["version"].values
    assert client.post(edit_url(case), mine).status_code == 302
    case.refresh_from_db()
    assert case.description == "Mijn tekst"


def test_a_report_date_in_the_future_is_refused_at_its_field(login, coordinator, case):
    client = login(coordinator)
    data = {**form_values(client, edit_url(case)), "reported_on": ["2999-01-01"], "description": ["Nieuw"]}
    page = client.post(edit_url(case), data)
    assert page.status_code == 200 and "kan niet in de toekomst liggen" in page.text
    case.refresh_from_db()
    assert case.description != "Nieuw"


def test_a_retired_neighbourhood_stays_a_choice_for_the_case_that_has_it(login, coordinator, case, service):
    old = NeighbourhoodFactory(service=service, name="Oude Wijk", is_active=False)
    Case.objects.filter(pk=case.pk).update(neighbourhood=old)
    client = login(coordinator)
    data = {**form_values(client, edit_url(case)), "is_urgent": ["on"]}
    assert data["neighbourhood"] == [str(old.pk)]
    assert client.post(edit_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.is_urgent and case.neighbourhood == old


def test_another_services_neighbourhood_is_not_a_choice(login, coordinator, case, other_service):
    elsewhere = NeighbourhoodFactory(service=other_service)
    client = login(coordinator)
    page = client.post(edit_url(case), {**form_values(client, edit_url(case)), "neighbourhood": [elsewhere.pk]})
    assert page.status_code == 200 and "Selecteer een geldige keuze" in page.text
    case.refresh_from_db()
    assert case.neighbourhood_id != elsewhere.pk


def test_an_anonymised_case_cannot_be_edited(login, coordinator, case):
    from cases.privacy import case_anonymise

    case_anonymise(case=case)
    client = login(coordinator)
    data = {**form_values(client, edit_url(case)), "is_urgent": ["on"]}
    page = client.post(edit_url(case), data)
    assert page.status_code == 200 and "geanonimiseerd" in page.text
    assert not Case.objects.get(pk=case.pk).is_urgent


def test_the_edit_page_of_another_service_or_for_a_mediator_is_refused(login, other_coordinator, case, mediator_user):
    assert login(other_coordinator).get(edit_url(case)).status_code == 404
    assert login(mediator_user).get(edit_url(case)).status_code == 403
    party = case.parties.first()
    assert login(other_coordinator).get(party_url(party)).status_code == 404


# --- A party's details ----------------------------------------------------------------------


def test_a_new_phone_number_is_stored_normalised_and_named_in_the_timeline(login, coordinator, case):
    party = case.parties.get(side="B")
    Party.objects.filter(pk=party.pk).update(tenure="unknown")
    client = login(coordinator)
    data = {**form_values(client, party_url(party)), "phone": ["06 - 1234 5678"], "tenure": ["owner"]}
    assert client.post(party_url(party), data).status_code == 302
    party.refresh_from_db()
    assert party.phone == "0612345678"
    event = last_event(case)
    assert event.kind == EventKind.PARTY_EDITED
    assert event.reason.startswith("Partij B (buren): ") and "telefoonnummer" in event.reason
    assert "woonsituatie: Onbekend → Eigenaar" in event.reason and "5678" not in event.reason


def test_a_bad_postcode_is_refused_at_its_field_and_the_rest_is_kept(login, coordinator, case):
    party = case.parties.get(side="A")
    client = login(coordinator)
    data = {**form_values(client, party_url(party)), "postcode": ["12345"], "city": ["Nieuwstad"]}
    page = client.post(party_url(party), data)
    assert page.status_code == 200 and 'value="Nieuwstad"' in page.text and "postcode" in page.text.lower()
    party.refresh_from_db()
    assert party.city != "Nieuwstad"


def test_a_stale_party_edit_is_refused(login, coordinator, case):
    party = case.parties.get(side="A")
    client = login(coordinator)
    mine = {**form_values(client, party_url(party)), "email": ["mijn@voorbeeld.nl"]}
    services.party_update(
        party=party, actor=coordinator, version=services.edit_version(party), changes={"email": "collega@voorbeeld.nl"}
    )
    page = client.post(party_url(party), mine)
    assert page.status_code == 200 and "Iemand anders heeft de gegevens van deze partij" in page.text
    party.refresh_from_db()
    assert party.email == "collega@voorbeeld.nl"


def test_a_party_of_another_case_is_not_found(login, coordinator, case, make_case):
    other = make_case().parties.first()
    url = reverse("cases:party_edit", args=[case.reference, other.pk])
    assert login(coordinator).get(url).status_code == 404


# --- Voluntariness --------------------------------------------------------------------------


def test_participation_follows_the_conversations(coordinator, case):
    a, b = case.parties.get(side="A"), case.parties.get(side="B")
    today = case.reported_on
    conversation_log(case=case, actor=coordinator, kind=ConversationKind.PHONE_CALL, held_on=today, parties=[b])
    b.refresh_from_db()
    assert b.participation == Participation.ASKED
    conversation_log(case=case, actor=coordinator, kind=ConversationKind.INTAKE_A, held_on=today, parties=[a])
    a.refresh_from_db()
    assert a.participation == Participation.PARTICIPATING
    party_set_participation(party=b, actor=coordinator, participation=Participation.REFUSED)
    conversation_log(case=case, actor=coordinator, kind=ConversationKind.SHUTTLE, held_on=today, parties=[b])
    b.refresh_from_db()
    assert b.participation == Participation.REFUSED  # the party's own word: only the coordinator changes it
    kinds = list(
        CaseEvent.objects.filter(case=case, kind=EventKind.PARTICIPATION_CHANGED).values_list("reason", flat=True)
    )
    assert kinds == [
        "Partij B (buren): Gevraagd, nog geen antwoord",
        "Partij A (melder): Doet mee",
        "Partij B (buren): Weigert",
    ]


@pytest.fixture
def refusing(case, coordinator):
    """A case in mediation whose party B refuses."""
    for status in (CaseStatus.INTAKE, CaseStatus.SUITABLE, CaseStatus.IN_MEDIATION):
        case = case_transition(case=case, to_status=status, actor=coordinator)
    party = case.parties.get(side="B")
    party_set_participation(party=party, actor=coordinator, participation=Participation.REFUSED)
    return case, party


def test_a_refusal_offers_closing_with_the_fitting_outcome(login, coordinator, refusing, service):
    case, party = refusing
    page = login(coordinator).get(case.get_absolute_url()).text
    assert 'id="refusal"' in page and "Partij B (buren): weigert" in page
    from cases.models import Outcome

    fitting = Outcome.objects.get(service=service, name="Niet opgelost: partij weigert gezamenlijk gesprek")
    assert f'<option value="{fitting.pk}" selected>' in page
    assert reverse("cases:leave_out", args=[case.reference, party.pk]) in page


def test_going_on_without_the_refusing_party(login, coordinator, refusing):
    case, party = refusing
    client = login(coordinator)
    response = client.post(reverse("cases:leave_out", args=[case.reference, party.pk]))
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.left_out_at is not None
    assert last_event(case).kind == EventKind.PARTY_LEFT_OUT
    page = client.get(case.get_absolute_url()).text
    assert 'id="refusal"' not in page and "verder zonder deze partij" in page
    # The conversation form no longer offers the party ...
    assert f'name="parties" value="{party.pk}"' not in page
    # ... until they take part again.
    party_set_participation(party=party, actor=coordinator, participation=Participation.PARTICIPATING)
    party.refresh_from_db()
    assert party.left_out_at is None
    assert f'name="parties" value="{party.pk}"' in client.get(case.get_absolute_url()).text


def test_going_on_is_refused_when_nobody_is_willing(login, coordinator, refusing):
    case, party = refusing
    party_set_participation(party=case.parties.get(side="A"), actor=coordinator, participation=Participation.WITHDRAWN)
    client = login(coordinator)
    page = client.get(case.get_absolute_url()).text
    assert reverse("cases:leave_out", args=[case.reference, party.pk]) not in page
    response = client.post(reverse("cases:leave_out", args=[case.reference, party.pk]), follow=True)
    assert "Er is geen partij meer die meedoet" in response.text
    party.refresh_from_db()
    assert party.left_out_at is None


def test_going_on_without_a_willing_party_is_refused(login, coordinator, refusing):
    case, _party = refusing
    willing = case.parties.get(side="A")
    response = login(coordinator).post(reverse("cases:leave_out", args=[case.reference, willing.pk]), follow=True)
    assert "doet gewoon mee" in response.text
    willing.refresh_from_db()
    assert willing.left_out_at is None


def test_a_refusal_before_intake_offers_unsuitable_with_the_fitting_reason(login, coordinator, case, service):
    party = case.parties.get(side="B")
    party_set_participation(party=party, actor=coordinator, participation=Participation.REFUSED)
    from cases.models import UnsuitabilityReason

    reason = UnsuitabilityReason.objects.get(service=service, name="Geen reactie of weigert vanaf het begin")
    page = login(coordinator).get(case.get_absolute_url()).text
    assert f'<option value="{reason.pk}" selected>' in page


# --- Export of a selection ------------------------------------------------------------------


def test_the_export_holds_the_ticked_cases_without_personal_data(login, coordinator, make_case, other_coordinator):
    mine = [make_case(), make_case(), make_case()]
    elsewhere = make_case(service=other_coordinator.service, actor=other_coordinator)
    client = login(coordinator)
    refs = [mine[0].reference, mine[2].reference, elsewhere.reference]
    response = client.post(reverse("cases:bulk_export"), {"cases": refs})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "zaaknummer"
    assert [row[0] for row in rows[1:]] == sorted([mine[0].reference, mine[2].reference])
    for party in Party.objects.filter(case__in=mine):
        assert party.name not in text and (not party.phone or party.phone not in text)
    assert mine[0].description[:20] not in text
    assert AccessLog.objects.filter(object_id="zaken_csv", detail="2").exists()


def test_the_export_fields_are_non_personal_in_the_registry():
    registration = personal_data.registration_for(Case)
    assert not set(selectors.EXPORT_FIELDS) & set(registration.masked)


def test_an_export_without_a_selection_says_so(login, coordinator):
    response = login(coordinator).post(reverse("cases:bulk_export"), {"cases": ["XX-1"]}, follow=True)
    assert "Vink de zaken aan die u wilt exporteren" in response.text


def test_the_case_list_offers_the_export_beside_the_handover(login, coordinator, case):
    page = login(coordinator).get(reverse("cases:list")).text
    assert f'formaction="{reverse("cases:bulk_export")}"' in page
    assert f'name="cases" value="{case.reference}"' in page


# --- Constant queries -----------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_case_page_with_refusals_needs_the_same_queries_for_two_or_six_parties(login, coordinator, make_case):
    client = login(coordinator)
    counts = []
    for extra in (0, 4):
        case = make_case()
        for number in range(extra):
            services.party_add(case=case, actor=coordinator, data={"side": "B", "name": f"Buur {number}"})
        for party in case.parties.filter(side="B"):
            party_set_participation(party=party, actor=coordinator, participation=Participation.REFUSED)
        count_queries(client, case.get_absolute_url())  # warm caches
        counts.append(count_queries(client, case.get_absolute_url()))
    assert counts[0] == counts[1]


def test_the_edit_pages_need_the_same_queries_for_one_or_many_conflict_types(login, coordinator, make_case, service):
    client = login(coordinator)
    types = list(ConflictType.objects.filter(service=service))
    counts = []
    for chosen in (types[:1], types[:8]):
        case = make_case(conflict_types=chosen)
        count_queries(client, edit_url(case))
        counts.append((count_queries(client, edit_url(case)), count_queries(client, party_url(case.parties.first()))))
    assert counts[0] == counts[1]


# --- Anything typed -------------------------------------------------------------------------

CASE_FIELDS = ["version", "reported_on", "neighbourhood", "conflict_types", "description", "tried_already", "is_urgent"]
PARTY_FIELDS = [
    "version",
    "name",
    "street",
    "house_number",
    "postcode",
    "phone",
    "email",
    "tenure",
    "housing_corporation",
]


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(CASE_FIELDS, NASTY)))
def test_editing_a_case_never_errors(data, login, coordinator, case):
    before = CaseEvent.objects.count()
    response = login(coordinator).post(edit_url(case), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert CaseEvent.objects.count() == before


@pytest.mark.django_db
@FUZZ
@given(data=st.fixed_dictionaries({}, optional=dict.fromkeys(PARTY_FIELDS, NASTY)))
def test_editing_a_party_never_errors(data, login, coordinator, case):
    before = CaseEvent.objects.count()
    response = login(coordinator).post(party_url(case.parties.first()), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert CaseEvent.objects.count() == before
