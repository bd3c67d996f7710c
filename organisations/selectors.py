"""Reads for the volunteer pages: the overview and a mediator's profile.

Through the `visible_to` gateway; counts are correlated subqueries, so the overview costs the
same number of queries for 5 volunteers or 250.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from buurtbemiddeling.models import Neighbourhood, User

from . import panels
from .constants import PART_LABELS, WEEKDAY_LABELS, WEEKDAYS
from .models import IntervisionAttendance, MediatorProfile

ACTIVE, INACTIVE, ALL = "active", "inactive", "all"


def year_ago(today: dt.date) -> dt.date:
    """The same day a year earlier (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - 1)
    except ValueError:
        return today.replace(year=today.year - 1, day=28)


def _recent_intervisions(since: dt.date) -> Coalesce:
    counted = (
        IntervisionAttendance.objects.filter(mediator=OuterRef("pk"), attended_on__gt=since)
        .order_by()
        .values("mediator")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _annotated(user: User | AnonymousUser) -> QuerySet[MediatorProfile]:
    """The user's volunteers, each with `recent_intervisions` (last 12 months) and, where known, `load`."""
    queryset = MediatorProfile.objects.visible_to(user).annotate(
        recent_intervisions=_recent_intervisions(year_ago(timezone.localdate()))
    )
    return panels.mediator_load.annotate(queryset)


@dataclass(frozen=True)
class Filters:
    status: str = ACTIVE
    neighbourhood: Neighbourhood | None = None
    day_part: str = ""
    needs_attention: bool = False
    q: str = ""


def volunteer_list_for_user(user: User | AnonymousUser, filters: Filters | None = None) -> list[MediatorProfile]:
    """The overview's rows, each with `due` (what the CCV criteria still ask, in words) and `availability_text`."""
    filters = filters or Filters()
    per_year = user.service.intervision_per_year if getattr(user, "service", None) else 0
    queryset = _annotated(user)
    if filters.status == ACTIVE:
        queryset = queryset.filter(is_active=True)
    elif filters.status == INACTIVE:
        queryset = queryset.filter(is_active=False)
    if filters.neighbourhood is not None:
        queryset = queryset.filter(neighbourhoods=filters.neighbourhood)
    if filters.day_part:
        # The codes are distinct words ("mon_am"); none is part of another.
        queryset = queryset.filter(availability__contains=filters.day_part)
    if filters.needs_attention:
        queryset = queryset.filter(Q(trained_on__isnull=True) | Q(recent_intervisions__lt=per_year))
    for word in filters.q.split():
        queryset = queryset.filter(name__icontains=word)
    volunteers = list(queryset.prefetch_related("neighbourhoods").order_by("name", "id"))
    for volunteer in volunteers:
        _describe(volunteer, per_year)
    return volunteers


def volunteer_get_for_user(user: User | AnonymousUser, *, pk: int) -> MediatorProfile:
    """One volunteer of the user's service, described like an overview row, or MediatorProfile.DoesNotExist."""
    volunteer = _annotated(user).get(pk=pk)
    _describe(volunteer, user.service.intervision_per_year)
    return volunteer


def _describe(volunteer: MediatorProfile, per_year: int) -> None:
    volunteer.intervisions_required = per_year
    volunteer.due = due_flags(volunteer, per_year)
    volunteer.availability_text = availability_summary(volunteer.day_parts)


def due_flags(volunteer: MediatorProfile, per_year: int) -> list[str]:
    """What the quality criteria still ask of this volunteer, in words (never colour alone)."""
    flags = []
    if volunteer.trained_on is None:
        flags.append(_("Basistraining nog niet afgerond"))
    if volunteer.recent_intervisions < per_year:
        flags.append(
            _("Intervisie nodig: %(count)d van %(required)d")
            % {"count": volunteer.recent_intervisions, "required": per_year}
        )
    return flags


def availability_summary(codes: list[str]) -> str:
    """'maandag ochtend, avond; woensdag hele dag', in the grid's order; '' when none."""
    chosen = set(codes)
    whole_day = _("hele dag")
    days = []
    for day in WEEKDAYS:
        parts = [label for part, label in PART_LABELS.items() if f"{day}_{part}" in chosen]
        if len(parts) == len(PART_LABELS):
            days.append(f"{WEEKDAY_LABELS[day]} {whole_day}")
        elif parts:
            days.append(f"{WEEKDAY_LABELS[day]} {', '.join(str(p) for p in parts)}")
    return "; ".join(days)


def intervisions_of(volunteer: MediatorProfile) -> list[IntervisionAttendance]:
    return list(volunteer.intervisions.order_by("-attended_on", "-id"))


def neighbourhoods_for(user: User | AnonymousUser, *, keep: MediatorProfile | None = None) -> QuerySet[Neighbourhood]:
    """The user's service's active neighbourhoods, plus inactive ones the volunteer `keep` already has."""
    chosen = Q(is_active=True)
    if keep is not None:
        chosen |= Q(pk__in=keep.neighbourhoods.values("pk"))
    return Neighbourhood.objects.visible_to(user).filter(chosen).order_by("name")
