import factory

from buurtbemiddeling.factories import MediationServiceFactory

from .constants import OrganisationKind
from .models import PartnerOrganisation


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ("service", "name")

    service = factory.SubFactory(MediationServiceFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = OrganisationKind.HOUSING_CORPORATION
