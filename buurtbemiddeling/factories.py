"""factory-boy factories for the core models, shared by the tests and the demo seeder."""

import factory
from django.contrib.auth.models import Group

from .constants import ROLE_GROUP_NAMES, Role
from .models import MediationService, Municipality, Neighbourhood, PostcodeRange, User
from .roles import ensure_role_groups

DEMO_PASSWORD = "buurt-demo-2026!"  # noqa: S105  (development and tests only)


class MediationServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediationService
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Buurtbemiddeling Teststad {n}")
    reference_prefix = "BB"
    email = factory.Sequence(lambda n: f"info{n}@buurtbemiddeling.example")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    service = factory.SubFactory(MediationServiceFactory)
    name = factory.Sequence(lambda n: f"Gemeente {n}")


class PostcodeRangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostcodeRange

    service = factory.SubFactory(MediationServiceFactory)
    start = factory.Sequence(lambda n: 1000 + (n * 20) % 8900)
    end = factory.LazyAttribute(lambda o: o.start + 9)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    service = factory.SubFactory(MediationServiceFactory)
    name = factory.Sequence(lambda n: f"Wijk {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user; pass `role=Role.X` to put them in that role's group."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    service = factory.SubFactory(MediationServiceFactory)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or DEMO_PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if not create or not extracted:
            return
        name = ROLE_GROUP_NAMES[Role(extracted)]
        if not Group.objects.filter(name=name).exists():
            ensure_role_groups()
        self.groups.add(Group.objects.get(name=name))
        if extracted == Role.ADMIN and not self.is_staff:
            self.is_staff = True
            self.save(update_fields=["is_staff"])
