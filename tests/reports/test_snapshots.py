"""The figures kept for a minute (reports/snapshots.py) are the live figures, after every kind of write.

The data set is the hand-counted world of test_figures.py. A test runs in one transaction
that never commits, so `committed()` runs what a commit would run (the on-commit change of
the services' data generation); each write below runs its own on-commit callbacks.
"""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling import generations
from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import UserFactory
from cases.constants import AgreementKept, CaseStatus, Channel, ConversationKind, Side, Tenure
from cases.factories import party_data
from cases.models import Case, Outcome
from cases.privacy import case_anonymise
from cases.services import (
    agreement_judge,
    case_create,
    case_delete,
    case_handover,
    case_transition,
    conversation_log,
    mediator_assign,
)
from organisations.models import MediatorProfile
from partners.services import consultation_record
from reports import snapshots
from reports.figures import Period, figures_for
from reports.views import figures_body

from . import test_figures
from .test_figures import R_ADVICE, R_JOINT, as_dict, at, scope_for

world = test_figures.world  # the hand-counted data set, a fixture here too

S = CaseStatus


def committed() -> None:
    """What the test's transaction wrote so far, as if committed: the pending generation changes run."""
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, generations._Bump) and not callback.done:
            callback()


def scopes(world):
    return [
        scope_for(world, Period.year(2025)),
        scope_for(world, Period.quarter(2025, 3), world.municipality["Aland"]),
    ]


def kept(scope):
    return as_dict(snapshots.figures_cached(scope))


def live(scope):
    return as_dict(figures_for(scope))


def page_kept(scope):
    today = timezone.localdate()
    return snapshots.cached("page", scope, lambda: figures_body(figures_for(scope, today=today)), today=today)


def page_live(scope):
    return figures_body(figures_for(scope))


def writes(world, coordinator, partner):
    """Each kind of write through the services, in an order that keeps every one allowed."""
    c = world.cases
    mediator = MediatorProfile.objects.get(service=world.service, name="Bemiddelaar 5")
    successor = UserFactory(username="opvolger", service=world.service, role=Role.COORDINATOR)
    d = dt.date
    return [
        (
            "report",
            lambda: case_create(
                service=world.service,
                actor=coordinator,
                channel=Channel.PHONE,
                reported_on=d(2025, 8, 4),
                parties=[party_data(side=Side.A, tenure=Tenure.OWNER)],
                at=at(2025, 8, 4),
            ),
        ),
        (
            "transition",
            lambda: case_transition(case=c["C12"], to_status=S.INTAKE, actor=coordinator, at=at(2025, 10, 20)),
        ),
        (
            "decision",
            lambda: case_transition(case=c["C14"], to_status=S.SUITABLE, actor=coordinator, at=at(2025, 8, 5)),
        ),
        (
            "assignment",
            lambda: mediator_assign(
                case=c["C14"], mediator=mediator, actor=coordinator, started_on=d(2025, 8, 6), at=at(2025, 8, 6)
            ),
        ),
        (
            "reopen",
            lambda: case_transition(
                case=c["C2"], to_status=S.INTAKE, actor=coordinator, reason="Toch wel", at=at(2025, 9, 1)
            ),
        ),
        (
            "conversation",
            lambda: conversation_log(
                case=c["C4"],
                actor=coordinator,
                kind=ConversationKind.FOLLOW_UP_CALL,
                held_on=d(2025, 7, 1),
                at=at(2025, 7, 1, 14),
            ),
        ),
        (
            "agreement judged",
            lambda: agreement_judge(
                agreement=c["C4"].agreements.get(), kept=AgreementKept.KEPT, actor=coordinator, at=at(2025, 7, 1, 15)
            ),
        ),
        (
            "closing",
            lambda: case_transition(
                case=c["C4"],
                to_status=S.CLOSED,
                actor=coordinator,
                outcome=Outcome.objects.get(service=world.service, name=R_JOINT),
                at=at(2025, 7, 2),
            ),
        ),
        (
            "collaboration",
            lambda: consultation_record(
                organisation=partner,
                actor=coordinator,
                held_on=d(2025, 7, 3),
                professional_name="Wijkagent",
                topic="Ruzie",
            ),
        ),
        ("reference list", lambda: rename_outcome(world)),
        ("mediator leaves", lambda: stop(mediator)),
        ("anonymisation", lambda: case_anonymise(case=c["C3"])),
        ("bulk handover", lambda: case_handover(cases=[c["C11"], c["C13"]], to=successor, actor=coordinator)),
        ("deletion", lambda: case_delete(case=c["C10"], actor=coordinator)),
    ]


def rename_outcome(world):
    outcome = Outcome.objects.get(service=world.service, name=R_ADVICE)
    outcome.name = "Opgelost met advies"
    outcome.save()


def stop(mediator):
    mediator.is_active = False
    mediator.save()


# Writes that change none of these figures (checked, so the others are known to matter).
NO_CHANGE = {"anonymisation", "bulk handover"}


def test_after_every_kind_of_write_the_kept_figures_are_the_live_ones(
    world, coordinator, partner, django_capture_on_commit_callbacks
):
    committed()
    for scope in scopes(world):
        assert kept(scope) == live(scope)
    for name, write in writes(world, coordinator, partner):
        before = [kept(scope) for scope in scopes(world)]
        pages = [page_kept(scope) for scope in scopes(world)]
        with django_capture_on_commit_callbacks(execute=True):
            write()
        now = [live(scope) for scope in scopes(world)]
        assert [kept(scope) for scope in scopes(world)] == now, name
        assert [page_kept(scope) for scope in scopes(world)] == [page_live(scope) for scope in scopes(world)], name
        if name not in NO_CHANGE:
            assert before[0] != now[0], f"{name} changes the figures for 2025"
            assert pages[0] != page_kept(scopes(world)[0]), name


def test_the_kept_figures_are_read_without_computing_them(world, coordinator, django_assert_max_num_queries):
    committed()
    scope = scope_for(world, Period.year(2025))
    with CaptureQueriesContext(connection) as cold:
        kept(scope)
    with django_assert_max_num_queries(2):  # the generation, the snapshot
        kept(scope)
    assert len(cold) > 20


def test_a_write_that_bypasses_every_signal_shows_within_a_minute(world):
    committed()
    scope = scope_for(world, Period.year(2025))
    start = timezone.now()
    before = as_dict(snapshots.figures_cached(scope, now=start))
    Case.objects.filter(pk=world.cases["C14"].pk).update(channel=Channel.DESK)  # no signal, no generation change
    assert live(scope) != before
    later = start + dt.timedelta(seconds=snapshots.MAX_AGE - 1)
    assert as_dict(snapshots.figures_cached(scope, now=later)) == before  # the minute this may take
    later = start + dt.timedelta(seconds=snapshots.MAX_AGE)
    assert as_dict(snapshots.figures_cached(scope, now=later)) == live(scope)


def test_another_services_writes_leave_this_services_figures_kept(
    world, other_service, other_coordinator, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    committed()
    scope = scope_for(world, Period.year(2025))
    kept(scope)
    generation = generations.current(world.service.pk)
    other_generation = generations.current(other_service.pk)
    with django_capture_on_commit_callbacks(execute=True):
        case_create(
            service=other_service,
            actor=other_coordinator,
            channel=Channel.PHONE,
            reported_on=dt.date(2025, 3, 3),
            parties=[party_data(side=Side.A)],
            at=at(2025, 3, 3),
        )
    assert generations.current(other_service.pk) != other_generation
    assert generations.current(world.service.pk) == generation
    with django_assert_max_num_queries(2):
        kept(scope)


def test_a_transaction_that_changed_the_service_sees_its_own_writes_and_keeps_nothing(world, coordinator):
    committed()
    scope = scope_for(world, Period.year(2025))
    before = kept(scope)
    case_transition(case=world.cases["C14"], to_status=S.SUITABLE, actor=coordinator, at=at(2025, 8, 5))
    assert generations.changed_here(world.service.pk)
    assert kept(scope) == live(scope) != before


def test_a_rolled_back_change_leaves_nothing_pending(world, coordinator):
    committed()
    with pytest.raises(RuntimeError), transaction.atomic():
        case_transition(case=world.cases["C14"], to_status=S.SUITABLE, actor=coordinator, at=at(2025, 8, 5))
        assert generations.changed_here(world.service.pk)
        raise RuntimeError
    assert not generations.changed_here(world.service.pk)


def body(response) -> bytes:
    content = response.content
    return content[content.index(b'<section aria-labelledby="key-title"') : content.index(b"</dl>\n</section>")]


def test_a_warm_page_takes_a_small_constant_number_of_queries(world, login, coordinator):
    committed()
    client = login(coordinator)
    url, params = reverse("figures:overview"), {"period": "year", "year": 2025}
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url, params).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        first = client.get(url, params)
    with CaptureQueriesContext(connection) as again:
        second = client.get(url, params)
    # The same figures (the page around them differs per request: the script nonce).
    assert body(first) == body(second)
    assert len(warm) == len(again) <= 8 < len(cold)
