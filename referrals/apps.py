from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Verwijzingen")

    def ready(self):
        from . import panels, receivers  # noqa: F401  (they register themselves)
