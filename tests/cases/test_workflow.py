"""The status machine, checked exhaustively against the one table in cases/workflow.py.

Every case in these tests gets its history through the real services (case_create,
case_transition, mediator_assign, conversation_log); the helpers here are shared by the
other test modules of this package.
"""

import datetime as dt
from collections import deque

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases import workflow
from cases.constants import CaseStatus, ConversationKind, EventKind
from cases.models import Case, CaseEvent, Outcome, UnsuitabilityReason
from cases.services import case_transition, conversation_log, mediator_assign
from organisations.factories import MediatorProfileFactory

# --- helpers (imported by the other test modules) --------------------------------------

REQUIREMENT_FIELDS = {
    "needs_reason": "reason",
    "needs_unsuitability_reason": "unsuitability_reason",
    "needs_review_date": "review_on",
    "needs_outcome": "outcome",
}


def path_to(target: str) -> list[workflow.Transition]:
    """The shortest chain of allowed transitions from REGISTERED to `target` (breadth-first)."""
    start = CaseStatus.REGISTERED
    reached_by: dict[CaseStatus, workflow.Transition | None] = {start: None}
    queue = deque([start])
    while queue:
        status = queue.popleft()
        for transition in workflow.allowed_transitions(status):
            if transition.target not in reached_by:
                reached_by[transition.target] = transition
                queue.append(transition.target)
    target = CaseStatus(target)
    if target not in reached_by:
        raise AssertionError(f"{target} cannot be reached from {start} through the transition table")
    path = []
    while reached_by[target] is not None:
        step = reached_by[target]
        path.append(step)
        target = step.source
    return path[::-1]


def some_unsuitability_reason(service) -> UnsuitabilityReason:
    return UnsuitabilityReason.objects.filter(service=service).first()


def some_outcome(service, *, requires_conversation: bool = False) -> Outcome:
    return Outcome.objects.filter(service=service, requires_conversation=requires_conversation).first()


def everything_a_step_can_ask(service) -> dict:
    """Valid values for every requirement any transition can have, for this service."""
    return {
        "reason": "Toelichting van de coördinator.",
        "unsuitability_reason": some_unsuitability_reason(service),
        "review_on": timezone.localdate() + dt.timedelta(days=14),
        "outcome": some_outcome(service),
    }


def requirements(transition: workflow.Transition, service) -> dict:
    """Exactly what this transition asks for, valid for this service."""
    values = everything_a_step_can_ask(service)
    return {field: values[field] for flag, field in REQUIREMENT_FIELDS.items() if getattr(transition, flag)}


def walk_to(case: Case, status: str, *, actor) -> Case:
    """Bring a freshly registered case to `status` along the shortest path of allowed steps.

    Does what a coordinator would do on the way: a mediator pair is assigned before the
    mediation starts, and a joint conversation with agreements is logged before follow-up.
    """
    for step in path_to(status):
        if step.target == CaseStatus.IN_MEDIATION and not case.assignments.filter(ended_on__isnull=True).exists():
            for mediator in MediatorProfileFactory.create_batch(2, service=case.service):
                mediator_assign(case=case, mediator=mediator, actor=actor)
        if step.source == CaseStatus.IN_MEDIATION and step.target == CaseStatus.FOLLOW_UP:
            conversation_log(
                case=case,
                actor=actor,
                kind=ConversationKind.JOINT,
                held_on=timezone.localdate(),
                report="Gezamenlijk gesprek in het buurthuis, goede sfeer.",
                mediators=[a.mediator for a in case.assignments.filter(ended_on__isnull=True)],
                parties=list(case.parties.all()),
                agreements=["Na 22.00 uur geen harde muziek meer."],
            )
        case = case_transition(case=case, to_status=step.target, actor=actor, **requirements(step, case.service))
    assert case.status == status
    return case


def snapshot(case: Case) -> dict:
    """Every stored column of the case, to prove a refused step changed nothing."""
    return Case.objects.values().get(pk=case.pk)


def event_count(case: Case) -> int:
    return CaseEvent.objects.filter(case_id=case.pk).count()


# --- the table itself --------------------------------------------------------------------


@pytest.mark.parametrize("status", list(CaseStatus), ids=[s.value for s in CaseStatus])
def test_every_status_can_be_reached_from_a_new_report(status):
    current = CaseStatus.REGISTERED
    for step in path_to(status):
        assert step.source == current and workflow.is_allowed(step.source, step.target)
        current = step.target
    assert current == status


@pytest.mark.parametrize("status", [CaseStatus.CLOSED, CaseStatus.UNSUITABLE], ids=lambda s: s.value)
def test_an_ended_case_can_only_be_reopened_into_intake_with_a_reason(status):
    assert [(t.target, t.needs_reason) for t in workflow.allowed_transitions(status)] == [(CaseStatus.INTAKE, True)]


# --- the full status x status matrix, through the real services --------------------------

PAIRS = [(source, target) for source in CaseStatus for target in CaseStatus]


def _pair_id(pair):
    source, target = pair
    verdict = "allowed" if workflow.is_allowed(source, target) else "refused"
    return f"{source.value}->{target.value}-{verdict}"


@pytest.fixture
def colleague(service):
    """A second coordinator: the one who takes the step under test, so the actor is provable."""
    return UserFactory(username="coordinator.twee", service=service, role=Role.COORDINATOR)


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[_pair_id(p) for p in PAIRS])
def test_status_matrix_against_the_transition_table(source, target, make_case, coordinator, colleague):
    case = walk_to(make_case(), source, actor=coordinator)
    before = snapshot(case)
    events_before = event_count(case)
    transition = workflow.get_transition(source, target)

    if transition is None:
        # Offer everything any step could need: the refusal must come from the table alone.
        with pytest.raises(ValidationError) as excinfo:
            case_transition(case=case, to_status=target, actor=colleague, **everything_a_step_can_ask(case.service))
        assert "niet toegestaan" in " ".join(excinfo.value.messages)
        assert snapshot(case) == before
        assert event_count(case) == events_before
        return

    given = requirements(transition, case.service)
    result = case_transition(case=case, to_status=target, actor=colleague, **given)

    assert result.status == target
    assert Case.objects.get(pk=case.pk).status == target
    assert event_count(case) == events_before + 1
    event = CaseEvent.objects.filter(case_id=case.pk).order_by("-id").first()
    assert event.kind == EventKind.STATUS_CHANGED
    assert (event.from_status, event.to_status) == (source, target)
    assert event.actor == colleague
    # The timeline keeps the coordinator's explanation and the decision itself.
    for part in (given.get("reason"), given.get("outcome"), given.get("unsuitability_reason")):
        if part is not None:
            assert str(part) in event.reason


# --- each requirement of each step is really required ------------------------------------

MISSING = [
    (transition, field)
    for transition in workflow.TRANSITIONS
    for flag, field in REQUIREMENT_FIELDS.items()
    if getattr(transition, flag)
]


@pytest.mark.parametrize(
    ("transition", "missing"),
    MISSING,
    ids=[f"{t.source.value}->{t.target.value}-without-{field}" for t, field in MISSING],
)
def test_a_step_is_refused_when_something_it_needs_is_missing(transition, missing, make_case, coordinator):
    case = walk_to(make_case(), transition.source, actor=coordinator)
    before = snapshot(case)
    events_before = event_count(case)
    given = requirements(transition, case.service)
    del given[missing]

    with pytest.raises(ValidationError) as excinfo:
        case_transition(case=case, to_status=transition.target, actor=coordinator, **given)

    assert missing in excinfo.value.message_dict
    assert snapshot(case) == before
    assert event_count(case) == events_before
