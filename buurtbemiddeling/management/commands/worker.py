"""Run background tasks (e-mail and the like) until stopped: `manage.py worker`.

django-tasks-db's worker loop, one task at a time, plus what it leaves out: tasks a killed
worker left running are put back in the queue (at start and every minute). Several
workers may run side by side: a task is claimed under a row lock (SKIP LOCKED on
PostgreSQL, an exclusive transaction on SQLite), so two workers never run one task.

The first SIGTERM or Ctrl+C lets the running task finish, then stops; a second stops at once.
"""

import argparse
import logging
import os
import signal
import sys
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django.utils.crypto import get_random_string

from buurtbemiddeling import background

logger = logging.getLogger("buurtbemiddeling.background")

RECOVER_EVERY = 60  # seconds
DATABASE_RETRY = 5  # seconds


class Command(BaseCommand):
    help = "Run background tasks (e-mail) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="Seconds between looks at an empty queue.")
        parser.add_argument("--batch", action="store_true", help="Run what is due, then stop.")
        parser.add_argument(
            "--reload",
            action=argparse.BooleanOptionalAction,
            default=None,
            help="Restart on code changes (default: on with DEBUG, off otherwise).",
        )
        parser.add_argument("--worker-id", default="", help="A name for this worker in the task rows.")

    def handle(self, *, interval, batch, reload, worker_id, verbosity, **options):
        # The library logs each poll at INFO; ours says what matters.
        logging.getLogger("django_tasks_db").setLevel(logging.DEBUG if verbosity > 1 else logging.WARNING)
        self.worker_id = worker_id or f"worker-{get_random_string(12)}"
        self.stopping = threading.Event()
        self.busy = False
        reload = settings.DEBUG and not batch if reload is None else reload
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                self._signals()
            run_with_reloader(lambda: self.loop(interval=interval, batch=batch))
        else:
            self._signals()
            self.loop(interval=interval, batch=batch)

    def _signals(self):
        def stop(signum, frame):
            if self.stopping.is_set() or not self.busy:
                sys.exit(0)
            logger.warning("worker %s stops after the running task (again to stop now)", self.worker_id)
            self.stopping.set()

        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), stop)

    def loop(self, *, interval, batch):
        if not batch:
            self.stdout.write(f"Worker {self.worker_id}: running background tasks (Ctrl+C stops).")
        last_recovery = 0.0
        while not self.stopping.is_set():
            if not batch:
                close_old_connections()  # like a request: a dropped or aged connection is renewed
            self.busy = True
            try:
                if time.monotonic() - last_recovery >= RECOVER_EVERY:
                    background.recover_stale()
                    background.enqueue_daily()  # retention and housekeeping, once a day
                    last_recovery = time.monotonic()
                ran = background.run_pending(limit=1, worker_id=self.worker_id)
            except (OperationalError, InterfaceError) as error:
                # The database restarts: wait for it rather than stop (systemd would restart us anyway).
                logger.warning(
                    "worker %s: database unavailable (%s); trying again", self.worker_id, type(error).__name__
                )
                connections.close_all()
                if batch:
                    raise
                self.stopping.wait(DATABASE_RETRY)
                continue
            finally:
                self.busy = False
            if ran:
                continue
            if batch:
                return
            self.stopping.wait(interval)
