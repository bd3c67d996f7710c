"""Letters: the merge-field renderer, the standard letters, the print page and the PDF, who may make them."""

import datetime as dt
import io
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from pypdf import PdfReader

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import MediationServiceFactory, UserFactory
from buurtbemiddeling.models import AccessAction, AccessLog, ServiceLogo
from buurtbemiddeling.signals import service_created
from cases.constants import AppointmentKind, AppointmentPlace, ConversationKind, EventKind
from cases.factories import party_data
from cases.models import Appointment, CaseEvent
from cases.services import conversation_log
from reports.constants import LetterKind
from reports.letters import FIELDS, merge_values, render_blocks, unknown_fields
from reports.models import LetterTemplate
from reports.services import letter_templates_set_up

MARKER = "Zebedeus Markeerling"


@pytest.fixture
def letters(service):
    letter_templates_set_up(service=service)
    return {t.kind: t for t in LetterTemplate.objects.filter(service=service)}


@pytest.fixture
def letter_case(make_case, coordinator):
    coordinator.first_name, coordinator.last_name = "Carla", "Coördinator"
    coordinator.save()
    return make_case(
        parties=[
            party_data(side="A", name="Anna de Melder"),
            party_data(side="B", name="Şükrü Yılmaz", street="Łucjastraat", house_number="7a", postcode="7511 AB"),
        ]
    )


def party_b(case):
    return case.parties.get(side="B")


def letter_url(name, case, party, template):
    return reverse(f"letters:{name}", args=[case.reference, party.pk, template.pk])


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- The renderer -----------------------------------------------------------------------


class Stub:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def test_every_merge_field_is_filled_in(service):
    case = Stub(reference="AL-2026-0007")
    party = Stub(name="Zoë Jansen", street="Dorpsstraat", house_number="12", postcode="7511 AB", city="Aland")
    service = Stub(name="Buurtbemiddeling Aland", phone="053 123 4567", email="info@aland.example")
    starts = timezone.make_aware(dt.datetime.combine(dt.date(2026, 11, 24), dt.time(19, 30)))
    appointment = Appointment(
        kind=AppointmentKind.INTAKE_B,
        place=AppointmentPlace.NEUTRAL,
        location="Buurthuis De Linde",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )
    values = merge_values(
        case=case,
        party=party,
        service=service,
        coordinator_name="Carla Coördinator",
        appointment=appointment,
        today=dt.date(2026, 11, 20),
    )
    body = "\n".join("{" + name + "}" for name in FIELDS)
    [block] = render_blocks(body, values, ["Geen muziek na 22 uur", "Schutting samen verven"])
    text = "\n".join(block.lines)
    for expected in [
        "Zoë Jansen",
        "Dorpsstraat 12",
        "7511 AB Aland",
        "AL-2026-0007",
        "Carla Coördinator",
        "Buurtbemiddeling Aland",
        "053 123 4567",
        "info@aland.example",
        "20 november 2026",
        "Intake partij B",
        "dinsdag 24 november 2026",
        "19:30 - 20:30",
        "Neutrale locatie: Buurthuis De Linde",
        "Geen muziek na 22 uur; Schutting samen verven",
    ]:
        assert expected in text
    assert "{" not in text


def test_the_agreements_as_their_own_paragraph_are_a_list_and_dashes_make_one_too():
    blocks = render_blocks("Beste {partij.naam},\n\n{afspraken}\n\n- een\n- twee", {"partij.naam": "X"}, ["a", "b"])
    assert [(b.kind, b.lines) for b in blocks] == [
        ("paragraph", ["Beste X,"]),
        ("list", ["a", "b"]),
        ("list", ["een", "twee"]),
    ]


def test_a_value_that_looks_like_a_field_or_markup_is_printed_as_it_is():
    values = {"partij.naam": "{zaak.nummer} <b>{{ 7*7 }}</b>", "zaak.nummer": "AL-1"}
    [block] = render_blocks("{partij.naam} / {zaak.nummer} / {% now 'Y' %}", values, [])
    assert block.lines == ["{zaak.nummer} <b>{{ 7*7 }}</b> / AL-1 / {% now 'Y' %}"]


def test_unknown_fields_are_named():
    assert unknown_fields("{partij.naam} {partij.bsn} {x} { } {{ user.password }}") == [
        "partij.bsn",
        "x",
        " ",
        " user.password ",
    ]
    assert unknown_fields("Beste {partij.naam}, {afspraken}") == []


def test_the_admin_form_refuses_unknown_fields_naming_them(client, service):
    staff = UserFactory(username="beheer.brieven", service=service, role=Role.ADMIN)
    client.force_login(staff)
    response = client.post(
        reverse("admin:reports_lettertemplate_add"),
        {
            "service": service.pk,
            "kind": LetterKind.OTHER,
            "name": "Eigen brief",
            "subject": "Over {zaak.onderwerp}",
            "body": "Beste {partij.naam}, uw BSN is {partij.bsn}.",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Onbekende invulvelden: {partij.bsn}" in text
    assert "Onbekende invulvelden: {zaak.onderwerp}" in text
    assert not LetterTemplate.objects.filter(name="Eigen brief").exists()
    # The merge fields are listed beside the text.
    page = client.get(reverse("admin:reports_lettertemplate_add")).content.decode()
    assert "{partij.postcode_plaats}" in page and "{afspraken}" in page


# --- The standard letters ---------------------------------------------------------------


def test_a_new_service_gets_the_standard_letters_and_they_use_only_known_fields(db):
    new = MediationServiceFactory(name="Buurtbemiddeling Nieuw", reference_prefix="NW")
    service_created.send(sender=type(new), service=new)
    service_created.send(sender=type(new), service=new)  # twice: still one of each
    templates = LetterTemplate.objects.filter(service=new)
    assert sorted(templates.values_list("kind", flat=True)) == sorted(
        [LetterKind.INTRO_PARTY_B, LetterKind.APPOINTMENT_CONFIRMATION, LetterKind.AGREEMENTS_SUMMARY]
    )
    for template in templates:
        template.full_clean()  # known merge fields only


# --- Making a letter --------------------------------------------------------------------


def test_the_coordinator_makes_the_intro_letter_from_the_case_page(login, coordinator, letter_case, letters):
    client = login(coordinator)
    page = client.get(letter_case.get_absolute_url()).content.decode()
    assert 'id="brieven"' in page and "Kennismakingsbrief aan partij B" in page
    party = party_b(letter_case)
    query = urlencode({"sjabloon": letters[LetterKind.INTRO_PARTY_B].pk, "partij": party.pk})
    response = client.get(reverse("letters:choose", args=[letter_case.reference]) + "?" + query)
    assert response.status_code == 302
    assert response["Location"] == letter_url("letter", letter_case, party, letters[LetterKind.INTRO_PARTY_B])
    page = client.get(response["Location"]).content.decode()
    assert "Şükrü Yılmaz" in page and "Łucjastraat 7a" in page and letter_case.reference in page
    assert "Buurtbemiddeling: een gesprek met uw buren?" in page
    assert "Afdrukken" in page and "PDF downloaden" in page and "Carla Coördinator" in page


def test_a_choice_without_a_letter_comes_back_with_a_message(login, coordinator, letter_case, letters):
    response = login(coordinator).get(
        reverse("letters:choose", args=[letter_case.reference]) + f"?sjabloon=&partij={party_b(letter_case).pk}"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Kies een brief." in text and "Annuleren" in text


def test_the_pdf_holds_the_party_and_the_case_and_nothing_of_another_case(
    login, coordinator, letter_case, letters, make_case
):
    other = make_case(parties=[party_data(side="A", name=MARKER), party_data(side="B", name="Bert Anders")])
    conversation_log(
        case=other,
        actor=coordinator,
        kind=ConversationKind.JOINT,
        held_on=timezone.localdate(),
        agreements=["Geheim X"],
    )
    conversation_log(
        case=letter_case,
        actor=coordinator,
        kind=ConversationKind.JOINT,
        held_on=timezone.localdate(),
        agreements=["Geen muziek na 22 uur", "Zoë brengt de sleutel terug"],
    )
    party = party_b(letter_case)
    response = login(coordinator).get(letter_url("pdf", letter_case, party, letters[LetterKind.AGREEMENTS_SUMMARY]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{letter_case.reference}-')
    text = pdf_text(response.content)
    assert "Şükrü Yılmaz" in text
    assert letter_case.reference in text
    assert "Geen muziek na 22 uur" in text and "Zoë brengt de sleutel terug" in text
    assert "De afspraken uit uw gesprek" in text
    for foreign in (MARKER, "Bert Anders", "Geheim X", other.reference, "Anna de Melder"):
        assert foreign not in text


def test_a_letter_made_is_on_the_timeline_and_in_the_access_log(login, coordinator, letter_case, letters):
    client = login(coordinator)
    party, template = party_b(letter_case), letters[LetterKind.INTRO_PARTY_B]
    client.get(letter_url("letter", letter_case, party, template))
    client.get(letter_url("pdf", letter_case, party, template))
    events = CaseEvent.objects.filter(case=letter_case, kind=EventKind.LETTER_MADE).order_by("id")
    assert [event.reason for event in events] == [
        "Kennismakingsbrief aan partij B · Şükrü Yılmaz (Partij B (buren)) · afdrukpagina",
        "Kennismakingsbrief aan partij B · Şükrü Yılmaz (Partij B (buren)) · PDF",
    ]
    assert all(event.actor == coordinator for event in events)
    assert "Uw buren hebben contact" not in " ".join(e.reason for e in events)  # no body text
    logs = AccessLog.objects.filter(object_type="case", object_id=letter_case.reference, action=AccessAction.EXPORT)
    assert [log.detail for log in logs.order_by("id")] == [
        f"brief (page) aan partij #{party.pk}",
        f"brief (pdf) aan partij #{party.pk}",
    ]
    # Both show on the case page: the timeline and the access history.
    page = client.get(letter_case.get_absolute_url()).content.decode()
    assert page.count("Brief gemaakt") >= 2


def test_the_appointment_letter_names_the_partys_next_planned_appointment(login, coordinator, letter_case, letters):
    party = party_b(letter_case)
    starts = timezone.make_aware(dt.datetime.combine(timezone.localdate() + dt.timedelta(days=9), dt.time(19, 30)))
    appointment = Appointment.objects.create(
        case=letter_case,
        kind=AppointmentKind.INTAKE_B,
        starts_at=starts,
        ends_at=starts + dt.timedelta(minutes=90),
        place=AppointmentPlace.AT_HOME,
    )
    appointment.parties.add(party)
    template = letters[LetterKind.APPOINTMENT_CONFIRMATION]
    client = login(coordinator)
    page = client.get(letter_url("letter", letter_case, party, template)).content.decode()
    assert "Intake partij B" in page and "19:30 - 21:00" in page and "Bij de bewoner thuis" in page
    assert "letter-missing-appointment" not in page
    # Party A has none planned: the coordinator is warned, the letter says so.
    page = client.get(letter_url("letter", letter_case, letter_case.parties.get(side="A"), template)).content.decode()
    assert "letter-missing-appointment" in page and "(nog niet gepland)" in page


def test_a_name_with_markup_is_escaped_on_the_page(login, coordinator, make_case, letters):
    case = make_case(parties=[party_data(side="A"), party_data(side="B", name="<script>x</script> {zaak.nummer}")])
    page = login(coordinator).get(letter_url("letter", case, party_b(case), letters[LetterKind.INTRO_PARTY_B]))
    text = page.content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; {zaak.nummer}" in text
    assert "<script>x</script>" not in text


# --- Who may make a letter --------------------------------------------------------------


def test_a_case_of_another_service_is_not_found(client, other_coordinator, letter_case, letters):
    client.force_login(other_coordinator)
    party, template = party_b(letter_case), letters[LetterKind.INTRO_PARTY_B]
    for name in ("letter", "pdf"):
        assert client.get(letter_url(name, letter_case, party, template)).status_code == 404
    assert client.get(reverse("letters:choose", args=[letter_case.reference])).status_code == 404
    assert not CaseEvent.objects.filter(kind=EventKind.LETTER_MADE).exists()


def test_a_template_of_another_service_is_not_found(login, coordinator, letter_case, letters, other_service):
    letter_templates_set_up(service=other_service)
    foreign = LetterTemplate.objects.filter(service=other_service).first()
    response = login(coordinator).get(letter_url("pdf", letter_case, party_b(letter_case), foreign))
    assert response.status_code == 404


def test_a_mediator_or_referrer_is_refused(client, mediator_user, referrer, assigned_case, letters):
    party, template = party_b(assigned_case), letters[LetterKind.INTRO_PARTY_B]
    for user in (mediator_user, referrer):
        client.force_login(user)
        for name in ("letter", "pdf"):
            assert client.get(letter_url(name, assigned_case, party, template)).status_code == 403
    assert not CaseEvent.objects.filter(kind=EventKind.LETTER_MADE).exists()


def test_a_party_of_another_case_is_not_found(login, coordinator, letter_case, letters, make_case):
    other = make_case()
    client = login(coordinator)
    template = letters[LetterKind.INTRO_PARTY_B]
    for name in ("letter", "pdf"):
        assert client.get(letter_url(name, letter_case, party_b(other), template)).status_code == 404
    # Chosen in the form: refused at the field.
    query = urlencode({"sjabloon": template.pk, "partij": party_b(other).pk})
    response = client.get(reverse("letters:choose", args=[letter_case.reference]) + "?" + query)
    assert response.status_code == 200 and "Kies een van de partijen van deze zaak." in response.content.decode()
    assert not CaseEvent.objects.filter(kind=EventKind.LETTER_MADE).exists()


# --- Query counts -----------------------------------------------------------------------


def test_the_letter_page_reads_the_same_number_of_queries_for_1_or_10_agreements(
    login, coordinator, make_case, letters
):
    template = letters[LetterKind.AGREEMENTS_SUMMARY]
    client = login(coordinator)
    counts = []
    for number in (1, 10):
        case = make_case()
        conversation_log(
            case=case,
            actor=coordinator,
            kind=ConversationKind.JOINT,
            held_on=timezone.localdate(),
            agreements=[f"Afspraak {i}" for i in range(number)],
        )
        url = letter_url("letter", case, party_b(case), template)
        client.get(url)  # warm caches (permissions, session)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200 and response.content.decode().count("Afspraak ") >= number
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Anything in the address bar or a template: never a server error ----------------------

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
JUNK = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "0", "-1", "abc", str(2**63), "99999999999999999999", "\x00", "1e3", "١"]),
    st.integers(min_value=-5, max_value=10**6).map(str),
)


def test_arbitrary_query_parameters_never_cause_a_server_error(client, coordinator, letter_case, letters):
    client.force_login(coordinator)
    client.raise_request_exception = False
    party = party_b(letter_case)
    own = [str(party.pk), str(letters[LetterKind.INTRO_PARTY_B].pk)]
    url = reverse("letters:choose", args=[letter_case.reference])

    @FUZZ
    @given(
        st.dictionaries(
            st.sampled_from(["sjabloon", "partij", "x", "sjabloon[]"]),
            st.lists(st.one_of(JUNK, st.sampled_from(own)), min_size=1, max_size=2),
        )
    )
    def ask(params):
        response = client.get(url + "?" + urlencode(params, doseq=True))
        assert response.status_code in (200, 302), response.status_code

    ask()


def test_arbitrary_template_bodies_never_cause_a_server_error(client, coordinator, letter_case, letters):
    client.force_login(coordinator)
    client.raise_request_exception = False
    party = party_b(letter_case)
    template = letters[LetterKind.OTHER] if LetterKind.OTHER in letters else letters[LetterKind.INTRO_PARTY_B]
    # Control characters a form would refuse, as if stored before the check; no NUL, which
    # PostgreSQL cannot store at all.
    field = st.sampled_from(["{" + name + "}" for name in FIELDS] + ["{", "}", "{{", "\n\n", "- ", "😀", "\x07"])
    chars = st.characters(codec="utf-8", exclude_characters="\x00")
    text = st.lists(st.one_of(st.text(alphabet=chars, max_size=20), field), max_size=30).map("".join)

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(subject=text, body=text)
    def make(subject, body):
        savepoint = transaction.savepoint_create()
        try:
            LetterTemplate.objects.filter(pk=template.pk).update(subject=subject[:200], body=body)
            for name in ("letter", "pdf"):
                response = client.get(letter_url(name, letter_case, party, template))
                assert response.status_code == 200, response.status_code
        finally:
            transaction.savepoint_rollback(savepoint)

    make()


def test_the_letter_template_admin_is_scoped_to_the_admins_service(client, service, other_service, letters):
    letter_templates_set_up(service=other_service)
    staff = UserFactory(username="beheer.aland", service=service, role=Role.ADMIN)
    request = RequestFactory().get("/admin/")
    request.user = staff
    shown = admin.site._registry[LetterTemplate].get_queryset(request)
    assert set(shown.values_list("service_id", flat=True)) == {service.pk}
    client.force_login(staff)
    foreign = LetterTemplate.objects.filter(service=other_service).first()
    assert client.get(reverse("admin:reports_lettertemplate_change", args=[foreign.pk])).status_code in (302, 404)


def test_the_letter_is_dutch_whatever_the_screens_language():
    party = Stub(name="", street="", house_number="", postcode="", city="")
    service = Stub(name="S", phone="", email="")
    with translation.override("en"):
        values = merge_values(
            case=Stub(reference="AL-1"),
            party=party,
            service=service,
            coordinator_name="C",
            appointment=None,
            today=dt.date(2026, 11, 24),
        )
    assert values["datum.vandaag"] == "24 november 2026"
    assert values["partij.naam"] == "bewoner" and values["afspraak.datum"] == "(nog niet gepland)"


def test_the_services_logo_heads_the_page_and_the_pdf(login, coordinator, letter_case, letters, service):
    image = io.BytesIO()
    Image.new("RGB", (120, 40), (0, 60, 120)).save(image, "PNG")
    ServiceLogo.objects.create(service=service, content_type="image/png", content=image.getvalue())
    service.logo_updated_at = timezone.now()
    service.save()
    client = login(coordinator)
    party, template = party_b(letter_case), letters[LetterKind.INTRO_PARTY_B]
    page = client.get(letter_url("letter", letter_case, party, template)).content.decode()
    assert 'class="letter-logo"' in page
    plain = client.get(letter_url("pdf", letter_case, party, template))
    reader = PdfReader(io.BytesIO(plain.content))
    assert len(list(reader.pages[0].images)) == 1
