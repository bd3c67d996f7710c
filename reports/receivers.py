"""What reports does when a lower floor says something happened.

- A new service gets the standard letters.
- A saved or deleted row that the figures read (reports/figures.py) changes its service's
  data generation when the transaction commits, so the figures kept for the page and the
  exports (reports/snapshots.py) are computed afresh. The bulk writes that send no model
  signal call ``generations.changed`` themselves (cases/services.py).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from buurtbemiddeling import generations
from buurtbemiddeling.models import Municipality, Neighbourhood
from buurtbemiddeling.signals import service_created
from cases.models import (
    Agreement,
    Assignment,
    Case,
    CaseEvent,
    ConflictType,
    Conversation,
    Outcome,
    Party,
    UnsuitabilityReason,
)
from organisations.models import MediatorProfile, PartnerOrganisation
from partners.models import Accompaniment, Consultation, JointVisit, PreTrajectory


def set_up_letters(sender, service, **kwargs):
    from .services import letter_templates_set_up

    letter_templates_set_up(service=service)


service_created.connect(set_up_letters, dispatch_uid="reports.set_up_letters")


# Every model figures.py reads. With their own service: the service's rows and reference
# lists. Through their case: the parties (tenure), the timeline (reopened), assignments.
FIGURES_READ_WITH_SERVICE = [
    Case,
    Conversation,
    Agreement,
    ConflictType,
    Outcome,
    UnsuitabilityReason,
    Municipality,
    Neighbourhood,
    MediatorProfile,
    PartnerOrganisation,  # the referrer's kind
    Consultation,
    PreTrajectory,
    Accompaniment,
    JointVisit,
]
FIGURES_READ_THROUGH_CASE = [Party, CaseEvent, Assignment]


def _case_service_id(instance) -> int | None:
    """The service of the row's case, without a query when the service already holds the case."""
    descriptor = type(instance).case
    if descriptor.is_cached(instance) and instance.case is not None:
        return instance.case.service_id
    # Gone already when the case itself is being deleted; its own signal changes the generation.
    return Case.objects.filter(pk=instance.case_id).values_list("service_id", flat=True).first()


def figures_rows_changed(sender, instance, **kwargs):
    generations.changed(instance.service_id)


def figures_rows_of_case_changed(sender, instance, **kwargs):
    generations.changed(_case_service_id(instance))


def case_conflict_types_changed(sender, instance, action, **kwargs):
    # The instance is the case or, from the other side, the conflict type: both have a service.
    if action in ("post_add", "post_remove", "post_clear"):
        generations.changed(instance.service_id)


for senders, receiver in (
    (FIGURES_READ_WITH_SERVICE, figures_rows_changed),
    (FIGURES_READ_THROUGH_CASE, figures_rows_of_case_changed),
):
    for model in senders:
        post_save.connect(receiver, sender=model, dispatch_uid=f"figures-save-{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"figures-delete-{model.__name__}")
m2m_changed.connect(
    case_conflict_types_changed, sender=Case.conflict_types.through, dispatch_uid="figures-case-conflict-types"
)
