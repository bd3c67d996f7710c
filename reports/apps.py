from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Cijfers")

    def ready(self):
        from . import panels, receivers  # noqa: F401  (they register themselves)
