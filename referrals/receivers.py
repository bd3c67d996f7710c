"""How referrals react to case events (cases/events.py)."""

from django.dispatch import receiver

from cases import events

from . import tasks
from .models import Referral


@receiver(events.case_status_changed, dispatch_uid="referrals.notify_referrer")
def notify_referrer(sender, *, case_id: int, **kwargs) -> None:
    """After every status change of a referred case (online or by phone): the professional
    who referred hears a changed milestone. Enqueued in the status change's own transaction,
    so the mail goes exactly when the change is stored."""
    referral_id = Referral.objects.filter(case_id=case_id).values_list("pk", flat=True).first()
    if referral_id is not None:
        tasks.notify_referrer.enqueue(referral_id=referral_id)
