"""How referrals react to case events (cases/events.py)."""

from django.dispatch import receiver

from cases import events
from cases.constants import Channel

from .models import Referral
from .services import referral_notify


@receiver(events.case_status_changed, dispatch_uid="referrals.notify_referrer")
def notify_referrer(sender, *, case_id: int, channel: str, **kwargs) -> None:
    """After every status change of a referred case: the referrer hears a changed milestone."""
    if channel != Channel.REFERRAL:
        return
    referral_id = Referral.objects.filter(case_id=case_id).values_list("pk", flat=True).first()
    if referral_id is not None:
        referral_notify(referral_id=referral_id)
