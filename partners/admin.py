from django.contrib import admin

from buurtbemiddeling.admin import ServiceScopedAdmin

from .models import PartnerOrganisation


@admin.register(PartnerOrganisation)
class PartnerOrganisationAdmin(ServiceScopedAdmin):
    list_display = ["name", "kind", "service", "is_active"]
    list_filter = ["kind", "is_active", "service"]
    search_fields = ["name", "email"]
