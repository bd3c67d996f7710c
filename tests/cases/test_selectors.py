"""The coordinator's work queue, rule by rule, and query-count guards on the case pages."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buurtbemiddeling.constants import Role
from buurtbemiddeling.factories import NeighbourhoodFactory, UserFactory
from cases.constants import OPEN_STATUSES, CaseStatus, Channel, ConversationKind, Side
from cases.factories import case_kwargs, party_data
from cases.models import Assignment, Case
from cases.selectors import QUEUE_LIMIT, subtract_working_days, work_queue_for_user
from cases.services import assignment_end, case_create, case_transition, conversation_log, mediator_assign
from organisations.factories import MediatorProfileFactory, PartnerOrganisationFactory
from tests.cases.test_workflow import some_outcome, walk_to

S = CaseStatus

# A fixed fortnight in March 2026: Monday 2 ... Sunday 15.
MON_2, TUE_3, FRI_6, SAT_7, SUN_8 = (dt.date(2026, 3, d) for d in (2, 3, 6, 7, 8))
MON_9, TUE_10, THU_12, FRI_13, SAT_14, MON_16 = (dt.date(2026, 3, d) for d in (9, 10, 12, 13, 14, 16))


def test_the_calendar_used_below_is_right():
    assert [d.weekday() for d in (MON_2, TUE_3, FRI_6, SAT_7, SUN_8)] == [0, 1, 4, 5, 6]
    assert [d.weekday() for d in (MON_9, TUE_10, THU_12, FRI_13, SAT_14, MON_16)] == [0, 1, 3, 4, 5, 0]


def section(user, key, *, today):
    (found,) = [s for s in work_queue_for_user(user, today=today) if s["key"] == key]
    return found


def pks_in(user, key, *, today) -> set[int]:
    return {case.pk for case in section(user, key, today=today)["cases"]}


# --- subtract_working_days -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "days", "expected"),
    [
        (MON_9, 1, FRI_6),
        (TUE_10, 1, MON_9),
        (MON_9, 5, MON_2),
        (FRI_13, 5, FRI_6),
        (SAT_14, 1, FRI_13),
        (SAT_14, 5, MON_9),
        (dt.date(2026, 3, 15), 1, FRI_13),
        (THU_12, 10, dt.date(2026, 2, 26)),
        (SUN_8, 0, SUN_8),
    ],
    ids=[
        "monday-1-is-friday",
        "tuesday-1-is-monday",
        "monday-5-is-last-monday",
        "friday-5-is-last-friday",
        "saturday-1-is-friday",
        "saturday-5-is-monday",
        "sunday-1-is-friday",
        "two-weeks-back",
        "zero-days-is-the-day-itself",
    ],
)
def test_subtract_working_days_skips_weekends(day, days, expected):
    assert subtract_working_days(day, days) == expected


# --- overdue ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reported_on", "today", "overdue"),
    [
        (MON_2, MON_9, False),  # fifth working day after the report: still in time today
        (MON_2, TUE_10, True),  # one working day later: too late
        (TUE_3, TUE_10, False),
        (FRI_6, THU_12, False),  # six calendar days, but only four working days
        (FRI_6, FRI_13, False),  # a week, five working days: last day
        (FRI_6, SAT_14, True),
        (FRI_6, MON_16, True),
        (SAT_7, FRI_13, False),  # reported in the weekend: the count starts on Monday
        (SAT_7, MON_16, True),
    ],
    ids=[
        "mon-report-on-deadline-monday",
        "mon-report-one-working-day-late",
        "tue-report-on-deadline",
        "fri-report-weekend-not-counted",
        "fri-report-on-deadline-friday",
        "fri-report-late-on-saturday",
        "fri-report-late-on-monday",
        "sat-report-on-deadline-friday",
        "sat-report-late-on-monday",
    ],
)
def test_first_contact_is_overdue_after_the_services_number_of_working_days(
    reported_on, today, overdue, make_case, coordinator, service
):
    assert service.first_contact_target_days == 5
    case = make_case(reported_on=reported_on)

    assert (case.pk in pks_in(coordinator, "overdue", today=today)) is overdue
    # Overdue or not, a registered case always waits in "new".
    assert case.pk in pks_in(coordinator, "new", today=today)


def test_the_overdue_boundary_follows_the_services_own_target(make_case, coordinator, service):
    service.first_contact_target_days = 1
    service.save()
    case = make_case(reported_on=FRI_6)

    assert case.pk not in pks_in(coordinator, "overdue", today=MON_9)
    assert case.pk in pks_in(coordinator, "overdue", today=TUE_10)


def test_a_case_in_intake_is_not_overdue_however_old(make_case, coordinator):
    case = walk_to(make_case(reported_on=dt.date(2025, 1, 6)), S.INTAKE, actor=coordinator)

    assert case.pk not in pks_in(coordinator, "overdue", today=MON_16)
    assert case.pk not in pks_in(coordinator, "new", today=MON_16)


def test_overdue_cases_are_listed_oldest_first(make_case, coordinator):
    newer = make_case(reported_on=TUE_3)
    older = make_case(reported_on=MON_2)

    cases = section(coordinator, "overdue", today=MON_16)["cases"]

    assert [c.pk for c in cases] == [older.pk, newer.pk]


# --- new -------------------------------------------------------------------------------------


def test_new_reports_are_listed_urgent_first_then_oldest(make_case, coordinator):
    old = make_case(reported_on=MON_2)
    urgent = make_case(reported_on=FRI_6, is_urgent=True)
    recent = make_case(reported_on=TUE_3)
    in_intake = walk_to(make_case(reported_on=MON_2), S.INTAKE, actor=coordinator)

    cases = section(coordinator, "new", today=MON_9)["cases"]

    assert [c.pk for c in cases] == [urgent.pk, old.pk, recent.pk]
    assert in_intake.pk not in {c.pk for c in cases}


def test_a_long_section_shows_the_first_ten_and_the_full_count(make_case, coordinator):
    for _ in range(QUEUE_LIMIT + 2):
        make_case(reported_on=MON_2)

    new = section(coordinator, "new", today=MON_9)

    assert new["count"] == QUEUE_LIMIT + 2
    assert len(new["cases"]) == QUEUE_LIMIT


# --- standby_review ------------------------------------------------------------------------


def test_a_standby_case_comes_back_on_its_review_date_and_not_before(make_case, coordinator):
    review_on = timezone.localdate() + dt.timedelta(days=20)
    case = make_case()
    case_transition(
        case=case, to_status=S.STANDBY, actor=coordinator, reason="Voortraject wijkteam.", review_on=review_on
    )

    assert case.pk not in pks_in(coordinator, "standby_review", today=review_on - dt.timedelta(days=1))
    assert case.pk in pks_in(coordinator, "standby_review", today=review_on)
    assert case.pk in pks_in(coordinator, "standby_review", today=review_on + dt.timedelta(days=30))


def test_a_case_that_left_standby_is_not_up_for_review(make_case, coordinator):
    case = walk_to(make_case(), S.STANDBY, actor=coordinator)
    case_transition(case=case, to_status=S.INTAKE, actor=coordinator)

    assert case.pk not in pks_in(coordinator, "standby_review", today=timezone.localdate() + dt.timedelta(days=365))


# --- follow_up_due -------------------------------------------------------------------------


def _with_agreements(case, coordinator, *, held_on):
    conversation_log(
        case=case,
        actor=coordinator,
        kind=ConversationKind.JOINT,
        held_on=held_on,
        agreements=["Kinderen spelen niet meer tegen de schutting."],
    )


@pytest.mark.parametrize("status", [S.IN_MEDIATION, S.FOLLOW_UP], ids=lambda s: s.value)
def test_the_follow_up_call_shows_up_on_its_date_and_not_before(status, make_case, coordinator, service):
    case = walk_to(make_case(), status, actor=coordinator)
    _with_agreements(case, coordinator, held_on=MON_2)
    due = MON_2 + dt.timedelta(weeks=service.follow_up_weeks)

    assert case.pk not in pks_in(coordinator, "follow_up_due", today=due - dt.timedelta(days=1))
    assert case.pk in pks_in(coordinator, "follow_up_due", today=due)


def test_no_follow_up_call_for_cases_that_are_not_in_mediation_or_follow_up(make_case, coordinator, service):
    suitable = walk_to(make_case(), S.SUITABLE, actor=coordinator)
    _with_agreements(suitable, coordinator, held_on=MON_2)
    closed = walk_to(make_case(), S.IN_MEDIATION, actor=coordinator)
    _with_agreements(closed, coordinator, held_on=MON_2)
    case_transition(case=closed, to_status=S.CLOSED, actor=coordinator, outcome=some_outcome(service))
    long_after = MON_2 + dt.timedelta(weeks=service.follow_up_weeks + 10)

    due = pks_in(coordinator, "follow_up_due", today=long_after)

    assert suitable.pk not in due
    assert closed.pk not in due


# --- without_pair --------------------------------------------------------------------------


def test_a_suitable_case_without_mediators_waits_for_a_pair(make_case, coordinator, mediator):
    waiting = walk_to(make_case(), S.SUITABLE, actor=coordinator)
    with_mediator = walk_to(make_case(), S.SUITABLE, actor=coordinator)
    mediator_assign(case=with_mediator, mediator=mediator, actor=coordinator)
    still_in_intake = walk_to(make_case(), S.INTAKE, actor=coordinator)

    found = pks_in(coordinator, "without_pair", today=MON_9)

    assert waiting.pk in found
    assert with_mediator.pk not in found
    assert still_in_intake.pk not in found


def test_a_suitable_case_whose_mediator_stopped_waits_for_a_pair_again(make_case, coordinator, mediator):
    case = walk_to(make_case(), S.SUITABLE, actor=coordinator)
    mediator_assign(case=case, mediator=mediator, actor=coordinator)
    assert case.pk not in pks_in(coordinator, "without_pair", today=MON_9)

    assignment_end(assignment=case.assignments.get(), actor=coordinator, reason="Verhuisd")

    assert case.pk in pks_in(coordinator, "without_pair", today=MON_9)


# --- mine ------------------------------------------------------------------------------------


def test_my_cases_are_my_open_cases_only(make_case, coordinator, service):
    colleague = UserFactory(username="collega", service=service, role=Role.COORDINATOR)
    mine_open = walk_to(make_case(coordinator=coordinator), S.IN_MEDIATION, actor=coordinator)
    mine_closed = walk_to(make_case(coordinator=coordinator), S.CLOSED, actor=coordinator)
    mine_unsuitable = walk_to(make_case(coordinator=coordinator), S.UNSUITABLE, actor=coordinator)
    colleagues = make_case(coordinator=colleague)

    found = pks_in(coordinator, "mine", today=MON_9)

    assert found == {mine_open.pk}
    assert pks_in(colleague, "mine", today=MON_9) == {colleagues.pk}
    assert {mine_closed.pk, mine_unsuitable.pk}.isdisjoint(found)


# --- tenancy ---------------------------------------------------------------------------------


def test_cases_of_another_service_never_appear_in_the_queue(make_case, coordinator, other_service, other_coordinator):
    def in_beland(**kwargs):
        return make_case(service=other_service, actor=other_coordinator, coordinator=other_coordinator, **kwargs)

    theirs = [
        in_beland(reported_on=MON_2),  # overdue and new
        walk_to(in_beland(), S.STANDBY, actor=other_coordinator),
        walk_to(in_beland(), S.SUITABLE, actor=other_coordinator),
    ]
    in_mediation = walk_to(in_beland(), S.IN_MEDIATION, actor=other_coordinator)
    _with_agreements(in_mediation, other_coordinator, held_on=MON_2)
    theirs.append(in_mediation)
    far_future = timezone.localdate() + dt.timedelta(days=400)
    theirs_pks = {c.pk for c in theirs}

    seen = {c.pk for s in work_queue_for_user(coordinator, today=far_future) for c in s["cases"]}
    assert seen.isdisjoint(theirs_pks)
    # The same cases do fill the other service's own queue, so the setup is real.
    seen_there = {c.pk for s in work_queue_for_user(other_coordinator, today=far_future) for c in s["cases"]}
    assert theirs_pks <= seen_there


# --- the statement against the rules written with the ORM -------------------------------------


def reference_queue(user, *, today):
    """The six rules as they read in the ORM, over what visible_to gives the user."""
    cases = Case.objects.visible_to(user)
    active_pair = Assignment.objects.filter(case=OuterRef("pk"), ended_on__isnull=True)
    overdue_before = subtract_working_days(today, user.service.first_contact_target_days)
    rules = {
        "overdue": (Q(status=S.REGISTERED, reported_on__lt=overdue_before), ("reported_on", "id")),
        "new": (Q(status=S.REGISTERED), ("-is_urgent", "reported_on", "id")),
        "standby_review": (Q(status=S.STANDBY, standby_review_on__lte=today), ("standby_review_on", "id")),
        "follow_up_due": (
            Q(status__in=[S.IN_MEDIATION, S.FOLLOW_UP], follow_up_due_on__lte=today),
            ("follow_up_due_on", "id"),
        ),
        "without_pair": (Q(status=S.SUITABLE) & ~Exists(active_pair), ("suitability_decided_at", "id")),
        "mine": (Q(coordinator=user, status__in=OPEN_STATUSES), ("-reported_on", "-id")),
    }
    return [
        (
            key,
            cases.filter(condition).count(),
            list(cases.filter(condition).order_by(*order).values_list("pk", flat=True)[:QUEUE_LIMIT]),
        )
        for key, (condition, order) in rules.items()
    ]


def test_every_section_is_what_its_rule_says_in_order_and_count(
    busy_service, make_case, coordinator, mediator, service
):
    busy_service(3)  # 12 overdue and new, 3 per other rule
    for i in range(QUEUE_LIMIT + 3):  # more than a section shows, urgent ones among them
        make_case(reported_on=MON_2 + dt.timedelta(days=i % 4), is_urgent=i % 3 == 0, coordinator=coordinator)
    walk_to(make_case(), S.CLOSED, actor=coordinator)
    paired = walk_to(make_case(), S.SUITABLE, actor=coordinator)
    mediator_assign(case=paired, mediator=mediator, actor=coordinator)
    today = timezone.localdate()

    found = [(s["key"], s["count"], [c.pk for c in s["cases"]]) for s in work_queue_for_user(coordinator, today=today)]

    assert found == reference_queue(coordinator, today=today)
    assert all(count > 0 for _key, count, _pks in found)  # every rule has cases, so each is compared


def test_only_coordinators_get_a_queue(mediator_user, referrer, make_case):
    make_case()

    assert work_queue_for_user(mediator_user) == []
    assert work_queue_for_user(referrer) == []


# --- query-count guards ----------------------------------------------------------------------


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def _same_queries(small, large):
    extra = "\n".join(large[len(small) :]) if len(large) > len(small) else ""
    return f"{len(small)} queries for the small set, {len(large)} for the large one\n{extra}"


@pytest.fixture
def busy_service(service, coordinator, partner):
    """A way to fill the queue: `add(n)` adds n cases to every section (and all to "mine")."""
    neighbourhoods = [NeighbourhoodFactory(service=service, name=f"Wijk {i}") for i in range(3)]
    today = timezone.localdate()
    added = []

    def new_case(i, **kwargs):
        return case_create(
            **case_kwargs(
                service=service,
                actor=coordinator,
                coordinator=coordinator,
                neighbourhood=neighbourhoods[i % 3],
                channel=Channel.REFERRAL,
                referrer_organisation=partner,
                parties=[party_data(side=Side.A), party_data(side=Side.A), party_data(side=Side.B)],
                **kwargs,
            )
        )

    def add(n):
        for i in range(n):
            added.append(new_case(i, reported_on=today - dt.timedelta(days=60)))  # overdue
            standby = new_case(i)
            case_transition(
                case=standby,
                to_status=S.STANDBY,
                actor=coordinator,
                reason="Voortraject wijkteam.",
                review_on=today - dt.timedelta(days=1),
                at=timezone.now() - dt.timedelta(days=30),  # decided a month ago
            )
            added.append(standby)
            mediating = walk_to(new_case(i), S.IN_MEDIATION, actor=coordinator)
            _with_agreements(mediating, coordinator, held_on=today - dt.timedelta(weeks=service.follow_up_weeks + 1))
            added.append(mediating)
            added.append(walk_to(new_case(i), S.SUITABLE, actor=coordinator))
        return added

    return add


def test_the_work_queue_page_uses_the_same_queries_for_few_and_many_cases(busy_service, coordinator, login):
    client = login(coordinator)
    added = busy_service(1)
    client.get(reverse("cases:queue"))  # warm up per-process caches
    _, small = _get(client, reverse("cases:queue"))

    busy_service(8)
    counts = {s["key"]: s["count"] for s in work_queue_for_user(coordinator)}
    assert counts == {
        "overdue": 9,
        "new": 9,
        "standby_review": 9,
        "follow_up_due": 9,
        "without_pair": 9,
        "mine": 36,
    }
    response, large = _get(client, reverse("cases:queue"))

    assert len(large) == len(small), _same_queries(small, large)
    assert all(case.reference in response.text for case in added)


def test_the_work_queue_selector_needs_no_query_per_case(busy_service, coordinator):
    def read_everything():
        with CaptureQueriesContext(connection) as queries:
            # Everything a queue row shows (cases/_case_table.html).
            shown = [
                (
                    case.side_a,
                    case.neighbourhood_name,
                    case.get_absolute_url(),
                    case.get_status_display(),
                    case.get_channel_display(),
                    case.reported_on,
                    case.is_urgent,
                )
                for s in work_queue_for_user(coordinator)
                for case in s["cases"]
            ]
        assert all(row[0] and row[1] and row[2] and row[3] and row[4] and row[5] for row in shown)
        return [q["sql"] for q in queries.captured_queries]

    busy_service(1)
    read_everything()  # the user's permissions are cached after the first read
    small = read_everything()
    busy_service(8)
    large = read_everything()

    assert len(large) == len(small), _same_queries(small, large)


def test_the_case_list_uses_the_same_queries_for_3_and_30_cases(busy_service, coordinator, login):
    client = login(coordinator)
    cases = busy_service(1)[:3]
    client.get(reverse("cases:list"))
    response, small = _get(client, reverse("cases:list"))
    assert all(c.reference in response.text for c in cases)

    cases = busy_service(7)[:30]
    client.get(reverse("cases:list"))  # the filter lists changed: read them into the cache again
    response, large = _get(client, reverse("cases:list"))

    assert len(large) == len(small), _same_queries(small, large)
    assert all(c.reference in response.text for c in cases)


def test_the_case_page_uses_the_same_queries_for_a_short_and_a_long_history(make_case, coordinator, service, login):
    colleague = UserFactory(username="collega", service=service, role=Role.COORDINATOR)
    corporations = [PartnerOrganisationFactory(service=service, name=f"Woonstichting {i}") for i in range(4)]
    client = login(coordinator)
    short = make_case()
    client.get(short.get_absolute_url())
    _, small = _get(client, short.get_absolute_url())

    long = make_case(
        parties=[
            party_data(side=side, housing_corporation=corporations[i % 4])
            for i, side in enumerate([Side.A, Side.A, Side.A, Side.B, Side.B, Side.B])
        ]
    )
    long = walk_to(long, S.FOLLOW_UP, actor=coordinator)
    for round_ in range(4):
        actor = colleague if round_ % 2 else coordinator
        long = case_transition(case=long, to_status=S.IN_MEDIATION, actor=actor, reason="Afspraken houden niet.")
        conversation_log(
            case=long,
            actor=actor,
            kind=ConversationKind.SHUTTLE,
            held_on=timezone.localdate(),
            agreements=[f"Afspraak {round_}"],
        )
        long = case_transition(case=long, to_status=S.FOLLOW_UP, actor=colleague)
    for extra in MediatorProfileFactory.create_batch(2, service=service):
        # Replace the longest-serving active mediator.
        first = long.assignments.filter(ended_on__isnull=True).order_by("id").first()
        assignment_end(assignment=first, actor=coordinator, reason="Te druk")
        mediator_assign(case=long, mediator=extra, actor=colleague)
    assert long.events.count() >= 25

    response, large = _get(client, long.get_absolute_url())

    # The pages differ by status, not by length: the long case (in follow-up) reads its
    # conversations' mediators, parties, agreements and earlier versions (four prefetches a
    # case without conversations does not make) and the outcomes to close with; the short one
    # (just registered) reads the mediators to assign, their acquaintances and the reasons for
    # "not suitable" instead. Many conversations cost no more than one
    # (tests/cases/test_conversation_corrections.py).
    assert len(large) == len(small) + 2, _same_queries(small, large)
    # The whole timeline is on the page, not just a first few entries.
    assert response.text.count("Afspraken houden niet.") == 4
