from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from buurtbemiddeling.roles import PERM_COORDINATE, PERM_MEDIATE

from . import selectors, workflow
from .constants import CaseStatus
from .models import Case

PAGE_SIZE = 50


@require_GET
@permission_required(PERM_COORDINATE, raise_exception=True)
def queue(request):
    return render(request, "cases/queue.html", {"sections": selectors.work_queue_for_user(request.user)})


@require_GET
@permission_required(PERM_COORDINATE, raise_exception=True)
def case_list(request):
    cases = selectors.case_list_for_user(request.user).order_by("-reported_on", "-id")
    status = request.GET.get("status", "")
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/list.html",
        {"page": page, "statuses": CaseStatus.choices, "current_status": status},
    )


@require_GET
@permission_required(PERM_MEDIATE, raise_exception=True)
def my_cases(request):
    return render(request, "cases/my_cases.html", {"cases": selectors.mediator_cases_for_user(request.user)})


@require_GET
def case_detail(request, reference):
    try:
        case = selectors.case_get_for_user(request.user, reference=reference)
    except Case.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "parties": case.parties.select_related("housing_corporation"),
            "events": case.events.select_related("actor"),
            "transitions": workflow.allowed_transitions(case.status),
        },
    )
