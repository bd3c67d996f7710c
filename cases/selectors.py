"""Every read of cases for a page goes through here, on top of `Case.objects.visible_to(user)`."""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from .constants import CaseStatus
from .models import Assignment, Case, Party


def subtract_working_days(day: dt.date, days: int) -> dt.date:
    """The date `days` working days (Monday-Friday) before `day`."""
    while days > 0:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def case_list_for_user(user):
    """Cases the user may see, with what a list row shows, in constant queries."""
    return (
        Case.objects.visible_to(user)
        .select_related("neighbourhood", "referrer_organisation", "coordinator")
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=Party.objects.filter(side="A").only("id", "case_id", "name", "street", "house_number", "side"),
                to_attr="side_a",
            ),
        )
    )


def case_get_for_user(user, *, reference: str) -> Case:
    """One case by reference, or Case.DoesNotExist (a 404) when the user may not see it."""
    return (
        Case.objects.visible_to(user)
        .select_related(
            "service", "neighbourhood", "referrer_organisation", "coordinator", "outcome", "unsuitability_reason"
        )
        .get(reference=reference)
    )


QUEUE_LIMIT = 10


def work_queue_for_user(user, *, today: dt.date | None = None) -> list[dict]:
    """The coordinator's home page: what needs attention today, most urgent first.

    Each entry: a key, a Dutch title, the count and the first few cases.
    """
    today = today or timezone.localdate()
    cases = case_list_for_user(user)
    service = user.service
    active_pair = Exists(Assignment.objects.filter(case=OuterRef("pk"), ended_on__isnull=True))
    overdue_before = subtract_working_days(today, service.first_contact_target_days)
    rules = [
        (
            "overdue",
            cases.filter(status=CaseStatus.REGISTERED, reported_on__lt=overdue_before).order_by("reported_on", "id"),
        ),
        ("new", cases.filter(status=CaseStatus.REGISTERED).order_by("-is_urgent", "reported_on", "id")),
        (
            "standby_review",
            cases.filter(status=CaseStatus.STANDBY, standby_review_on__lte=today).order_by("standby_review_on", "id"),
        ),
        (
            "follow_up_due",
            cases.filter(
                status__in=[CaseStatus.IN_MEDIATION, CaseStatus.FOLLOW_UP], follow_up_due_on__lte=today
            ).order_by("follow_up_due_on", "id"),
        ),
        (
            "without_pair",
            cases.filter(status=CaseStatus.SUITABLE).filter(~active_pair).order_by("suitability_decided_at", "id"),
        ),
        ("mine", cases.filter(coordinator=user).open().order_by("-reported_on", "-id")),
    ]
    return [{"key": key, "count": qs.count(), "cases": list(qs[:QUEUE_LIMIT])} for key, qs in rules]


def mediator_cases_for_user(user):
    """A mediator's own cases: those with an active assignment for them."""
    return (
        case_list_for_user(user)
        .filter(assignments__mediator__user=user, assignments__ended_on__isnull=True)
        .open()
        .distinct()
        .order_by("-reported_on", "-id")
    )
