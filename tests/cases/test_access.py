"""Role x case page: every case URL for every kind of visitor, allowed and denied, same setup."""

import pytest
from django.urls import reverse

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases.models import CaseEvent
from organisations.factories import MediatorProfileFactory

# (url name, method). POST bodies are empty: an allowed visitor gets a form error page (200)
# or a redirect back to the case (302); what matters is that nobody else gets in.
PAGES = [
    ("cases:detail", "get"),
    ("cases:transition", "post"),
    ("cases:assign", "post"),
    ("cases:end_assignment", "post"),
    ("cases:log_conversation", "post"),
    ("cases:add_party", "post"),
    ("cases:participation", "post"),
]

ALLOWED = {200, 302}

# Expected answer per visitor and page; "login" means a redirect to the login page.
EXPECTED = {
    "anonymous": dict.fromkeys(PAGES, "login"),
    "coordinator": dict.fromkeys(PAGES, "ok"),
    "coordinator_other_service": {**dict.fromkeys(PAGES, 404)},
    "mediator_assigned": {
        **dict.fromkeys(PAGES, 403),
        ("cases:detail", "get"): "ok",
        ("cases:log_conversation", "post"): "ok",
    },
    "mediator_not_assigned": {
        **dict.fromkeys(PAGES, 403),
        ("cases:detail", "get"): 404,
        ("cases:log_conversation", "post"): 404,
    },
    "referrer": {**dict.fromkeys(PAGES, 403), ("cases:detail", "get"): 404, ("cases:log_conversation", "post"): 404},
    "admin": {**dict.fromkeys(PAGES, 403), ("cases:detail", "get"): 404, ("cases:log_conversation", "post"): 404},
}


@pytest.fixture
def visitor(request, client, service, other_service, assigned_case, mediator_user, referrer, admin_user):
    kind = request.param
    users = {
        "anonymous": None,
        "coordinator": assigned_case.coordinator or UserFactory(service=service, role=Role.COORDINATOR),
        "coordinator_other_service": UserFactory(service=other_service, role=Role.COORDINATOR),
        "mediator_assigned": mediator_user,
        "mediator_not_assigned": MediatorProfileFactory(
            service=service, user=UserFactory(service=service, role=Role.MEDIATOR)
        ).user,
        "referrer": referrer,
        "admin": admin_user,
    }
    if users[kind] is not None:
        client.force_login(users[kind])
    return kind, client


def url_for(name, case):
    args = [case.reference]
    if name == "cases:end_assignment":
        args.append(case.assignments.get().pk)
    if name == "cases:participation":
        args.append(case.parties.first().pk)
    return reverse(name, args=args)


@pytest.mark.parametrize("visitor", list(EXPECTED), indirect=True)
@pytest.mark.parametrize(("name", "method"), PAGES)
def test_case_pages_answer_each_visitor_as_expected(visitor, name, method, assigned_case):
    kind, client = visitor
    events_before = CaseEvent.objects.count()
    response = getattr(client, method)(url_for(name, assigned_case))
    expected = EXPECTED[kind][(name, method)]
    if expected == "login":
        assert response.status_code == 302 and response["Location"].startswith("/inloggen/")
    elif expected == "ok":
        assert response.status_code in ALLOWED, f"{kind} {name}: {response.status_code}"
    else:
        assert response.status_code == expected, f"{kind} {name}: {response.status_code}"
        assert CaseEvent.objects.count() == events_before  # a refused visitor changed nothing
        assert assigned_case.parties.first().name not in response.text


def test_guessed_references_answer_404(login, coordinator, case):
    client = login(coordinator)
    for reference in ("AL-2026-99999", "BE-2026-00001", "../admin", "x" * 300):
        assert client.get(f"/zaken/{reference}/").status_code == 404


# --- A mediator's access ends --------------------------------------------------------------


@pytest.fixture
def closed_assigned_case(assigned_case, coordinator):
    from cases.constants import CaseStatus
    from cases.models import Outcome
    from cases.services import case_transition

    case = case_transition(case=assigned_case, to_status=CaseStatus.INTAKE, actor=coordinator)
    case = case_transition(case=case, to_status=CaseStatus.SUITABLE, actor=coordinator)
    outcome = Outcome.objects.filter(service=case.service, requires_conversation=False).first()
    return case_transition(case=case, to_status=CaseStatus.CLOSED, actor=coordinator, outcome=outcome)


def _ended_days_ago(case, days):
    import datetime as dt

    from django.utils import timezone

    from cases.models import Case

    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=days))


@pytest.mark.parametrize(("days_ago", "answer"), [(1, 200), (29, 200), (31, 404), (400, 404)])
def test_a_mediator_opens_a_closed_case_only_for_the_service_s_days(
    days_ago, answer, closed_assigned_case, login, mediator_user, coordinator
):
    _ended_days_ago(closed_assigned_case, days_ago)
    assert login(mediator_user).get(closed_assigned_case.get_absolute_url()).status_code == answer
    # The coordinator keeps seeing it.
    assert login(coordinator).get(closed_assigned_case.get_absolute_url()).status_code == 200


def test_a_service_can_end_mediator_access_at_closing(closed_assigned_case, login, mediator_user, service):
    service.mediator_access_days = 0
    service.save()
    assert login(mediator_user).get(closed_assigned_case.get_absolute_url()).status_code == 404


def test_an_ended_assignment_ends_access_at_once(assigned_case, login, mediator_user, coordinator):
    from cases.services import assignment_end

    client = login(mediator_user)
    assert client.get(assigned_case.get_absolute_url()).status_code == 200
    assignment_end(assignment=assigned_case.assignments.get(), actor=coordinator, reason="Ziek")
    assert client.get(assigned_case.get_absolute_url()).status_code == 404
