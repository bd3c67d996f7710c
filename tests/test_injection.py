"""sqlmap-style probes on every list and filter parameter: no injection, no leak, no 500.

For each page that reads its query string, every parameter of its form (and the paging
cursors) gets the boundary payloads sqlmap starts with: quotes that close a string, tautologies,
UNION, stacked queries, comments. The answer must be a page (or a refusal), never a 5xx or a
database error text, must not show more cases than the same parameter with a value that
matches nothing (a tautology widens a vulnerable WHERE), and must never show a case of the
other service.
"""

import re

import pytest
from django.urls import reverse

from cases.forms import CaseFilterForm, CaseSearchForm
from reports.views import FiguresFilterForm

PAYLOADS = [
    "' OR '1'='1",
    "' OR '1'='1' --",
    '" OR "1"="1',
    "1 OR 1=1",
    "1) OR (1=1",
    "') OR ('1'='1",
    "%' OR '%'='",
    "1' UNION SELECT NULL,NULL,NULL--",
    "1; SELECT pg_sleep(0)--",
    "1'; DROP TABLE cases_case; --",
    "1 AND 1=2 UNION SELECT reference FROM cases_case",
    "\\' OR 1=1 #",
]
NOTHING = "zzzz9"
DATABASE_ERRORS = re.compile(r"syntax error|psycopg|sqlite3|OperationalError|ProgrammingError|Traceback", re.I)


def references(html: str) -> set[str]:
    return set(re.findall(r"\b[A-Z]{2,6}-\d{4}-\d{5}\b", html))


PAGES = [
    ("cases:list", [*CaseFilterForm.base_fields, "after", "before"]),
    ("figures:overview", list(FiguresFilterForm.base_fields)),
]


@pytest.fixture
def two_services(make_case, other_service, other_coordinator):
    own = {make_case().reference for _ in range(3)}
    theirs = {make_case(service=other_service, actor=other_coordinator).reference for _ in range(2)}
    return own, theirs


@pytest.mark.parametrize(("name", "params"), PAGES, ids=[name for name, _ in PAGES])
def test_no_parameter_of_a_list_page_can_be_injected(name, params, two_services, login, coordinator):
    _own, theirs = two_services
    client = login(coordinator)
    url = reverse(name)
    for param in params:
        baseline = client.get(url, {param: NOTHING})
        assert baseline.status_code < 500
        shown = len(references(baseline.text))
        # Choices, dates and cursors: the first four payloads (the search below gets them all).
        for payload in PAYLOADS[:4]:
            response = client.get(url, {param: payload})
            assert response.status_code < 500, f"{url}?{param}={payload!r}: {response.status_code}"
            text = response.content.decode(errors="replace")
            assert not DATABASE_ERRORS.search(text), f"{url}?{param}={payload!r} shows a database error"
            found = references(text)
            assert not found & theirs, f"{url}?{param}={payload!r} shows another service's case"
            # Both values match nothing (or are refused alike): a payload that shows more widened a WHERE.
            assert len(found) <= shown, f"{url}?{param}={payload!r} widened the list"


def test_the_case_search_cannot_be_injected(two_services, login, coordinator):
    """The search is posted (it stays out of URLs) and kept in the session for the list."""
    _own, theirs = two_services
    client = login(coordinator)
    url = reverse("cases:list")
    baseline = client.post(url, {"q": NOTHING}, follow=True)
    shown = len(references(baseline.text))
    assert shown == 0
    for payload in PAYLOADS:
        response = client.post(url, {field: payload for field in CaseSearchForm.base_fields}, follow=True)
        assert response.status_code < 500, f"search {payload!r}: {response.status_code}"
        assert not DATABASE_ERRORS.search(response.text), f"search {payload!r} shows a database error"
        found = references(response.text)
        assert not found & theirs and len(found) <= shown, f"search {payload!r} widened the list"


def test_the_referrer_list_cannot_be_injected(login, referrer, make_case):
    client = login(referrer)
    url = reverse("referrals:list")
    for param in ("after", "before", "q", "status"):
        for payload in PAYLOADS:
            response = client.get(url, {param: payload})
            assert response.status_code < 500
            assert not DATABASE_ERRORS.search(response.content.decode(errors="replace"))
