"""Domain rule 3: nothing about a referred case flows back to the referrer but the milestones.

A referred case gets a unique marker in every free-text and personal field and goes through
its whole life. Then every page the referrer can reach (a crawl from their home page plus
guessed URLs) and every e-mail they received must contain none of the markers.
"""

import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases.constants import CaseStatus, ConversationKind
from cases.models import Case, Outcome
from cases.services import case_transition, conversation_log, mediator_assign, party_add
from organisations.factories import MediatorProfileFactory
from referrals.models import Referral

MARKERS = {
    "a_name": "Markeranna Eerst",
    "a_street": "Markerstraat",
    "a_city": "Markerdorp",
    "a_phone": "0611119999",
    "a_email": "marker-a@example.org",
    "b_name": "Markerbert Tweede",
    "b_street": "Markerlaan",
    "b_email": "marker-b@example.org",
    "c_name": "Markercees Derde",
    "description": "MARKER-OMSCHRIJVING",
    "consent_by": "MARKER-TOESTEMMER",
    "reason_standby": "MARKER-STANDBY-REDEN",
    "reason_back": "MARKER-TERUG-REDEN",
    "report": "MARKER-VERSLAG",
    "care_worker": "MARKER-HULPVERLENER",
    "agreement": "MARKER-AFSPRAAK",
    "mediator": "Markermees Bemiddelaar",
    "outcome": "MARKER-UITKOMST opgelost met afspraken",
    "tried": "MARKER-GEPROBEERD",
    "contact_time": "MARKER-BELTIJD",
    "interpreter": "MARKER-TOLKTAAL",
}


def crawl(client, start_paths, *, limit=200):
    """GET every same-site page reachable by links from the start paths."""
    seen, queue, pages = set(), list(start_paths), {}
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path, follow=True)
        body = response.content.decode(errors="replace")
        pages[path] = (response.status_code, body)
        for href in re.findall(r'href="([^"#]*)"', body):
            href = unescape(href)
            if href.startswith("/") and not href.startswith("/static/") and href not in seen:
                queue.append(href)
    return pages


@pytest.fixture
def lived_case(login, referrer, coordinator, service, mailoutbox, django_capture_on_commit_callbacks, run_tasks):
    """A referred case with markers everywhere, taken from referral to closed-as-resolved."""
    today = timezone.localdate()
    client = login(referrer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("referrals:create"),
            {
                "resident": "yes",
                "neighbour": "yes",
                "ca-agreed_by": MARKERS["consent_by"],
                "ca-agreed_on": today.isoformat(),
                "ca-method": "spoken",
                "a-name": MARKERS["a_name"],
                "a-phone": MARKERS["a_phone"],
                "a-email": MARKERS["a_email"],
                "a-street": MARKERS["a_street"],
                "a-house_number": "1",
                "a-postcode": "7512 CD",
                "a-city": MARKERS["a_city"],
                "cb-agreed_by": MARKERS["consent_by"],
                "cb-agreed_on": today.isoformat(),
                "cb-method": "written",
                "b-name": MARKERS["b_name"],
                "b-email": MARKERS["b_email"],
                "b-street": MARKERS["b_street"],
                "b-house_number": "2",
                "b-postcode": "7512 CD",
                "description": MARKERS["description"],
                "own_reference": "EIGEN-KENMERK-1",
            },
        )
    case = Case.objects.get()
    party_add(
        case=case, actor=coordinator, data={"side": "B", "name": MARKERS["c_name"], "street": MARKERS["b_street"]}
    )
    mediator = MediatorProfileFactory(service=service, name=MARKERS["mediator"])
    outcome = Outcome.objects.create(
        service=service, name=MARKERS["outcome"], category="resolved", counts_as_resolved=True
    )
    steps = [
        {"to_status": CaseStatus.INTAKE},
        {
            "to_status": CaseStatus.STANDBY,
            "reason": MARKERS["reason_standby"],
            "review_on": today + timezone.timedelta(days=10),
        },
        {"to_status": CaseStatus.INTAKE},
        {"to_status": CaseStatus.SUITABLE},
        {"to_status": CaseStatus.IN_MEDIATION},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for step in steps:
            case = case_transition(case=case, actor=coordinator, **step)
            run_tasks()  # the worker mails each milestone as it comes
        mediator_assign(case=case, mediator=mediator, actor=coordinator)
        conversation_log(
            case=case,
            actor=coordinator,
            kind=ConversationKind.JOINT,
            held_on=today,
            report=MARKERS["report"],
            care_worker=MARKERS["care_worker"],
            mediators=[mediator],
            parties=case.parties.all(),
            agreements=[MARKERS["agreement"]],
        )
        case = case_transition(case=case, to_status=CaseStatus.FOLLOW_UP, actor=coordinator)
        case = case_transition(
            case=case, to_status=CaseStatus.IN_MEDIATION, actor=coordinator, reason=MARKERS["reason_back"]
        )
        case = case_transition(case=case, to_status=CaseStatus.FOLLOW_UP, actor=coordinator)
        case = case_transition(case=case, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome)
    return case


def assert_no_markers(text, where):
    for key, marker in [*MARKERS.items(), ("reference", LEAK_REFERENCE[0])]:
        assert marker.lower() not in text.lower(), f"{key} leaked into {where}"


LEAK_REFERENCE = [""]


def test_nothing_of_the_case_reaches_any_page_or_mail_of_the_referrer(lived_case, login, referrer, mailoutbox):
    LEAK_REFERENCE[0] = lived_case.reference
    client = login(referrer)
    pages = crawl(client, ["/", reverse("referrals:list"), reverse("referrals:create")])
    assert len(pages) >= 4
    list_html = pages[reverse("referrals:list")][1]
    assert "Afgesloten: opgelost" in list_html and "EIGEN-KENMERK-1" in list_html
    guessed = [
        lived_case.get_absolute_url(),
        reverse("cases:list"),
        reverse("cases:queue"),
        reverse("cases:my_cases"),
        reverse("partners:list"),
        f"/admin/cases/case/{lived_case.pk}/change/",
        "/admin/cases/party/",
        "/admin/cases/conversation/",
        "/admin/referrals/referral/",
    ] + [reverse(f"cases:{name}", args=[lived_case.reference]) for name in ("transition", "assign", "log_conversation")]
    for path in guessed:
        response = client.get(path)
        assert response.status_code in (302, 403, 404, 405), path
        pages[path] = (response.status_code, response.content.decode(errors="replace"))
    for path, (_status, body) in pages.items():
        # The language switch echoes the requested path back; that is the referrer's own input.
        assert_no_markers(body.replace(f'value="{path}"', ""), path)
    mails = [mail for mail in mailoutbox if referrer.email in mail.to]
    assert mails, "the referrer should have had milestone e-mails"
    for mail in mails:
        assert_no_markers(mail.subject + mail.body, f"e-mail {mail.subject!r}")


def test_guessed_ids_of_other_referrals_and_cases_answer_404(lived_case, login, service, partner):
    colleague = UserFactory(service=service, partner_organisation=partner, role=Role.REFERRER)
    client = login(colleague)
    referral = Referral.objects.get()
    assert client.get(reverse("referrals:done", args=[referral.pk])).status_code == 404
    assert client.get(reverse("referrals:done", args=[referral.pk + 1000])).status_code == 404
    assert client.get(lived_case.get_absolute_url()).status_code == 404


def test_a_phoned_in_self_report_reaches_no_organisation(login, coordinator, service, partner, referrer, mailoutbox):
    """A resident phones in themselves and names their landlord: neither the corporation's
    referrers nor any page or e-mail of theirs learns of it, and no link to it can be made."""
    from django.core.exceptions import ValidationError

    from cases.constants import Channel
    from cases.services import case_create
    from partners import services as partner_services

    case = case_create(
        service=service,
        actor=coordinator,
        channel=Channel.PHONE,
        parties=[
            {
                "side": "A",
                "is_reporter": True,
                "name": MARKERS["a_name"],
                "street": MARKERS["a_street"],
                "city": MARKERS["a_city"],
                "phone": MARKERS["a_phone"],
                "email": MARKERS["a_email"],
                "tenure": "tenant_corporation",
                "housing_corporation": partner,
                "contact_time_preference": MARKERS["contact_time"],
                "interpreter_language": MARKERS["interpreter"],
            },
            {"side": "B", "name": MARKERS["b_name"], "street": MARKERS["b_street"], "email": MARKERS["b_email"]},
        ],
        description=MARKERS["description"],
        tried_already=MARKERS["tried"],
    )
    assert case.is_self_report
    with pytest.raises(ValidationError, match="zelfmelder"):
        partner_services.accompaniment_start(
            party=case.parties.get(side="A"), organisation=partner, actor=coordinator, care_worker_name="X"
        )
    LEAK_REFERENCE[0] = case.reference
    client = login(referrer)
    pages = crawl(client, ["/", reverse("referrals:list"), reverse("referrals:create")])
    for path in (case.get_absolute_url(), reverse("cases:list"), reverse("partners:list")):
        response = client.get(path)
        assert response.status_code in (302, 403, 404), path
        pages[path] = (response.status_code, response.content.decode(errors="replace"))
    for path, (_status, body) in pages.items():
        assert_no_markers(body.replace(f'value="{path}"', ""), path)
    assert not [mail for mail in mailoutbox if referrer.email in mail.to]


def test_a_phoned_in_referral_tells_the_organisation_only_milestones(
    login, coordinator, service, partner, referrer, mailoutbox, django_capture_on_commit_callbacks, run_tasks
):
    """Markers in every field of a referral the coordinator took by phone; the organisation's
    referrers (one seeing all its referrals) and the contact person's e-mails find none."""
    from django.contrib.auth.models import Permission

    from organisations.factories import ContactPersonFactory
    from referrals.services import referral_register

    contact = ContactPersonFactory(organisation=partner, name="Wijkagent Wim", email="wim@politie.example")
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_register(
            coordinator=coordinator,
            contact_person=contact,
            parties=[
                {
                    "side": "A",
                    "details": {
                        "name": MARKERS["a_name"],
                        "phone": MARKERS["a_phone"],
                        "email": MARKERS["a_email"],
                        "street": MARKERS["a_street"],
                        "house_number": "1",
                        "postcode": "7512 CD",
                        "city": MARKERS["a_city"],
                    },
                    "consent": {
                        "agreed_by": MARKERS["consent_by"],
                        "agreed_on": timezone.localdate(),
                        "method": "spoken",
                    },
                },
                {"side": "B", "details": {"street": MARKERS["b_street"], "house_number": "2"}, "consent": None},
            ],
            own_reference="PV-KENMERK-7",
            description=MARKERS["description"],
        )
        case = case_transition(case=referral.case, to_status=CaseStatus.INTAKE, actor=coordinator)
        case = case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    LEAK_REFERENCE[0] = case.reference
    colleague = UserFactory(service=service, partner_organisation=partner, role=Role.REFERRER)
    colleague.user_permissions.add(Permission.objects.get(codename="view_organisation_referrals"))
    for user in (referrer, colleague):
        client = login(user)
        pages = crawl(client, ["/", reverse("referrals:list")])
        assert client.get(case.get_absolute_url()).status_code == 404
        for path, (_status, body) in pages.items():
            assert_no_markers(body.replace(f'value="{path}"', ""), f"{user.username}: {path}")
    organisation_list = login(colleague).get(reverse("referrals:list")).text
    assert "PV-KENMERK-7" in organisation_list and "Opgepakt" in organisation_list
    run_tasks()
    mails = [mail for mail in mailoutbox if "wim@politie.example" in mail.to]
    assert mails
    for mail in mails:
        assert_no_markers(mail.subject + mail.body, f"e-mail {mail.subject!r}")
