from django.contrib import admin

from buurtbemiddeling.admin import ServiceScopedAdmin

from .models import Referral


@admin.register(Referral)
class ReferralAdmin(ServiceScopedAdmin):
    list_display = ["__str__", "organisation", "referrer", "created_at", "withdrawn_at"]
    list_filter = ["service", "organisation__kind"]
    search_fields = ["own_reference"]
    readonly_fields = ["case", "referrer", "organisation", "withdrawn_at"]
    list_select_related = ["organisation", "referrer"]
