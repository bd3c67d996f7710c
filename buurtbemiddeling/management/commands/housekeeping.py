"""Forget what is only kept for a while, now: `manage.py housekeeping`.

The worker runs the same task daily (buurtbemiddeling/tasks.housekeeping); this command is
for cron set-ups (TASK_DAILY_JOBS=false) and for operators.
"""

from django.core.management.base import BaseCommand

from buurtbemiddeling.tasks import housekeeping


class Command(BaseCommand):
    help = "Delete old form keys, rate-limit counters, finished background tasks and expired sessions."

    def handle(self, *args, **options):
        counts = housekeeping.call()
        self.stdout.write(", ".join(f"{name}: {count} deleted" for name, count in counts.items()))
