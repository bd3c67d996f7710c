from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import PartnerOrganisation


@require_GET
@permission_required("partners.view_partnerorganisation", raise_exception=True)
def partner_list(request):
    partners = PartnerOrganisation.objects.visible_to(request.user).order_by("name")
    return render(request, "partners/list.html", {"partners": partners})
