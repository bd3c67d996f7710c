from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    ReadOnlyPasswordHashWidget,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .constants import Role
from .forms import ModelChoiceField, ModelMultipleChoiceField, ServiceLogoFormMixin
from .models import AccessLog, MediationService, Municipality, Neighbourhood, PostcodeRange, User
from .signals import service_created


@login_not_required
def admin_login(request):
    """Where the admin sends whoever may not use it: a clear answer, never the admin's own login.

    Not logged in: our login page (the admin's own would bypass what ours adds), back to the
    admin afterwards. Logged in without admin rights (a coordinator, say): back to their own
    start page with a word why, not a login form asking for the password they just gave.
    """
    if not request.user.is_authenticated:
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(reverse("login") + (f"?{query}" if query else ""))
    if admin.site.has_permission(request):
        return HttpResponseRedirect(reverse("admin:index"))
    messages.warning(request, _("Beheer is alleen voor beheerders van uw organisatie."))
    if request.user.role == Role.ADMIN:
        # Their start page is the admin (a superuser without the staff flag): no redirect loop.
        raise PermissionDenied
    return HttpResponseRedirect(reverse("home"))


class ReadOnlyInline:
    """Shown in the admin, changed only in the app: its services check what the admin cannot."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def service_path(model) -> str | None:
    """The lookup from a model to its mediation service, read from its foreign keys.

    The shortest chain of foreign keys that ends at `MediationService` ("service",
    "case__service", "organisation__service", ...); None for installation-wide models.
    """
    if model in _SERVICE_PATHS:
        return _SERVICE_PATHS[model]
    found = None
    frontier = [(model, "")]
    for _depth in range(3):
        following = []
        for current, prefix in frontier:
            for field in current._meta.get_fields():
                if not (field.many_to_one and field.concrete) or field.related_model is None:
                    continue
                path = f"{prefix}{field.name}"
                if field.related_model is MediationService:
                    found = path
                    break
                following.append((field.related_model, f"{path}__"))
            if found:
                break
        if found or not following:
            break
        frontier = following
    _SERVICE_PATHS[model] = found
    return found


_SERVICE_PATHS: dict = {}


def service_of(obj) -> int | None:
    """The id of the mediation service an object belongs to (None: installation-wide or unset)."""
    if isinstance(obj, MediationService):
        return obj.pk
    path = service_path(type(obj))
    if path is None:
        return None
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def scoped_choices(queryset, service_id: int):
    """The rows of `queryset` a person bound to this service may choose."""
    model = queryset.model
    if model is MediationService:
        return queryset.filter(pk=service_id)
    path = service_path(model)
    return queryset.filter(**{path: service_id}) if path else queryset


class KeysOnlyAutocomplete:
    """Django's autocomplete widget, looking up only values that can be a row's key.

    A form sent back with an error shows the sent choice again, and Django's widget hands it
    to the database as it is: "abc" or 99999999999999999999 made a server error (#22).
    """

    def optgroups(self, name, value, attr=None):
        model = self.field.remote_field.model
        key = model._meta.get_field(getattr(self.field.remote_field, "field_name", None) or model._meta.pk.name)
        groups = super().optgroups(name, [item for item in value if _is_key(key, item)], attr)
        if not self.allow_multiple_selected:
            # One empty choice first, with a text: Django's has none (an optional field) or is
            # missing (a required one), and either is invalid HTML. Select2 shows it as empty.
            options = groups[0][1]
            if options and options[0]["value"] == "":
                options.pop(0)
            options.insert(0, self.create_option(name, "", BLANK_CHOICE_DASH[0][1], not options, 0))
        return groups


def _is_key(field, value) -> bool:
    try:
        field.clean(value, None)
    except (ValidationError, TypeError, ValueError):
        return False
    return True


class KeysOnlyAutocompleteSelect(KeysOnlyAutocomplete, AutocompleteSelect):
    pass


class KeysOnlyAutocompleteSelectMultiple(KeysOnlyAutocomplete, AutocompleteSelectMultiple):
    pass


class ServiceScopedFields:
    """For admins bound to one service: every foreign-key and many-to-many choice is limited
    to that service, and nothing is saved that belongs to another one.

    For every admin: a choice that is no id at all, or one beyond what a database id can be,
    is refused at its field (the project's choice fields), never sent to the database.
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", ModelChoiceField)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and request.user.service_id and hasattr(field, "queryset"):
            field.queryset = scoped_choices(field.queryset, request.user.service_id)
            if db_field.related_model is MediationService:
                # Their own service is the only choice: chosen already on a new row.
                field.initial = request.user.service_id
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlyAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and request.user.service_id and hasattr(field, "queryset"):
            field.queryset = scoped_choices(field.queryset, request.user.service_id)
        return field


class LabelledRows:
    """Formset mixin: each field of a table row is named for screen readers.

    A tabular inline or an editable list shows a field's label only as its column heading,
    so its inputs have no label of their own: a screen reader announces "edit text" for
    every cell. Each gets the column's label and its row ("Volgorde (Burenruzie)").
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row = str(form.instance) if form.instance.pk is not None else _("nieuwe rij")
        for field in form.fields.values():
            widget = field.widget
            while hasattr(widget, "widget"):  # the admin's wrapper with its add/change links
                widget = widget.widget
            if not widget.is_hidden and field.label:
                # A new dict: the admin's wrapper shares its attrs with the form class's widget.
                widget.attrs = {**widget.attrs, "aria-label": f"{field.label} ({row})"}


class LabelledInlineFormSet(LabelledRows, BaseInlineFormSet):
    pass


class LabelledModelFormSet(LabelledRows, BaseModelFormSet):
    pass


def require_own_service(request, obj) -> None:
    """Refuse (403, nothing stored) an object of another service from a service-bound admin."""
    service_id = request.user.service_id
    if service_id and service_of(obj) not in (None, service_id):
        raise PermissionDenied


class ServiceScopedAdmin(ServiceScopedFields, admin.ModelAdmin):
    """Admins bound to one service see and edit only that service's rows.

    Installation-wide admins (no service) see everything. Subclasses name the path to the
    service with `service_field` when it is not a direct `service` foreign key. Choices in
    forms are limited to the service and a save that names another service is refused
    (`ServiceScopedFields`, `require_own_service`).
    """

    service_field = "service"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.service_id:
            return queryset.filter(**{f"{self.service_field}_id": request.user.service_id})
        return queryset

    def get_changelist_formset(self, request, **kwargs):
        # list_editable: the list's inputs are named after their column and row.
        kwargs.setdefault("formset", LabelledModelFormSet)
        return super().get_changelist_formset(request, **kwargs)

    def save_model(self, request, obj, form, change):
        require_own_service(request, obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if inline_form.has_changed() and inline_form.instance is not None:
                require_own_service(request, inline_form.instance)
        super().save_formset(request, form, formset, change)


class ReferenceItemAdmin(ServiceScopedAdmin):
    """A service's reference list (models.ReferenceItem): ordered and switched off in the list."""

    list_display = ["name", "name_en", "service", "position", "is_active"]
    list_filter = ["service", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name"]


class ServiceScopedInline(ServiceScopedFields):
    """Mix into an inline: its choices are limited to the admin's service as well.

    Its rows' inputs are named after their column and row (`LabelledRows`).
    """

    formset = LabelledInlineFormSet


class MunicipalityInline(ServiceScopedInline, admin.TabularInline):
    model = Municipality
    extra = 0


class PostcodeRangeInline(ServiceScopedInline, admin.TabularInline):
    model = PostcodeRange
    extra = 0


class MediationServiceForm(ServiceLogoFormMixin, forms.ModelForm):
    class Meta:
        model = MediationService
        fields = ["name"]  # the admin's fieldsets name the fields it shows


@admin.register(MediationService)
class MediationServiceAdmin(admin.ModelAdmin):
    form = MediationServiceForm
    list_display = ["name", "reference_prefix", "retention_months", "first_contact_target_days", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "email"]
    inlines = [MunicipalityInline, PostcodeRangeInline]
    fieldsets = [
        (None, {"fields": ["name", "reference_prefix", "is_active"]}),
        (_("Contact en huisstijl"), {"fields": ["email", "phone", "website", "logo_file", "remove_logo"]}),
        (_("Verklaringen"), {"fields": ["privacy_statement", "accessibility_statement"]}),
        (
            _("Termijnen"),
            {
                "fields": [
                    "retention_months",
                    "first_contact_target_days",
                    "follow_up_weeks",
                    "mediator_access_days",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # A new mediation service is set up by an installation-wide admin.
        return not request.user.service_id and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        require_own_service(request, obj)
        super().save_model(request, obj, form, change)
        form.save_logo(obj)
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


class PasswordSummaryWidget(ReadOnlyPasswordHashWidget):
    """Django's read-only password summary without `disabled`, which its <div> may not have."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].pop("disabled", None)
        return context


class PersonChangeForm(UserChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordSummaryWidget()


class PersonPasswordForm(AdminPasswordChangeForm):
    # Django's page puts this help text in a <p>, where its warning list (<ul>) is invalid
    # HTML; the same warning as phrasing content, hidden the same way (class messagelist).
    usable_password_help_text = format_lazy(
        '{} <strong class="messagelist">{}</strong>',
        SetUnusablePasswordMixin.usable_password_help_text,
        _("Staat dit uit, dan gaat het huidige wachtwoord van deze gebruiker verloren."),
    )


# What only an installation-wide admin may change on a person.
PRIVILEGE_FIELDS = ["is_superuser", "is_staff", "user_permissions", "service", "last_login", "date_joined"]


def grantable_groups(request):
    """The role groups a person may hand out: only those whose permissions they hold themselves."""
    from django.contrib.auth.models import Group

    held = request.user.get_all_permissions()
    return [
        group.pk
        for group in Group.objects.prefetch_related("permissions__content_type")
        if {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} <= held
    ]


@admin.register(User)
class UserAdmin(ServiceScopedFields, DjangoUserAdmin):
    form = PersonChangeForm
    change_password_form = PersonPasswordForm
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

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if request.user.service_id or not request.user.is_superuser:
            readonly += [name for name in PRIVILEGE_FIELDS if name not in readonly]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser and "groups" in form.base_fields:
            # Hand out only what one holds; a group the person has already may be taken away.
            allowed = set(grantable_groups(request))
            if obj is not None:
                allowed |= set(obj.groups.values_list("pk", flat=True))
            form.base_fields["groups"].queryset = form.base_fields["groups"].queryset.filter(pk__in=allowed)
        return form

    def save_model(self, request, obj, form, change):
        if request.user.service_id:
            # A service-bound admin's people belong to that service, whatever the form said.
            obj.service_id = request.user.service_id
            if obj.partner_organisation_id and service_of(obj.partner_organisation) != request.user.service_id:
                raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        before = set(form.instance.groups.values_list("pk", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            added = set(form.instance.groups.values_list("pk", flat=True)) - before
            if not added <= set(grantable_groups(request)):
                raise PermissionDenied

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


# --- Background tasks (buurtbemiddeling/background.py) ------------------------------------

from django_tasks_db.admin import DBTaskResultAdmin  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from . import background  # noqa: E402


class AttentionFilter(admin.SimpleListFilter):
    title = _("aandacht")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("gave_up", _("Opgegeven: wacht op een beheerder")),
            ("waiting", _("Wacht op de worker")),
            ("retrying", _("Mislukte poging, volgende staat klaar")),
        ]

    def queryset(self, request, queryset):
        path = f"{background.__name__}.%s"
        if self.value() == "gave_up":
            return queryset.filter(status="FAILED", exception_class_path=path % "GaveUp")
        if self.value() == "waiting":
            return queryset.filter(status="READY")
        if self.value() == "retrying":
            return queryset.filter(status="FAILED", exception_class_path=path % "RetryScheduled")
        return queryset


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
    """Background tasks of the whole installation: for installation admins only.

    Rows hold ids and the kind of failure, never personal data. A task that gave up is
    retried here once its cause (the mail server, its password) is fixed.
    """

    list_filter = (AttentionFilter, "status", "queue_name")
    actions = ["retry_tasks"]

    @staticmethod
    def _installation_admin(request) -> bool:
        user = request.user
        return user.is_superuser or (user.is_staff and not user.service_id and user.role == Role.ADMIN)

    def has_module_permission(self, request):
        return self._installation_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._installation_admin(request)

    def changelist_view(self, request, extra_context=None):
        if request.method == "GET":
            health = background.queue_health()
            self.message_user(
                request,
                _(
                    "Wachtrij: %(waiting)d taak/taken wachten (de oudste %(oldest)d s), "
                    "%(gave_up)d opgegeven en wachtend op een beheerder."
                )
                % {
                    "waiting": health["waiting"],
                    "oldest": health["oldest_waiting_seconds"],
                    "gave_up": health["gave_up"],
                },
                messages.WARNING if health["gave_up"] else messages.INFO,
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Opnieuw proberen (opgegeven taken)"))
    def retry_tasks(self, request, queryset):
        count = background.retry_failed(list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            _("%(count)d taak/taken opnieuw in de wachtrij gezet.") % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
