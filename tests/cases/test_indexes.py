"""The repeat checks find parties through an index, whatever the number of parties (#21).

A service with thousands of parties (and fresh statistics), each query explained with
sequential scans switched off: PostgreSQL then still reads a whole table, or walks every
party of the service, only when no index can serve the condition. That is what happened to
the case-insensitive name match while the index was on the bare name: every case page read
all 2.3 million parties of the benchmark.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import selectors
from cases.constants import Side
from cases.factories import case_kwargs, party_data
from cases.models import Party
from cases.services import case_create

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL"),
]


def plan_without_sequential_scans(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


def sql_of(function) -> list[tuple[str, tuple]]:
    with CaptureQueriesContext(connection) as queries:
        function()
    # CaptureQueriesContext keeps the SQL with its values filled in; the party queries are all we need.
    return [(query["sql"], None) for query in queries.captured_queries if '"cases_party"' in query["sql"]]


@pytest.fixture
def many_parties(service, coordinator):
    """3,000 households of the service on one earlier case: more than the planner would walk."""
    earlier = case_create(**case_kwargs(service=service, actor=coordinator))
    Party.objects.bulk_create(
        Party(case=earlier, **(party_data(side=Side.B) | {"is_reporter": False})) for _ in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_party")
        cursor.execute("ANALYZE cases_case")


def test_the_repeat_check_of_the_case_page_reads_parties_by_index(service, coordinator, many_parties):
    case = case_create(**case_kwargs(service=service, actor=coordinator))
    queries = sql_of(lambda: selectors.repeats_for_case(case))
    repeat_queries = [(sql, params) for sql, params in queries if "UPPER" in sql]
    assert repeat_queries, "the repeat check matches names in any case"
    for sql, params in repeat_queries:
        plan = plan_without_sequential_scans(sql, params)
        assert "Seq Scan on cases_party" not in plan, plan
        assert "party_name_upper_idx" in plan and "party_address_idx" in plan, plan


def test_the_repeat_check_of_a_new_report_reads_parties_by_index(service, many_parties):
    data = party_data(side=Side.A) | {"phone": "0612345678"}
    queries = sql_of(lambda: selectors.possible_repeats(service=service, parties=[data]))
    assert queries
    for sql, params in queries:
        plan = plan_without_sequential_scans(sql, params)
        assert "Seq Scan on cases_party" not in plan, plan
        assert "party_name_upper_idx" in plan and "party_phone_idx" in plan, plan
