"""Counting per client and window, exactly, across app instances: a row per key, locked.

`take(key, limit, window)` counts one more and says whether it was within the limit. The
row is locked until the surrounding transaction ends, so when `take` is called in the
transaction that stores what is limited (a report), a burst of simultaneous posts queues
on the row and exactly `limit` get through.

Counting is one statement, an upsert that adds one only while under the limit and says
what it counted (`INSERT ... ON CONFLICT DO UPDATE ... WHERE ... RETURNING`, PostgreSQL and
SQLite alike); the update takes the row lock. It replaced a create, a locked read and an
update in savepoints (six statements on every post of the public form, #21).
"""

import time
from datetime import timedelta

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .models import RateCounter


def window(seconds: int) -> tuple[int, int]:
    """The number of the current window and the seconds left in it."""
    now = int(time.time())
    return now // seconds, seconds - now % seconds


def _locked_counter(key: str, *, seconds_left: int) -> RateCounter:
    try:
        with transaction.atomic():
            RateCounter.objects.get_or_create(
                key=key, defaults={"expires_at": timezone.now() + timedelta(seconds=seconds_left)}
            )
    except IntegrityError:
        pass  # created by a simultaneous request: it is there now
    return RateCounter.objects.select_for_update().get(key=key)


def take(key: str, *, limit: int, seconds: int, count: bool = True) -> bool:
    """Count one for `key` in the current window (when `count`); False when over `limit`.

    Within a transaction the row stays locked until it ends; outside, until this returns.
    A refused try is not counted, so waiting out the window always helps.
    """
    number, left = window(seconds)
    if not count:
        with transaction.atomic():
            return _locked_counter(f"{key}:{number}", seconds_left=left).count < limit
    if limit <= 0:
        return False
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    expires_at = connection.ops.adapt_datetimefield_value(timezone.now() + timedelta(seconds=left))
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO {table} ("key", "count", "expires_at") VALUES (%s, 1, %s) '  # noqa: S608 (a model's table)
            f'ON CONFLICT ("key") DO UPDATE SET "count" = {table}."count" + 1 WHERE {table}."count" < %s '
            'RETURNING "count"',
            [f"{key}:{number}", expires_at, limit],
        )
        return cursor.fetchone() is not None


def used(key: str, *, seconds: int) -> int:
    number, _left = window(seconds)
    return RateCounter.objects.filter(key=f"{key}:{number}").values_list("count", flat=True).first() or 0


def prune() -> int:
    deleted, _rows = RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
