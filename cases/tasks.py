"""Cases' background tasks (buurtbemiddeling/background.py)."""

from datetime import time

from buurtbemiddeling.background import background_task, daily


@daily("retention", at=time(3, 15))
@background_task()
def apply_retention() -> dict:
    """Anonymise ended cases past their service's retention period, daily (cases/privacy.py).

    Each run is in the access log per service, as with `manage.py anonymise_expired --apply`.
    """
    from .privacy import anonymise_expired

    return {service.name: count for service, count in anonymise_expired(apply=True).items()}
