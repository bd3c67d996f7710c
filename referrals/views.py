from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from buurtbemiddeling.roles import PERM_REFER

from .milestones import milestones_for
from .models import Referral


@require_GET
@permission_required(PERM_REFER, raise_exception=True)
def referral_list(request):
    referrals = Referral.objects.visible_to(request.user).select_related("case__outcome")
    rows = [(referral, milestones_for(referral)) for referral in referrals]
    return render(request, "referrals/list.html", {"rows": rows})
