"""Two coordinators acting on the same thing at the same moment (PostgreSQL row locks).

SQLite has no row locks (select_for_update is a no-op there and it serialises whole-database
writes), so these tests only say something on PostgreSQL, which production runs on.
"""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from cases.constants import CaseStatus, EventKind
from cases.factories import case_kwargs
from cases.models import Case, CaseEvent
from cases.services import case_create, case_transition
from tests.cases.test_workflow import everything_a_step_can_ask, walk_to

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (select_for_update); SQLite serialises all writes instead",
    ),
    # Threads use their own connections, so they must see committed data: no wrapping transaction.
    # serialized_rollback restores the roles and reference data the flush afterwards removes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

S = CaseStatus
HOLD = 0.5  # seconds the first thread keeps its row lock
TIMEOUT = 20


def run_in_threads(*jobs):
    """Run each job in its own thread (own database connection); return (result, error) per job."""
    outcomes = [None] * len(jobs)

    def runner(index, job):
        try:
            outcomes[index] = (job(), None)
        except Exception as error:  # noqa: BLE001 - reported back to the test
            outcomes[index] = (None, error)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive(), "a thread hung: a lock was never released"
    return outcomes


def status_steps_from_intake(case):
    return CaseEvent.objects.filter(case_id=case.pk, kind=EventKind.STATUS_CHANGED, from_status=S.INTAKE)


@pytest.mark.parametrize(
    ("first_target", "second_target", "expected_status", "refusal"),
    [
        (S.SUITABLE, S.UNSUITABLE, None, "niet toegestaan"),
        (S.SUITABLE, S.UNSUITABLE, S.INTAKE, "Iemand anders"),
        # SUITABLE -> STANDBY is itself allowed: only the stale-page check stops the overwrite.
        (S.SUITABLE, S.STANDBY, S.INTAKE, "Iemand anders"),
        (S.UNSUITABLE, S.SUITABLE, S.INTAKE, "Iemand anders"),
    ],
    ids=[
        "suitable-vs-unsuitable",
        "suitable-vs-unsuitable-stale-page",
        "suitable-vs-standby",
        "unsuitable-vs-suitable",
    ],
)
def test_of_two_coordinators_deciding_at_once_the_second_is_refused(
    first_target, second_target, expected_status, refusal, make_case, coordinator
):
    case = walk_to(make_case(), S.INTAKE, actor=coordinator)
    extras = everything_a_step_can_ask(case.service)
    barrier = threading.Barrier(2, timeout=TIMEOUT)
    times = {}

    def first():
        with transaction.atomic():
            result = case_transition(case=case, to_status=first_target, actor=coordinator, **extras)
            barrier.wait()  # the row is locked now; let the other one try
            time.sleep(HOLD)
            times["first_committed"] = time.monotonic()
        return result

    def second():
        barrier.wait()
        times["second_started"] = time.monotonic()
        try:
            return case_transition(
                case=case, to_status=second_target, actor=coordinator, expected_status=expected_status, **extras
            )
        finally:
            times["second_finished"] = time.monotonic()

    (won, first_error), (lost, second_error) = run_in_threads(first, second)

    assert first_error is None
    assert won.status == first_target
    assert lost is None
    assert isinstance(second_error, ValidationError)
    assert refusal in " ".join(second_error.messages)
    # They really overlapped: the second started before the first committed and had to wait for it.
    assert times["second_started"] < times["first_committed"] <= times["second_finished"]
    assert Case.objects.get(pk=case.pk).status == first_target
    (step,) = status_steps_from_intake(case)
    assert step.to_status == first_target


def test_of_two_simultaneous_decisions_exactly_one_wins(make_case, coordinator):
    case = walk_to(make_case(), S.INTAKE, actor=coordinator)
    extras = everything_a_step_can_ask(case.service)
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def decide(target):
        def job():
            barrier.wait()
            with transaction.atomic():
                result = case_transition(
                    case=case, to_status=target, actor=coordinator, expected_status=S.INTAKE, **extras
                )
                time.sleep(HOLD)  # keep the lock so the other one certainly runs into it
            return result

        return job

    outcomes = run_in_threads(decide(S.SUITABLE), decide(S.UNSUITABLE))

    winners = [result for result, error in outcomes if error is None]
    errors = [error for result, error in outcomes if error is not None]
    assert len(winners) == 1, outcomes
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), errors
    assert "Iemand anders" in errors[0].messages[0]
    final = Case.objects.get(pk=case.pk)
    assert final.status == winners[0].status
    assert final.is_suitable is (final.status == S.SUITABLE)
    (step,) = status_steps_from_intake(case)
    assert step.to_status == final.status


def test_two_cases_registered_at_the_same_moment_get_different_numbers(service, coordinator):
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def register():
        barrier.wait()
        with transaction.atomic():
            created = case_create(**case_kwargs(service=service, actor=coordinator))
            time.sleep(HOLD)  # hold the service lock while the other one tries to number its case
        return created

    outcomes = run_in_threads(register, register)

    errors = [error for _, error in outcomes if error is not None]
    assert errors == []
    created = [result for result, _ in outcomes]
    assert sorted(c.sequence for c in created) == [1, 2]
    assert len({c.reference for c in created}) == 2
    assert Case.objects.filter(service=service).count() == 2
