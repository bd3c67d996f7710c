from django.contrib import admin

from buurtbemiddeling.admin import ReadOnlyInline, ReferenceItemAdmin, ServiceScopedAdmin

from .models import (
    Agreement,
    Assignment,
    Case,
    CaseEvent,
    ConflictType,
    Conversation,
    MediatorAcquaintance,
    Outcome,
    Party,
    UnsuitabilityReason,
)


class PartyInline(ReadOnlyInline, admin.StackedInline):
    model = Party


class AssignmentInline(ReadOnlyInline, admin.TabularInline):
    model = Assignment


class CaseEventInline(ReadOnlyInline, admin.TabularInline):
    """The timeline is append-only: shown, never edited here."""

    model = CaseEvent
    readonly_fields = ["created_at", "kind", "actor", "from_status", "to_status", "reason"]


@admin.register(Case)
class CaseAdmin(ServiceScopedAdmin):
    list_display = ["reference", "service", "status", "channel", "reported_on", "neighbourhood", "is_urgent"]
    list_filter = ["status", "channel", "service", "is_complex", "is_urgent"]
    search_fields = ["reference"]
    date_hierarchy = "reported_on"
    list_select_related = ["service", "neighbourhood"]
    # Status and its milestones change only through the workflow (cases/services.py).
    readonly_fields = [
        "reference",
        "status",
        "first_contact_at",
        "suitability_decided_at",
        "is_suitable",
        "unsuitability_reason",
        "outcome",
        "closed_at",
        "standby_review_on",
        "created_by",
    ]
    autocomplete_fields = ["neighbourhood", "referrer_organisation", "coordinator"]
    filter_horizontal = ["conflict_types"]
    inlines = [PartyInline, AssignmentInline, CaseEventInline]

    def has_add_permission(self, request):
        # New cases are registered in the app, so they get a reference and a timeline.
        return False


@admin.register(ConflictType)
class ConflictTypeAdmin(ReferenceItemAdmin):
    pass


@admin.register(UnsuitabilityReason)
class UnsuitabilityReasonAdmin(ReferenceItemAdmin):
    pass


@admin.register(Outcome)
class OutcomeAdmin(ReferenceItemAdmin):
    list_display = ["name", "service", "category", "counts_as_resolved", "requires_conversation", "is_active"]
    list_editable = []
    list_filter = ["service", "category", "counts_as_resolved", "is_active"]


@admin.register(MediatorAcquaintance)
class MediatorAcquaintanceAdmin(ServiceScopedAdmin):
    service_field = "mediator__service"
    list_display = ["mediator", "party", "note"]
    search_fields = ["mediator__name"]
    raw_id_fields = ["party"]


@admin.register(Party)
class PartyAdmin(ServiceScopedAdmin):
    service_field = "case__service"
    list_display = ["__str__", "case", "side", "participation"]
    list_filter = ["side", "participation", "tenure"]
    search_fields = ["name", "street", "postcode", "case__reference"]
    raw_id_fields = ["case"]
    list_select_related = ["case"]


@admin.register(Conversation)
class ConversationAdmin(ServiceScopedAdmin):
    service_field = "case__service"
    list_display = ["__str__", "case", "kind", "held_on"]
    list_filter = ["kind"]
    search_fields = ["case__reference"]
    raw_id_fields = ["case"]
    filter_horizontal = ["mediators"]
    list_select_related = ["case"]


@admin.register(Agreement)
class AgreementAdmin(ServiceScopedAdmin):
    service_field = "case__service"
    list_display = ["__str__", "case", "review_on", "kept", "kept_judged_on"]
    list_filter = ["kept"]
    search_fields = ["case__reference"]
    raw_id_fields = ["case", "conversation"]
    list_select_related = ["case"]
