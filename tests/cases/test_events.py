"""Case events reach the apps built on cases after commit, never for a rolled-back change."""

import pytest
from django.db import transaction

from cases import events
from cases.constants import CaseStatus
from cases.privacy import case_anonymise
from cases.services import case_delete, case_transition


@pytest.fixture
def heard():
    received = []

    def listen(sender, **kwargs):
        kwargs.pop("signal")
        received.append(kwargs)

    for signal in (events.case_status_changed, events.case_anonymised, events.case_deleted):
        signal.connect(listen, dispatch_uid=f"test-{id(signal)}")
    yield received
    for signal in (events.case_status_changed, events.case_anonymised, events.case_deleted):
        signal.disconnect(dispatch_uid=f"test-{id(signal)}")


def test_a_status_change_is_announced_in_its_transaction_with_ids_only(
    case, coordinator, heard, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=case, to_status=CaseStatus.INTAKE, actor=coordinator)
        assert len(heard) == 1  # already inside the transaction: what receivers enqueue commits with it
    assert heard == [
        {
            "case_id": case.pk,
            "from_status": CaseStatus.REGISTERED,
            "to_status": CaseStatus.INTAKE,
            "channel": case.channel,
        }
    ]


def test_anonymising_is_never_announced_for_a_rollback(case, heard, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        case_anonymise(case=case)
        raise RuntimeError
    assert (callbacks, heard) == ([], [])


def test_anonymising_and_deleting_are_announced(case, coordinator, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case_anonymise(case=case)
    assert heard == [{"case_id": case.pk}]
    heard.clear()
    reference = case.reference
    with django_capture_on_commit_callbacks(execute=True):
        case_delete(case=case, actor=coordinator)
    assert heard == [{"case_id": case.pk, "reference": reference}]
