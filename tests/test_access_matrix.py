"""The access matrix: every URL of the app x every kind of visitor, from the URL resolver.

Every named URL must have a policy below; a new page without one fails
`test_every_page_has_an_access_policy`, so no page escapes the matrix. Denied visitors must
get exactly a login redirect (anonymous), 403 (wrong role) or 404 (someone else's object),
and must change nothing. Django admin has its own checks (tests/buurtbemiddeling/test_admin.py).
"""

import datetime as dt
import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases.appointments import appointment_plan
from cases.constants import ConversationKind
from cases.models import CaseEvent
from cases.services import conversation_log, mediator_assign
from organisations.factories import MediatorProfileFactory
from referrals.services import referral_submit
from reports.models import LetterTemplate
from reports.services import letter_templates_set_up
from tests.buurtbemiddeling.test_urls import iter_patterns

VISITORS = [
    "anonymous",
    "referrer",
    "mediator_assigned",
    "mediator_other",
    "coordinator",
    "coordinator_other_service",
    "admin",
]

# Policies: who may use a page. "ok" = allowed; a number = the exact refusal.
PUBLIC = dict.fromkeys(VISITORS, "ok")
ACCOUNT = {**dict.fromkeys(VISITORS, "ok"), "anonymous": "login"}


def role_page(*allowed):
    return {
        **dict.fromkeys(VISITORS, 403),
        "anonymous": "login",
        **dict.fromkeys(allowed, "ok"),
    }


COORDINATOR_PAGE = role_page("coordinator", "coordinator_other_service")
MEDIATOR_PAGE = role_page("mediator_assigned", "mediator_other")
REFERRER_PAGE = role_page("referrer")
# An object of the coordinator's service: other services get 404 (no hint it exists).
CASE_COORDINATOR = {**role_page("coordinator"), "coordinator_other_service": 404}
CASE_SHARED = {
    **dict.fromkeys(VISITORS, 404),
    "anonymous": "login",
    "coordinator": "ok",
    "mediator_assigned": "ok",
}
PARTNER_OBJECT = {**role_page("coordinator"), "coordinator_other_service": 404}
# Installation admins manage partners in Django admin; in the app they belong to no
# service, so the list is empty for them and a partner page is not found.
PARTNER_LIST = role_page("coordinator", "coordinator_other_service", "admin")
REFERRAL_OBJECT = {**role_page("referrer")}
# A volunteer mediator of the coordinator's service (#19): the volunteer pages are coordinators' only.
VOLUNTEER_OBJECT = {**role_page("coordinator"), "coordinator_other_service": 404}

POLICIES = {
    # name: (policy, method)
    "home": (ACCOUNT, "get"),
    "healthz": (PUBLIC, "get"),
    "favicon": (PUBLIC, "get"),
    "privacy_statement": (PUBLIC, "get"),
    "privacy_statement_of": (PUBLIC, "get"),
    "accessibility_statement": (PUBLIC, "get"),
    "accessibility_statement_of": (PUBLIC, "get"),
    "service_logo": (PUBLIC, "get"),
    "set_language": (PUBLIC, "post"),
    "login": (PUBLIC, "get"),
    "logout": (PUBLIC, "post"),  # anyone may log out; it ends at the login page
    "admin_login_redirect": (PUBLIC, "get"),
    "password_change": (ACCOUNT, "get"),
    "password_change_done": (ACCOUNT, "get"),
    "password_reset": (PUBLIC, "get"),
    "password_reset_done": (PUBLIC, "get"),
    "password_reset_confirm": (PUBLIC, "get"),
    "password_reset_complete": (PUBLIC, "get"),
    "two_factor_setup": (ACCOUNT, "get"),
    "two_factor_verify": (ACCOUNT, "get"),
    "backup_codes_renew": (ACCOUNT, "post"),
    "selfreport:start": (PUBLIC, "get"),
    "selfreport:advice": (PUBLIC, "get"),
    "selfreport:police": (PUBLIC, "get"),
    "selfreport:postcode": (PUBLIC, "get"),
    "selfreport:report": (PUBLIC, "get"),
    "selfreport:done": (PUBLIC, "get"),
    "cases:queue": (COORDINATOR_PAGE, "get"),
    "cases:list": (COORDINATOR_PAGE, "get"),
    "cases:create": (COORDINATOR_PAGE, "get"),
    "cases:my_cases": (MEDIATOR_PAGE, "get"),
    "cases:detail": (CASE_SHARED, "get"),
    "cases:log_conversation": (CASE_SHARED, "post"),
    "cases:transition": (CASE_COORDINATOR, "post"),
    "cases:assign": (CASE_COORDINATOR, "post"),
    "cases:handover": (CASE_COORDINATOR, "post"),
    "cases:add_note": (CASE_SHARED, "post"),
    "cases:bulk_handover": (COORDINATOR_PAGE, "post"),
    "cases:bulk_export": (COORDINATOR_PAGE, "post"),
    "cases:edit": (CASE_COORDINATOR, "get"),
    "cases:party_edit": (CASE_COORDINATOR, "get"),
    "cases:leave_out": (CASE_COORDINATOR, "post"),
    "cases:end_assignment": (CASE_COORDINATOR, "post"),
    "cases:add_party": (CASE_COORDINATOR, "post"),
    "cases:participation": (CASE_COORDINATOR, "post"),
    "cases:subject_access": (CASE_COORDINATOR, "get"),
    "cases:erase_resident": (CASE_COORDINATOR, "post"),
    # The world's conversation was logged by the assigned mediator, so they may correct it.
    "cases:edit_conversation": (CASE_SHARED, "get"),
    "cases:agreement_review": (CASE_COORDINATOR, "post"),
    "cases:agreement_judge": (CASE_COORDINATOR, "post"),
    "cases:appointment_plan": (CASE_COORDINATOR, "get"),
    "cases:appointment_change": (CASE_COORDINATOR, "get"),
    "cases:appointment_cancel": (CASE_COORDINATOR, "get"),
    "cases:appointment_log": (CASE_SHARED, "get"),
    "cases:appointment_ics": ({**CASE_SHARED, "referrer": 403, "admin": 403}, "get"),
    "agenda:mine": (MEDIATOR_PAGE, "get"),
    "referrals:list": (REFERRER_PAGE, "get"),
    "referrals:create": (REFERRER_PAGE, "get"),
    "referrals:advice": (REFERRER_PAGE, "get"),
    "referrals:register": (COORDINATOR_PAGE, "get"),
    "referrals:done": (REFERRAL_OBJECT, "get"),
    "referrals:confirm": (CASE_COORDINATOR, "post"),
    "referrals:withdraw": (CASE_COORDINATOR, "post"),
    "figures:overview": (COORDINATOR_PAGE, "get"),
    "figures:export": (COORDINATOR_PAGE, "get"),
    "figures:benchmark": (COORDINATOR_PAGE, "get"),
    "partners:list": (PARTNER_LIST, "get"),
    "partners:create": (COORDINATOR_PAGE, "get"),
    "partners:detail": ({**PARTNER_OBJECT, "admin": 404}, "get"),
    "partners:edit": (PARTNER_OBJECT, "get"),
    "partners:contact_add": (PARTNER_OBJECT, "post"),
    "partners:agreement_add": (PARTNER_OBJECT, "post"),
    "partners:consultation_add": (PARTNER_OBJECT, "post"),
    "partners:joint_visit_add": (PARTNER_OBJECT, "post"),
    "partners:consent_record": (CASE_COORDINATOR, "post"),
    "partners:consent_withdraw": (CASE_COORDINATOR, "post"),
    "partners:trajectory_start": (CASE_COORDINATOR, "post"),
    "partners:trajectory_review": (CASE_COORDINATOR, "post"),
    "partners:trajectory_time_is_right": (CASE_COORDINATOR, "post"),
    "partners:trajectory_add_organisation": (CASE_COORDINATOR, "post"),
    "partners:trajectory_stop": (CASE_COORDINATOR, "post"),
    "partners:accompaniment_start": (CASE_COORDINATOR, "post"),
    "partners:accompaniment_conversations": (CASE_COORDINATOR, "post"),
    "partners:accompaniment_end": (CASE_COORDINATOR, "post"),
    "partners:case_joint_visit": (CASE_COORDINATOR, "post"),
    # Letters: opening one records it on the timeline, so only coordinators of the case's service.
    "letters:choose": (CASE_COORDINATOR, "get"),
    "letters:letter": (CASE_COORDINATOR, "get"),
    "letters:pdf": (CASE_COORDINATOR, "get"),
    # Volunteers (#19); another service's volunteer id is not found.
    "organisations:volunteers": (COORDINATOR_PAGE, "get"),
    "organisations:volunteer_create": (COORDINATOR_PAGE, "get"),
    "organisations:volunteer": (VOLUNTEER_OBJECT, "get"),
    "organisations:volunteer_edit": (VOLUNTEER_OBJECT, "get"),
    "organisations:intervision_add": (VOLUNTEER_OBJECT, "post"),
    "organisations:intervision_remove": (VOLUNTEER_OBJECT, "post"),
    "cases:acquaintance_add": (CASE_COORDINATOR, "post"),
    "cases:acquaintance_remove": (CASE_COORDINATOR, "post"),
}

APP_URLS = sorted(
    {(pattern, name) for pattern, name in iter_patterns() if name and not name.startswith("admin:")},
    key=lambda item: item[1],
)


def test_every_page_has_an_access_policy():
    missing = [name for _pattern, name in APP_URLS if name not in POLICIES]
    assert not missing, f"pages without an access policy in tests/test_access_matrix.py: {missing}"
    gone = set(POLICIES) - {name for _pattern, name in APP_URLS}
    assert not gone, f"policies for pages that no longer exist: {gone}"


@pytest.fixture
def world(service, other_service, coordinator, mediator, mediator_user, referrer, admin_user, partner):
    """One referred case in the coordinator's service, with a mediator pair member."""
    today = timezone.localdate()
    referral = referral_submit(
        referrer=referrer,
        parties=[
            {
                "side": "A",
                "details": {
                    "name": "Matrix Bewoner",
                    "street": "Matrixlaan",
                    "house_number": "1",
                    "postcode": "7511 AB",
                },
                "consent": {"agreed_by": "Matrix Bewoner", "agreed_on": today, "method": "spoken"},
            }
        ],
    )
    case = referral.case
    assignment = mediator_assign(case=case, mediator=mediator, actor=coordinator)
    joint = conversation_log(case=case, actor=coordinator, kind="joint", held_on=today, agreements=["Matrix afspraak"])
    letter_templates_set_up(service=service)
    other_mediator = UserFactory(username="bemiddelaar.ander", service=service, role=Role.MEDIATOR)
    MediatorProfileFactory(service=service, user=other_mediator)
    conversation = conversation_log(
        case=case,
        actor=mediator_user,
        kind=ConversationKind.INTAKE_A,
        held_on=today,
        mediators=[mediator],
        report="Matrix verslag",
    )
    start = timezone.now() + dt.timedelta(days=1)
    appointment = appointment_plan(
        case=case,
        actor=coordinator,
        data={"kind": "joint", "starts_at": start, "ends_at": start + dt.timedelta(hours=1), "place": "office"},
    )
    return {
        "case": case,
        "appointment": appointment,
        "referral": referral,
        "assignment": assignment,
        "conversation": conversation,
        "agreement": joint.agreements.get(),
        "party": case.parties.first(),
        "partner": partner,
        "letter_template": LetterTemplate.objects.filter(service=service).first(),
        "users": {
            "anonymous": None,
            "referrer": referrer,
            "mediator_assigned": mediator_user,
            "mediator_other": other_mediator,
            "coordinator": coordinator,
            "coordinator_other_service": UserFactory(
                username="coordinator.elders", service=other_service, role=Role.COORDINATOR
            ),
            "admin": admin_user,
        },
    }


def url_for(pattern: str, name: str, world) -> str:
    values = {
        "reference": world["case"].reference,
        "party_id": world["party"].pk,
        "assignment_id": world["assignment"].pk,
        "conversation_id": world["conversation"].pk,
        "agreement_id": world["agreement"].pk,
        "appointment_id": world["appointment"].pk,
        "referral_id": world["referral"].pk,
        "partner_id": world["partner"].pk,
        "template_id": world["letter_template"].pk,
        "mediator_id": world["assignment"].mediator_id,
        "service_id": world["case"].service_id,
        "fmt": "csv",
        "uidb64": "MQ",
        "token": "x-y",
    }
    kwargs = {key: values.get(key, 1) for key in re.findall(r"<(?:\w+:)?(\w+)>", pattern)}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("pattern", "name"), APP_URLS, ids=[name for _p, name in APP_URLS])
def test_every_page_answers_every_visitor_as_its_policy_says(client, world, pattern, name, subtests):
    """The world is built once per page; each visitor meets it as built (a savepoint, rolled back)."""
    if name not in POLICIES:
        pytest.fail(f"{name} has no access policy")
    for visitor in VISITORS:
        with subtests.test(visitor=visitor), transaction.atomic():
            client.logout()
            visit(client, world, pattern, name, visitor)
            transaction.set_rollback(True)


def visit(client, world, pattern, name, visitor):
    policy, method = POLICIES[name]
    user = world["users"][visitor]
    if user is not None:
        client.force_login(user)
    events_before = CaseEvent.objects.count()
    response = getattr(client, method)(url_for(pattern, name, world))
    expected = policy[visitor]
    status = response.status_code
    location = response.get("Location", "")
    assert status < 500, f"{name} as {visitor}: {status}"
    if expected == "login":
        assert status == 302 and location.startswith(("/inloggen/", "/admin/login/")), f"{name}: {status} {location}"
    elif expected == "ok":
        assert status not in (401, 403), f"{name} refused {visitor}: {status}"
        if policy is not PUBLIC:  # a public page may point to the login page (admin/login/ does)
            assert not location.startswith("/inloggen/"), f"{name} sent {visitor} to the login page"
        if policy is not PUBLIC and status == 404:
            # Allowed roles may still get 404 for a made-up sub-object, never for the page itself.
            real = (
                "party_id|assignment_id|conversation_id|agreement_id|referral_id|partner_id|appointment_id|mediator_id"
            )
            assert re.search(rf"<int:(?!{real})\w+>", pattern), f"{name}: 404 for {visitor}"
    else:
        assert status == expected, f"{name} as {visitor}: {status}, expected {expected}"
        assert CaseEvent.objects.count() == events_before, f"{name}: a refused {visitor} changed the case"
        assert "Matrix Bewoner" not in response.content.decode(errors="replace")
