"""Keyset paging for long lists (the case list, the referrer's list).

OFFSET paging reads and throws away every earlier row, so page 2,000 of a 100,000-case
service is slow. A keyset page continues from the last row shown: as fast deep in the
list as on the first page. Cursors hold only sort values (dates, numbers, statuses).
"""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet

# Lists count their rows exactly up to this many; beyond it they say "more than". Counting
# all 100,000 cases of the largest bench service took 10 ms of every list page.
COUNT_LIMIT = 10_000


@dataclass
class KeysetPage:
    object_list: list
    count: int  # exact up to COUNT_LIMIT, COUNT_LIMIT + 1 for anything more
    next_cursor: str | None
    prev_cursor: str | None

    @property
    def count_limit(self) -> int:
        return COUNT_LIMIT

    @property
    def count_capped(self) -> bool:
        return self.count > self.count_limit

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


def _encode_cursor(row: Model, fields: Sequence[str]) -> str:
    values = []
    for field in fields:
        value = getattr(row, field)
        values.append(value.isoformat() if isinstance(value, dt.date) else value)
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, fields: Sequence[str], model: type[Model]) -> list[Any] | None:
    """The sort values in a cursor, or None for one this list never made (the first page then).

    A cursor comes from the address bar: each value must be one its field can hold (a
    status among the choices, an id in range, no NUL) and none may be empty (no sort field
    is, and a query cannot compare with nothing).
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(values, list) or len(values) != len(fields):
            return None
        if any(value is None or isinstance(value, str) and "\x00" in value for value in values):
            return None
        return [model._meta.get_field(field).clean(value, None) for field, value in zip(fields, values, strict=True)]
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError, ValidationError):
        return None


def _after(ordering: Sequence[str], values: Sequence[Any], *, reverse: bool) -> Q:
    """Rows strictly after (or, reversed, before) the row with these sort values."""
    condition = Q(pk__in=[])
    for index, (spec, value) in enumerate(zip(ordering, values, strict=True)):
        field, descending = spec.lstrip("-"), spec.startswith("-")
        lookup = "lt" if descending != reverse else "gt"
        step = Q(**{f"{field}__{lookup}": value})
        for earlier_spec, earlier_value in zip(ordering[:index], values[:index], strict=True):
            step &= Q(**{earlier_spec.lstrip("-"): earlier_value})
        condition |= step
    # The same bound again, on the first sort field alone and not strict: redundant for the
    # result, but a plain range the database can start its index scan at. Without it,
    # PostgreSQL reads the OR above as a filter and walks the index from the top: a page
    # deep in a 100,000-case list then read 90,000 rows to return 50.
    first, value = ordering[0].lstrip("-"), values[0]
    bound = "lte" if ordering[0].startswith("-") != reverse else "gte"
    return Q(**{f"{first}__{bound}": value}) & condition


def keyset_page(
    queryset: QuerySet[Any],
    *,
    ordering: Sequence[str],
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
) -> KeysetPage:
    """One page of `queryset` in `ordering` (which must end in a unique field, e.g. id)."""
    fields = [spec.lstrip("-") for spec in ordering]
    reversed_ordering = [spec[1:] if spec.startswith("-") else f"-{spec}" for spec in ordering]
    count = queryset.order_by().values("pk")[: COUNT_LIMIT + 1].count()
    values = _decode_cursor(before, fields, queryset.model) if before else None
    if values is not None:
        rows = list(queryset.filter(_after(ordering, values, reverse=True)).order_by(*reversed_ordering)[: size + 1])
        has_more = len(rows) > size
        rows = list(reversed(rows[:size]))
        return KeysetPage(
            rows,
            count,
            next_cursor=_encode_cursor(rows[-1], fields) if rows else None,
            prev_cursor=_encode_cursor(rows[0], fields) if has_more else None,
        )
    values = _decode_cursor(after, fields, queryset.model) if after else None
    if values is not None:
        queryset = queryset.filter(_after(ordering, values, reverse=False))
    rows = list(queryset.order_by(*ordering)[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(
        rows,
        count,
        next_cursor=_encode_cursor(rows[-1], fields) if has_more else None,
        prev_cursor=_encode_cursor(rows[0], fields) if values is not None and rows else None,
    )
