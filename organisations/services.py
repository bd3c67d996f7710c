"""Writes for the volunteer pool: mediators' profiles and their intervision attendance.

Keyword-only, validated, atomic. MediatorProfile and IntervisionAttendance are audited models
(the personal-data registry): django-auditlog records each change with its actor.
"""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from buurtbemiddeling.models import MediationService, Neighbourhood, User

from .models import IntervisionAttendance, MediatorProfile

# What the coordinator's form may set; the user link stays with the admins.
PROFILE_FIELDS = {
    "name",
    "phone",
    "email",
    "street",
    "postcode",
    "is_active",
    "languages",
    "max_cases",
    "trained_on",
}


def _check_neighbourhoods(service_id: int, neighbourhoods: Iterable[Neighbourhood]) -> list[Neighbourhood]:
    neighbourhoods = list(neighbourhoods)
    if any(n.service_id != service_id for n in neighbourhoods):
        raise ValidationError({"neighbourhoods": _("Kies alleen wijken van uw eigen organisatie.")})
    return neighbourhoods


def _apply(mediator: MediatorProfile, fields: dict, day_parts: Iterable[str] | None) -> None:
    for field, value in fields.items():
        if field not in PROFILE_FIELDS:
            raise TypeError(f"unexpected field {field!r} for a mediator's profile")
        setattr(mediator, field, value.strip() if isinstance(value, str) else value)
    if day_parts is not None:
        mediator.day_parts = day_parts
    mediator.full_clean()


@transaction.atomic
def volunteer_create(
    *,
    service: MediationService,
    actor: User | AnonymousUser | None,
    name: str,
    day_parts: Iterable[str] = (),
    neighbourhoods: Iterable[Neighbourhood] = (),
    **fields: str | int | bool | dt.date | None,
) -> MediatorProfile:
    neighbourhoods = _check_neighbourhoods(service.pk, neighbourhoods)
    mediator = MediatorProfile(service=service)
    _apply(mediator, {"name": name, **fields}, day_parts)
    mediator.save()
    mediator.neighbourhoods.set(neighbourhoods)
    return mediator


@transaction.atomic
def volunteer_update(
    *,
    mediator: MediatorProfile,
    actor: User | AnonymousUser | None,
    day_parts: Iterable[str] | None = None,
    neighbourhoods: Iterable[Neighbourhood] | None = None,
    **fields: str | int | bool | dt.date | None,
) -> MediatorProfile:
    """Change the profile. Unticking "actief" keeps current assignments; no new cases follow."""
    mediator = MediatorProfile.objects.select_for_update().get(pk=mediator.pk)
    if neighbourhoods is not None:
        neighbourhoods = _check_neighbourhoods(mediator.service_id, neighbourhoods)
    _apply(mediator, fields, day_parts)
    mediator.save()
    if neighbourhoods is not None:
        mediator.neighbourhoods.set(neighbourhoods)
    return mediator


@transaction.atomic
def intervision_add(
    *, mediator: MediatorProfile, actor: User | AnonymousUser | None, attended_on: dt.date
) -> IntervisionAttendance:
    # The mediator's row locked: two clicks on "add" store one attendance.
    MediatorProfile.objects.select_for_update().filter(pk=mediator.pk).first()
    if IntervisionAttendance.objects.filter(mediator=mediator, attended_on=attended_on).exists():
        raise ValidationError(
            {"attended_on": _("Op deze datum staat al een intervisie voor %(name)s.") % {"name": mediator.name}}
        )
    attendance = IntervisionAttendance(mediator=mediator, attended_on=attended_on)
    attendance.full_clean()
    attendance.save()
    return attendance


@transaction.atomic
def intervision_remove(*, attendance: IntervisionAttendance, actor: User | AnonymousUser | None) -> None:
    attendance.delete()
