"""factory-boy factories for partners, shared by the tests and the demo seeder.

Collaboration records that link a case are made through partners/services.py in tests
(the disclosure rule lives there); these factories cover the rows without that rule.
"""

import factory
from django.utils import timezone

from organisations.factories import PartnerOrganisationFactory

from .constants import JointVisitOutcome
from .models import Consultation, JointVisit


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
