"""The coordinator's and mediator's pages, driven as a user would through the test client."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.factories import NeighbourhoodFactory
from cases.constants import CaseStatus, ConversationKind, EventKind, Side
from cases.models import Agreement, Case, CaseEvent, Conversation, Outcome, Party
from cases.services import case_transition
from organisations.factories import MediatorProfileFactory


def register_data(**overrides):
    data = {
        "channel": "phone",
        "reported_on": timezone.localdate().isoformat(),
        "a-name": "Jan de Vries",
        "a-street": "Lindelaan",
        "a-house_number": "12",
        "a-postcode": "7511ab",
        "a-city": "Aland",
        "a-phone": "06-12345678",
        "a-tenure": "owner",
        "b-street": "Lindelaan",
        "b-house_number": "14",
        "b-postcode": "7511 AB",
        "b-tenure": "unknown",
        "description": "Harde muziek in de nacht.",
    }
    data.update(overrides)
    return data


def test_a_coordinator_registers_a_phone_report_and_lands_on_the_new_case(login, coordinator, neighbourhood):
    client = login(coordinator)
    assert client.get(reverse("cases:create")).status_code == 200
    response = client.post(reverse("cases:create"), register_data(neighbourhood=neighbourhood.pk), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert f"Zaak {case.reference} is geregistreerd" in response.text
    assert case.reference == f"AL-{timezone.localdate().year}-00001"
    assert case.status == CaseStatus.REGISTERED
    assert case.coordinator == coordinator
    a, b = case.parties.order_by("side")
    assert (a.side, a.name, a.postcode, a.phone, a.is_reporter) == (
        Side.A,
        "Jan de Vries",
        "7511 AB",
        "0612345678",
        True,
    )
    assert (b.side, b.name, b.house_number) == (Side.B, "", "14")
    # The next registration starts in the same neighbourhood.
    assert f'<option value="{neighbourhood.pk}" selected' in client.get(reverse("cases:create")).text


def test_the_neighbour_may_be_left_out_at_registration(login, coordinator):
    data = {k: v for k, v in register_data().items() if not k.startswith("b-")}
    login(coordinator).post(reverse("cases:create"), data)
    assert list(Case.objects.get().parties.values_list("side", flat=True)) == ["A"]


def test_bad_input_is_reported_in_dutch_at_the_field_and_nothing_is_stored(login, coordinator):
    data = register_data(**{"a-postcode": "12345", "a-phone": "12", "a-name": "", "reported_on": "2999-01-01"})
    response = login(coordinator).post(reverse("cases:create"), data)
    assert response.status_code == 200
    html = response.text
    assert "Vul een geldige postcode in, bijvoorbeeld 1234 AB." in html
    assert "Vul een geldig telefoonnummer in" in html
    assert "Vul de naam van de melder in." in html
    assert "kan niet in de toekomst liggen" in html
    # What the coordinator typed is kept.
    assert 'value="Lindelaan"' in html and "Harde muziek in de nacht." in html
    assert not Case.objects.exists() and not Party.objects.exists()


def test_a_professional_s_report_does_not_go_through_intake_without_consent(login, coordinator, partner):
    """The intake form is for residents; a professional's report goes through the consent gate."""
    client = login(coordinator)
    assert reverse("referrals:register") in client.get(reverse("cases:create")).text
    response = client.post(reverse("cases:create"), register_data(channel="referral", referrer_organisation=partner.pk))
    assert "registreert u als verwijzing" in response.text
    assert 'value="Lindelaan"' in response.text  # the other input is kept
    assert not Case.objects.exists()
    # A tampered organisation on a resident's report is ignored: it stays a self-report.
    client.post(reverse("cases:create"), register_data(referrer_organisation=partner.pk))
    case = Case.objects.get()
    assert case.referrer_organisation is None and case.is_self_report


def test_nul_bytes_and_overlong_text_are_refused_without_a_500(login, coordinator):
    response = login(coordinator).post(
        reverse("cases:create"), register_data(description="x\x00y", **{"a-name": "n" * 500})
    )
    assert response.status_code == 200
    assert "Null-tekens zijn niet toegestaan." in response.text
    assert "Zorg dat deze waarde niet meer dan 200 tekens bevat" in response.text
    assert not Case.objects.exists()


def test_a_known_address_warns_first_and_registers_after_confirmation(login, coordinator, make_case):
    earlier = make_case(
        parties=[
            {"side": "A", "name": "Piet Jansen", "postcode": "7511 AB", "house_number": "14", "street": "Lindelaan"}
        ]
    )
    client = login(coordinator)
    response = client.post(reverse("cases:create"), register_data())
    assert response.status_code == 200
    assert "komt al voor in eerdere zaken" in response.text
    assert earlier.reference in response.text and "zelfde adres" in response.text
    assert Case.objects.count() == 1
    # Sending again (the form now carries the confirmation) registers the case.
    response = client.post(reverse("cases:create"), register_data(confirm_repeat="on"), follow=True)
    assert Case.objects.count() == 2
    assert "is geregistreerd" in response.text


def test_repeats_of_another_service_are_not_shown(login, coordinator, other_coordinator, other_service, make_case):
    foreign = make_case(
        service=other_service,
        actor=other_coordinator,
        parties=[{"side": "A", "name": "Jan de Vries", "postcode": "7511 AB", "house_number": "12"}],
    )
    response = login(coordinator).post(reverse("cases:create"), register_data(), follow=True)
    assert foreign.reference not in response.text
    assert Case.objects.filter(service=coordinator.service).count() == 1


def test_the_case_page_offers_only_the_steps_the_status_allows(login, coordinator, case):
    html = login(coordinator).get(case.get_absolute_url()).text
    assert "Eerste contact gemaakt, start intake" in html
    assert "Geschikt, oppakken" not in html  # only from intake
    assert "Afsluiten" not in html


def test_judging_a_case_suitable_through_the_page(login, coordinator, case):
    client = login(coordinator)
    url = reverse("cases:transition", args=[case.reference])
    client.post(url, {"to_status": "intake", "expected_status": "registered"})
    response = client.post(url, {"to_status": "suitable", "expected_status": "intake"}, follow=True)
    assert "Status is nu: Geschikt, opgepakt." in response.text
    case.refresh_from_db()
    assert case.status == CaseStatus.SUITABLE and case.is_suitable is True


def test_a_step_that_needs_input_shows_errors_at_the_field_and_changes_nothing(login, coordinator, case):
    client = login(coordinator)
    url = reverse("cases:transition", args=[case.reference])
    response = client.post(url, {"to_status": "standby", "expected_status": "registered", "review_on": "2000-01-01"})
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.text  # the reason
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED
    response = client.post(
        url, {"to_status": "standby", "expected_status": "registered", "review_on": "2000-01-01", "reason": "Wijkteam"}
    )
    assert "De datum moet in de toekomst liggen." in response.text
    assert CaseEvent.objects.filter(case=case, kind=EventKind.STATUS_CHANGED).count() == 0


def test_a_stale_page_cannot_overwrite_another_coordinators_step(login, coordinator, case):
    case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    response = login(coordinator).post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": "unsuitable", "expected_status": "registered"},
        follow=True,
    )
    # The form was built for 'registered'; the case moved on in the meantime.
    assert "Iemand anders heeft deze zaak intussen gewijzigd" in response.text
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE


def test_a_disallowed_step_by_raw_post_is_refused(login, coordinator, case):
    response = login(coordinator).post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": "closed", "expected_status": "registered"},
        follow=True,
    )
    assert "Deze stap kan niet (meer) vanuit de huidige status" in response.text
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


def _to_suitable(case, actor):
    case = case_transition(case=case, to_status=CaseStatus.INTAKE, actor=actor)
    return case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=actor)


def test_assigning_a_pair_shows_load_and_conflict_warnings(login, coordinator, service, case):
    case = _to_suitable(case, coordinator)
    party = case.parties.get(side="A")
    neighbour = MediatorProfileFactory(service=service, name="Nina Nabij", postcode=party.postcode)
    free = MediatorProfileFactory(service=service, name="Frits Vrij", postcode="1234 AB")
    client = login(coordinator)
    html = client.get(case.get_absolute_url()).text
    assert "Nina Nabij (0/3) · ⚠ woont in dezelfde postcode als een partij" in html
    assert "Frits Vrij (0/3)" in html and "Frits Vrij (0/3) · ⚠" not in html
    url = reverse("cases:assign", args=[case.reference])
    client.post(url, {"mediator": free.pk})
    client.post(url, {"mediator": neighbour.pk})
    assert set(case.assignments.values_list("mediator__name", flat=True)) == {"Nina Nabij", "Frits Vrij"}
    # A pair is complete: no third mediator can be added.
    assert "Toewijzen" not in client.get(case.get_absolute_url()).text


def test_replacing_a_mediator_keeps_the_history(login, coordinator, assigned_case, mediator):
    client = login(coordinator)
    assignment = assigned_case.assignments.get()
    client.post(reverse("cases:end_assignment", args=[assigned_case.reference, assignment.pk]), {"reason": "Verhuisd"})
    assignment.refresh_from_db()
    assert assignment.ended_on == timezone.localdate() and assignment.end_reason == "Verhuisd"
    html = client.get(assigned_case.get_absolute_url()).text
    assert "gestopt" in html and "Verhuisd" in html


def test_logging_a_joint_conversation_with_agreements_schedules_the_follow_up(
    login, coordinator, assigned_case, mediator
):
    held_on = timezone.localdate() - dt.timedelta(days=1)
    response = login(coordinator).post(
        reverse("cases:log_conversation", args=[assigned_case.reference]),
        {
            "kind": ConversationKind.JOINT,
            "held_on": held_on.isoformat(),
            "duration_minutes": "90",
            "mediators": [mediator.pk],
            "parties": list(assigned_case.parties.values_list("pk", flat=True)),
            "report": "Goed gesprek.",
            "agreements": "Geen muziek na 22 uur\n\nEerst aanbellen bij overlast\n",
        },
        follow=True,
    )
    expected = held_on + dt.timedelta(weeks=6)
    assert f"Nazorg is gepland op {expected:%d-%m-%Y}" in response.text
    assert list(Agreement.objects.values_list("text", flat=True)) == [
        "Geen muziek na 22 uur",
        "Eerst aanbellen bij overlast",
    ]
    assigned_case.refresh_from_db()
    assert assigned_case.follow_up_due_on == expected


def test_closing_as_resolved_needs_a_logged_conversation(login, coordinator, case, service):
    case = _to_suitable(case, coordinator)
    resolved = Outcome.objects.get(service=service, name__startswith="Opgelost na gezamenlijk")
    response = login(coordinator).post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": "closed", "expected_status": "suitable", "outcome": resolved.pk},
    )
    assert "minstens één gesprek" in response.text
    case.refresh_from_db()
    assert case.status == CaseStatus.SUITABLE


def test_a_mediator_sees_their_case_with_contact_details_and_nothing_else(
    login, mediator_user, assigned_case, make_case
):
    Conversation.objects.create(
        case=assigned_case, kind="phone_call", held_on=timezone.localdate(), report="GEHEIM-COORD"
    )
    other = make_case()
    client = login(mediator_user)
    listing = client.get(reverse("cases:my_cases")).text
    assert assigned_case.reference in listing and other.reference not in listing
    html = client.get(assigned_case.get_absolute_url()).text
    party = assigned_case.parties.get(side="A")
    assert party.phone in html
    assert "Volgende stap" not in html and "Tijdlijn" not in html
    assert "GEHEIM-COORD" not in html  # a conversation the mediator was not part of
    assert client.get(other.get_absolute_url()).status_code == 404


def test_a_mediator_logs_their_own_report(login, mediator_user, mediator, assigned_case):
    client = login(mediator_user)
    client.post(
        reverse("cases:log_conversation", args=[assigned_case.reference]),
        {"kind": ConversationKind.INTAKE_A, "held_on": timezone.localdate().isoformat(), "report": "Intake A gedaan"},
    )
    conversation = Conversation.objects.get()
    assert list(conversation.mediators.all()) == [mediator]
    assert "Intake A gedaan" in client.get(assigned_case.get_absolute_url()).text


def test_a_mediator_cannot_change_status_or_assign(login, mediator_user, assigned_case):
    client = login(mediator_user)
    for name in ("cases:transition", "cases:assign", "cases:add_party"):
        assert client.post(reverse(name, args=[assigned_case.reference]), {"to_status": "intake"}).status_code == 403


def test_a_replaced_mediator_loses_access(login, coordinator, mediator_user, assigned_case):
    from cases.services import assignment_end

    assignment_end(assignment=assigned_case.assignments.get(), actor=coordinator, reason="Gestopt")
    client = login(mediator_user)
    assert client.get(assigned_case.get_absolute_url()).status_code == 404
    assert client.post(reverse("cases:log_conversation", args=[assigned_case.reference]), {}).status_code == 404


def test_adding_a_second_household_on_side_b(login, coordinator, case):
    login(coordinator).post(
        reverse("cases:add_party", args=[case.reference]),
        {
            "new-side": "B",
            "new-name": "Fam. Bakker",
            "new-street": "Lindelaan",
            "new-house_number": "16",
            "new-tenure": "unknown",
        },
    )
    assert case.parties.filter(side="B").count() == 2
    assert case.events.filter(kind=EventKind.PARTY_ADDED).exists()


def test_recording_that_a_party_refuses(login, coordinator, case):
    party = case.parties.get(side="B")
    login(coordinator).post(
        reverse("cases:participation", args=[case.reference, party.pk]), {"participation": "refused"}
    )
    party.refresh_from_db()
    assert party.participation == "refused"
    assert case.events.filter(kind=EventKind.PARTICIPATION_CHANGED).exists()


def test_search_terms_go_by_post_and_never_appear_in_the_url(login, coordinator, make_case):
    wanted = make_case(parties=[{"side": "A", "name": "Zwaantje Zoekmans", "street": "Kastanjelaan"}])
    other = make_case()
    client = login(coordinator)
    response = client.post(reverse("cases:list"), {"q": "zoekmans", "filters": "status=registered"})
    assert response.status_code == 302
    assert "zoekmans" not in response["Location"].lower()
    assert response["Location"] == reverse("cases:list") + "?status=registered"
    html = client.get(response["Location"]).text
    assert wanted.reference in html and other.reference not in html
    # By street and by postcode fragment too.
    client.post(reverse("cases:list"), {"q": "kastanje"})
    assert wanted.reference in client.get(reverse("cases:list")).text
    client.post(reverse("cases:list"), {"q": "", "clear": "1"})
    assert other.reference in client.get(reverse("cases:list")).text


@pytest.mark.parametrize(
    "param", ["status=nonsense", "page=-1", "page=abc", "reported_from=31-31-2020", "mediator=999999"]
)
def test_odd_list_parameters_never_cause_an_error(login, coordinator, case, param):
    response = login(coordinator).get(reverse("cases:list") + "?" + param)
    assert response.status_code == 200


def test_list_filters_narrow_the_list(login, coordinator, make_case, neighbourhood):
    in_wijk = make_case(neighbourhood=neighbourhood)
    elsewhere = make_case()
    html = login(coordinator).get(reverse("cases:list") + f"?neighbourhood={neighbourhood.pk}").text
    assert in_wijk.reference in html and elsewhere.reference not in html


def filter_options(html, name):
    select = html.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_the_filter_lists_are_the_services_own_and_follow_every_edit(
    login, coordinator, service, neighbourhood, other_service, django_capture_on_commit_callbacks
):
    NeighbourhoodFactory(service=other_service, name="Elders")
    client = login(coordinator)
    assert filter_options(client.get(reverse("cases:list")).text, "neighbourhood") == ["Alle", "Centrum"]

    with django_capture_on_commit_callbacks(execute=True):
        added = NeighbourhoodFactory(service=service, name="Achterhoek")
    assert filter_options(client.get(reverse("cases:list")).text, "neighbourhood") == ["Alle", "Achterhoek", "Centrum"]

    with django_capture_on_commit_callbacks(execute=True):
        added.name = "Oost"
        added.save()
        MediatorProfileFactory(service=service, name="Nieuwe Bemiddelaar")
    html = client.get(reverse("cases:list")).text
    assert filter_options(html, "neighbourhood") == ["Alle", "Centrum", "Oost"]
    assert "Nieuwe Bemiddelaar" in filter_options(html, "mediator")

    with django_capture_on_commit_callbacks(execute=True):
        added.delete()
    assert filter_options(client.get(reverse("cases:list")).text, "neighbourhood") == ["Alle", "Centrum"]


def test_a_filter_on_another_services_record_is_refused_at_the_field(login, coordinator, other_service, case):
    theirs = NeighbourhoodFactory(service=other_service, name="Elders")

    response = login(coordinator).get(reverse("cases:list") + f"?neighbourhood={theirs.pk}&status=registered")

    assert response.status_code == 200
    assert 'id="error_1_id_neighbourhood"' in response.text
    assert '<option value="registered" selected>' in response.text  # the other input is kept
    assert case.reference in response.text  # an invalid filter narrows nothing


@pytest.mark.parametrize("sort", ["-reported", "reported", "reference", "-reference", "status"])
def test_keyset_paging_walks_every_case_once_forwards_and_back(login, coordinator, make_case, sort, settings):
    import re as regex

    from cases import views

    views.PAGE_SIZE, old_size = 4, views.PAGE_SIZE
    try:
        today = timezone.localdate()
        made = [make_case(reported_on=today - dt.timedelta(days=i % 3)) for i in range(11)]
        client = login(coordinator)
        seen, pages, url = [], [], reverse("cases:list") + f"?sort={sort}"
        while url and len(pages) < 10:
            html = client.get(url).text
            refs = regex.findall(r'href="/zaken/(AL-\d{4}-\d{5})/"', html)
            pages.append(refs)
            seen += refs
            found = regex.search(r'href="\?([^"]*after=[^"]+)" rel="next"', html)
            url = reverse("cases:list") + "?" + found.group(1).replace("&amp;", "&") if found else None
        assert sorted(seen) == sorted(c.reference for c in made) and len(seen) == len(set(seen))
        assert [len(p) for p in pages] == [4, 4, 3]
        # And back from the last page.
        found = regex.search(r'href="\?([^"]*before=[^"]+)" rel="prev"', html)
        back = client.get(reverse("cases:list") + "?" + found.group(1).replace("&amp;", "&")).text
        assert regex.findall(r'href="/zaken/(AL-\d{4}-\d{5})/"', back) == pages[1]
    finally:
        views.PAGE_SIZE = old_size


@pytest.mark.parametrize("cursor", ["after=%%%", "before=W10", "after=WyJ4Il0", "after=" + "A" * 500])
def test_broken_cursors_show_the_first_page(login, coordinator, case, cursor):
    response = login(coordinator).get(reverse("cases:list") + "?" + cursor)
    assert response.status_code == 200 and case.reference in response.text


def test_the_list_counts_exactly_up_to_the_limit_and_then_says_more_than(login, coordinator, make_case, monkeypatch):
    from buurtbemiddeling import paging

    monkeypatch.setattr(paging, "COUNT_LIMIT", 3)
    client = login(coordinator)
    for _ in range(3):
        make_case()
    assert "3 zaken" in client.get(reverse("cases:list")).text
    make_case()

    html = client.get(reverse("cases:list")).text
    assert "Meer dan 3 zaken" in html and "4 zaken" not in html


@pytest.mark.parametrize("channel", ["phone", "desk", "email", "letter"])
def test_a_resident_s_own_report_comes_in_on_every_channel_and_is_a_self_report(channel, login, coordinator):
    login(coordinator).post(reverse("cases:create"), register_data(channel=channel))
    case = Case.objects.get()
    assert (case.channel, case.is_self_report) == (channel, True)
