"""factory-boy factories for organisations, shared by the tests and the demo seeder."""

import datetime as dt
import random

import factory
from django.utils import timezone

from buurtbemiddeling.factories import MediationServiceFactory

from .constants import OrganisationKind
from .models import ContactPerson, MediatorProfile, PartnerOrganisation, WorkingAgreement


def dutch_phone() -> str:
    return "06" + "".join(random.choices("0123456789", k=8))  # noqa: S311 (fake data)


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation
        django_get_or_create = ("service", "name")

    service = factory.SubFactory(MediationServiceFactory)
    name = factory.Sequence(lambda n: f"Partner {n}")
    kind = OrganisationKind.HOUSING_CORPORATION

    class Params:
        inactive = factory.Trait(is_active=False)


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    name = factory.Faker("name", locale="nl_NL")
    role = factory.Faker("job", locale="nl_NL")
    phone = factory.Sequence(lambda n: f"088{n:07d}")
    email = factory.Sequence(lambda n: f"contact{n}@partner.example")


class WorkingAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingAgreement

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    description = "Verwijzingen lopen via het vaste formulier; terugkoppeling alleen op hoofdlijnen."
    starts_on = factory.LazyFunction(timezone.localdate)
    review_on = factory.LazyAttribute(lambda o: o.starts_on + dt.timedelta(days=365))


class MediatorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediatorProfile

    service = factory.SubFactory(MediationServiceFactory)
    name = factory.Faker("name", locale="nl_NL")
    phone = factory.LazyFunction(dutch_phone)
    street = factory.Faker("street_name", locale="nl_NL")
    postcode = "9999 ZZ"
    languages = "Nederlands"
    max_cases = 3
