"""Every case action is checked on the server against the case as it is now (#18).

A coordinator acts from a page opened minutes ago; meanwhile a colleague closed the case or
assigned a second mediator. The server refuses what no longer fits, in Dutch, at the field,
with nothing stored; a mediator over their maximum needs an explicit confirmation.
"""

import pytest
from django.urls import reverse

from cases.constants import CaseStatus
from cases.models import Assignment, Case, Outcome
from cases.services import case_transition, mediator_assign
from organisations.factories import MediatorProfileFactory


@pytest.fixture
def pool(service):
    return [MediatorProfileFactory(service=service, name=name) for name in ("Mila Mol", "Nico Noord", "Olga Oost")]


def assign(client, case, mediator, **extra):
    return client.post(reverse("cases:assign", args=[case.reference]), {"mediator": mediator.pk, **extra})


def test_a_mediator_is_not_assigned_to_a_case_closed_in_the_meantime(login, coordinator, case, pool, service):
    client = login(coordinator)
    assert 'action="/zaken/' in client.get(case.get_absolute_url()).text  # the page offers it...
    outcome = Outcome.objects.filter(service=service, requires_conversation=False).first()
    case = case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
    case = case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    case_transition(case=case, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome)
    page = assign(client, case, pool[0])  # ...and a colleague closed the case since
    assert page.status_code == 200
    assert "er kan geen bemiddelaar meer bij" in page.text
    assert not Assignment.objects.filter(case=case).exists()


def test_the_same_mediator_twice_is_told_in_plain_dutch(login, coordinator, case, pool):
    client = login(coordinator)
    assert assign(client, case, pool[0]).status_code == 302
    page = assign(client, case, pool[0])  # a stale page or a double post
    assert "werkt al aan deze zaak" in page.text and "Selecteer een geldige keuze" not in page.text
    assert Assignment.objects.filter(case=case).count() == 1


def test_a_third_mediator_from_a_stale_page_is_refused_visibly(login, coordinator, case, pool):
    client = login(coordinator)
    for mediator in pool[:2]:
        mediator_assign(case=case, mediator=mediator, actor=coordinator)
    page = assign(client, case, pool[2])
    assert page.status_code == 200 and "al twee bemiddelaars" in page.text
    assert Assignment.objects.filter(case=case, ended_on__isnull=True).count() == 2


def test_a_mediator_at_the_maximum_is_assigned_only_when_confirmed(login, coordinator, make_case, service):
    busy = MediatorProfileFactory(service=service, name="Piet Vol", max_cases=1)
    mediator_assign(case=make_case(), mediator=busy, actor=coordinator)
    case = make_case()
    client = login(coordinator)
    page = assign(client, case, busy)
    assert page.status_code == 200
    assert "Piet Vol werkt al aan 1 zaak (maximum 1)" in page.text
    assert "Toch toewijzen, boven het maximum" in page.text
    assert not Assignment.objects.filter(case=case).exists()
    assert assign(client, case, busy, over_maximum="on").status_code == 302
    assert Assignment.objects.filter(case=case, mediator=busy).exists()


def test_a_mediator_of_another_service_or_an_unknown_id_is_a_form_error(login, coordinator, case, other_service, pool):
    stranger = MediatorProfileFactory(service=other_service)
    client = login(coordinator)
    for value in (stranger.pk, 10**12, "abc", ""):
        page = client.post(reverse("cases:assign", args=[case.reference]), {"mediator": value})
        assert page.status_code == 200
        assert "Kies een bemiddelaar" in page.text or "kan niet (meer) worden gekozen" in page.text
    assert not Assignment.objects.filter(case=case).exists()


def test_the_assigned_mediator_reads_the_description_and_every_agreement(
    login, coordinator, mediator, mediator_user, make_case, service
):
    import datetime as dt

    from django.utils import timezone

    from cases.constants import ConversationKind
    from cases.services import conversation_log

    case = make_case(description="Geluidsoverlast van een werkplaats in de schuur.", tried_already="Briefje gestuurd.")
    mediator_assign(case=case, mediator=mediator, actor=coordinator)
    # A joint talk the coordinator logged without this mediator: its agreements still count.
    conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.JOINT,
        held_on=timezone.localdate() - dt.timedelta(days=1),
        agreements=["Zagen alleen tussen 9 en 17 uur."],
    )
    page = login(mediator_user).get(case.get_absolute_url()).text
    assert "Geluidsoverlast van een werkplaats" in page and "Briefje gestuurd." in page
    assert "Zagen alleen tussen 9 en 17 uur." in page
    # A mediator of another case reads none of it.
    other = make_case(description="Een andere zaak.")
    assert login(mediator_user).get(other.get_absolute_url()).status_code == 404


# --- Search: what a coordinator has at hand when someone calls ------------------------------


@pytest.fixture
def findable(make_case, other_service, other_coordinator):
    kastanje = make_case(
        parties=[
            {
                "side": "A",
                "name": "Jan de Vries",
                "street": "Kastanjelaan",
                "house_number": "19",
                "postcode": "7511 AB",
                "phone": "0612345678",
                "email": "Jan.de.Vries@example.org",
            },
            {"side": "B", "street": "Kastanjelaan", "house_number": "21"},
        ]
    )
    other = make_case(parties=[{"side": "A", "name": "Els Eik", "street": "Kastanjelaan", "house_number": "3"}])
    elsewhere = make_case(
        service=other_service,
        actor=other_coordinator,
        parties=[{"side": "A", "name": "Jan de Vries", "phone": "0612345678", "street": "Kastanjelaan"}],
    )
    return kastanje, other, elsewhere


@pytest.mark.parametrize(
    "term",
    [
        "Kastanjelaan 19",
        "kastanjelaan 19",
        "7511 AB 19",
        "7511ab 19",
        "06-12345678",
        "06 12 34 56 78",
        "+31 6 12345678",
        "jan.de.vries@EXAMPLE.org",
        "Jan Vries",
        "vries jan",
    ],
)
def test_the_case_list_finds_a_case_by_what_a_caller_gives(term, findable, login, coordinator):
    kastanje, other, elsewhere = findable
    page = login(coordinator).post(reverse("cases:list"), {"q": term}, follow=True).text
    assert kastanje.reference in page
    assert other.reference not in page  # the same street, another number
    assert elsewhere.reference not in page  # the same person in another service: never


def test_a_street_alone_still_finds_every_case_in_it(findable, login, coordinator):
    kastanje, other, _elsewhere = findable
    page = login(coordinator).post(reverse("cases:list"), {"q": "Kastanjelaan"}, follow=True).text
    assert kastanje.reference in page and other.reference in page


# --- Repeats, whatever way a case came in ---------------------------------------------------


def test_a_second_web_report_from_the_same_address_is_flagged_in_the_queue_and_on_the_case(
    client, login, coordinator, service, make_case, django_assert_max_num_queries
):
    from cases.selectors import work_queue_for_user
    from tests.selfreport.test_selfreport import report_data, submit_report

    first = make_case(parties=[{"side": "A", "name": "Anna Jansen", "postcode": "7511 AB", "house_number": "12"}])
    submit_report(client, service)  # the web form: Lindelaan 12, 7511 AB, as in report_data
    assert report_data(service)["house_number"] == "12"
    second = Case.objects.exclude(pk=first.pk).get()
    new = next(s for s in work_queue_for_user(coordinator) if s["key"] == "new")
    flags = {case.pk: case.is_repeat for case in new["cases"]}
    assert flags[second.pk] and flags[first.pk]
    queue = login(coordinator).get(reverse("cases:queue")).text
    assert "herhaling?" in queue
    page = login(coordinator).get(second.get_absolute_url()).text
    assert "Mogelijk een herhaling" in page and first.reference in page and "zelfde adres" in page


def test_an_unrelated_case_is_not_flagged(make_case, coordinator):
    from cases.selectors import work_queue_for_user

    make_case(parties=[{"side": "A", "name": "Bram Beuk", "postcode": "7511 AB", "house_number": "1"}])
    make_case(parties=[{"side": "A", "name": "Cor Cel", "postcode": "7511 AB", "house_number": "3"}])
    new = next(s for s in work_queue_for_user(coordinator) if s["key"] == "new")
    assert [case.is_repeat for case in new["cases"]] == [False, False]


# --- A work-queue section in full -----------------------------------------------------------


def test_every_queue_section_links_to_all_its_cases_keyset_paged(login, coordinator, make_case, monkeypatch):
    import re

    from cases import views

    made = [make_case() for _ in range(12)]
    client = login(coordinator)
    queue = client.get(reverse("cases:queue")).text
    assert "De eerste 10 van 12." in queue and 'href="/zaken/?rule=new"' in queue
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    seen, url = [], reverse("cases:list") + "?rule=new"
    while url:
        page = client.get(url).text
        seen += re.findall(r'<a href="/zaken/([A-Z]+-\d{4}-\d{5})/">', page)
        following = re.search(r'href="(\?[^"]*after=[^"]+)"', page)
        url = reverse("cases:list") + following.group(1).replace("&amp;", "&") if following else None
    # Every new case once, oldest report first as in the queue (all reported today: by id).
    assert seen == [case.reference for case in made]


def test_a_rule_keeps_to_its_cases(login, coordinator, make_case):
    new = make_case()
    started = case_transition(case=make_case(), to_status=CaseStatus.INTAKE, actor=coordinator)
    page = login(coordinator).get(reverse("cases:list"), {"rule": "new"}).text
    assert new.reference in page and started.reference not in page
    assert login(coordinator).get(reverse("cases:list"), {"rule": "nonsense"}).status_code == 200


# --- Handover -------------------------------------------------------------------------------


@pytest.fixture
def colleague(service):
    from buurtbemiddeling.constants import Role
    from buurtbemiddeling.factories import UserFactory

    return UserFactory(
        username="coordinator.twee", first_name="Tess", last_name="Twee", service=service, role=Role.COORDINATOR
    )


def test_a_case_is_handed_over_to_a_colleague_and_the_timeline_says_so(login, coordinator, colleague, case):
    from cases.constants import EventKind

    client = login(coordinator)
    page = client.get(case.get_absolute_url()).text
    assert "Overdragen aan een andere coördinator" in page and "Tess Twee" in page
    answer = client.post(reverse("cases:handover", args=[case.reference]), {"coordinator": colleague.pk}, follow=True)
    assert "De zaak is overgedragen aan Tess Twee." in answer.text
    case.refresh_from_db()
    assert case.coordinator == colleague
    event = case.events.get(kind=EventKind.COORDINATOR_CHANGED)
    assert event.actor == coordinator and event.reason.endswith("→ Tess Twee")


def test_a_handover_to_someone_who_is_no_coordinator_here_is_refused(
    login, coordinator, case, other_coordinator, mediator_user
):
    before = case.coordinator
    client = login(coordinator)
    for person in (other_coordinator, mediator_user):
        page = client.post(reverse("cases:handover", args=[case.reference]), {"coordinator": person.pk})
        assert page.status_code == 200 and "Kies een coördinator van uw organisatie" in page.text
    case.refresh_from_db()
    assert case.coordinator == before


def test_the_ticked_cases_of_the_list_go_to_a_colleague_at_once(
    login, coordinator, colleague, make_case, other_service, other_coordinator
):
    from cases.constants import EventKind

    mine = [make_case() for _ in range(3)]
    theirs = make_case(service=other_service, actor=other_coordinator)
    before = mine[2].coordinator, theirs.coordinator
    client = login(coordinator)
    listing = client.get(reverse("cases:list")).text
    assert 'form="bulk-handover"' in listing and 'aria-label="Selecteer' in listing
    url = reverse("cases:bulk_handover")
    answer = client.post(url, {"cases": [c.reference for c in mine[:2]], "coordinator": colleague.pk}, follow=True)
    assert "2 zaken zijn overgedragen aan Tess Twee." in answer.text
    assert [Case.objects.get(pk=c.pk).coordinator for c in mine] == [colleague, colleague, before[0]]
    assert Case.objects.filter(events__kind=EventKind.COORDINATOR_CHANGED).count() == 2
    # A reference of another service in the selection: nothing changes at all.
    answer = client.post(
        url, {"cases": [mine[2].reference, theirs.reference], "coordinator": colleague.pk}, follow=True
    )
    assert "Vink de zaken aan" in answer.text
    assert (Case.objects.get(pk=mine[2].pk).coordinator, Case.objects.get(pk=theirs.pk).coordinator) == before


def test_the_cases_of_a_coordinator_who_left_are_found_by_filter_and_handed_over(
    login, coordinator, colleague, make_case, other_service, other_coordinator
):
    """Someone leaves: the list filtered on them (marked as no longer active) gives their cases."""
    from buurtbemiddeling.constants import Role
    from buurtbemiddeling.factories import UserFactory

    leaver = UserFactory(
        username="vera", first_name="Vera", last_name="Vertrek", service=coordinator.service, role=Role.COORDINATOR
    )
    theirs = [make_case(actor=leaver, coordinator=leaver) for _ in range(2)]
    other = make_case()
    elsewhere = make_case(service=other_service, actor=other_coordinator)
    client = login(coordinator)
    assert ">Vera Vertrek</option>" in client.get(reverse("cases:list")).text
    leaver.is_active = False
    leaver.save()  # the cached filter lists follow at once
    listing = client.get(reverse("cases:list")).text
    assert ">Vera Vertrek (niet meer actief)</option>" in listing
    filtered = client.get(reverse("cases:list"), {"coordinator": leaver.pk}).text
    assert all(case.reference in filtered for case in theirs)
    assert other.reference not in filtered and "2 zaken" in filtered
    assert 'data-select-all="cases"' in filtered
    # Another service's coordinator is no choice: the filter says so instead of showing everything.
    refused = client.get(reverse("cases:list"), {"coordinator": other_coordinator.pk}).text
    assert f"{other_coordinator.pk} is geen beschikbare keuze" in refused and elsewhere.reference not in refused
    answer = client.post(
        reverse("cases:bulk_handover"),
        {
            "cases": [case.reference for case in theirs],
            "coordinator": colleague.pk,
            "filters": f"coordinator={leaver.pk}",
        },
        follow=True,
    )
    assert "2 zaken zijn overgedragen aan Tess Twee." in answer.text
    assert "Geen zaken." in answer.text  # back on the filtered list, now empty
    assert {Case.objects.get(pk=case.pk).coordinator for case in theirs} == {colleague}


def test_a_coordinators_free_note_goes_on_the_timeline_for_coordinators_only(
    login, coordinator, assigned_case, mediator_user
):
    from cases.constants import EventKind

    client = login(coordinator)
    url = reverse("cases:add_note", args=[assigned_case.reference])
    assert client.post(url, {"text": "   "}).status_code == 200  # empty: refused at the field
    answer = client.post(url, {"text": "Belde terug, spreekt vrijdag met de buurman."}, follow=True)
    assert "De notitie staat in de tijdlijn." in answer.text
    assert "Belde terug, spreekt vrijdag met de buurman." in answer.text
    note = assigned_case.events.get(kind=EventKind.NOTE)
    assert note.actor == coordinator
    # The mediator's page has no timeline: the coordinator's notes stay with coordinators.
    assert "Belde terug" not in login(mediator_user).get(assigned_case.get_absolute_url()).text


def test_an_assigned_mediator_writes_notes_that_they_and_the_coordinators_read(
    login, coordinator, assigned_case, mediator_user, service, client
):
    from buurtbemiddeling.constants import Role
    from buurtbemiddeling.factories import UserFactory
    from cases.constants import EventKind
    from cases.services import case_note_add

    url = reverse("cases:add_note", args=[assigned_case.reference])
    case_note_add(case=assigned_case, actor=coordinator, text="Coördinator: dossier van de woningcorporatie gevraagd.")
    client = login(mediator_user)
    page = client.get(assigned_case.get_absolute_url()).text
    assert "Mijn notities" in page and "Nog geen notities." in page
    assert "dossier van de woningcorporatie" not in page  # the coordinator's note is not theirs

    answer = client.post(url, {"text": ""})
    assert answer.status_code == 200 and "Schrijf de notitie." in answer.text
    answer = client.post(url, {"text": "Belde terug, spreekt vrijdag met de buurman."}, follow=True)
    assert "De notitie staat in de tijdlijn." in answer.text
    assert "Belde terug, spreekt vrijdag met de buurman." in answer.text
    note = assigned_case.events.get(kind=EventKind.NOTE, actor=mediator_user)
    assert note.reason == "Belde terug, spreekt vrijdag met de buurman."
    # The coordinator reads it in the timeline, with who wrote it.
    assert (
        "Belde terug, spreekt vrijdag met de buurman." in login(coordinator).get(assigned_case.get_absolute_url()).text
    )

    # A mediator of the service who is not on the case neither reads nor writes there.
    other = UserFactory(username="bemiddelaar.twee", service=service, role=Role.MEDIATOR)
    MediatorProfileFactory(service=service, user=other)
    client = login(other)
    assert client.get(assigned_case.get_absolute_url()).status_code == 404
    assert client.post(url, {"text": "Mag dit?"}).status_code == 404
    assert not assigned_case.events.filter(kind=EventKind.NOTE, actor=other).exists()


def test_a_mediator_writes_no_note_once_the_case_is_closed_or_they_left_it(
    login, coordinator, assigned_case, mediator_user, mediator
):
    from cases.constants import EventKind
    from cases.services import assignment_end

    url = reverse("cases:add_note", args=[assigned_case.reference])
    client = login(mediator_user)
    outcome = Outcome.objects.filter(service=assigned_case.service, requires_conversation=False).first()
    closed = case_transition(case=assigned_case, to_status=CaseStatus.INTAKE, actor=coordinator)
    closed = case_transition(case=closed, to_status=CaseStatus.SUITABLE, actor=coordinator)
    closed = case_transition(case=closed, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome)
    page = client.get(closed.get_absolute_url())
    assert page.status_code == 200 and "Notitie toevoegen" not in page.text  # still readable, no longer writable
    assert client.post(url, {"text": "Nog één ding."}).status_code == 404

    assignment_end(assignment=assigned_case.assignments.get(mediator=mediator), actor=coordinator, reason="Verhuisd")
    assert client.post(url, {"text": "Nog één ding."}).status_code == 404
    assert not assigned_case.events.filter(kind=EventKind.NOTE, actor=mediator_user).exists()


def test_the_mediators_page_makes_as_many_queries_for_one_note_as_for_twelve(
    login, coordinator, make_case, mediator, mediator_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.services import case_note_add

    def page_queries(notes):
        case = make_case()
        mediator_assign(case=case, mediator=mediator, actor=coordinator)
        for i in range(notes):
            case_note_add(case=case, actor=mediator_user, text=f"Belde terug ({i})")
        client = login(mediator_user)
        client.get(case.get_absolute_url())  # the session and the caches warm
        with CaptureQueriesContext(connection) as queries:
            page = client.get(case.get_absolute_url()).text
        assert page.count("Belde terug (") == notes
        return len(queries)

    assert page_queries(1) == page_queries(12)


def test_a_house_number_in_other_letters_or_the_same_phone_is_a_repeat(make_case, coordinator):
    from cases.selectors import work_queue_for_user

    first = make_case(parties=[{"side": "A", "name": "Dirk Dam", "postcode": "7511 AB", "house_number": "12a"}])
    same_address = make_case(
        parties=[{"side": "A", "name": "Els Eik", "postcode": "7511 AB", "house_number": "12A", "phone": ""}]
    )
    same_phone = make_case(
        parties=[{"side": "A", "name": "Fien Fok", "postcode": "7522 CD", "house_number": "5", "phone": "0612345678"}]
    )
    earlier_phone = make_case(
        parties=[{"side": "A", "name": "Gijs Gul", "postcode": "7533 EF", "house_number": "8", "phone": "0612345678"}]
    )
    new = next(s for s in work_queue_for_user(coordinator) if s["key"] == "new")
    flags = {case.pk: case.is_repeat for case in new["cases"]}
    assert flags[first.pk] and flags[same_address.pk]
    assert flags[same_phone.pk] and flags[earlier_phone.pk]
