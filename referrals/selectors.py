"""Reads about referrals for pages other than the referrer's own."""

from django.db.models import Count, Q

from cases.constants import OPEN_STATUSES
from cases.models import Case
from organisations.models import PartnerOrganisation

from . import milestones
from .models import Referral


def referral_figures(partner: PartnerOrganisation) -> dict:
    """What came of this partner's referrals: counts only, no case content, no case list.

    Computed by the database in two aggregate queries.
    """
    cases = Case.objects.filter(service_id=partner.service_id, referrer_organisation=partner)
    figures = cases.aggregate(
        cases=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        suitable=Count("pk", filter=Q(is_suitable=True)),
        unsuitable=Count("pk", filter=Q(is_suitable=False)),
        picked_up=Count("pk", filter=milestones.PICKED_UP_CASES),
        resolved=Count("pk", filter=milestones.RESOLVED_CASES),
        not_resolved=Count("pk", filter=milestones.NOT_RESOLVED_CASES),
    )
    referrals = Referral.objects.filter(service_id=partner.service_id, organisation=partner).aggregate(
        referrals=Count("pk"), withdrawn=Count("pk", filter=Q(withdrawn_at__isnull=False))
    )
    return {**figures, **referrals}
