"""System checks: the personal-data registry is complete and consistent (`manage.py check`)."""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks

from . import personal_data


def project_models() -> list:
    """The models of this project's own apps (not Django's or third parties')."""
    base = Path(settings.BASE_DIR).resolve()
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and "site-packages" not in Path(config.path).parts
        for model in config.get_models()
    ]


@checks.register()
def personal_data_registry(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = [checks.Error(problem, id="buurtbemiddeling.E001") for problem in personal_data.problems()]
    errors += [
        checks.Error(
            f"{field} is neither personal nor declared non-personal in the personal-data registry",
            hint="Declare it in personal_data.register(...) at the bottom of the app's models.py.",
            id="buurtbemiddeling.E002",
        )
        for field in personal_data.unregistered_text_fields(project_models())
    ]
    return errors
