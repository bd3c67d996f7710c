"""The case status machine: the one table of allowed transitions.

Nothing else in the code decides what may follow what. `cases.services.case_transition`
consults this table; the case page shows only the actions listed here for the current
status; the tests check every status x status pair against it.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .constants import CaseStatus as S


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
    return _BY_EDGE.get((S(source), S(target)))


def allowed_transitions(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


def is_allowed(source: str, target: str) -> bool:
    return get_transition(source, target) is not None
