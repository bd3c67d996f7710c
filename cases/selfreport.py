"""The public self-report flow (placeholder, replaced by the full flow)."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def start(request):
    return render(request, "selfreport/start.html")
