from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Zaken")

    def ready(self):
        from . import appointments, signals, tasks, volunteers  # noqa: F401  (tasks, daily jobs, hooks)

        signals.connect()
