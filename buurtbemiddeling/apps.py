from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuurtbemiddelingConfig(AppConfig):
    name = "buurtbemiddeling"
    verbose_name = _("Buurtbemiddeling")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from . import audit, checks, roles, tasks  # noqa: F401  (checks and tasks register themselves)
        from .middleware import AbsoluteSessionLifetimeMiddleware

        audit.register_models()
        post_migrate.connect(roles.apply_roles_after_migrate, dispatch_uid="buurtbemiddeling.apply_roles")
        user_logged_in.connect(AbsoluteSessionLifetimeMiddleware.start, dispatch_uid="buurtbemiddeling.session_start")
