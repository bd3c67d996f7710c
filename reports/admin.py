"""Admin for the national code list and the services' mappings onto it."""

from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from buurtbemiddeling.admin import ServiceScopedAdmin

from .letters import fields_help
from .models import LetterTemplate, NationalCategory, NationalCategoryMapping


@admin.register(NationalCategory)
class NationalCategoryAdmin(admin.ModelAdmin):
    """The national code list is shared by every service: only installation-wide admins edit it."""

    list_display = ["code", "label", "dimension", "position", "is_active"]
    list_filter = ["dimension", "is_active"]
    search_fields = ["code", "label"]

    def _installation_wide(self, request) -> bool:
        return not request.user.service_id

    def has_add_permission(self, request):
        return self._installation_wide(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._installation_wide(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._installation_wide(request) and super().has_delete_permission(request, obj)


@admin.register(NationalCategoryMapping)
class NationalCategoryMappingAdmin(ServiceScopedAdmin):
    """Per service: which of its own categories counts as which national code."""

    list_display = ["__str__", "service", "national_category"]
    list_filter = ["service", "national_category__dimension"]
    search_fields = ["national_category__code", "national_category__label", "conflict_type__name", "outcome__name"]
    list_select_related = ["service", "national_category", "conflict_type", "outcome"]
    fields = ["service", "national_category", "conflict_type", "outcome", "referrer_kind", "channel"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # An admin bound to one service chooses only from that service's lists.
        service_id = request.user.service_id
        if service_id and db_field.name == "service":
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(pk=service_id)
        elif service_id and db_field.name in ("conflict_type", "outcome"):
            kwargs["queryset"] = db_field.remote_field.model.objects.filter(service_id=service_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ServiceScopedAdmin):
    """A service's letters: the admin writes them, coordinators make them for a party of a case."""

    list_display = ["name", "kind", "service", "is_active"]
    list_filter = ["kind", "is_active", "service"]
    search_fields = ["name", "subject"]
    list_select_related = ["service"]
    fields = ["service", "kind", "name", "subject", "body", "is_active"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "body" and field is not None:
            # The merge fields beside the text: the one list reports/letters.py fills in.
            field.help_text = format_lazy("{} {}: {}", db_field.help_text, _("Invulvelden"), fields_help())
            field.widget.attrs.setdefault("rows", 18)
        return field
