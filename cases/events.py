"""What happens to a case, announced to the apps built on cases (referrals, partners, ...).

Cases knows nothing of the apps above it: it sends these signals and they react through
their own receivers (connected in their AppConfig.ready). Every signal is sent after the
transaction that made the change commits, so a receiver never acts on a change that is
rolled back, and with the ids only: a receiver reads what it needs itself.

    case_status_changed(case_id, from_status, to_status, channel)
    case_anonymised(case_id)             the retention period passed (cases/privacy.py)
    resident_erased(case_id, party_id)   one resident's data erased on request
    case_deleted(case_id, reference)     a case was removed (a withdrawn referral)

One is sent *inside* the transaction, so what receivers record stands or falls with it:

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
