"""A service's data generation: a token that changes whenever the service's data changes.

What is derived from a service's data and kept for a while (the figures, reports/snapshots.py)
is stored under the service's current token, so a change makes the old copy unreachable:

- `changed(service_id)`: rows of the service changed in the current transaction. The token
  changes once that transaction commits (``transaction.on_commit``), never before: a request
  that reads the old rows in the meantime stores what it derives under the old token, which
  no one asks for after the commit. Several changes in one transaction change it once.
- `current(service_id)`: the token now (one cache read).
- `changed_here(service_id)`: this transaction changed the service's rows and has not
  committed yet. What it derives now holds its own uncommitted writes, so it must neither be
  read from the shared copy (which lacks them) nor stored there.

Tokens are random, not a counter: when the cache loses one (the database cache culls its
oldest keys when full), the next reader draws a new one and computes afresh, never finding
a copy stored under an earlier token of the same number.
"""

import secrets

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction


def _key(service_id: int) -> str:
    return f"service-generation:{service_id}"


def _token() -> str:
    return secrets.token_hex(8)


class _Bump:
    """One transaction's on-commit callback: the services whose token it changes."""

    def __init__(self):
        self.service_ids: set[int] = set()
        self.done = False

    def __call__(self):
        self.done = True
        for service_id in sorted(self.service_ids):
            cache.set(_key(service_id), _token(), None)


def _pending(using: str) -> _Bump | None:
    """The bump this transaction will run on commit, if any. Django drops it from the list
    when the (savepoint) transaction that registered it rolls back."""
    connection = connections[using]
    if not connection.in_atomic_block:
        return None
    for _savepoints, callback, _robust in connection.run_on_commit:
        if isinstance(callback, _Bump) and not callback.done:
            return callback
    return None


def changed(service_id: int | None, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Rows of the service changed: its token changes when this transaction commits (at
    once outside a transaction)."""
    if service_id is None:
        return
    bump = _pending(using)
    if bump is not None:
        bump.service_ids.add(service_id)
        return
    bump = _Bump()
    bump.service_ids.add(service_id)
    transaction.on_commit(bump, using=using)


def changed_here(service_id: int, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    bump = _pending(using)
    return bump is not None and service_id in bump.service_ids


def current(service_id: int) -> str:
    key = _key(service_id)
    token = cache.get(key)
    if token is None:
        # The first reader after the cache lost it draws one; with two at once, one wins.
        cache.add(key, _token(), None)
        token = cache.get(key)
    return token
