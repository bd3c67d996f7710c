"""Reads for partner pages and the case page's collaboration panel.

Lists go through the `visible_to` gateways; figures are database aggregates, so a page
costs the same number of queries however many rows there are.
"""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from buurtbemiddeling.models import User
from cases.models import Case
from organisations.models import ContactPerson, PartnerOrganisation, WorkingAgreement

from .models import (
    Accompaniment,
    Consultation,
    DisclosureConsent,
    JointVisit,
    PreTrajectory,
    PreTrajectoryParticipation,
)

RECENT_LIMIT = 20


def _count(queryset: QuerySet[Any], field: str) -> Coalesce:
    """A correlated COUNT(*) subquery over `queryset` grouped by `field` (0 when none)."""
    counted = queryset.order_by().values(field).annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def partner_list_for_user(user: User | AnonymousUser) -> QuerySet[PartnerOrganisation]:
    """Partner organisations the user may see, each with its counts, in one query."""
    return (
        PartnerOrganisation.objects.visible_to(user)
        .annotate(
            contact_count=_count(
                ContactPerson.objects.filter(organisation=OuterRef("pk"), is_active=True), "organisation"
            ),
            referred_case_count=_count(
                Case.objects.filter(referrer_organisation=OuterRef("pk")), "referrer_organisation"
            ),
            running_trajectory_count=_count(
                PreTrajectoryParticipation.objects.filter(
                    organisation=OuterRef("pk"), left_on__isnull=True, trajectory__ended_on__isnull=True
                ),
                "organisation",
            ),
            running_accompaniment_count=_count(
                Accompaniment.objects.filter(organisation=OuterRef("pk"), ended_on__isnull=True), "organisation"
            ),
        )
        .order_by("-is_active", "name")
    )


def partner_get_for_user(user: User | AnonymousUser, *, pk: int) -> PartnerOrganisation:
    """One partner organisation, or PartnerOrganisation.DoesNotExist (a 404)."""
    return PartnerOrganisation.objects.visible_to(user).get(pk=pk)


def partner_detail_for_user(user: User | AnonymousUser, partner: PartnerOrganisation) -> dict:
    """Everything the partner page shows, each list through its gateway."""
    consultations = Consultation.objects.visible_to(user).filter(organisation=partner)
    joint_visits = JointVisit.objects.visible_to(user).filter(organisation=partner)
    trajectories = PreTrajectory.objects.visible_to(user).filter(participations__organisation=partner).distinct()
    accompaniments = Accompaniment.objects.visible_to(user).filter(organisation=partner)
    return {
        "contact_persons": list(ContactPerson.objects.visible_to(user).filter(organisation=partner)),
        "working_agreements": list(WorkingAgreement.objects.visible_to(user).filter(organisation=partner)),
        "consultations": list(consultations.select_related("coordinator")[:RECENT_LIMIT]),
        "consultation_count": consultations.count(),
        "joint_visits": list(joint_visits.select_related("coordinator", "case")[:RECENT_LIMIT]),
        "joint_visit_count": joint_visits.count(),
        "trajectories": list(
            trajectories.select_related("case", "lead_organisation").order_by("ended_on", "-started_on", "-id")[
                :RECENT_LIMIT
            ]
        ),
        "trajectory_count": trajectories.count(),
        "accompaniments": list(
            accompaniments.select_related("party__case").order_by("ended_on", "-started_on", "-id")[:RECENT_LIMIT]
        ),
        "accompaniment_count": accompaniments.count(),
    }


def organisations_for_linking(case: Case) -> list[PartnerOrganisation]:
    """Active partner organisations of the case's service (choices on the case page)."""
    return list(PartnerOrganisation.objects.filter(service_id=case.service_id, is_active=True).order_by("name"))


def collaborations_for_case(case: Case) -> dict:
    """The case page's collaboration panel: consents, pre-trajectories, accompaniments, visits.

    The caller already fetched the case through `Case.objects.visible_to`. Constant queries.
    """
    consents = list(
        DisclosureConsent.objects.filter(party__case=case)
        .select_related("party", "organisation", "recorded_by", "withdrawn_by")
        .order_by("withdrawn_on", "given_on", "id")
    )
    trajectories = list(
        PreTrajectory.objects.filter(case=case)
        .select_related("lead_organisation", "coordinator", "party")
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=PreTrajectoryParticipation.objects.select_related("organisation").order_by(
                    "left_on", "joined_on", "id"
                ),
            )
        )
        .order_by("ended_on", "-started_on", "-id")
    )
    active = [t for t in trajectories if t.ended_on is None]
    accompaniments = list(
        Accompaniment.objects.filter(party__case=case)
        .select_related("party", "organisation")
        .prefetch_related("conversations")
        .order_by("ended_on", "started_on", "id")
    )
    for accompaniment in accompaniments:
        accompaniment.conversation_ids = {c.pk for c in accompaniment.conversations.all()}
    return {
        "is_self_report": case.is_self_report,
        "consents": consents,
        "active_consent_count": sum(1 for c in consents if c.withdrawn_on is None),
        "trajectory": active[0] if active else None,
        "past_trajectories": [t for t in trajectories if t.ended_on is not None],
        "accompaniments": accompaniments,
        "joint_visits": list(
            JointVisit.objects.filter(case=case).select_related("organisation", "coordinator", "party")
        ),
        "conversations": list(case.conversations.order_by("held_on", "id").only("id", "kind", "held_on", "case_id")),
    }
