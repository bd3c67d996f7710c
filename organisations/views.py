"""The coordinator's volunteer pages: overview, profile, create and edit, intervision attendance.

Thin: forms validate, organisations/services.py writes, organisations/selectors.py reads.
Objects come through the `visible_to` gateway (another service's volunteer: 404); the
page's permission decides the rest (another role: 403).
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurtbemiddeling.forms import add_service_errors
from buurtbemiddeling.roles import PERM_COORDINATE

from . import panels, selectors, services
from .forms import IntervisionForm, VolunteerFilterForm, VolunteerForm
from .models import IntervisionAttendance, MediatorProfile

FILTERS_SESSION_KEY = "volunteer_filters"


def _perms(*codenames):
    """Coordinator work on the volunteer pool: the coordinator role plus the model permission(s)."""
    return permission_required([PERM_COORDINATE, *codenames], raise_exception=True)


def _get_volunteer(request, mediator_id) -> MediatorProfile:
    try:
        return selectors.volunteer_get_for_user(request.user, pk=mediator_id)
    except MediatorProfile.DoesNotExist:
        raise Http404 from None


def _list_url(request) -> str:
    """The overview with the filters last used (they stay put while you work)."""
    query = request.session.get(FILTERS_SESSION_KEY, "")
    return reverse("organisations:volunteers") + (f"?{query}" if query else "")


@require_GET
@_perms("organisations.view_mediatorprofile")
def volunteer_list(request):
    form = VolunteerFilterForm(
        request.GET or None, neighbourhoods=selectors.neighbourhoods_for(request.user), auto_id="filter_%s"
    )
    filters = selectors.Filters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            status=data["status"] or selectors.ACTIVE,
            neighbourhood=data["neighbourhood"],
            day_part=data["day_part"],
            needs_attention=data["needs"],
            q=data["q"],
        )
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    if request.session.get(FILTERS_SESSION_KEY, "") != query:  # the session is written only on a change
        request.session[FILTERS_SESSION_KEY] = query
    volunteers = selectors.volunteer_list_for_user(request.user, filters)
    context = {
        "form": form,
        "volunteers": volunteers,
        "filtered": form.is_bound,
        "show_load": panels.mediator_load.known,
        "intervision_per_year": request.user.service.intervision_per_year,
    }
    return render(request, "organisations/volunteers/list.html", context)


def _detail_page(request, volunteer, *, intervision_form=None, status=200):
    context = {
        "volunteer": volunteer,
        "intervisions": selectors.intervisions_of(volunteer),
        "intervision_form": intervision_form or IntervisionForm(),
        "show_load": panels.mediator_load.known,
        "list_url": _list_url(request),
        # What cases add: the volunteer's current cases and acquaintances (cases/volunteers.py).
        "panels": panels.volunteer_page.panels_for(request, volunteer),
    }
    return render(request, "organisations/volunteers/detail.html", context, status=status)


@require_GET
@_perms("organisations.view_mediatorprofile")
def volunteer_detail(request, mediator_id):
    return _detail_page(request, _get_volunteer(request, mediator_id))


def _form_page(request, form, *, title, volunteer=None):
    return render(
        request,
        "organisations/volunteers/form.html",
        {"form": form, "title": title, "volunteer": volunteer, "list_url": _list_url(request)},
    )


@require_http_methods(["GET", "POST"])
@_perms("organisations.add_mediatorprofile")
def volunteer_create(request):
    form = VolunteerForm(
        request.POST or None,
        instance=MediatorProfile(service=request.user.service),
        neighbourhoods=selectors.neighbourhoods_for(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_create(service=request.user.service, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is toegevoegd.") % {"name": volunteer.name})
            return redirect(volunteer)
    return _form_page(request, form, title=_("Bemiddelaar toevoegen"))


@require_http_methods(["GET", "POST"])
@_perms("organisations.view_mediatorprofile", "organisations.change_mediatorprofile")
def volunteer_edit(request, mediator_id):
    volunteer = _get_volunteer(request, mediator_id)
    # A copy: the service writes from a fresh, locked row.
    form = VolunteerForm(
        request.POST or None,
        instance=copy.copy(volunteer),
        neighbourhoods=selectors.neighbourhoods_for(request.user, keep=volunteer),
    )
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.volunteer_update(mediator=volunteer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if volunteer.is_active:
                messages.success(request, _("%(name)s is bijgewerkt.") % {"name": volunteer.name})
            else:
                messages.success(
                    request,
                    _("%(name)s is niet actief: geen nieuwe zaken meer. Lopende zaken blijven staan.")
                    % {"name": volunteer.name},
                )
            return redirect(volunteer)
    return _form_page(request, form, title=_("%(name)s wijzigen") % {"name": volunteer.name}, volunteer=volunteer)


@require_POST
@_perms("organisations.view_mediatorprofile", "organisations.add_intervisionattendance")
def intervision_add(request, mediator_id):
    volunteer = _get_volunteer(request, mediator_id)
    form = IntervisionForm(request.POST)
    if form.is_valid():
        try:
            services.intervision_add(mediator=volunteer, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("De intervisie van %(date)s is vastgelegd.") % {"date": _date(form.cleaned_data["attended_on"])},
            )
            return redirect(reverse("organisations:volunteer", args=[volunteer.pk]) + "#intervisie")
    return _detail_page(request, volunteer, intervision_form=form)


@require_POST
@_perms("organisations.view_mediatorprofile", "organisations.delete_intervisionattendance")
def intervision_remove(request, mediator_id, attendance_id):
    volunteer = _get_volunteer(request, mediator_id)
    attendance = get_object_or_404(IntervisionAttendance, pk=attendance_id, mediator=volunteer)
    services.intervision_remove(attendance=attendance, actor=request.user)
    messages.success(request, _("De intervisie van %(date)s is verwijderd.") % {"date": _date(attendance.attended_on)})
    return redirect(reverse("organisations:volunteer", args=[volunteer.pk]) + "#intervisie")


def _date(day) -> str:
    return date_format(day, "j F Y")
