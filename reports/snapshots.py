"""The figures, computed once and kept for a minute at most (ADR 0011).

A snapshot is what `figures_for` computed (for the exports) or the page body drawn from it
(the charts and tables, for the page), stored in the shared cache under everything it
depends on: the service and its data generation (buurtbemiddeling/generations.py), the
period's first and last day, the municipality, today (the "now" figures) and the language
(labels are translated when computed). Any write to a row the figures read changes the
generation when it commits (reports/receivers.py; the bulk writes call
``generations.changed`` themselves), so a snapshot never outlives a change it should show.
A snapshot older than `MAX_AGE` is not used either: the upper bound for a write that
slipped past both (a QuerySet.update in some future code path).

A transaction that changed the service's rows and has not committed computes live and
stores nothing: it sees its own writes, which no one else does yet.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from buurtbemiddeling import generations

from .figures import Figures, Scope, figures_for

MAX_AGE = 60  # seconds
VERSION = 1  # raise when what a snapshot holds changes shape


def _key(kind: str, scope: Scope, today: dt.date) -> str:
    municipality = scope.municipality.pk if scope.municipality is not None else "all"
    generation = generations.current(scope.service.pk)
    return (
        f"figures:{kind}:v{VERSION}:{scope.service.pk}:{generation}:"
        f"{scope.period.start.isoformat()}:{scope.period.end.isoformat()}:{municipality}:"
        f"{today.isoformat()}:{get_language()}"
    )


def cached(kind: str, scope: Scope, compute: Callable[[], object], *, today: dt.date, now: dt.datetime | None = None):
    """``compute()``, or its snapshot for this scope when one is fresh."""
    if generations.changed_here(scope.service.pk):
        return compute()
    # The key (with the generation) is read before computing: figures computed from rows
    # older than a change are stored under the generation before it.
    key = _key(kind, scope, today)
    moment = (now or timezone.now()).timestamp()
    stored = cache.get(key)
    if stored is not None and 0 <= moment - stored[0] < MAX_AGE:
        return stored[1]
    value = compute()
    cache.set(key, (moment, value), MAX_AGE)
    return value


def figures_cached(scope: Scope, *, today: dt.date | None = None, now: dt.datetime | None = None) -> Figures:
    """`figures_for(scope)`, from a fresh snapshot when there is one."""
    today = today or timezone.localdate()
    figures = cached("data", scope, lambda: figures_for(scope, today=today), today=today, now=now)
    # The scope as asked now (the period's label, the municipality's name), not as stored.
    return dataclasses.replace(figures, scope=scope)
