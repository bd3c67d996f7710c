"""The one mapping from a case to what its referrer may know (domain rule 3).

A referrer hears only: received, suitable or not, picked up, and at the end resolved or
not (or that the referral was withdrawn). Nothing else about the case ever leaves here.
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

# The same reading as a filter on cases, for counts (the partner organisation page).
PICKED_UP_CASES = Q(status__in=_PICKED_UP_STATUSES) | Q(status=CaseStatus.CLOSED, is_suitable=True)


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
    if case.status == CaseStatus.CLOSED and case.outcome_id is not None:
        resolved = case.outcome.counts_as_resolved
        current = RESOLVED if resolved else NOT_RESOLVED
    elif suitable is False:
        current = UNSUITABLE
    elif picked_up:
        current = PICKED_UP
    else:
        current = RECEIVED
    return Milestones(received_on, current, suitable, picked_up, resolved)
