"""factory-boy factories for partners, shared by the tests and the demo seeder.

Collaboration records that link a case are made through partners/services.py in tests
(the disclosure rule lives there); these factories cover the rows without that rule.
"""

import datetime as dt

import factory
from django.utils import timezone

from buurtbemiddeling.factories import MediationServiceFactory

from .constants import JointVisitOutcome, OrganisationKind
from .models import Consultation, ContactPerson, JointVisit, PartnerOrganisation, WorkingAgreement


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


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    service = factory.LazyAttribute(lambda o: o.organisation.service)
    held_on = factory.LazyFunction(timezone.localdate)
    professional_name = factory.Faker("name", locale="nl_NL")
    topic = "Hoe bespreek ik buurtbemiddeling met een cliënt met geluidsoverlast?"


class JointVisitFactory(factory.django.DjangoModelFactory):
    """A joint visit without a case (one with a case goes through the service)."""

    class Meta:
        model = JointVisit

    organisation = factory.SubFactory(PartnerOrganisationFactory)
    service = factory.LazyAttribute(lambda o: o.organisation.service)
    visited_on = factory.LazyFunction(timezone.localdate)
    professional_name = factory.Faker("name", locale="nl_NL")
    outcome = JointVisitOutcome.AGREES

    class Params:
        declined = factory.Trait(outcome=JointVisitOutcome.DECLINES)
