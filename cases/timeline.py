"""The one writer of the case timeline (`CaseEvent`).

Every entry on a case's timeline, whichever app it comes from (cases, referrals,
partners, privacy), is written by `record`. The rows are append-only (the model refuses
to save an existing row); a test checks that nothing else creates them.
"""

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from buurtbemiddeling.models import User

from .models import Case, CaseEvent


def record(
    *,
    case: Case,
    kind: str,
    actor: User | AnonymousUser | None,
    reason: str = "",
    from_status: str = "",
    to_status: str = "",
    at: dt.datetime | None = None,
) -> CaseEvent:
    """Append one entry to the case's timeline. `actor` may be None or an anonymous user."""
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason,
        from_status=from_status,
        to_status=to_status,
        created_at=at or timezone.now(),
    )
