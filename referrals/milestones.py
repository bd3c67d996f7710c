"""The one mapping from a case to what its referrer may know (domain rule 3).

A referrer hears only: received, suitable or not, picked up, and at the end resolved or
not (or that the referral was withdrawn). Nothing else about the case ever leaves here.

The definition, first matching line wins:

| the case                                                          | milestone    |
|-------------------------------------------------------------------|--------------|
| the referral was withdrawn (the case is gone)                     | withdrawn    |
| closed, judged suitable, with an outcome that counts as resolved  | resolved     |
| closed in any other way (never judged suitable, or not resolved)  | not resolved |
| judged unsuitable                                                 | unsuitable   |
| suitable, in mediation or in follow-up                            | picked up    |
| judged suitable and now waiting (standby)                         | suitable     |
| anything else (registered, intake, standby before a judgement)    | received     |

"Resolved" is a statement about mediation: a case closed from standby, or right after
intake, with an advice-only or "solved itself" outcome was never judged suitable, so its
referrer hears "not resolved", never "resolved". `RESOLVED_CASES` and
`NOT_RESOLVED_CASES` are the same lines as filters, for counts.
"""

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.constants import CaseStatus

if TYPE_CHECKING:
    from .models import Referral

RECEIVED = "received"
WITHDRAWN = "withdrawn"
UNSUITABLE = "unsuitable"
SUITABLE = "suitable"
PICKED_UP = "picked_up"
RESOLVED = "resolved"
NOT_RESOLVED = "not_resolved"

LABELS = {
    RECEIVED: _("Ontvangen"),
    WITHDRAWN: _("Ingetrokken"),
    UNSUITABLE: _("Niet geschikt"),
    SUITABLE: _("Geschikt"),
    PICKED_UP: _("Opgepakt"),
    RESOLVED: _("Afgesloten: opgelost"),
    NOT_RESOLVED: _("Afgesloten: niet opgelost"),
}

_PICKED_UP_STATUSES = {CaseStatus.SUITABLE, CaseStatus.IN_MEDIATION, CaseStatus.FOLLOW_UP}

# The same reading as filters on cases, for counts (the partner organisation page).
PICKED_UP_CASES = Q(status__in=_PICKED_UP_STATUSES) | Q(status=CaseStatus.CLOSED, is_suitable=True)
RESOLVED_CASES = Q(status=CaseStatus.CLOSED, is_suitable=True, outcome__counts_as_resolved=True)
NOT_RESOLVED_CASES = Q(status=CaseStatus.CLOSED) & (
    Q(is_suitable__isnull=True) | Q(is_suitable=False) | Q(outcome__isnull=True) | Q(outcome__counts_as_resolved=False)
)


@dataclass(frozen=True)
class Milestones:
    received_on: dt.date
    current: str
    suitable: bool | None
    picked_up: bool
    resolved: bool | None

    @property
    def label(self) -> str:
        return LABELS[self.current]


def milestones_for(referral: "Referral") -> Milestones:
    """What the referrer of this referral is told, computed from the case alone."""
    received_on = referral.created_at.date()
    case = referral.case
    if referral.withdrawn_at is not None or case is None:
        return Milestones(received_on, WITHDRAWN, None, False, None)
    suitable = case.is_suitable
    picked_up = case.status in _PICKED_UP_STATUSES or (case.status == CaseStatus.CLOSED and suitable is True)
    resolved = None
    if case.status == CaseStatus.CLOSED:
        resolved = suitable is True and case.outcome_id is not None and case.outcome.counts_as_resolved
        current = RESOLVED if resolved else NOT_RESOLVED
    elif suitable is False:
        current = UNSUITABLE
    elif picked_up:
        current = PICKED_UP
    elif suitable is True:
        current = SUITABLE
    else:
        current = RECEIVED
    return Milestones(received_on, current, suitable, picked_up, resolved)
