"""The case status machine: the one table of allowed transitions and what each step does.

Nothing else in the code decides what may follow what. `cases.services.case_transition`
consults this table, checks what the step needs and applies the effects of leaving the
old status and entering the new one (`ON_LEAVE`, `ON_ENTER`, below the table); the case
page shows only the actions listed here for the current status; the tests check every
status x status pair against it.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .constants import OPEN_STATUSES as OPEN
from .constants import CaseStatus as S
from .constants import ConversationKind as K
from .constants import Participation as P


@dataclass(frozen=True)
class Transition:
    source: S
    target: S
    label: str
    # What the coordinator must supply for this step (checked in the service).
    needs_reason: bool = False  # a free-text "why"
    needs_unsuitability_reason: bool = False
    needs_review_date: bool = False
    needs_outcome: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    # First contact made: the coordinator now judges suitability.
    Transition(S.REGISTERED, S.INTAKE, _("Eerste contact gemaakt, start intake")),
    # Obvious from the report alone (e.g. violence): no intake needed.
    Transition(S.REGISTERED, S.UNSUITABLE, _("Niet geschikt"), needs_unsuitability_reason=True),
    # A partner's pre-trajectory must act first; mediation waits in the background.
    Transition(S.REGISTERED, S.STANDBY, _("Op standby (voortraject)"), needs_review_date=True, needs_reason=True),
    Transition(S.INTAKE, S.SUITABLE, _("Geschikt, oppakken")),
    Transition(S.INTAKE, S.UNSUITABLE, _("Niet geschikt"), needs_unsuitability_reason=True),
    Transition(S.INTAKE, S.STANDBY, _("Op standby (voortraject)"), needs_review_date=True, needs_reason=True),
    # "The time is right": back into intake, where suitability is judged afresh.
    Transition(S.STANDBY, S.INTAKE, _("Het moment is daar: terug naar intake")),
    # The pre-trajectory may solve the conflict, or a party may move, while waiting.
    Transition(S.STANDBY, S.CLOSED, _("Afsluiten"), needs_outcome=True),
    Transition(S.SUITABLE, S.IN_MEDIATION, _("Bemiddeling gestart")),
    Transition(S.SUITABLE, S.STANDBY, _("Op standby (voortraject)"), needs_review_date=True, needs_reason=True),
    # Voluntary: a party may refuse before the mediators even start.
    Transition(S.SUITABLE, S.CLOSED, _("Afsluiten"), needs_outcome=True),
    Transition(S.IN_MEDIATION, S.FOLLOW_UP, _("Naar nazorg")),
    Transition(S.IN_MEDIATION, S.STANDBY, _("Op standby (voortraject)"), needs_review_date=True, needs_reason=True),
    Transition(S.IN_MEDIATION, S.CLOSED, _("Afsluiten"), needs_outcome=True),
    # Agreements did not hold at follow-up: mediate again.
    Transition(S.FOLLOW_UP, S.IN_MEDIATION, _("Terug naar bemiddeling"), needs_reason=True),
    Transition(S.FOLLOW_UP, S.CLOSED, _("Afsluiten"), needs_outcome=True),
    # Reopening needs a reason: the earlier outcome stays in the timeline.
    Transition(S.CLOSED, S.INTAKE, _("Heropenen"), needs_reason=True),
    Transition(S.UNSUITABLE, S.INTAKE, _("Heropenen"), needs_reason=True),
)

_BY_EDGE = {(t.source, t.target): t for t in TRANSITIONS}


def get_transition(source: str, target: str) -> Transition | None:
    """The step from `source` to `target`, or None when the table has none (also for a value
    that is no status at all: a tampered or stale form)."""
    if source not in S.values or target not in S.values:
        return None
    return _BY_EDGE.get((S(source), S(target)))


def allowed_transitions(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


def is_allowed(source: str, target: str) -> bool:
    return get_transition(source, target) is not None


# --- What may be done in a status besides a step ------------------------------------------

# Mediators are assigned, and their talks planned (cases/appointments.py), while a case is open;
# an ended case (closed, unsuitable) takes none, also not from a page opened before it ended.
ACCEPTS_MEDIATORS = frozenset(OPEN)


def accepts_mediators(status: str) -> bool:
    return status in ACCEPTS_MEDIATORS


# --- Voluntariness: a party's participation follows the work ----------------------------
# Being visited for an intake, talked with in shuttle or at the table, or called at follow-up
# means taking part. A phone call or a letter to a party not yet asked means they have been
# asked. A refusal or a stop is the party's word: only the coordinator records or changes it.

TAKES_PART = frozenset({K.INTAKE_A, K.INTAKE_B, K.JOINT, K.SHUTTLE, K.FOLLOW_UP_CALL})
ASKS = frozenset({K.PHONE_CALL, K.LETTER})
DECLINED = frozenset({P.REFUSED, P.WITHDRAWN})


def participation_after_conversation(kind: str, current: str) -> str | None:
    """The participation of a party present at a conversation of `kind`, or None to leave it."""
    if current in DECLINED:
        return None
    if kind in TAKES_PART and current != P.PARTICIPATING:
        return P.PARTICIPATING
    if kind in ASKS and current == P.UNKNOWN:
        return P.ASKED
    return None


def declined(participation: str) -> bool:
    return participation in DECLINED


def steps_after_refusal(source: str) -> list[Transition]:
    """What the case page offers when a party refuses or stops: end the case (closed with the
    fitting outcome, or judged unsuitable before it was taken on); going on with the willing
    parties only is the other choice (`services.party_leave_out`)."""
    return [t for t in allowed_transitions(source) if t.target in (S.CLOSED, S.UNSUITABLE)]


# Agreements are followed up while the case runs (#18). Whether they held is judged in
# mediation or at follow-up (nazorg), where the agreements exist; a review date may move
# while the case is open at all (a standby pause puts the evaluation off, say). An ended case
# keeps its agreements as they were: reopen it first.
JUDGES_AGREEMENTS = frozenset({S.IN_MEDIATION, S.FOLLOW_UP})
MOVES_AGREEMENT_REVIEWS = frozenset(OPEN)


def judges_agreements(status: str) -> bool:
    return status in JUDGES_AGREEMENTS


def moves_agreement_reviews(status: str) -> bool:
    return status in MOVES_AGREEMENT_REVIEWS


# --- What a step does to the case ---------------------------------------------------------
# Each effect sets the case's dated milestones and decision fields; `case_transition` saves.
# Leaving the old status is applied first, then entering the new one.


def _first_contact(case, *, now: dt.datetime, **_) -> None:
    if case.first_contact_at is None:
        case.first_contact_at = now


def _judged_suitable(case, *, now: dt.datetime, **_) -> None:
    case.is_suitable = True
    case.suitability_decided_at = now
    case.unsuitability_reason = None


def _judged_unsuitable(case, *, now: dt.datetime, unsuitability_reason=None, advice: str = "", **_) -> None:
    case.is_suitable = False
    case.suitability_decided_at = now
    case.unsuitability_reason = unsuitability_reason
    case.unsuitability_advice = advice
    # An unsuitable case has ended too: the retention period runs from here.
    case.closed_at = now


def _on_standby(case, *, review_on: dt.date | None = None, **_) -> None:
    case.standby_review_on = review_on


def _off_standby(case, **_) -> None:
    case.standby_review_on = None


def _closed(case, *, now: dt.datetime, outcome=None, **_) -> None:
    case.outcome = outcome
    case.closed_at = now
    case.follow_up_due_on = None


def _reopened(case, **_) -> None:
    # The earlier outcome stays in the timeline, not on the case.
    case.outcome = None
    case.closed_at = None
    case.is_suitable = None
    case.suitability_decided_at = None
    case.unsuitability_reason = None
    case.unsuitability_advice = ""


Effect = Callable[..., None]

ON_ENTER: dict[S, Effect] = {
    S.INTAKE: _first_contact,
    S.SUITABLE: _judged_suitable,
    S.UNSUITABLE: _judged_unsuitable,
    S.STANDBY: _on_standby,
    S.CLOSED: _closed,
}

ON_LEAVE: dict[S, Effect] = {
    S.STANDBY: _off_standby,
    S.CLOSED: _reopened,
    S.UNSUITABLE: _reopened,
}


def apply_effects(case, *, source: str, target: str, **values) -> None:
    """Apply what leaving `source` and entering `target` do (values: now, outcome, review_on, ...)."""
    for effect in (ON_LEAVE.get(S(source)), ON_ENTER.get(S(target))):
        if effect is not None:
            effect(case, **values)
