"""How partners reacts to case events (cases/events.py)."""

from django.dispatch import receiver

from cases import events
from cases.models import Party
from organisations.models import PartnerOrganisation

from . import services
from .constants import DisclosureMethod


@receiver(events.disclosure_requested, dispatch_uid="partners.record_disclosure_requests")
def record_disclosure_requests(sender, *, party_id: int, organisation_ids, given_on, **kwargs) -> None:
    """The resident's own request that organisations may know: one disclosure consent each.

    In the transaction of the report: a refusal (an organisation of another service, say)
    stores neither the consents nor the report.
    """
    party = Party.objects.select_related("case").get(pk=party_id)
    organisations = PartnerOrganisation.objects.filter(pk__in=organisation_ids, service_id=party.case.service_id)
    for organisation in organisations.order_by("name"):
        services.disclosure_consent_record(
            party=party, organisation=organisation, actor=None, given_on=given_on, method=DisclosureMethod.WEB_FORM
        )
