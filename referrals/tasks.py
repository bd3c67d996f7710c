"""Referrals' background tasks (buurtbemiddeling/background.py): ids in, e-mail out."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from buurtbemiddeling.background import background_task

from . import milestones
from .models import Referral


@background_task()
def notify_referrer(*, referral_id: int) -> bool:
    """E-mail the referrer when their referral's milestone changed since the last e-mail.

    Only the milestone and the referrer's own reference: never names, addresses or content.
    Run by the worker, any number of times: the referral is locked,
    the mail sent, and only then is the milestone marked as told, in the same transaction.
    A failed send leaves the mark unset for the next attempt; two workers never mail the
    same milestone, as the second waits for the lock and then finds it marked. Returns
    whether an e-mail was sent.
    """
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("case__outcome", "referrer", "contact_person")
            .filter(pk=referral_id)
            .first()
        )
        if referral is None:
            return False
        current = milestones.milestones_for(referral).current
        if current == referral.last_notified_milestone:
            return False
        recipient = referral.notify_address
        if recipient:
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "label": milestones.LABELS[current],
                    "own_reference": referral.own_reference,
                    "received_on": referral.created_at.date(),
                    "list_url": settings.SITE_URL + reverse("referrals:list"),
                }
                subject = _("Stand van zaken van uw verwijzing") + (
                    f" {referral.own_reference}" if referral.own_reference else ""
                )
                body = render_to_string("referrals/email_milestone.txt", context)
            send_mail(subject, body, None, [recipient])
        referral.last_notified_milestone = current
        referral.save(update_fields=["last_notified_milestone", "updated_at"])
    return bool(recipient)
