"""Admin for partner organisations (contact persons, working agreements) and volunteer mediators."""

from django.contrib import admin

from buurtbemiddeling.admin import ServiceScopedAdmin, ServiceScopedInline

from .models import ContactPerson, IntervisionAttendance, MediatorProfile, PartnerOrganisation, WorkingAgreement


class ContactPersonInline(ServiceScopedInline, admin.TabularInline):
    model = ContactPerson
    extra = 0


class WorkingAgreementInline(ServiceScopedInline, admin.TabularInline):
    model = WorkingAgreement
    extra = 0


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ServiceScopedAdmin):
    list_display = ["name", "kind", "service", "is_active"]
    list_filter = ["kind", "is_active", "service"]
    search_fields = ["name", "email"]
    inlines = [ContactPersonInline, WorkingAgreementInline]


@admin.register(ContactPerson)
class ContactPersonAdmin(ServiceScopedAdmin):
    service_field = "organisation__service"
    list_display = ["name", "role", "organisation", "phone", "email", "is_active"]
    list_filter = ["is_active", "organisation__kind", "organisation__service"]
    search_fields = ["name", "role", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(WorkingAgreement)
class WorkingAgreementAdmin(ServiceScopedAdmin):
    service_field = "organisation__service"
    list_display = ["__str__", "organisation", "starts_on", "review_on"]
    list_filter = ["organisation__service", "organisation__kind"]
    search_fields = ["description", "organisation__name"]
    list_select_related = ["organisation"]
    date_hierarchy = "review_on"
    autocomplete_fields = ["organisation"]


class IntervisionInline(ServiceScopedInline, admin.TabularInline):
    model = IntervisionAttendance
    extra = 0


@admin.register(MediatorProfile)
class MediatorProfileAdmin(ServiceScopedAdmin):
    list_display = ["name", "service", "is_active", "max_cases", "trained_on"]
    list_filter = ["service", "is_active"]
    search_fields = ["name", "email"]
    filter_horizontal = ["neighbourhoods"]
    autocomplete_fields = ["user"]
    inlines = [IntervisionInline]
