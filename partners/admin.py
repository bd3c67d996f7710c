"""Admin for partners and the collaboration records.

Admin forms for records that name a case to a partner run the same disclosure rule as the
services (`partners.services._require_disclosure`), so the admin is no way around it.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from buurtbemiddeling.admin import ServiceScopedAdmin, ServiceScopedInline

from . import services
from .models import (
    Accompaniment,
    Consultation,
    DisclosureConsent,
    JointVisit,
    PreTrajectory,
    PreTrajectoryParticipation,
)


def _check_disclosure(form, *, case, organisation, party=None, field="organisation"):
    if case is None or organisation is None:
        return
    try:
        services._require_disclosure(case=case, organisation=organisation, party=party)
    except ValidationError as error:
        form.add_error(field if field in form.fields else None, error.error_dict["organisation"])


@admin.register(Consultation)
class ConsultationAdmin(ServiceScopedAdmin):
    list_display = ["held_on", "organisation", "professional_name", "topic", "coordinator", "service"]
    list_filter = ["service", "organisation__kind"]
    search_fields = ["organisation__name", "professional_name", "topic"]
    list_select_related = ["organisation", "coordinator", "service"]
    date_hierarchy = "held_on"
    autocomplete_fields = ["organisation"]


@admin.register(DisclosureConsent)
class DisclosureConsentAdmin(ServiceScopedAdmin):
    list_display = ["__str__", "party", "organisation", "given_on", "method", "withdrawn_on", "service"]
    list_filter = ["service", "method", ("withdrawn_on", admin.EmptyFieldListFilter)]
    search_fields = ["organisation__name", "party__case__reference"]
    list_select_related = ["party", "organisation", "service"]
    raw_id_fields = ["party"]
    autocomplete_fields = ["organisation"]


class PreTrajectoryAdminForm(forms.ModelForm):
    class Meta:
        model = PreTrajectory
        fields = [
            "service",
            "case",
            "party",
            "lead_organisation",
            "coordinator",
            "started_on",
            "review_on",
            "notes",
            "ended_on",
            "end_reason",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("ended_on") is None:
            _check_disclosure(
                self,
                case=cleaned.get("case"),
                organisation=cleaned.get("lead_organisation"),
                party=cleaned.get("party"),
                field="lead_organisation",
            )
        return cleaned


class ParticipationInlineForm(forms.ModelForm):
    class Meta:
        model = PreTrajectoryParticipation
        fields = ["trajectory", "organisation", "joined_on", "left_on"]

    def clean(self):
        cleaned = super().clean()
        trajectory = self.instance.trajectory if self.instance.trajectory_id else None
        if trajectory is not None and cleaned.get("left_on") is None:
            _check_disclosure(
                self, case=trajectory.case, organisation=cleaned.get("organisation"), party=trajectory.party
            )
        return cleaned


class ParticipationInline(ServiceScopedInline, admin.TabularInline):
    model = PreTrajectoryParticipation
    form = ParticipationInlineForm
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(PreTrajectory)
class PreTrajectoryAdmin(ServiceScopedAdmin):
    form = PreTrajectoryAdminForm
    list_display = ["case", "lead_organisation", "started_on", "review_on", "ended_on", "end_reason", "service"]
    list_filter = ["service", "end_reason", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["case__reference", "lead_organisation__name"]
    list_select_related = ["case", "lead_organisation", "service"]
    raw_id_fields = ["case", "party"]
    autocomplete_fields = ["lead_organisation"]
    inlines = [ParticipationInline]

    def get_readonly_fields(self, request, obj=None):
        # Once running, the review date moves only through partners/services.py (it moves the
        # case's standby date with it) and the end comes from the services too.
        return ["review_on", "ended_on", "end_reason"] if obj is not None else []


@admin.register(PreTrajectoryParticipation)
class PreTrajectoryParticipationAdmin(ServiceScopedAdmin):
    form = ParticipationInlineForm
    service_field = "trajectory__service"
    list_display = ["organisation", "trajectory", "joined_on", "left_on"]
    list_filter = ["trajectory__service", ("left_on", admin.EmptyFieldListFilter)]
    search_fields = ["organisation__name", "trajectory__case__reference"]
    list_select_related = ["organisation", "trajectory__case", "trajectory__lead_organisation"]
    raw_id_fields = ["trajectory"]
    autocomplete_fields = ["organisation"]


class AccompanimentAdminForm(forms.ModelForm):
    class Meta:
        model = Accompaniment
        fields = ["service", "party", "organisation", "care_worker_name", "started_on", "ended_on", "conversations"]

    def clean(self):
        cleaned = super().clean()
        party = cleaned.get("party")
        if party is not None and cleaned.get("ended_on") is None:
            _check_disclosure(self, case=party.case, organisation=cleaned.get("organisation"), party=party)
        return cleaned


@admin.register(Accompaniment)
class AccompanimentAdmin(ServiceScopedAdmin):
    form = AccompanimentAdminForm
    list_display = ["care_worker_name", "organisation", "party", "started_on", "ended_on", "service"]
    list_filter = ["service", ("ended_on", admin.EmptyFieldListFilter)]
    search_fields = ["care_worker_name", "organisation__name", "party__case__reference"]
    list_select_related = ["organisation", "party", "service"]
    raw_id_fields = ["party", "conversations"]
    autocomplete_fields = ["organisation"]


class JointVisitAdminForm(forms.ModelForm):
    class Meta:
        model = JointVisit
        fields = [
            "service",
            "case",
            "party",
            "organisation",
            "coordinator",
            "professional_name",
            "visited_on",
            "outcome",
            "notes",
        ]

    def clean(self):
        cleaned = super().clean()
        _check_disclosure(
            self, case=cleaned.get("case"), organisation=cleaned.get("organisation"), party=cleaned.get("party")
        )
        return cleaned


@admin.register(JointVisit)
class JointVisitAdmin(ServiceScopedAdmin):
    form = JointVisitAdminForm
    list_display = ["visited_on", "organisation", "professional_name", "outcome", "case", "coordinator", "service"]
    list_filter = ["service", "outcome"]
    search_fields = ["organisation__name", "professional_name", "case__reference"]
    list_select_related = ["organisation", "case", "coordinator", "service"]
    date_hierarchy = "visited_on"
    raw_id_fields = ["case", "party"]
    autocomplete_fields = ["organisation"]
