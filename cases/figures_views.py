from django.contrib.auth.decorators import permission_required
from django.shortcuts import render

from buurtbemiddeling.roles import PERM_COORDINATE


@permission_required(PERM_COORDINATE, raise_exception=True)
def overview(request):
    return render(request, "figures/overview.html")
