"""Receivers of cases: cached reads kept in step with their records, a new service set up."""

from django.db.models.signals import post_delete, post_save

from buurtbemiddeling.models import MediationService, User
from buurtbemiddeling.signals import service_created

from .selectors import FILTER_LISTS
from .selectors import forget_filter_choices as forget_filter_choices_of


def forget_filter_choices(sender, instance, **kwargs):
    """A changed filter list: the service's cached choices go (selectors.forget_filter_choices)."""
    if set(kwargs.get("update_fields") or ()) == {"last_login"}:
        return  # a login changes no name on any list
    forget_filter_choices_of(instance.pk if sender is MediationService else instance.service_id)


def set_up_new_service(sender, service, **kwargs):
    """A new mediation service gets the standard reference lists (its admin edits them later)."""
    from .services import service_setup_reference_lists

    service_setup_reference_lists(service=service)


def connect():
    service_created.connect(set_up_new_service, dispatch_uid="cases.set_up_new_service")
    # User: the coordinator filter (a new coordinator, a name changed, someone left).
    for model in [*FILTER_LISTS.values(), MediationService, User]:
        post_save.connect(forget_filter_choices, sender=model, dispatch_uid=f"filter-choices-save-{model.__name__}")
        post_delete.connect(forget_filter_choices, sender=model, dispatch_uid=f"filter-choices-delete-{model.__name__}")
