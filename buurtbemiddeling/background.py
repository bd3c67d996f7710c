"""Background work: Django's Tasks framework on the database the app already has.

Every e-mail and every other slow or fallible step is a task. It is enqueued inside the
transaction of the change that causes it (django-tasks-db stores a row in that
transaction): a rollback leaves no task, a commit leaves one that a worker runs, however
long the mail server is away. No request waits on a mail server.

`background_task` adds what the framework leaves to us:

- bounded retries with growing waits (30 s, 1, 2, 4, 8 minutes, ...); the attempt that
  failed stays as a failed row marked `RetryScheduled`, the next one waits in the queue;
- after the last attempt the row fails with `GaveUp`; an admin retries it from the admin
  (buurtbemiddeling/admin.py) once the cause is fixed;
- the stored error names only the kind of failure (the exception class, never its text:
  an SMTP error quotes the recipient's address), and so does the log line.

Task arguments are ids, never personal data: the task reads what it needs when it runs,
so an erased resident is not mailed from the queue and the task table holds nothing the
personal-data registry would have to know about.

A worker is `manage.py worker` (tasks_worker below): the framework's db_worker loop, plus
putting back tasks whose worker died mid-run (`recover_stale`).
"""

from __future__ import annotations

import functools
import logging
from datetime import time as dt_time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, F, Min, When
from django.tasks import Task, task
from django.utils import timezone

logger = logging.getLogger("buurtbemiddeling.background")

# Waits before attempt 2, 3, ...: 30 s doubling, so six attempts span about 16 minutes.
FIRST_RETRY_DELAY = timedelta(seconds=30)


class RetryScheduled(Exception):
    """This attempt failed; the task waits in the queue for the next one."""


class GaveUp(Exception):
    """The last attempt failed; an admin may retry once the cause is fixed."""


def retry_delay(attempt: int) -> timedelta:
    """The wait after failed attempt number `attempt` (1-based)."""
    return FIRST_RETRY_DELAY * (2 ** (attempt - 1))


def background_task(*, attempts: int | None = None, queue_name: str = "default", priority: int = 0):
    """A task run by the worker with retries; the function takes ids and keyword arguments.

    Use as `@background_task()` on a module-level function; enqueue with
    `the_function.enqueue(...)` inside the transaction of the change.
    """

    def decorator(func):
        @functools.wraps(func)
        def run(*args, attempt: int = 1, **kwargs):
            limit = attempts or settings.TASK_ATTEMPTS
            try:
                return func(*args, **kwargs)
            except Exception as error:  # noqa: BLE001 (any failure is retried, then recorded)
                kind = type(error).__name__
                if attempt >= limit:
                    logger.error("task %s gave up after %d attempts (%s)", name, attempt, kind)
                    raise GaveUp(f"Attempt {attempt} of {limit} failed ({kind}); no more attempts.") from None
                delay = retry_delay(attempt)
                with transaction.atomic():
                    the_task.using(run_after=timezone.now() + delay).enqueue(*args, attempt=attempt + 1, **kwargs)
                logger.warning(
                    "task %s attempt %d of %d failed (%s); again in %d s",
                    name,
                    attempt,
                    limit,
                    kind,
                    delay.total_seconds(),
                )
                raise RetryScheduled(
                    f"Attempt {attempt} of {limit} failed ({kind}); next attempt in {int(delay.total_seconds())} s."
                ) from None

        name = f"{func.__module__}.{func.__qualname__}"
        the_task = task(queue_name=queue_name, priority=priority)(run)
        return the_task

    return decorator


# --- Daily jobs ---------------------------------------------------------------------------

# name -> (task, local time of day after which it runs, once per day)
DAILY: dict[str, tuple[Task, dt_time]] = {}


def daily(name: str, *, at: dt_time):
    """Run this (argument-less) task once a day, after `at` local time (the worker enqueues it)."""

    def decorator(the_task: Task) -> Task:
        DAILY[name] = (the_task, at)
        return the_task

    return decorator


def enqueue_daily(*, now=None) -> list[str]:
    """Enqueue the daily jobs that are due today and not yet enqueued; returns their names.

    Any number of workers call this every minute: the day's key is claimed in the same
    transaction as the enqueue (buurtbemiddeling/submissions.py), so each job is enqueued once
    per day. A worker that was down at the hour catches up when it starts.
    """
    from . import submissions

    if not settings.TASK_DAILY_JOBS:
        return []
    now = timezone.localtime(now)
    enqueued = []
    for name, (the_task, at) in sorted(DAILY.items()):
        if now.time() < at:
            continue
        try:
            with transaction.atomic():
                submissions.claim(now.date().isoformat(), scope=f"daily:{name}")
                the_task.enqueue()
        except submissions.AlreadySubmitted:
            continue
        enqueued.append(name)
        logger.info("daily job %s enqueued for %s", name, now.date())
    return enqueued


def retry_failed(result_ids) -> int:
    """Enqueue again, from attempt 1, the tasks that gave up (the admin's action). Returns how many."""
    from django_tasks_db.models import DBTaskResult

    count = 0
    with transaction.atomic():
        rows = DBTaskResult.objects.select_for_update().filter(
            pk__in=result_ids, status="FAILED", exception_class_path=f"{GaveUp.__module__}.{GaveUp.__qualname__}"
        )
        for row in rows:
            kwargs = {k: v for k, v in row.args_kwargs["kwargs"].items() if k != "attempt"}
            row.task.using(run_after=None).enqueue(*row.args_kwargs["args"], **kwargs)
            # Marked so the same row is not retried twice.
            row.exception_class_path = f"{RetryScheduled.__module__}.{RetryScheduled.__qualname__}"
            row.traceback = f"{row.traceback}\nRetried by an admin on {timezone.now():%Y-%m-%d %H:%M}."
            row.save(update_fields=["exception_class_path", "traceback"])
            count += 1
    return count


def recover_stale(*, older_than: timedelta | None = None) -> int:
    """Put back in the queue the tasks a worker claimed and never finished (it was killed).

    A task runs for seconds (an SMTP timeout is 10 s); one still running after
    TASK_STALE_AFTER was lost with its worker. Running it again may send a mail twice,
    never zero times; milestone mails check their own mark and are not sent twice.
    """
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - (older_than or timedelta(seconds=settings.TASK_STALE_AFTER))
    count = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).update(status="READY", started_at=None)
    if count:
        logger.warning("%d task(s) put back in the queue: their worker stopped while running them", count)
    return count


def run_pending(*, limit: int = 1000, worker_id: str = "in-process") -> int:
    """Run tasks that are due, one by one, in this process; returns how many ran.

    The worker command's step, and the tests' stand-in for the worker. A task is claimed
    the way django-tasks-db's own worker claims it (a row lock that other workers skip),
    so several of these may run at once without running one task twice.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult
    from django_tasks_db.utils import exclusive_transaction

    runner = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        due = DBTaskResult.objects.ready().filter(backend_name="default")
        with exclusive_transaction(due.db):
            claimed = due.get_locked()
            if claimed is not None:
                claimed.claim(worker_id)
        if claimed is None:
            break
        runner.run_task(claimed)
        ran += 1
    return ran


def queue_health(*, gave_up: bool = True) -> dict:
    """How many tasks are due, how long the longest-waiting one has been due, how many gave up.

    One query through the queue's partial index (plus one for `gave_up`, which /healthz,
    asked every few seconds, leaves out). A retry waiting for its time is not yet due.
    """
    from django_tasks_db.models import DBTaskResult, get_date_max

    due_since = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
    ready = DBTaskResult.objects.ready().aggregate(waiting=Count("pk"), since=Min(due_since))
    health = {
        "waiting": ready["waiting"],
        "oldest_waiting_seconds": max(0, int((timezone.now() - ready["since"]).total_seconds()))
        if ready["since"]
        else 0,
    }
    if gave_up:
        health["gave_up"] = DBTaskResult.objects.filter(
            status="FAILED", exception_class_path=f"{GaveUp.__module__}.{GaveUp.__qualname__}"
        ).count()
    return health


__all__ = ["GaveUp", "RetryScheduled", "Task", "background_task", "recover_stale", "retry_failed", "run_pending"]
