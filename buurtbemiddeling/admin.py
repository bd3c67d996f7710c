from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AccessLog, MediationService, Municipality, Neighbourhood, PostcodeRange, User
from .signals import service_created


class ServiceScopedAdmin(admin.ModelAdmin):
    """Admins bound to one service see and edit only that service's rows.

    Installation-wide admins (no service) see everything. Subclasses name the path to the
    service with `service_field` when it is not a direct `service` foreign key.
    """

    service_field = "service"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.service_id:
            return queryset.filter(**{f"{self.service_field}_id": request.user.service_id})
        return queryset


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


class PostcodeRangeInline(admin.TabularInline):
    model = PostcodeRange
    extra = 0


@admin.register(MediationService)
class MediationServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "reference_prefix", "retention_months", "first_contact_target_days", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "email"]
    inlines = [MunicipalityInline, PostcodeRangeInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            # The apps built on tenancy set the new service up (cases: the standard reference lists).
            service_created.send(sender=MediationService, service=obj)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.service_id:
            return queryset.filter(pk=request.user.service_id)
        return queryset


@admin.register(Municipality)
class MunicipalityAdmin(ServiceScopedAdmin):
    list_display = ["name", "service"]
    list_filter = ["service"]
    search_fields = ["name"]


@admin.register(PostcodeRange)
class PostcodeRangeAdmin(ServiceScopedAdmin):
    list_display = ["__str__", "service", "municipality"]
    list_filter = ["service"]
    search_fields = ["start", "end"]


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(ServiceScopedAdmin):
    list_display = ["name", "service", "municipality", "is_active"]
    list_filter = ["service", "is_active"]
    search_fields = ["name"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "service", "partner_organisation", "is_active"]
    list_filter = ["is_active", "is_staff", "groups", "service"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["partner_organisation"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Organisatie"), {"fields": ["service", "partner_organisation", "phone"]}),
    ]
    add_fieldsets = [
        *DjangoUserAdmin.add_fieldsets,
        (_("Organisatie"), {"fields": ["email", "first_name", "last_name", "service", "partner_organisation"]}),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.service_id:
            return queryset.filter(service_id=request.user.service_id)
        return queryset

    def has_delete_permission(self, request, obj=None):
        # People are deactivated, never deleted: the audit trail keeps pointing at them.
        return False


@admin.register(AccessLog)
class AccessLogAdmin(admin.ModelAdmin):
    """The whole access log, filterable; read-only (the database refuses changes anyway)."""

    list_display = [
        "at",
        "username",
        "role",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "allowed",
        "client_address",
    ]
    list_filter = ["action", "allowed", "role", "object_type", "service"]
    search_fields = ["username", "object_id", "client_address"]
    date_hierarchy = "at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.service_id:
            return queryset.filter(service_id=request.user.service_id)
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
