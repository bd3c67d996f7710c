"""What happens to a case, announced to the apps built on cases (referrals, partners, ...).

Cases knows nothing of the apps above it: it sends these signals and they react through
their own receivers (connected in their AppConfig.ready), with the ids only: a receiver
reads what it needs itself. These are sent after the transaction that made the change
commits, so a receiver never acts on a change that is rolled back:

    case_anonymised(case_id)             the retention period passed (cases/privacy.py)
    resident_erased(case_id, party_id)   one resident's data erased on request
    case_deleted(case_id, reference)     a case was removed (a withdrawn referral)

These are sent *inside* the transaction, so what receivers record (a row, an enqueued
task such as an e-mail) stands or falls with the change itself:

    case_status_changed(case_id, from_status, to_status, channel)
        a receiver enqueues its follow-up as a task (buurtbemiddeling/background.py);
        it never sends mail or calls out itself, as the transaction is still open
    disclosure_requested(party_id, organisation_ids, given_on)
        a resident asked, on the public form, that these organisations may know of their
        report (partners records the disclosure consents)
"""

from django.db import transaction
from django.dispatch import Signal

case_status_changed = Signal()
case_anonymised = Signal()
resident_erased = Signal()
case_deleted = Signal()
disclosure_requested = Signal()


def send_on_commit(signal: Signal, **kwargs) -> None:
    """Send `signal` (sender: the cases app) once the current transaction commits."""
    transaction.on_commit(lambda: signal.send(sender="cases", **kwargs))
