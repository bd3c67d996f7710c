"""Role x case page: every case URL for every kind of visitor, allowed and denied, same setup."""

import pytest
from django.urls import reverse

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases.factories import MediatorProfileFactory
from cases.models import CaseEvent

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
